"""draws.csv read into codes: encode puts each draw inside its choice's share of N(0, 1), decode
reads it back, and a draw that did not happen gets a free N(0, 1) number."""
import tempfile
import unittest
from pathlib import Path

import torch

from training.dataset import DataError, read_draws
from training.draw_codes import DrawCodes


def write(folder, text):
    (Path(folder) / "draws.csv").write_text(text)


class DrawCodesTest(unittest.TestCase):
    def test_GIVEN_draws_csv_THEN_encode_and_decode_agree_and_missing_draws_stay_free(self):
        with tempfile.TemporaryDirectory() as d:
            write(d, "image,scale,tiltAngle\na.png,0/9,\nb.png,8/9,6/7\nc.png,4/9,0/7\n")
            names, choice, choices = read_draws(Path(d), ["a.png", "b.png", "c.png"])
            self.assertEqual(names, ["scale", "tiltAngle"])
            self.assertEqual(choice.tolist(), [[0, 0], [8, 6], [4, 0]])
            self.assertEqual(choices.tolist(), [[9, 0], [9, 7], [9, 7]])
            codes = DrawCodes((names, choice, choices), offset=3)
            self.assertEqual(codes.describe(), {"scale": {"choices": 9, "zIndex": 3}, "tiltAngle": {"choices": 7, "zIndex": 4}})
            g = torch.Generator().manual_seed(0)
            for _ in range(20):
                z = torch.zeros(3, 8)
                z[:, 3:5] = codes.encode(torch.arange(3), generator=g)
                read = codes.decode(z)
                self.assertEqual(read[:, 0].tolist(), [0, 8, 4])
                self.assertEqual(read[1:, 1].tolist(), [6, 0])
            # the free number of a.png's missing tilt is N(0, 1): over many draws it reaches both tails
            free = torch.stack([codes.encode(torch.tensor([0]), generator=g)[0, 1] for _ in range(400)])
            self.assertLess(free.min().item(), -1.5)
            self.assertGreater(free.max().item(), 1.5)

    def test_GIVEN_a_bad_or_partial_draws_csv_THEN_none_or_a_clear_error(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertIsNone(read_draws(Path(d), ["a.png"]))  # no file: a user's own folder
            write(d, "image,scale\na.png,1/9\n")
            self.assertIsNone(read_draws(Path(d), ["a.png", "b.png"]))  # not every image
            write(d, "image,scale\na.png,9/9\n")
            with self.assertRaisesRegex(DataError, "outside its range"):
                read_draws(Path(d), ["a.png"])


if __name__ == "__main__":
    unittest.main()
