"""The judge on tiny data: a few steps, checking what is saved and read back."""
import contextlib
import io
import tempfile
import unittest
from pathlib import Path

import torch

from training.classifier import load_classifier, main
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

    def test_GIVEN_64px_judge_THEN_no_stem_as_before(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "judge"
            make_dataset(data)
            with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                main(["--data", str(data), "--heldout", str(data), "--out", str(out), "--epochs", "1", "--batch", "8",
                      "--threads", "1", "--width", "8"])
            model, ckpt = load_classifier(out / "classifier.pt")
            self.assertEqual(ckpt["stem"], 0)
            self.assertEqual(model.body[0].in_channels, 3)
            self.assertEqual(model.body[0].stride, (1, 1))


if __name__ == "__main__":
    unittest.main()
