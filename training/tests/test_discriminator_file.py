"""A model folder can carry the discriminator its generator was trained against (export
--discriminator), and a fine-tune starts its D from it (train --init-d-from MODEL)."""
import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

import torch

from training.dataset import DataError
from training.export import main as export_main
from training.tests.test_trainer import make_dataset, tiny_config
from training.train import train


def export(*argv):
    with contextlib.redirect_stdout(io.StringIO()):
        export_main([str(a) for a in argv])


class DiscriminatorFileTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        self.root, self.data, self.run = root, root / "data", root / "run"
        make_dataset(self.data)
        train(tiny_config(self.data, self.run), progress=False)

    def tearDown(self):
        self.tmp.cleanup()

    def run_d(self):
        return torch.load(self.run / "ckpt.pt", map_location="cpu")["D"]

    def test_GIVEN_a_model_exported_with_its_D_WHEN_fine_tuned_from_it_THEN_D_starts_as_the_run_left_it(self):
        model = self.root / "model"
        export(self.run, model, "--id", "tiny", "--discriminator")
        card = json.loads((model / "card.json").read_text())
        entry = card["discriminator"]
        self.assertEqual(entry["file"], "discriminator.pt")
        self.assertEqual(entry["steps"], torch.load(self.run / "ckpt.pt", map_location="cpu")["step"])
        self.assertNotIn("discriminator.pt", [f["name"] for f in card["files"]])  # not served, not checked by the bot
        fine = self.root / "fine"
        train(tiny_config(self.data, fine, init_from=str(model), init_d_from=str(model), seed=2, lr_d=0.0), progress=False)
        before, after = self.run_d(), torch.load(fine / "ckpt.pt", map_location="cpu")["D"]
        for k in before:
            if not k.endswith(("_u", "_v")):  # spectral norm's power iteration moves on
                self.assertTrue(torch.equal(before[k].half().float(), after[k]), k)
        # exported again from the model folder, the discriminator comes along unchanged
        again = self.root / "again"
        export(model, again, "--id", "tiny2", "--discriminator")
        self.assertEqual(json.loads((again / "card.json").read_text())["discriminator"]["sha256"], entry["sha256"])

    def test_GIVEN_no_or_a_damaged_discriminator_THEN_the_fine_tune_and_the_export_refuse_it(self):
        plain, model = self.root / "plain", self.root / "model"
        export(self.run, plain, "--id", "plain")
        with self.assertRaisesRegex(DataError, "exported without its discriminator"):
            train(tiny_config(self.data, self.root / "a", init_d_from=str(plain)), progress=False)
        with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit):
            export(plain, self.root / "x", "--discriminator")
        self.assertIn("exported without its discriminator", err.getvalue())
        export(self.run, model, "--id", "tiny", "--discriminator")
        path = model / "discriminator.pt"
        path.write_bytes(path.read_bytes()[:-10] + bytes(10))
        with self.assertRaisesRegex(DataError, "does not match the SHA-256"):
            train(tiny_config(self.data, self.root / "b", init_d_from=str(model)), progress=False)
        path.unlink()
        with self.assertRaisesRegex(DataError, "is missing"):
            train(tiny_config(self.data, self.root / "c", init_d_from=str(model)), progress=False)

    def test_GIVEN_a_D_for_other_tags_THEN_the_fine_tune_refuses_it(self):
        model = self.root / "model"
        export(self.run, model, "--id", "tiny", "--discriminator")
        card_path = model / "card.json"
        card = json.loads(card_path.read_text())
        card["discriminator"]["tags"] = list(reversed(card["discriminator"]["tags"]))
        card_path.write_text(json.dumps(card))
        with self.assertRaisesRegex(DataError, "its tags differ"):
            train(tiny_config(self.data, self.root / "a", init_d_from=str(model)), progress=False)

    def test_GIVEN_a_model_exported_without_D_WHEN_a_runs_D_is_added_THEN_only_the_card_gains_an_entry(self):
        from training.discriminator_file import main as add_main
        model = self.root / "model"
        export(self.run, model, "--id", "tiny")
        card_before = json.loads((model / "card.json").read_text())
        files_before = {f.name: f.read_bytes() for f in model.iterdir() if f.name != "card.json"}
        with contextlib.redirect_stdout(io.StringIO()) as out:
            add_main([str(model), str(self.run)])
        self.assertIn("discriminator.pt", out.getvalue())
        card = json.loads((model / "card.json").read_text())
        self.assertEqual({k: v for k, v in card.items() if k != "discriminator"}, card_before)
        self.assertEqual(card["discriminator"]["fromRun"]["step"], torch.load(self.run / "ckpt.pt", map_location="cpu")["step"])
        self.assertEqual({f.name: f.read_bytes() for f in model.iterdir() if f.name not in ("card.json", "discriminator.pt")},
                         files_before)
        fine = self.root / "fine"
        train(tiny_config(self.data, fine, init_from=str(model), init_d_from=str(model), seed=2, lr_d=0.0), progress=False)
        self.assertTrue(torch.equal(self.run_d()["classify.weight"].half().float(),
                                    torch.load(fine / "ckpt.pt", map_location="cpu")["D"]["classify.weight"]))
        # a run on other tags, or no run at all, is refused with the reason
        other_data, other_run = self.root / "other-data", self.root / "other-run"
        make_dataset(other_data)
        tags_csv = other_data / "tags.csv"
        tags_csv.write_text(tags_csv.read_text().replace("red_hair", "pink_hair"))
        train(tiny_config(other_data, other_run), progress=False)
        for run, message in ((other_run, "other tags"), (self.root / "nothing", "no ckpt.pt")):
            with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit):
                add_main([str(model), str(run)])
            self.assertIn(message, err.getvalue())


if __name__ == "__main__":
    unittest.main()
