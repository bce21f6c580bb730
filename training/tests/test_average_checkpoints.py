"""Checkpoint averaging on tiny runs: a few steps, never a real training run."""
import contextlib
import io
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import torch

from training.average_checkpoints import average_runs, main
from training.export import load_run_generator, write_model
from training.import_tfjs import load_tfjs_generator
from training.loss import LossConfig
from training.networks import NetConfig
from training.tests.test_trainer import make_dataset, tiny_config, write_codes
from training.train import train


class AverageCheckpointsTests(unittest.TestCase):
    def test_GIVEN_two_checkpoints_of_a_run_THEN_G_ema_is_their_mean_and_the_result_exports(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            make_dataset(d / "data")
            train(tiny_config(d / "data", d / "run"), progress=False)
            shutil.copytree(d / "run", d / "early")
            train(tiny_config(d / "data", d / "run", epochs=2.0), resume=True, progress=False)
            self.assertEqual(average_runs([d / "early", d / "run"], d / "avg"), [3, 6])
            early, late = (torch.load(d / name / "ckpt.pt", map_location="cpu") for name in ("early", "run"))
            G, ckpt = load_run_generator(d / "avg")
            for key, value in G.state_dict().items():
                if value.is_floating_point():
                    self.assertTrue(torch.allclose(value, (early["G_ema"][key] + late["G_ema"][key]) / 2), key)
                else:
                    self.assertTrue(torch.equal(value, late["G_ema"][key]), key)
            self.assertFalse(torch.equal(early["G_ema"]["out.weight"], late["G_ema"]["out.weight"]))  # they did differ
            self.assertEqual(ckpt["step"], 6)
            history = json.loads((d / "avg" / "config.json").read_text())["history"]
            self.assertEqual([a["step"] for a in history[-1]["averaged"]], [3, 6])
            # weighted: a quarter of the way from the first to the second
            average_runs([d / "early", d / "run"], d / "avg31", weights=[0.75, 0.25])
            G31, _ = load_run_generator(d / "avg31")
            self.assertTrue(torch.allclose(G31.state_dict()["out.weight"],
                                           0.75 * early["G_ema"]["out.weight"] + 0.25 * late["G_ema"]["out.weight"]))
            # another run's widths, a missing folder and a single folder are refused with a reason
            other = tiny_config(d / "data", d / "wide")
            other.net = NetConfig(g_channels=[32, 16, 16, 16, 8], d_channels=[8, 16, 16, 32])
            train(other, progress=False)
            for argv, reason in (([str(d / "run"), str(d / "wide")], "networks differ"),
                                 ([str(d / "run"), str(d / "nowhere")], "neither a run folder"),
                                 ([str(d / "run")], "at least two"),
                                 ([str(d / "early"), str(d / "run"), "--weights", "0.5,0.6"], "summing to 1")):
                err = io.StringIO()
                with contextlib.redirect_stderr(err), self.assertRaises(SystemExit):
                    main([*argv, "--out", str(d / "bad")])
                self.assertIn(reason, err.getvalue())

    def test_GIVEN_a_model_folder_and_a_code_layer_fine_tune_of_it_THEN_they_mix_and_the_model_end_draws_as_the_model(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            make_dataset(d / "data")
            write_codes(d / "data")
            plain = tiny_config(d / "data", d / "plain", epochs=0.34)
            plain.loss = LossConfig(redraw_weight=10.0)
            train(plain, progress=False)
            G0, ckpt0 = load_run_generator(d / "plain")
            write_model(G0, ckpt0["vocab"], d / "model", "tiny", {"training": {"net": ckpt0["config"]["net"]}})
            tuned = tiny_config(d / "data", d / "tuned", init_from=str(d / "model"), code_layer=True, epochs=0.67)
            tuned.loss = LossConfig(redraw_weight=10.0)
            train(tuned, progress=False)
            model_G, _ = load_tfjs_generator(d / "model")
            run = torch.load(d / "tuned" / "ckpt.pt", map_location="cpu")
            code_cols = slice(model_G.fc.in_features, None)
            self.assertGreater(run["G_ema"]["fc.weight"][:, code_cols].abs().max().item(), 0)   # the fine-tune moved them
            # all of the model: it draws what the model draws (its code layer added at zero weight)
            self.assertEqual(average_runs([d / "model", d / "tuned"], d / "m", weights=[1.0, 0.0]), ["tiny", run["step"]])
            G_m, ck_m = load_run_generator(d / "m")
            z, tags = torch.randn(4, G_m.cfg.z_dim), (torch.rand(4, G_m.cfg.num_tags) > 0.5).float()
            with torch.no_grad():
                self.assertLess((G_m.eval()(z, tags) - model_G.eval()(z, tags)).abs().max().item(), 1e-5)
            self.assertEqual(ck_m["step"], run["step"])        # counters and D: the run's
            self.assertTrue(all(torch.equal(ck_m["D"][k], v) for k, v in run["D"].items()))
            # half and half: the code columns of fc are half the fine-tune's
            average_runs([d / "model", d / "tuned"], d / "half", weights=[0.5, 0.5])
            G_h, _ = load_run_generator(d / "half")
            self.assertTrue(torch.allclose(G_h.state_dict()["fc.weight"][:, code_cols], 0.5 * run["G_ema"]["fc.weight"][:, code_cols]))
            # a model folder alone is refused: the result needs a run's D and counters
            err = io.StringIO()
            with contextlib.redirect_stderr(err), self.assertRaises(SystemExit):
                main([str(d / "model"), str(d / "model"), "--out", str(d / "bad")])
            self.assertIn("at least one run folder", err.getvalue())


if __name__ == "__main__":
    unittest.main()
