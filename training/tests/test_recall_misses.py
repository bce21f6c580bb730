"""recall_misses on tiny data: a gacha that draws only the red faces misses every blue one."""
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from training.dataset import TaggedImages
from training.recall_misses import recall_misses
from training.tests.test_trainer import make_dataset, tiny_judge, write_codes


class RecallMissesTest(unittest.TestCase):
    def test_GIVEN_a_gacha_of_red_faces_only_THEN_blue_faces_are_the_misses(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            data = root / "data"
            make_dataset(data, n=48)
            write_codes(data, n=48)
            judge = tiny_judge(data, root / "judge")
            real = TaggedImages(data, 64)
            red = real.tags[:, [v["name"] for v in real.vocab].index("red_hair")].numpy() > 0.5
            drawn = real.images.permute(0, 2, 3, 1).numpy()[red]
            gacha = np.concatenate([drawn, drawn])                      # as many pictures as real faces
            ev = root / "eval"
            ev.mkdir()
            (ev / "plan.json").write_text(json.dumps({"rows": [{"kind": "sample"}] * len(gacha) + [{"kind": "diversity"}]}))
            np.concatenate([gacha, gacha[:1]]).tofile(ev / "generated.bin")  # rows that are not samples are left out
            out = recall_misses(ev, judge, data)
            self.assertEqual(out["recall"], 0.5)
            self.assertEqual(out["tags"][0][:3], ("blue_hair", 24, 0.0))
            self.assertEqual(dict((n, r) for n, _, r in out["tags"])["red_hair"], 1.0)
            self.assertEqual(sorted(out["factors"]), ["eyes", "hair"])
            self.assertTrue(all(0.0 <= r <= 1.0 for rows in out["factors"].values() for _, _, r in rows))


if __name__ == "__main__":
    unittest.main()
