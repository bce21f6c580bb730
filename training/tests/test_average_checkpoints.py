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
from training.export import load_run_generator
from training.networks import NetConfig
from training.tests.test_trainer import make_dataset, tiny_config
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
                                 ([str(d / "run"), str(d / "nowhere")], "no ckpt.pt"),
                                 ([str(d / "run")], "at least two"),
                                 ([str(d / "early"), str(d / "run"), "--weights", "0.5,0.6"], "summing to 1")):
                err = io.StringIO()
                with contextlib.redirect_stderr(err), self.assertRaises(SystemExit):
                    main([*argv, "--out", str(d / "bad")])
                self.assertIn(reason, err.getvalue())


if __name__ == "__main__":
    unittest.main()
