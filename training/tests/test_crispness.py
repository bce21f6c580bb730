import unittest

import numpy as np

from training.metrics.crispness import colour_counts, crispness


class CrispnessTest(unittest.TestCase):
    def test_flat_fills_are_few_colours(self):
        face = np.zeros((1, 16, 16, 3), np.uint8)
        face[0, :8] = (250, 10, 10)
        face[0, 8:] = (10, 10, 250)
        self.assertEqual(crispness(face), {"top8Coverage": 1.0, "coloursFor90": 2.0, "faces": 1})

    def test_near_colours_share_a_bin_but_noise_does_not(self):
        flat = np.full((16, 16, 3), 200, np.uint8)
        flat[::2] += 3  # the same 4-bit bin: anti-aliasing-sized wobble
        self.assertEqual(len(colour_counts(flat)), 1)
        noisy = np.random.default_rng(1).integers(0, 256, (1, 32, 32, 3), dtype=np.uint8)
        c = crispness(noisy)
        self.assertLess(c["top8Coverage"], 0.05)
        self.assertGreater(c["coloursFor90"], 500)

    def test_median_over_faces(self):
        a = np.zeros((10, 10, 3), np.uint8)
        b = a.copy()
        b[:, :5] = 255  # two colours, each half: two bins reach 90 %
        c = a.copy()
        for i in range(10):
            c[i] = (i * 20, 0, 0)  # ten rows, ten bins: nine rows are 90 %
        self.assertEqual(crispness(np.stack([a, b, c]))["coloursFor90"], 2.0)

    def test_refuses_other_shapes(self):
        with self.assertRaises(ValueError):
            crispness(np.zeros((4, 4, 3), np.uint8))
        with self.assertRaises(ValueError):
            crispness(np.zeros((1, 4, 4, 3), np.float32))


if __name__ == "__main__":
    unittest.main()


class MeanOfDrawsTest(unittest.TestCase):
    def test_GIVEN_three_draws_THEN_each_figure_is_their_mean_with_each_draw_beside_it_and_the_bar_reads_the_means(self):
        import json
        import tempfile
        from argparse import Namespace
        from pathlib import Path

        from training.evaluate import mean_of_draws

        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for k, (top, need) in enumerate([(0.95, 4.0), (0.91, 5.0), (0.83, 9.0)]):
                f = Path(tmp) / f"m{k}.json"
                f.write_text(json.dumps({"images": {"seedOffset": k * 1_000_000},
                                         "crispness": {"generated": {"top8Coverage": top, "coloursFor90": need},
                                                       "renders": {"top8Coverage": 0.93, "coloursFor90": 3.0}}}))
                files.append(str(f))
            out = Path(tmp) / "mean.json"
            mean_of_draws(Namespace(metrics=files, out=str(out), model=tmp, no_card=True))
            got = json.loads(out.read_text())
        self.assertEqual(got["seedOffsets"], [0, 1_000_000, 2_000_000])
        self.assertEqual(got["figures"]["crispTop8"], {"mean": 0.8967, "draws": [0.95, 0.91, 0.83]})
        # The best draw alone would pass; the mean does not: no choosing on one draw.
        self.assertEqual(got["barV3"], {"crispTop8>=0.90": False, "crispColoursFor90<=6": True})
