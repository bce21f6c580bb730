"""The stage-cost table on tiny data: its rows, the real-vs-real floor, and its refusals."""
import tempfile
import unittest
from pathlib import Path

from training.dataset import DataError
from training.loss import LossConfig
from training.stage_costs import stage_costs
from training.tests.test_trainer import make_dataset, tiny_config, tiny_judge, write_codes
from training.tests.test_upscaler import tiny_upscaler
from training.train import train as train_gan
from training.train_upscaler import train as train_upscaler


class StageCostsTest(unittest.TestCase):
    def test_GIVEN_a_judge_a_stage_and_a_generator_THEN_one_row_per_picture_set(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            data = root / "data"
            make_dataset(data, size=128)
            write_codes(data)
            judge, judge64 = str(tiny_judge(data, root / "judge", size=128)), str(tiny_judge(data, root / "judge64"))
            train_upscaler(tiny_upscaler(data, root / "up", steps=1), progress=False)
            cfg = tiny_config(data, root / "gan")
            cfg.loss = LossConfig(redraw_weight=10.0)
            train_gan(cfg, progress=False)
            rows = stage_costs(judge, str(data), str(data), [str(root / "up")], str(root / "gan"), count=16)
            self.assertEqual(len(rows), 5)
            self.assertTrue(rows[0]["pictures"].startswith("renders (real"))
            self.assertLess(rows[0]["fd"], 1e-3)          # the same renders on both sides
            self.assertEqual(rows[0]["recall"], 1.0)
            self.assertTrue(all("drawings" in r["pictures"] for r in rows[3:]))
            self.assertTrue(all(r["fd"] > rows[0]["fd"] for r in rows[1:]))
            with self.assertRaisesRegex(DataError, "128 px"):
                stage_costs(judge64, str(data), str(data), [])
            with self.assertRaisesRegex(DataError, "--upscaler"):
                stage_costs(judge, str(data), str(data), [str(root / "nowhere")])


if __name__ == "__main__":
    unittest.main()
