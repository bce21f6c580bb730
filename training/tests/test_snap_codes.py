"""Snapped codes (training/snap_codes.py): the folded network draws what the unsnapped one draws
from each coded number moved to its cell's middle, every number of one cell draws one picture,
and `export --snap-codes` writes that network as a model (with or without a code layer before)."""
import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path
from statistics import NormalDist

import torch

from training.code_layer import quantile_boundaries
from training.export import main as export_main
from training.import_tfjs import load_tfjs_generator
from training.networks import Generator, NetConfig, with_code_layer
from training.snap_codes import cell_middles, snap_codes, snap_numbers
from training.tests.test_trainer import make_dataset, tiny_config, write_codes
from training.train import train

# hair-like (4 variants on z[0]), a 3-choice draw on z[7]
THRESHOLDS = [[0, t] for t in quantile_boundaries([4])] + [[7, t] for t in quantile_boundaries([3])]


def plain_generator():
    torch.manual_seed(0)
    G = Generator(NetConfig(num_tags=5, g_channels=[32, 16, 16, 8, 8]))
    G.train()
    with torch.no_grad():
        G(torch.randn(16, 100), torch.rand(16, 5))  # running statistics that are not the defaults
    return G.eval()


def away_from_steps(n):
    """n z vectors whose coded numbers lie at least 0.1 from every threshold (sharp steps there)."""
    z = torch.randn(n, 100)
    for i, t in THRESHOLDS:
        near = (z[:, i] - t).abs() < 0.1
        z[near, i] = t + 0.1 * torch.sign(z[near, i] - t + 1e-9)
    return z


class SnapCodesTest(unittest.TestCase):
    def test_GIVEN_thresholds_THEN_the_middles_halve_each_cell_of_the_normal_distribution(self):
        self.assertEqual([round(m, 6) for m in cell_middles([0.0])],
                         [round(NormalDist().inv_cdf(0.25), 6), round(NormalDist().inv_cdf(0.75), 6)])
        four = cell_middles(quantile_boundaries([4]))
        self.assertEqual([round(NormalDist().cdf(m), 6) for m in four], [0.125, 0.375, 0.625, 0.875])
        z = torch.tensor([[-3.0] + [0.3] * 7 + [5.0] * 92, [0.1] * 100])
        snapped = snap_numbers(z, THRESHOLDS)
        self.assertAlmostEqual(snapped[0, 0].item(), four[0], places=5)
        self.assertAlmostEqual(snapped[1, 0].item(), four[2], places=5)      # 0.1 is in the third quarter
        self.assertEqual(snapped[:, 1:7].tolist(), z[:, 1:7].tolist())     # uncoded numbers untouched
        self.assertEqual(snapped[:, 8:].tolist(), z[:, 8:].tolist())

    def test_GIVEN_a_plain_generator_THEN_its_snapped_network_draws_each_cell_as_its_middle(self):
        G = plain_generator()
        snapped = snap_codes(G, THRESHOLDS)
        coded = with_code_layer(G, THRESHOLDS).eval()
        z, tags = away_from_steps(32), torch.rand(32, 5)
        with torch.no_grad():
            want = coded(snap_numbers(z, THRESHOLDS), tags)
            got = snapped(z, tags)
            self.assertLess((got - want).abs().max().item(), 1e-4)
            self.assertGreater((got - G(z, tags)).abs().max().item(), 1e-2)   # it does change pictures
            # another number in the same cell draws the same picture
            moved = z.clone()
            moved[:, 0] = snap_numbers(z, THRESHOLDS)[:, 0] + 0.02 * torch.sign(torch.randn(32))
            self.assertLess((snapped(moved, tags) - got).abs().max().item(), 1e-4)
        self.assertFalse(G.cfg.code_thresholds)   # the source is left as it was

    def test_GIVEN_a_generator_with_a_learnt_code_layer_THEN_the_steps_keep_their_weights(self):
        G = with_code_layer(plain_generator(), THRESHOLDS).eval()
        with torch.no_grad():  # as training leaves it: the steps mean something
            G.fc.weight[:, -len(THRESHOLDS):] = torch.randn(G.fc.out_features, len(THRESHOLDS)) * 0.1
        snapped = snap_codes(G)
        z, tags = away_from_steps(32), torch.rand(32, 5)
        with torch.no_grad():
            self.assertLess((snapped(z, tags) - G(snap_numbers(z, THRESHOLDS), tags)).abs().max().item(), 1e-4)
        with self.assertRaisesRegex(ValueError, "other thresholds"):
            snap_codes(G, THRESHOLDS[:1])

    def test_GIVEN_a_layered_generator_THEN_its_palette_reads_the_snapped_numbers_too(self):
        from training.layered import LayeredConfig, LayeredGenerator
        torch.manual_seed(0)
        G = LayeredGenerator(LayeredConfig(num_tags=5, image_size=64, g_channels=[16, 16, 8, 8, 8], code_thresholds=THRESHOLDS)).eval()
        with torch.no_grad():  # as training leaves it: the steps mean something, colours too
            for layer in (G.fc, G.palette_fc):
                layer.weight[:, -len(THRESHOLDS):] = torch.randn(layer.out_features, len(THRESHOLDS)) * 0.1
        snapped = snap_codes(G)
        z, tags = away_from_steps(16), torch.rand(16, 5)
        with torch.no_grad():
            want = G.parts(snap_numbers(z, THRESHOLDS), tags)
            got = snapped.parts(z, tags)
        self.assertLess((got[1] - want[1]).abs().max().item(), 1e-4)  # the palette
        self.assertLess((got[0] - want[0]).abs().max().item(), 1e-3)  # the masks' logits

    def test_GIVEN_no_code_layer_and_no_thresholds_THEN_it_refuses(self):
        with self.assertRaisesRegex(ValueError, "needs the code thresholds"):
            snap_codes(plain_generator())


class ExportSnapCodesTest(unittest.TestCase):
    def test_GIVEN_a_run_without_a_code_layer_WHEN_exported_with_snap_codes_THEN_the_model_draws_cells(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            data, run, model, plain_model = root / "data", root / "run", root / "model", root / "plain"
            make_dataset(data)
            write_codes(data)
            train(tiny_config(data, run), progress=False)
            quiet = io.StringIO()
            with contextlib.redirect_stdout(quiet):
                export_main([str(run), str(plain_model), "--id", "plain"])
                export_main([str(run), str(model), "--id", "snapped", "--snap-codes"])
            card = json.loads((model / "card.json").read_text())
            self.assertEqual(card["training"]["snapCodes"]["zIndices"], [0, 1, 2, 3])
            self.assertEqual(card["training"]["snapCodes"]["thresholdsFrom"], str(data))
            G, _ = load_tfjs_generator(model)
            plain, _ = load_tfjs_generator(plain_model)
            hair = quantile_boundaries([3])           # write_codes: three hair variants on z[0]
            z, tags = torch.zeros(2, 100), torch.zeros(2, G.cfg.num_tags)
            z[:, 0] = torch.tensor([hair[1] + 0.1, hair[1] + 0.6])   # both in the last third
            with torch.no_grad():
                a, b = G(z, tags)
                self.assertLess((a - b).abs().max().item(), 1e-3)
                pa, pb = plain(z, tags)
                self.assertGreater((pa - pb).abs().max().item(), 1e-3)
            # a generator with no code layer and no data to take its codes from is refused, clearly
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(quiet), self.assertRaises(SystemExit):
                export_main([str(run), str(root / "bad"), "--snap-codes", "--codes-data", str(root / "nowhere")])
            self.assertIn("--snap-codes", err.getvalue())
            self.assertFalse((root / "bad").exists())


if __name__ == "__main__":
    unittest.main()
