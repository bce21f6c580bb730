"""The details' judge probabilities where requested (issue 31: is a wink read as surely as on renders?)."""
import unittest

import numpy as np

from training.metrics.fidelity import requested_readability


class DetailReadabilityTest(unittest.TestCase):
    def test_mean_probability_and_standard_error_over_the_requested_pictures_only(self):
        names = ["smile", "one_eye_closed"]
        requested = np.array([[1, 1], [0, 1], [0, 1], [0, 1], [1, 0]], bool)
        probs = np.array([[0.9, 0.8], [0.1, 0.6], [0.2, 0.2], [0.3, 0.4], [0.7, 0.99]])
        r = requested_readability(requested, probs, names, ("one_eye_closed", "freckles"))
        self.assertEqual(set(r), {"one_eye_closed"})  # freckles: not a tag of these names
        wink = r["one_eye_closed"]
        self.assertEqual(wink["requested"], 4)
        self.assertAlmostEqual(wink["meanProbability"], 0.5)  # 0.99 on the unrequested picture is not counted
        self.assertAlmostEqual(wink["fidelityStdError"], round(np.sqrt(0.5 * 0.5 / 4) / 2, 4))

    def test_a_tag_never_requested_is_left_out(self):
        r = requested_readability(np.zeros((3, 1), bool), np.full((3, 1), 0.9), ["smile"], ("smile",))
        self.assertEqual(r, {})


if __name__ == "__main__":
    unittest.main()
