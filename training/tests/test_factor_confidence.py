"""The factor judge's confidence figures (issue 31: variants named as surely as on renders)."""
import unittest

import torch

from training.evaluate import confidence_bar, confidence_figures, mean_confidence


class FactorConfidenceTest(unittest.TestCase):
    def test_mean_confidence_is_the_top_probability(self):
        sure = torch.tensor([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0]])
        torn = torch.tensor([[1.0, 1.0, -9.0], [0.0, 0.0, -9.0]])
        self.assertGreater(mean_confidence(sure), 0.99)
        self.assertAlmostEqual(mean_confidence(torn), 0.5, places=3)

    def test_ratio_of_generated_to_renders(self):
        f = confidence_figures(torch.tensor([[1.0, 1.0, -9.0]]), torch.tensor([[10.0, 0.0, 0.0]]))
        self.assertAlmostEqual(f["confidenceRatio"], f["generatedConfidence"] / f["realConfidence"], places=3)
        self.assertLess(f["confidenceRatio"], 0.6)

    def test_bar_needs_eyes_brows_and_mouth_each_at_0_9(self):
        self.assertTrue(confidence_bar({"eyes": 0.95, "eyebrows": 0.9, "mouth": 1.02}))
        self.assertFalse(confidence_bar({"eyes": 0.95, "eyebrows": 0.89, "mouth": 1.02}))
        self.assertIsNone(confidence_bar({"eyes": 0.95, "mouth": 1.0}))
        self.assertIsNone(confidence_bar({}))


if __name__ == "__main__":
    unittest.main()
