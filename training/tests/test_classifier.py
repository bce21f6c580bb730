"""The judge on tiny data: a few steps, checking what is saved and read back."""
import contextlib
import io
import tempfile
import unittest
from pathlib import Path

import torch

from training.classifier import balancing_weights, load_classifier, main, per_tag_accuracy
from training.tests.test_trainer import make_dataset


class ClassifierTests(unittest.TestCase):
    def test_GIVEN_128px_judge_THEN_it_has_a_stride2_stem_and_reloads_identically(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "judge"
            make_dataset(data, size=128)
            with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                main(["--data", str(data), "--heldout", str(data), "--out", str(out), "--size", "128",
                      "--epochs", "2", "--batch", "8", "--threads", "1", "--width", "8"])
            model, ckpt = load_classifier(out / "classifier.pt")
            self.assertEqual((ckpt["size"], ckpt["stem"]), (128, 16))
            first = model.body[0]
            self.assertEqual((first.in_channels, first.out_channels, first.stride), (3, 16, (2, 2)))
            x = torch.rand(2, 3, 128, 128) * 2 - 1
            self.assertEqual(tuple(model.features(x).shape), (2, 64))
            again, _ = load_classifier(out / "classifier.pt")
            self.assertTrue(torch.equal(model(x), again(x)))

    def test_GIVEN_64px_judge_trained_balanced_THEN_no_stem_as_before_and_its_report_says_so(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "judge"
            make_dataset(data)
            with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                main(["--data", str(data), "--heldout", str(data), "--out", str(out), "--epochs", "1", "--batch", "8",
                      "--threads", "1", "--width", "8", "--balanced"])
            model, ckpt = load_classifier(out / "classifier.pt")
            self.assertTrue(ckpt["report"]["balanced"])
            self.assertEqual(set(ckpt["report"]["per_tag_balanced"]), set(ckpt["report"]["per_tag"]))
            self.assertEqual(ckpt["stem"], 0)
            self.assertEqual(model.body[0].in_channels, 3)
            self.assertEqual(model.body[0].stride, (1, 1))

    def test_GIVEN_a_rare_tag_THEN_its_positives_weigh_as_its_negatives(self):
        tags = torch.tensor([[1, 1, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]], dtype=torch.float32)
        # 1 in 4 faces: 3 negatives for each positive; on every face or none: no weighting.
        self.assertEqual(balancing_weights(tags).tolist(), [1.0, 3.0, 1.0])

    def test_GIVEN_a_judge_that_misses_a_rare_tag_THEN_balanced_accuracy_shows_it(self):
        class Says(torch.nn.Module):
            def forward(self, x):  # tag 0 always said, tag 1 never
                return torch.tensor([[5.0, -5.0]]).expand(len(x), 2)

        class Data:
            vocab = [{"name": "a"}, {"name": "b"}]
            tags = torch.tensor([[1, 1], [1, 0], [1, 0], [1, 0]], dtype=torch.float32)

            def __len__(self):
                return 4

            def batch(self, idx):
                return torch.zeros(len(idx), 3, 4, 4), self.tags[idx]

        acc, balanced = per_tag_accuracy(Says(), Data())
        self.assertEqual(acc.tolist(), [1.0, 0.75])  # plain accuracy: the rare tag's miss hides
        self.assertEqual(balanced.tolist(), [1.0, 0.5])  # half its classes: chance


if __name__ == "__main__":
    unittest.main()
