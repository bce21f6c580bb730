import unittest

import torch

from training.focus_map import factor_variance_maps, focus_weights, weighted_l1


def faces_with_a_changing_square(n=36, size=16):
    """Grey faces whose 'eyes' factor paints a 4x4 square at (2..5, 8..11) in one of two shades;
    the 'hair' factor changes nothing (n a multiple of 6: every hair variant has half of each eyes)."""
    images = torch.full((n, 3, size, size), 128, dtype=torch.uint8)
    eyes = torch.arange(n) % 2
    hair = torch.arange(n) % 3
    images[eyes == 1, :, 2:6, 8:12] = 250
    factors = {"eyes": (["a", "b"], eyes), "hair": (["x", "y", "z"], hair)}
    return images, factors


class FocusMapTest(unittest.TestCase):
    def test_GIVEN_a_factor_that_changes_some_pixels_THEN_its_map_lies_on_them(self):
        images, factors = faces_with_a_changing_square()
        maps = factor_variance_maps(images, factors, ["eyes", "hair"], chunk=7)
        inside = maps["eyes"][2:6, 8:12]
        self.assertTrue(torch.all(inside > 0.1))
        self.assertAlmostEqual(maps["eyes"].sum().item(), inside.sum().item(), places=5)
        self.assertLess(maps["hair"].abs().max().item(), 1e-9)  # hair draws nothing here

    def test_GIVEN_focus_weights_THEN_their_mean_is_one_and_the_factor_weighs_more(self):
        images, factors = faces_with_a_changing_square()
        w = focus_weights(images, factors, ["eyes"], strength=10.0, dilate=1)
        self.assertEqual(tuple(w.shape), (1, 1, 16, 16))
        self.assertAlmostEqual(w.mean().item(), 1.0, places=5)
        self.assertAlmostEqual((w[0, 0, 3, 9] / w[0, 0, 12, 2]).item(), 11.0, places=4)
        wide = focus_weights(images, factors, ["eyes"], strength=10.0, dilate=3)
        self.assertGreater(wide[0, 0, 1, 9].item(), wide[0, 0, 12, 2].item())  # dilated by a pixel
        y, x = torch.zeros(2, 3, 16, 16), torch.zeros(2, 3, 16, 16)
        y[:, :, 3, 9] = 1.0
        self.assertGreater(weighted_l1(y, x, w).item(), (y - x).abs().mean().item())

    def test_GIVEN_an_unknown_factor_THEN_it_is_named(self):
        images, factors = faces_with_a_changing_square()
        with self.assertRaisesRegex(ValueError, "no column 'mouth'"):
            focus_weights(images, factors, ["mouth"], strength=1.0)


if __name__ == "__main__":
    unittest.main()
