"""The 2× stage's trainer: plain training and resume, fine-tuning from a trained stage, and
pairs drawn by a generator run (--pairs-from) with their refusals."""
import json
import tempfile
import unittest
from pathlib import Path

import torch

from training.dataset import DataError, TaggedImages
from training.loss import LossConfig
from training.redraw_pairs import GeneratorRedraws
from training.tests.test_trainer import make_dataset, tiny_config, write_codes
from training.train import train as train_gan
from training.train_upscaler import UpscalerTrainConfig, train
from training.networks import UpscalerConfig


def tiny_upscaler(data, out, **kw):
    return UpscalerTrainConfig(**{"data": str(data), "out": str(out), "batch": 4, "steps": 3, "log_every": 1, "threads": 1,
                                  "net": UpscalerConfig(channels=8, blocks=1, out_channels=4), **kw})


class UpscalerTrainerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.data = self.root / "data"
        make_dataset(self.data, size=128)
        write_codes(self.data)

    def tearDown(self):
        self.tmp.cleanup()

    def redraw_run(self, name="gan", **loss):
        cfg = tiny_config(self.data, self.root / name)
        cfg.loss = LossConfig(**loss)
        train_gan(cfg, progress=False)
        return self.root / name

    def test_GIVEN_renders_WHEN_trained_and_resumed_THEN_it_logs_samples_and_figures(self):
        out = self.root / "up"
        _, figures = train(tiny_upscaler(self.data, out, heldout=str(self.data)), progress=False)
        self.assertEqual(figures["step"], 3)
        self.assertGreater(figures["heldout_clean"]["psnr"], 0)
        train(tiny_upscaler(self.data, out, steps=5, lr=5e-5), resume=True, progress=False)
        ckpt = torch.load(out / "ckpt.pt")
        self.assertEqual(ckpt["step"], 5)
        self.assertEqual({g["lr"] for g in ckpt["opt"]["param_groups"]}, {5e-5})
        self.assertEqual([h["fromStep"] for h in json.loads((out / "config.json").read_text())["history"]], [0, 3])
        self.assertTrue(list((out / "samples").glob("step_000005.png")))

    def test_GIVEN_width_flags_THEN_the_stage_has_those_widths(self):
        from training.train_upscaler import main
        out = self.root / "narrow"
        main(["--data", str(self.data), "--out", str(out), "--steps", "1", "--batch", "2", "--threads", "1",
              "--channels", "8", "--blocks", "1", "--out-channels", "4"])
        self.assertEqual(json.loads((out / "config.json").read_text())["net"], {"channels": 8, "blocks": 1, "out_channels": 4})
        self.assertEqual(torch.load(out / "ckpt.pt")["model"]["up_conv.weight"].shape[0], 4)

    def test_GIVEN_init_from_THEN_it_starts_from_those_weights_and_their_widths(self):
        first = self.root / "up"
        U, _ = train(tiny_upscaler(self.data, first, steps=1), progress=False)
        cfg = tiny_upscaler(self.data, self.root / "ft", steps=0, init_from=str(first), net=UpscalerConfig())
        V, _ = train(cfg, progress=False)
        self.assertEqual(V.cfg, U.cfg)   # the widths come from the run it starts from
        for a, b in zip(U.state_dict().values(), V.state_dict().values()):
            self.assertTrue(torch.equal(a, b))
        with self.assertRaisesRegex(DataError, "--init-from"):
            train(tiny_upscaler(self.data, self.root / "bad", init_from=str(self.root / "nowhere")), progress=False)

    def test_GIVEN_a_redraw_run_THEN_its_drawings_are_the_inputs_of_part_of_each_batch(self):
        run = self.redraw_run(redraw_weight=10.0)
        data = TaggedImages(self.data, 128)
        drawn = GeneratorRedraws(run, data)(torch.arange(5))
        self.assertEqual(tuple(drawn.shape), (5, 3, 64, 64))
        self.assertTrue(drawn.abs().max() <= 1)
        out = self.root / "up"
        _, figures = train(tiny_upscaler(self.data, out, pairs_from=str(run), pairs_share=0.5), progress=False)
        log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
        self.assertIn("train_drawn", log[0]["eval_start"])
        steps = [r for r in log if "step" in r and "l1" in r]
        self.assertEqual(len(steps), 3)
        self.assertTrue(all(r["l1_drawn"] > 0 for r in steps))
        self.assertGreater(figures["train_drawn"]["psnr"], 0)

    def test_GIVEN_pairs_that_cannot_be_drawn_THEN_each_is_refused_by_name(self):
        plain = self.redraw_run("plain")
        with self.assertRaisesRegex(DataError, "not trained with --redraw"):
            train(tiny_upscaler(self.data, self.root / "a", pairs_from=str(plain)), progress=False)
        run = self.redraw_run(redraw_weight=10.0)
        other = self.root / "other"
        make_dataset(other, size=128)
        write_codes(other)
        with self.assertRaisesRegex(DataError, "trained on"):
            train(tiny_upscaler(other, self.root / "b", pairs_from=str(run)), progress=False)
        with self.assertRaisesRegex(DataError, "drop --limit"):
            train(tiny_upscaler(self.data, self.root / "c", pairs_from=str(run), limit=10), progress=False)
        with self.assertRaisesRegex(DataError, "pairs-share"):
            train(tiny_upscaler(self.data, self.root / "d", pairs_from=str(run), pairs_share=0), progress=False)
        with self.assertRaisesRegex(DataError, "not a readable generator run"):
            train(tiny_upscaler(self.data, self.root / "e", pairs_from=str(self.root / "nowhere")), progress=False)


if __name__ == "__main__":
    unittest.main()
