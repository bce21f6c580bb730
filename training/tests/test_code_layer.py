"""The generator's code layer: where its steps lie, that adding one changes no picture, that the
steps stay fixed while training and travel with the generator (widening, export and import,
--init-from, --resume), and the refusals."""
import tempfile
import unittest
from pathlib import Path
from statistics import NormalDist

import torch

from training.code_layer import code_thresholds, quantile_boundaries
from training.dataset import DataError, TaggedImages
from training.draw_codes import DrawCodes
from training.export import write_model
from training.factor_codes import FactorCodes
from training.import_tfjs import load_tfjs_generator
from training.loss import LossConfig
from training.networks import Generator, NetConfig, widen_generator, with_code_layer
from training.tests.test_trainer import make_dataset, tiny_config, write_codes
from training.train import train


def steps_of(n_variants, z_index=0):
    return [[z_index, t] for t in quantile_boundaries([n_variants])]


class CodeLayerTest(unittest.TestCase):
    def test_GIVEN_variant_counts_THEN_the_steps_are_their_quantiles_merged(self):
        self.assertEqual(quantile_boundaries([2]), [0.0])
        self.assertEqual(quantile_boundaries([1]), [])
        four = quantile_boundaries([4])
        self.assertAlmostEqual(four[0], NormalDist().inv_cdf(0.25))
        self.assertEqual(len(four), 3)
        # n = 2 and 4 share the boundary at 0; n = 3 adds two of its own
        self.assertEqual(len(quantile_boundaries([2, 4, 3])), 5)
        self.assertEqual(quantile_boundaries([4, 2]), four)

    def test_GIVEN_coded_data_THEN_each_code_gets_the_boundaries_of_every_count_it_is_drawn_with(self):
        with tempfile.TemporaryDirectory() as d:
            data = Path(d)
            make_dataset(data)
            write_codes(data)
            images = TaggedImages(data, 64)
            codes = FactorCodes(images.factors, images.tags)
            draws = DrawCodes(images.draws, offset=len(codes.names))
            pairs = code_thresholds(codes, draws)
            by_index = {i: [t for j, t in pairs if j == i] for i in range(4)}
            self.assertEqual(by_index[0], quantile_boundaries([3]))       # hair: v0, v1, v2
            self.assertEqual(by_index[1], quantile_boundaries([2]))       # eyes: e0, e1
            self.assertEqual(by_index[2], quantile_boundaries([9]))       # scale: 9 choices
            self.assertEqual(by_index[3], quantile_boundaries([7]))       # tilt: 7 when drawn
            self.assertEqual(code_thresholds(codes, draws, max_draw_choices=8)[-1][0], 3)  # scale left out
            # A variant is a difference of two steps: z in the middle share of hair's three
            G = Generator(NetConfig(num_tags=2, code_thresholds=pairs))
            x = torch.cat([torch.tensor([[0.0, 2.0, 0.0, 0.0] + [0.0] * 96]), torch.zeros(1, 2)], dim=1)
            stepped = torch.sigmoid(torch.nn.functional.linear(x, G.code_weight, G.code_bias))[0]
            self.assertEqual(stepped[:2].round().tolist(), [1.0, 0.0])   # past the first boundary, not the second
            self.assertEqual(stepped[2].round().item(), 1.0)             # eyes: z = 2 is in the second share

    def test_GIVEN_a_plain_generator_THEN_with_a_code_layer_it_draws_the_same_and_widens_with_it(self):
        torch.manual_seed(0)
        plain = Generator(NetConfig(num_tags=5, g_channels=[32, 16, 16, 8, 8]))
        plain.train()
        plain(torch.randn(16, 100), torch.rand(16, 5))  # running statistics that are not the defaults
        coded = with_code_layer(plain, steps_of(4) + steps_of(3, 7))
        self.assertEqual(coded.fc.in_features, plain.fc.in_features + 5)
        self.assertNotIn("code_weight", dict(coded.named_parameters()))   # fixed, not learned
        wide = widen_generator(coded, NetConfig(**{**coded.cfg.__dict__, "g_channels": [40, 16, 24, 16, 12]}))
        z, tags = torch.randn(8, 100), torch.rand(8, 5)
        with torch.no_grad():
            for mode in ("train", "eval"):
                for m in (plain, coded, wide):
                    getattr(m, mode)()
                # equal but for the order of float sums (fc's matrix has more columns); one call
                # each, as a call in train mode moves the BatchNorm statistics
                ref = plain(z, tags)
                self.assertLess((ref - coded(z, tags)).abs().max().item(), 1e-5, mode)
                self.assertLess((ref - wide(z, tags)).abs().max().item(), 1e-5, mode)
        with self.assertRaisesRegex(ValueError, "has a code layer"):
            with_code_layer(coded, steps_of(2))
        with self.assertRaisesRegex(ValueError, "cannot widen"):
            widen_generator(plain, coded.cfg)   # a code layer is added by with_code_layer, not by widening
        with self.assertRaisesRegex(ValueError, "z has 100"):
            Generator(NetConfig(num_tags=5, code_thresholds=[[100, 0.0]]))

    def test_GIVEN_a_code_layer_WHEN_exported_and_read_back_THEN_it_draws_the_same(self):
        torch.manual_seed(1)
        G = Generator(NetConfig(num_tags=3, g_channels=[16, 8, 8, 8, 8], code_thresholds=steps_of(5) + steps_of(2, 1))).eval()
        vocab = [{"name": n} for n in ("a", "b", "c")]
        with tempfile.TemporaryDirectory() as d:
            write_model(G, vocab, Path(d) / "m", "m", {"training": {"net": G.cfg.__dict__}}, float16=False)
            back, _ = load_tfjs_generator(Path(d) / "m")
        self.assertEqual(back.cfg.code_thresholds, G.cfg.code_thresholds)
        z, tags = torch.randn(6, 100), torch.rand(6, 3)
        with torch.no_grad():
            self.assertLess((back(z, tags) - G(z, tags)).abs().max().item(), 1e-5)

    def test_GIVEN_code_layer_flag_WHEN_trained_from_a_plain_model_and_resumed_THEN_steps_stay_fixed_and_fc_learns_them(self):
        with tempfile.TemporaryDirectory() as d:
            data = Path(d) / "data"
            make_dataset(data)
            write_codes(data)
            plain = tiny_config(data, Path(d) / "plain", epochs=0.34)
            plain.loss = LossConfig(redraw_weight=10.0)
            G0, _ = train(plain, progress=False)
            coded = tiny_config(data, Path(d) / "coded", init_from=str(Path(d) / "plain"), code_layer=True, epochs=0.34)
            coded.loss = LossConfig(redraw_weight=10.0)
            G1, _ = train(coded, progress=False)
            steps = len(G1.cfg.code_thresholds)
            self.assertGreater(steps, 0)
            self.assertTrue(torch.equal(G1.code_weight, Generator(G1.cfg).code_weight))   # the steps did not move
            self.assertGreater(G1.fc.weight[:, G0.fc.in_features:].abs().max().item(), 0)  # fc learned to read them
            again = tiny_config(data, Path(d) / "coded", epochs=0.67)
            again.loss = LossConfig(redraw_weight=10.0)
            G2, _ = train(again, resume=True, progress=False)   # the run's architecture, without the flag
            self.assertEqual(G2.cfg.code_thresholds, G1.cfg.code_thresholds)
            nocodes = tiny_config(data, Path(d) / "nocodes", code_layer=True)
            with self.assertRaisesRegex(DataError, "needs --redraw"):
                train(nocodes, progress=False)


if __name__ == "__main__":
    unittest.main()
