"""train --augment (training/augment.py): DiffAugment's translation and cutout for small data —
shapes kept, gradients reach G through them, colours untouched, off is the identity, and a run
applies them to what D sees."""
import contextlib
import io
import json
import tempfile
import unittest
import unittest.mock
from pathlib import Path

import torch

import training.augment as augment_module
from training.augment import AugmentedD, augment, cutout, parse_augment, translate
from training.networks import Discriminator, Generator, NetConfig
from training.tests.test_trainer import make_dataset, tiny_config
from training.train import main, train


class AugmentTests(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.x = torch.rand(6, 3, 16, 16) * 2 - 1

    def test_GIVEN_no_policy_THEN_identity(self):
        self.assertIs(augment(self.x, ()), self.x)
        self.assertEqual(parse_augment(""), ())
        self.assertEqual(parse_augment("none"), ())

    def test_GIVEN_each_policy_THEN_shapes_kept_and_values_are_the_pictures_or_the_fill(self):
        for policy in (("translation",), ("cutout",), ("translation", "cutout")):
            y = augment(self.x, policy)
            self.assertEqual(y.shape, self.x.shape, policy)
            self.assertEqual(y.dtype, self.x.dtype, policy)
        # No colour change: every translated pixel is a pixel of the same picture, or white.
        y = translate(self.x)
        for i in range(len(self.x)):
            src = {tuple(p) for p in self.x[i].reshape(3, -1).T.tolist()} | {(1.0, 1.0, 1.0)}
            self.assertTrue(all(tuple(p) in src for p in y[i].reshape(3, -1).T.tolist()))
        # Cutout keeps the rest exactly and blanks at most a half-side square.
        y = cutout(self.x)
        blank = (y != self.x).any(dim=1)
        self.assertTrue(torch.equal(y[~blank.unsqueeze(1).expand_as(y)], self.x[~blank.unsqueeze(1).expand_as(y)]))
        self.assertTrue(bool((blank.sum(dim=[1, 2]) <= 8 * 8).all()))
        self.assertTrue(bool((y.permute(0, 2, 3, 1)[blank] == 0).all()))

    def test_GIVEN_translation_THEN_a_picture_moves_by_at_most_an_eighth_with_white_edges(self):
        x = -torch.ones(64, 3, 16, 16)
        x[:, :, 7, 7] = 0.5                      # one marked pixel per picture
        y = translate(x)
        moves = set()
        for i in range(len(y)):
            where = (y[i, 0] == 0.5).nonzero().tolist()
            self.assertLessEqual(len(where), 1)
            if where:
                moves.add((where[0][0] - 7, where[0][1] - 7))
        self.assertTrue(all(abs(dy) <= 2 and abs(dx) <= 2 for dy, dx in moves), moves)
        self.assertGreater(len(moves), 5)       # they vary from picture to picture
        shifted = (y == 1.0).all(dim=1).any(dim=2).any(dim=1)   # a white edge where a picture moved
        self.assertTrue(bool(shifted.any()))

    def test_GIVEN_augmented_D_THEN_G_gets_gradients_through_it(self):
        cfg = NetConfig(num_tags=3, g_channels=[16, 8, 8, 8, 8], d_channels=[8, 8, 8, 8])
        G, D = Generator(cfg), Discriminator(cfg)
        for policy in (("translation",), ("cutout",), ("translation", "cutout")):
            G.zero_grad()
            score, _ = AugmentedD(D, policy)(G(torch.randn(4, 100), torch.rand(4, 3)), torch.rand(4, 3))
            score.mean().backward()
            for name, p in G.named_parameters():
                self.assertIsNotNone(p.grad, (policy, name))
                self.assertGreater(p.grad.abs().sum().item(), 0.0, (policy, name))

    def test_GIVEN_augment_flag_THEN_D_sees_augmented_pictures_and_bad_names_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            data = Path(d) / "data"
            make_dataset(data, n=16)
            seen = []
            real_augment = augment_module.augment

            def spy(x, policy):
                seen.append((tuple(x.shape), policy))
                return real_augment(x, policy)

            err = io.StringIO()
            with unittest.mock.patch.object(augment_module, "augment", spy), contextlib.redirect_stderr(err):
                train(tiny_config(data, Path(d) / "aug", augment=("translation", "cutout"), max_steps=2, epochs=100.0))
            self.assertIn("augment   translation, cutout: every picture D sees", err.getvalue())
            # per step: D's batch (real, real with wrong tags, fake) and G's fakes
            self.assertEqual(seen, [((24, 3, 64, 64), ("translation", "cutout")), ((8, 3, 64, 64), ("translation", "cutout"))] * 2)
            config = json.loads((Path(d) / "aug" / "config.json").read_text())
            self.assertEqual(config["augment"], ["translation", "cutout"])
            seen.clear()
            with unittest.mock.patch.object(augment_module, "augment", spy):
                train(tiny_config(data, Path(d) / "plain", max_steps=1, epochs=100.0), progress=False)
            self.assertEqual(seen, [])               # off by default
            for bad in ("color", "translation,hue"):
                with contextlib.redirect_stderr(io.StringIO()) as out, self.assertRaises(SystemExit) as stop:
                    main(["--data", str(data), "--out", str(Path(d) / "bad"), "--augment", bad])
                self.assertEqual(stop.exception.code, 2)
                self.assertIn("no colour augmentation", out.getvalue())


if __name__ == "__main__":
    unittest.main()
