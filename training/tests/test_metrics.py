import unittest

import numpy as np

from training.metrics.fidelity import per_tag_fidelity
from training.metrics.frechet import frechet_distance
from training.metrics.precision_recall import covered, precision_recall
from training.seed_random import SeedRandom, seed_to_z


class SeedTests(unittest.TestCase):
    def test_GIVEN_seed_42_THEN_golden_values_shared_with_typescript(self):
        self.assertEqual(seed_to_z(42)[:3].tolist(), [1.1226592063903809, 0.9491474628448486, 0.4041278660297394])
        self.assertEqual(SeedRandom(42).next_uint32(), 2837322924)

    def test_GIVEN_bad_seed_THEN_error(self):
        with self.assertRaises(ValueError):
            SeedRandom(-1)


class MetricTests(unittest.TestCase):
    def test_GIVEN_same_set_THEN_fd_zero_and_full_precision_recall(self):
        x = np.random.default_rng(0).normal(size=(300, 8))
        self.assertAlmostEqual(frechet_distance(x, x), 0.0, places=6)
        self.assertEqual(precision_recall(x, x, k=3), (1.0, 1.0))

    def test_GIVEN_collapsed_fakes_THEN_recall_drops_but_precision_stays(self):
        rng = np.random.default_rng(1)
        real = rng.normal(size=(400, 4))
        fake = np.repeat(real[:1], 400, axis=0) + rng.normal(scale=1e-3, size=(400, 4))
        p, r = precision_recall(real, fake, k=3)
        self.assertGreater(p, 0.9)
        self.assertLess(r, 0.1)
        self.assertGreater(frechet_distance(real, fake), 1.0)

    def test_GIVEN_fakes_on_half_the_reals_THEN_covered_names_that_half_and_averages_to_recall(self):
        rng = np.random.default_rng(2)
        real = np.concatenate([rng.normal(size=(200, 4)), rng.normal(size=(200, 4)) + 50])  # two far clusters
        fake = real[:200] + rng.normal(scale=0.05, size=(200, 4))                            # only the first drawn
        hit = covered(real, fake, k=3).numpy()
        self.assertGreater(hit[:200].mean(), 0.9)
        self.assertEqual(hit[200:].sum(), 0)
        self.assertAlmostEqual(hit.mean(), precision_recall(real, fake, k=3)[1], places=6)

    def test_GIVEN_detections_THEN_balanced_fidelity(self):
        req = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], bool)
        det = np.array([[1, 0], [0, 0], [0, 1], [0, 1]], bool)
        f = per_tag_fidelity(req, det, ["a", "b"])
        self.assertAlmostEqual(f["a"]["hit"], 0.5)
        self.assertAlmostEqual(f["a"]["clean"], 1.0)
        self.assertAlmostEqual(f["b"]["fidelity"], (1.0 + 2 / 3) / 2)


if __name__ == "__main__":
    unittest.main()


class MetricsTableTests(unittest.TestCase):
    def test_GIVEN_metrics_json_THEN_one_markdown_row_with_the_v2_figures(self):
        import contextlib
        import io
        import json
        import tempfile
        from pathlib import Path

        from training.metrics_table import main
        metrics = {"fidelity": {"mean": 0.9631, "meanReadable": 0.9764, "minHairColor": 1.0},
                   "precisionRecall": {"precision": 0.92, "recall": 0.874},
                   "frechetDistance": {"generated": 8.901, "realVsReal": 2.696},
                   "diversity": {"ratioToRealSameTags": 1.33, "factorJudgeSpace": {"ratioToRealSameTags": 0.7871}},
                   "untaggedFactors": {"perFactor": {k: {"generated": v} for k, v in
                                                     zip(("hair", "eyes", "eyebrows", "mouth", "nose", "head"), (10.17, 14.8, 11.5, 10.83, 6, 4))}}}
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "v1").mkdir()
            (Path(d) / "v1" / "metrics.json").write_text(json.dumps(metrics))
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                self.assertEqual(main([str(Path(d) / "v1"), str(Path(d) / "missing")]), 0)
        lines = out.getvalue().splitlines()
        self.assertEqual(lines[2], "| v1 | 0.963 / 0.976 | 1.000 | 0.920 | 0.874 | 8.90 (2.70) | 0.787 | 10.2 / 14.8 / 11.5 / 10.8 / 6.0 / 4.0 | — |")
        self.assertEqual(len(lines), 3)
        self.assertIn("missing: no usable metrics.json", err.getvalue())
        per = metrics["untaggedFactors"]["perFactor"]
        for k, ratio in zip(per, (0.5, 1, 1, 1, 1, 2)):
            per[k].update(generatedEffective=2.0 * ratio, realEffective=2.0)
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "new").mkdir()
            (Path(d) / "new" / "metrics.json").write_text(json.dumps(metrics))
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                main([str(Path(d) / "new")])
        self.assertTrue(out.getvalue().splitlines()[2].endswith("| 0.50 / 1.00 / 1.00 / 1.00 / 1.00 / 2.00 |"))

    def test_GIVEN_labels_THEN_the_effective_count_says_how_evenly_they_spread(self):
        from training.evaluate import effective_count
        self.assertAlmostEqual(effective_count([3] * 64), 1.0)
        self.assertAlmostEqual(effective_count([0, 1, 2, 3] * 16), 4.0)
        self.assertLess(effective_count([0] * 60 + [1, 2, 3, 4]), 1.5)  # one face and four misreads: not five variants

    def test_GIVEN_draws_read_by_a_judge_THEN_their_mean_names_it_and_the_real_vs_real_fd(self):
        import argparse
        import contextlib
        import io
        import json
        import tempfile
        from pathlib import Path

        from training.evaluate import mean_of_draws
        with tempfile.TemporaryDirectory() as d:
            files = []
            for i, fd in enumerate((3.0, 4.0)):
                f = Path(d) / f"m{i}.json"
                f.write_text(json.dumps({"judge": {"file": "runs/judgeg128b10/classifier.pt", "balanced": True},
                                         "images": {"seedOffset": i * 1000000},
                                         "frechetDistance": {"generated": fd, "realVsReal": 2.5},
                                         "fidelity": {"meanReadable": 0.99, "minHairColor": 1.0},
                                         "precisionRecall": {"recall": 0.95, "precision": 0.95}}))
                files.append(str(f))
            out = Path(d) / "mean.json"
            with contextlib.redirect_stdout(io.StringIO()):
                mean_of_draws(argparse.Namespace(metrics=files, out=str(out), model=d, no_card=True))
            m = json.loads(out.read_text())
            self.assertEqual(m["judge"], "runs/judgeg128b10/classifier.pt")
            self.assertEqual(m["figures"]["FD"], {"mean": 3.5, "draws": [3.0, 4.0]})
            self.assertEqual(m["figures"]["FDRealVsReal"]["mean"], 2.5)
            self.assertEqual(m["seedOffsets"], [0, 1000000])
