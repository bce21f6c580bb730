"""The 2× stage's trainer: plain training and resume, fine-tuning from a trained stage, pairs
drawn by a generator run (--pairs-from), and the adversarial fine-tuning on a generator's gacha
pictures (--adv, --gacha-from), each with its refusals."""
import json
import tempfile
import unittest
from pathlib import Path

import torch

from training.dataset import DataError, TaggedImages
from training.loss import LossConfig
from training.redraw_pairs import GeneratorGacha, GeneratorRedraws
from training.tests.test_trainer import make_dataset, tiny_config, write_codes
from training.train import train as train_gan
from training.train_upscaler import UpscalerTrainConfig, adversarial_step, train
from training.networks import PatchCritic, UpscalerConfig


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

    def test_GIVEN_a_two_stage_model_THEN_its_generator_and_stage_come_back_for_export_and_fine_tuning(self):
        # What a machine that lost runs/ still has: the shipped model. Re-exported from itself it is the same
        # model; its stage is where a fine-tune starts.
        from training.export import main as export, upscaler_source
        stage = self.root / "up"
        U, _ = train(tiny_upscaler(self.data, stage, steps=1), progress=False)
        model, again = self.root / "model", self.root / "again"
        export([str(self.redraw_run()), str(model), "--upscaler", str(stage), "--float32"])
        export([str(model), str(again), "--upscaler", str(model), "--float32"])
        self.assertEqual((model / "weights.bin").read_bytes(), (again / "weights.bin").read_bytes())
        self.assertEqual(json.loads((again / "card.json").read_text())["training"]["upscaler"]["fromModel"], "model")
        V, _ = train(tiny_upscaler(self.data, self.root / "ft", steps=0, init_from=str(model)), progress=False)
        for a, b in zip(U.state_dict().values(), V.state_dict().values()):
            self.assertTrue(torch.equal(a, b))
        self.assertEqual(V.cfg, U.cfg)
        export([str(self.root / "gan"), str(self.root / "plain")])
        with self.assertRaisesRegex(ValueError, "without a 2x stage"):
            upscaler_source(self.root / "plain")

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

    def test_GIVEN_a_generator_THEN_its_gacha_pictures_are_drawn_from_the_prior_and_the_datas_tags(self):
        run = self.redraw_run()
        data = TaggedImages(self.data, 128)
        gacha = GeneratorGacha(run, data, seed=3)
        first = gacha(5)
        self.assertEqual(tuple(first.shape), (5, 3, 64, 64))
        self.assertTrue(first.abs().max() <= 1)
        self.assertFalse(torch.equal(first, gacha(5)))                      # a fresh draw each call
        self.assertTrue(torch.equal(first, GeneratorGacha(run, data, seed=3)(5)))   # the seed fixes the stream

    def test_GIVEN_the_nearest_enlargement_THEN_consistency_is_zero_and_each_side_learns(self):
        class Nearest(torch.nn.Module):   # the stage that changes nothing: its picture is its input
            def __init__(self):
                super().__init__()
                self.gain = torch.nn.Parameter(torch.ones(()))

            def forward(self, x):
                return torch.nn.functional.interpolate(x, scale_factor=2, mode="nearest") * self.gain

        U, critic = Nearest(), PatchCritic(channels=4, depth=2)
        opt_d = torch.optim.Adam(critic.parameters(), 1e-3)
        before = [p.detach().clone() for p in critic.parameters()]
        lo, hi = torch.rand(3, 3, 16, 16) * 2 - 1, torch.rand(3, 3, 32, 32) * 2 - 1
        terms = adversarial_step(U, critic, opt_d, lo, hi)
        self.assertLess(terms["consistency"].item(), 1e-6)
        self.assertTrue(any(not torch.equal(a, b) for a, b in zip(before, critic.parameters())))   # the critic stepped
        (terms["g_adv"] + terms["consistency"]).backward()
        self.assertIsNotNone(U.gain.grad)                                    # and the stage is pushed by it
        self.assertEqual(tuple(critic(hi).shape), (3, 1, 8, 8))

    def test_GIVEN_adv_WHEN_trained_and_resumed_THEN_the_critic_is_logged_saved_and_carried_on(self):
        run = self.redraw_run()
        out = self.root / "upa"
        cfg = tiny_upscaler(self.data, out, adv=0.1, gacha_from=str(run), adv_batch=2, heldout=str(self.data))
        train(cfg, progress=False)
        log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
        steps = [r for r in log if "l1" in r]
        self.assertEqual(len(steps), 3)
        self.assertTrue(all({"d_adv", "g_adv", "consistency"} <= set(r) for r in steps))
        first = torch.load(out / "ckpt.pt")
        self.assertIn("critic", first)
        train(tiny_upscaler(self.data, out, adv=0.1, gacha_from=str(run), adv_batch=2, steps=4, lr_d=1e-5), resume=True, progress=False)
        second = torch.load(out / "ckpt.pt")
        self.assertEqual(second["step"], 4)
        self.assertEqual({g["lr"] for g in second["opt_d"]["param_groups"]}, {1e-5})
        self.assertEqual(second["opt_d"]["state"][0]["step"].item(), 4)     # the critic's optimiser went on, not afresh
        # the sample grid has the gacha rows: 4 rows of renders + 2 of gacha pictures, 128 px each
        from PIL import Image
        self.assertEqual(Image.open(out / "samples" / "step_000004.png").size, (6 * 128, 6 * 128))

    def test_GIVEN_an_adversarial_setup_that_cannot_work_THEN_each_is_refused_by_name(self):
        run = self.redraw_run()
        with self.assertRaisesRegex(DataError, "go together"):
            train(tiny_upscaler(self.data, self.root / "a", adv=0.1), progress=False)
        with self.assertRaisesRegex(DataError, "go together"):
            train(tiny_upscaler(self.data, self.root / "b", gacha_from=str(run)), progress=False)
        with self.assertRaisesRegex(DataError, "adv-batch"):
            train(tiny_upscaler(self.data, self.root / "c", adv=0.1, gacha_from=str(run), adv_batch=9), progress=False)
        with self.assertRaisesRegex(DataError, "not a readable generator"):
            train(tiny_upscaler(self.data, self.root / "d", adv=0.1, gacha_from=str(self.root / "nowhere"), adv_batch=2), progress=False)
        other = self.root / "other"
        make_dataset(other, size=128)
        (other / "tags.csv").write_text((other / "tags.csv").read_text().replace("red_hair", "pink_hair"))
        with self.assertRaisesRegex(DataError, "vocabulary differs"):
            train(tiny_upscaler(other, self.root / "e", adv=0.1, gacha_from=str(run), adv_batch=2), progress=False)


if __name__ == "__main__":
    unittest.main()
