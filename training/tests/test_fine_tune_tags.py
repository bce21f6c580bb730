"""Fine-tuning from a model with other tags (issue 34): G keeps its body, the tag inputs of tags
both vocabularies have are carried by name, a new tag's start at zero and are learnt, a set none
of whose tags is kept is folded in at its frequencies; another image size is refused."""
import contextlib
import io
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from training.dataset import DataError, TaggedImages
from training.export import generator_source
from training.networks import Generator, NetConfig, retag_generator, with_code_layer
from training.tests.test_trainer import tiny_config, tiny_model
from training.train import generator_start, sample_tag_sets, train

OTHER_TAGS = ["green_hair", "red_hair", "glasses"]   # the tiny model knows red_hair, blue_hair, smile


def make_other_dataset(root: Path, n=16, size=64):
    """Tagged squares with another vocabulary than test_trainer.make_dataset's."""
    (root / "images").mkdir(parents=True)
    rows = ["image,tags"]
    for i in range(n):
        hair = OTHER_TAGS[i % 2]
        img = np.full((size, size, 3), 255, np.uint8)
        img[8:40, 8:56] = (30, 200, 30) if hair == "green_hair" else (200, 30, 30)
        if i % 3 == 0:
            img[20:24, 10:54] = 0
        Image.fromarray(img).save(root / "images" / f"{i:03d}.png")
        rows.append(f"images/{i:03d}.png,{hair}{' glasses' if i % 3 == 0 else ''}")
    (root / "tags.csv").write_text("\n".join(rows) + "\n")


def body(G):
    """Every entry of G's state but fc's weight (the only one whose shape follows the tags)."""
    return {k: v for k, v in G.state_dict().items() if k != "fc.weight"}


class FineTuneOtherTagsTests(unittest.TestCase):
    def test_GIVEN_other_tags_WHEN_init_from_a_model_THEN_body_carried_tags_by_name_new_ones_learnt_from_zero(self):
        with tempfile.TemporaryDirectory() as d:
            _, _, model, _, _, _ = tiny_model(Path(d))
            warm, warm_vocab, _ = generator_source(model)
            old_names = [v["name"] for v in warm_vocab]
            data_dir = Path(d) / "other"
            make_other_dataset(data_dir)
            cfg = tiny_config(data_dir, Path(d) / "fine", init_from=str(model), max_steps=2, epochs=100.0)
            data = TaggedImages(cfg.data, cfg.image_size, cfg.max_tags, log=None)
            names = [v["name"] for v in data.vocab]
            self.assertEqual(sorted(names), sorted(OTHER_TAGS))
            self.assertNotEqual(sorted(names), sorted(old_names))

            # After loading, before any step: the body is the model's, the tag inputs carried by name.
            G, retagged = generator_start(cfg, data)
            self.assertEqual(retagged.carried, ["red_hair"])
            self.assertEqual(sorted(retagged.new), ["glasses", "green_hair"])
            self.assertEqual(sorted(retagged.left_out), ["blue_hair", "smile"])
            warm_body = body(warm)
            self.assertEqual(set(body(G)), set(warm_body))
            for k, v in body(G).items():
                self.assertTrue(torch.equal(v, warm_body[k]), k)
            z = warm.cfg.z_dim
            self.assertEqual(tuple(G.fc.weight.shape), (warm.fc.weight.shape[0], z + 3))
            self.assertTrue(torch.equal(G.fc.weight[:, :z], warm.fc.weight[:, :z]))
            self.assertTrue(torch.equal(G.fc.weight[:, z + names.index("red_hair")], warm.fc.weight[:, z + old_names.index("red_hair")]))
            for t in ("green_hair", "glasses"):
                self.assertEqual(G.fc.weight[:, z + names.index(t)].abs().max().item(), 0.0, t)

            # Two steps: the new tags' inputs are learnt, the body moves only by the steps.
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                train(cfg, progress=True)
            self.assertIn(f"start     G from {model} (D fresh): 1 tag carried, 2 new", err.getvalue())
            self.assertIn("learnt from zero), 2 of its tags left out", err.getvalue())
            ckpt = torch.load(Path(d) / "fine" / "ckpt.pt", map_location="cpu")
            self.assertEqual(ckpt["step"], 2)
            w = ckpt["G"]["fc.weight"]
            self.assertEqual(tuple(w.shape), (warm.fc.weight.shape[0], z + 3))
            self.assertEqual(ckpt["config"]["net"]["num_tags"], 3)
            for t in ("green_hair", "glasses"):
                self.assertGreater(w[:, z + names.index(t)].abs().max().item(), 0.0, t)
            for k in ("blocks.0.conv.weight", "out.weight", "fc.bias"):
                self.assertLess((ckpt["G"][k] - warm_body[k]).abs().max().item(), 5e-3, k)

    def test_GIVEN_another_image_size_THEN_refused_with_both_sizes_named(self):
        with tempfile.TemporaryDirectory() as d:
            _, _, model, _, _, _ = tiny_model(Path(d))
            data_dir = Path(d) / "other"
            make_other_dataset(data_dir, size=128)
            cfg = tiny_config(data_dir, Path(d) / "big", init_from=str(model), image_size=128)
            cfg.net.g_channels = [32, 16, 16, 8, 8, 8]
            with self.assertRaisesRegex(DataError, r"it draws 64 px pictures and this run trains at 128 px"):
                train(cfg, progress=False)
            self.assertFalse((Path(d) / "big").exists())

    def test_GIVEN_retag_THEN_it_draws_what_the_old_one_drew_for_the_shared_tags_with_a_dropped_set_at_its_average(self):
        torch.manual_seed(0)
        old_vocab = [{"name": "a", "exclusive": "eyes", "frequency": 0.6}, {"name": "b", "exclusive": "eyes", "frequency": 0.2},
                     {"name": "c", "exclusive": "hair"}, {"name": "d", "exclusive": "hair"}, {"name": "e"}]
        for code in (False, True):
            old = Generator(NetConfig(num_tags=5, g_channels=[32, 16, 16, 8, 8]))
            if code:
                old = with_code_layer(old, [[0, 0.0], [1, 0.5]])
            old.eval()
            new, retagged = retag_generator(old, old_vocab, ["e", "x", "d"])
            new.eval()
            self.assertEqual((retagged.carried, retagged.new, retagged.left_out, retagged.folded),
                             (["e", "d"], ["x"], ["a", "b", "c"], ["eyes"]))
            self.assertEqual(new.cfg.num_tags, 3)
            z = torch.randn(6, 100)
            with torch.no_grad():
                # e and d asked for, x (new, zero inputs) on or off: the old G with d, e and the eye colours at 3:1
                want = old(z, torch.tensor([[0.75, 0.25, 0.0, 1.0, 1.0]]).expand(6, 5))
                for x in (0.0, 1.0):
                    got = new(z, torch.tensor([[1.0, x, 1.0]]).expand(6, 3))
                    self.assertLess((got - want).abs().max().item(), 1e-5, (code, x))

    def test_GIVEN_a_vocabulary_with_hair_colours_but_not_loreleis_THEN_grid_rows_fill_every_set(self):
        vocab = [{"name": "red_hair", "group": "hair_color", "exclusive": "hair_color"},
                 {"name": "black_hair", "group": "hair_color", "exclusive": "hair_color"},
                 {"name": "long_hair", "group": "hairstyle", "exclusive": "hairstyle"},
                 {"name": "short_hair", "group": "hairstyle", "exclusive": "hairstyle"},
                 {"name": "blue_background", "group": "other", "exclusive": "background"},
                 {"name": "glasses", "group": "accessories"}]
        rows = [tags for tags, _ in sample_tag_sets(vocab, count=3)]
        self.assertEqual(rows, [["red_hair", "long_hair", "blue_background"], ["black_hair", "short_hair", "blue_background"],
                                ["red_hair", "long_hair", "blue_background"]])


if __name__ == "__main__":
    unittest.main()
