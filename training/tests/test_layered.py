"""The layered generator (model v3) and its trainer, on tiny data."""
import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from training.layered import LAYERS, PART_LAYERS, LayeredConfig, LayeredGenerator, grouped_log_probs, upsample2x_legacy
from training.dataset import DataError
from training.draw_codes import redraw_code
from training.layered_train import decayed_lr, load_optimiser, lr_groups, main as layered_main, parse_oversample, sampling_weights
from training.tests.test_trainer import make_dataset, write_codes


def write_masks(root: Path, n=24, size=64):
    """Part labels for make_dataset's squares: background around, 'hair' where the square is."""
    (root / "masks").mkdir()
    for i in range(n):
        m = np.zeros((size, size), np.uint8)
        m[8:40, 8:56] = PART_LAYERS.index("hair")
        m[20:24, 8:56] = PART_LAYERS.index("ink")
        Image.fromarray(m).save(root / "masks" / f"{i:03d}.png")


def coded_run(tmp, *extra, heldout=True):
    """(data, run, trainer args) for a tiny rendered folder with codes and masks in tmp: the
    layered trainer's arguments for it, logging and evaluating every step or two."""
    data, run = Path(tmp) / "data", Path(tmp) / "run"
    make_dataset(data)
    write_codes(data)
    write_masks(data)
    args = ["--data", str(data), *(["--heldout", str(data)] if heldout else []), "--out", str(run), "--size", "64",
            "--g-channels", "16,16,8,8,8", "--batch", "4", "--log-every", "1", "--eval-every", "2", "--threads", "1", *extra]
    return data, run, args


class LayeredNetworkTests(unittest.TestCase):
    def test_GIVEN_sure_logits_THEN_every_pixel_is_exactly_one_layer_colour(self):
        logits = torch.full((1, len(LAYERS), 4, 4), -50.0)
        logits[0, 2, :2] = 50.0  # hair on top
        logits[0, 0, 2:] = 50.0  # background below
        palette = torch.zeros(1, len(LAYERS), 3)
        palette[0, 2] = torch.tensor([0.8, -0.5, 0.1])
        palette[0, 0] = torch.tensor([-1.0, 1.0, 0.0])
        y = LayeredGenerator.composite(logits, palette)
        self.assertTrue(torch.allclose(y[0, :, 0, 0], palette[0, 2]))
        self.assertTrue(torch.allclose(y[0, :, 3, 3], palette[0, 0]))

    def test_GIVEN_a_grid_THEN_the_legacy_upsampling_repeats_the_last_row_as_tf_does(self):
        x = torch.tensor([[[[0.0, 2.0], [4.0, 6.0]]]])
        expected = torch.tensor([[[[0, 1, 2, 2], [2, 3, 4, 4], [4, 5, 6, 6], [4, 5, 6, 6]]]], dtype=torch.float32)
        self.assertTrue(torch.equal(upsample2x_legacy(x), expected))

    def test_GIVEN_two_background_layers_THEN_the_background_label_is_their_sum(self):
        logits = torch.randn(2, len(LAYERS), 3, 3)
        grouped = grouped_log_probs(logits)
        self.assertEqual(grouped.shape[1], len(PART_LAYERS))
        p = torch.softmax(logits, dim=1)
        self.assertTrue(torch.allclose(grouped[:, 0].exp(), p[:, 0] + p[:, -1], atol=1e-6))
        self.assertTrue(torch.allclose(grouped.exp().sum(dim=1), torch.ones(2, 3, 3), atol=1e-5))

    def test_GIVEN_scale_2_THEN_the_same_girl_is_drawn_twice_as_large(self):
        torch.manual_seed(0)
        G = LayeredGenerator(LayeredConfig(num_tags=3, image_size=64, g_channels=[16, 16, 8, 8, 8])).eval()
        z, tags = torch.randn(2, 100), torch.zeros(2, 3)
        with torch.no_grad():
            small, big = G(z, tags), G(z, tags, scale=2)
        self.assertEqual(tuple(big.shape), (2, 3, 128, 128))
        # Every other pixel of the 2x picture is the 1x picture's pixel: the logits there are the same.
        self.assertTrue(torch.allclose(big[:, :, ::2, ::2], small, atol=1e-5))

    def test_GIVEN_a_detail_head_THEN_it_starts_at_zero_and_draws_finer_than_the_trunk(self):
        torch.manual_seed(0)
        cfg = LayeredConfig(num_tags=3, image_size=64, mask_size=32, g_channels=[16, 16, 8, 8])
        G = LayeredGenerator(cfg).eval()
        D = LayeredGenerator(LayeredConfig(**{**cfg.__dict__, "detail": True})).eval()
        missing, _ = D.load_state_dict(G.state_dict(), strict=False)
        self.assertEqual(sorted(missing), ["detail.bias", "detail.weight"])
        z, tags = torch.randn(2, 100), torch.zeros(2, 3)
        with torch.no_grad():
            self.assertTrue(torch.allclose(D(z, tags), G(z, tags), atol=1e-6))  # grown onto a trained one: the same girls
            logits, _ = D.parts(z, tags)
            self.assertEqual(tuple(logits.shape[-2:]), (64, 64))  # twice the trunk's 32 px
            D.detail.weight.normal_(0.0, 0.5)
            small, big = D(z, tags), D(z, tags, scale=2)
        self.assertFalse(torch.allclose(small, G(z, tags), atol=1e-3))
        self.assertTrue(torch.allclose(big[:, :, ::2, ::2], small, atol=1e-5))
        with self.assertRaises(ValueError):  # nothing finer than the picture
            LayeredGenerator(LayeredConfig(num_tags=3, image_size=64, mask_size=64, detail=True))


    def test_GIVEN_l1_weights_THEN_a_small_part_s_colour_error_counts_by_its_weight(self):
        from training.layered_train import layered_losses
        torch.manual_seed(0)
        G = LayeredGenerator(LayeredConfig(num_tags=3, image_size=64, g_channels=[16, 16, 8, 8, 8])).eval()
        z, tags = torch.randn(1, 100), torch.zeros(1, 3)
        labels = torch.zeros(1, 64, 64, dtype=torch.long)
        labels[0, :2, :2] = PART_LAYERS.index("eyes")  # 4 pixels of "eyes"
        with torch.no_grad():
            y = G(z, tags)
        x = y.clone()
        x[0, :, :2, :2] += 0.5  # wrong only where the eyes are
        w = torch.ones(len(PART_LAYERS))
        with torch.no_grad():
            _, plain, _, _ = layered_losses(G, z, tags, x, labels, w)
            _, same, _, _ = layered_losses(G, z, tags, x, labels, w, w)
            w[PART_LAYERS.index("eyes")] = 10.0
            _, weighed, _, _ = layered_losses(G, z, tags, x, labels, w, w)
        self.assertAlmostEqual(same.item(), plain.item(), places=5)
        self.assertAlmostEqual(weighed.item(), 10 * plain.item(), places=4)


    def test_GIVEN_a_face_THEN_the_palette_loss_compares_each_shown_part_with_its_mean_colour(self):
        from training.layered_train import palette_loss
        labels = torch.zeros(1, 8, 8, dtype=torch.long)  # background everywhere …
        labels[0, :4] = PART_LAYERS.index("skin")        # … skin on top (32 pixels)
        labels[0, 7, :2] = PART_LAYERS.index("eyes")      # two eye pixels: too few for a target
        x = torch.zeros(1, 3, 8, 8)
        x[0, :, :4] = torch.tensor([0.5, 0.2, -0.1]).view(3, 1, 1)
        palette = torch.zeros(1, len(LAYERS), 3)
        palette[0, PART_LAYERS.index("skin")] = torch.tensor([0.5, 0.2, -0.1])
        palette[0, PART_LAYERS.index("eyes")] = 1.0  # no target: does not count
        palette[0, 0] = 0.9                           # the background never counts
        self.assertAlmostEqual(palette_loss(palette, x, labels).item(), 0.0, places=6)
        palette[0, PART_LAYERS.index("skin"), 0] = 0.8  # 0.3 off in one channel of three
        self.assertAlmostEqual(palette_loss(palette, x, labels).item(), 0.1, places=5)


class LayeredTrainerTests(unittest.TestCase):
    def test_GIVEN_tiny_coded_data_with_masks_THEN_it_trains_checkpoints_resumes_and_refuses_to_overwrite(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, run, args = coded_run(tmp)
            layered_main(args + ["--steps", "2"])
            log = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
            self.assertEqual(log[-1]["step"], 2)
            self.assertIn("heldout_mask_acc", log[-1])
            self.assertTrue((run / "samples" / "step_000002.png").is_file())
            with self.assertRaises(SystemExit):  # an existing run is never restarted silently
                layered_main(args + ["--steps", "3"])
            layered_main(args + ["--steps", "3", "--resume"])
            self.assertEqual(torch.load(run / "ckpt.pt")["step"], 3)
            config = json.loads((run / "config.json").read_text())
            self.assertEqual(config["head"], "layered")
            self.assertEqual([h["fromStep"] for h in config["history"]], [0, 2])

    def test_GIVEN_a_layered_run_THEN_it_exports_at_two_sizes_and_a_fresh_machine_goes_on_from_the_model_folder(self):
        from training.export import main as export_main
        with tempfile.TemporaryDirectory() as tmp:
            data, run, model, big = Path(tmp) / "data", Path(tmp) / "run", Path(tmp) / "m", Path(tmp) / "m256"
            make_dataset(data)
            write_codes(data)
            write_masks(data)
            common = ["--data", str(data), "--size", "64", "--g-channels", "16,16,8,8,8", "--batch", "4", "--log-every", "1",
                      "--eval-every", "1", "--threads", "1"]
            layered_main(common + ["--out", str(run), "--steps", "2"])
            family = "64=v3tiny,128=v3tiny-128"
            export_main([str(run), str(model), "--id", "v3tiny", "--training-state", "--sizes", family])
            export_main([str(run), str(big), "--id", "v3tiny-128", "--scale", "2", "--sizes", family])
            card, card2 = (json.loads((d / "card.json").read_text()) for d in (model, big))
            self.assertEqual((card["imageSize"], card2["imageSize"], card["head"]), (64, 128, "layered"))
            # Both cards name the family (card.json sizes): the bot draws either's girls at 64 or 128 px.
            self.assertEqual(card["sizes"], {"64": "v3tiny", "128": "v3tiny-128"})
            self.assertEqual(card2["sizes"], card["sizes"])
            # --sizes that leaves this model out, or is not PX=ID: refused before anything is written.
            for bad in ("64=v3tiny,128=other", "64=v3tiny,128"):
                with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()) as err:
                    export_main([str(run), str(Path(tmp) / "bad"), "--id", "v3tiny-128", "--scale", "2", "--sizes", bad])
                self.assertIn("error: --sizes:", err.getvalue())
                self.assertFalse((Path(tmp) / "bad").exists())
            # --scale from the 64 px model folder: the card links that model and this one by itself.
            with contextlib.redirect_stderr(io.StringIO()) as note:
                export_main([str(model), str(Path(tmp) / "x2"), "--id", "v3tiny-x2", "--scale", "2"])
            self.assertEqual(json.loads((Path(tmp) / "x2" / "card.json").read_text())["sizes"], {"64": "v3tiny", "128": "v3tiny-x2"})
            self.assertIn('give v3tiny\'s card the same "sizes"', note.getvalue())
            self.assertLessEqual((model / "training-state.pt").stat().st_size, 8 * 1024 * 1024)
            self.assertEqual(card["trainingState"]["step"], 2)
            self.assertFalse((big / "training-state.pt").exists())
            # Both folders read back into PyTorch (bench, snapping, fine-tunes) draw what the run's EMA draws.
            from training.export import load_run_generator
            from training.export_onnx import round_through_float16
            from training.import_tfjs import load_tfjs_model
            G = round_through_float16(load_run_generator(run)[0])
            z, tags = torch.randn(2, 100), torch.rand(2, card["numTags"])
            for folder, scale in ((model, 1), (big, 2)):
                back, _ = load_tfjs_model(folder)
                with torch.no_grad():
                    self.assertLess((back(z, tags) - G(z, tags, scale=scale)).abs().max().item(), 1e-3)
            # The run folder is gone (a fresh machine): training goes on from the model folder's state.
            layered_main(common + ["--out", str(Path(tmp) / "run2"), "--steps", "3", "--init-from", str(model)])
            self.assertEqual(torch.load(Path(tmp) / "run2" / "ckpt.pt")["step"], 3)

    def test_GIVEN_detail_on_resume_THEN_the_run_grows_a_detail_head_and_goes_on(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, run, args = coded_run(tmp, "--mask-size", "32", "--g-channels", "16,16,8,8")
            layered_main(args + ["--steps", "2"])
            self.assertNotIn("detail.weight", torch.load(run / "ckpt.pt")["G"])
            layered_main(args + ["--steps", "4", "--resume", "--detail", "--balance", "0.5", "--l1-balance", "--palette-loss", "1"])
            ckpt = torch.load(run / "ckpt.pt")
            self.assertEqual(ckpt["step"], 4)
            self.assertTrue(ckpt["config"]["net"]["detail"])
            self.assertGreater(ckpt["G"]["detail.weight"].abs().sum().item(), 0.0)  # it learnt from zero
            log = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
            self.assertIn("ink", log[-1]["heldout_recall"])  # the small parts' recall is logged
            self.assertIn("palette", log[-2])  # and the palette loss, when asked for

    def test_GIVEN_data_with_a_draw_recorded_since_THEN_the_run_reads_its_new_code_steps_and_draws_as_before(self):
        from training.export import load_run_generator
        with tempfile.TemporaryDirectory() as tmp:
            data, run, args = coded_run(tmp, heldout=False)
            layered_main(args + ["--steps", "2"])
            before, ckpt = load_run_generator(run)
            had = ckpt["config"]["net"]["code_thresholds"]
            # A draw the renderer records from now on, as the last column (eyesHidden).
            lines = (data / "draws.csv").read_text().splitlines()
            (data / "draws.csv").write_text("\n".join([lines[0] + ",hidden"] + [f"{row},{i % 4}/4" for i, row in enumerate(lines[1:])]) + "\n")
            layered_main(args + ["--steps", "2", "--resume"])  # no step taken: only the growth
            after, ckpt = load_run_generator(run)
            steps = ckpt["config"]["net"]["code_thresholds"]
            self.assertEqual(steps[:len(had)], had)
            self.assertEqual([i for i, _ in steps[len(had):]], [4, 4, 4])  # z[2 factors + 2 draws]: 3 steps for 4 choices
            self.assertIn("hidden", ckpt["config"]["drawCodes"])
            z, tags = torch.randn(3, 100), torch.rand(3, before.cfg.num_tags)
            with torch.no_grad():
                self.assertTrue(torch.allclose(after(z, tags), before(z, tags), atol=1e-5))
            # Codes that are not the checkpoint's with more after them: refused, the run untouched.
            (data / "draws.csv").write_text("\n".join([lines[0]] + [f"{row.rsplit(',', 2)[0]},{i % 5}/5,{row.rsplit(',', 1)[1]}" for i, row in enumerate(lines[1:])]) + "\n")
            with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()) as err:
                layered_main(args + ["--steps", "3", "--resume"])
            self.assertIn("the data's codes differ from the checkpoint's", err.getvalue())
            self.assertEqual(torch.load(run / "ckpt.pt")["step"], 2)

    def test_GIVEN_lr_final_THEN_the_rate_falls_by_a_cosine_over_the_resumed_stretch(self):
        self.assertEqual(decayed_lr(1e-3, 0.0, 0.7), 1e-3)  # no decay asked
        self.assertAlmostEqual(decayed_lr(1e-3, 1e-4, 0.0), 1e-3)
        self.assertAlmostEqual(decayed_lr(1e-3, 1e-4, 0.5), 5.5e-4)
        self.assertAlmostEqual(decayed_lr(1e-3, 1e-4, 2.0), 1e-4)  # past the end it stays at the floor
        with tempfile.TemporaryDirectory() as tmp:
            data, run, args = coded_run(tmp, heldout=False)
            layered_main(args + ["--steps", "2"])
            layered_main(args + ["--steps", "6", "--resume", "--lr-final", "1e-4"])
            rates = [rec["lr"] for rec in map(json.loads, (run / "log.jsonl").read_text().splitlines()) if "lr" in rec]
            self.assertEqual(rates[:2], [1e-3, 1e-3])  # the first stretch kept its constant rate
            self.assertEqual(rates[2], 1e-3)  # the resumed stretch starts at --lr …
            self.assertTrue(all(a > b for a, b in zip(rates[2:], rates[3:])))  # … and falls every step
            self.assertLess(rates[-1], 3e-4)

    def test_GIVEN_rate_multiples_THEN_the_palette_and_detail_learn_faster_and_an_old_one_group_adam_keeps_its_moments(self):
        G = LayeredGenerator(LayeredConfig(num_tags=3, image_size=64, mask_size=32, g_channels=[16, 16, 8, 8], detail=True))
        groups = lr_groups(G, 1e-4, palette_mult=10, detail_mult=3)
        np.testing.assert_allclose([g["lr"] for g in groups], [1e-4, 1e-3, 3e-4])
        names = {id(p): n for n, p in G.named_parameters()}
        self.assertTrue(all(names[id(p)].startswith("palette_") for p in groups[1]["params"]))
        self.assertEqual(sum(len(g["params"]) for g in groups), len(list(G.parameters())))
        # A checkpoint from before the groups: one group, moments in G.parameters()' order.
        old = torch.optim.Adam(G.parameters(), 1e-4)
        G(torch.randn(2, G.cfg.z_dim), torch.ones(2, 3)).mean().backward()
        old.step()
        opt = torch.optim.Adam(groups, 1e-4)
        load_optimiser(opt, G, old.state_dict())
        np.testing.assert_allclose([g["lr"] for g in opt.param_groups], [1e-4, 1e-3, 3e-4])  # the new rates, not the saved
        for p in G.parameters():  # each parameter's moments followed it into its group
            self.assertTrue(torch.equal(opt.state[p]["exp_avg"], old.state[p]["exp_avg"]))

    def test_GIVEN_a_run_THEN_palette_fit_brings_the_layer_colours_to_the_real_parts_and_changes_nothing_else(self):
        from training.palette_fit import coded_colours, heldout_error, main as fit_main
        with tempfile.TemporaryDirectory() as tmp:
            data, run, args = coded_run(tmp, heldout=False)
            layered_main(args + ["--steps", "2"])
            out = Path(tmp) / "fitted" / "ckpt.pt"
            with contextlib.redirect_stderr(io.StringIO()):
                fit_main([str(run / "ckpt.pt"), "--data", str(data), "--out", str(out), "--steps", "200", "--batch", "8"])
            before, after = torch.load(run / "ckpt.pt"), torch.load(out)
            self.assertNotIn("opt_g", after)
            for k, v in before["G_ema"].items():  # the trunk and the masks' heads are as they were
                if not k.startswith("palette_"):
                    self.assertTrue(torch.equal(v, after["G_ema"][k]), k)
            self.assertTrue(torch.equal(after["G"]["palette_out.weight"], after["G_ema"]["palette_out.weight"]))
            cfg = LayeredConfig(**before["config"]["net"])
            nets = []
            for state in (before, after):
                G = LayeredGenerator(cfg)
                G.load_state_dict(state["G_ema"])
                nets.append(G.eval())
            held = coded_colours(data, 64, before["vocab"])
            self.assertLess(heldout_error(nets[1], held, cfg), 0.5 * heldout_error(nets[0], held, cfg))
            # The two background layers (a gradient, not one colour to fit) keep the colours they had.
            hdata, codes, variants, draws = held[:4]
            idx = torch.arange(len(hdata))
            z, tags = redraw_code(codes, draws, variants, hdata.tags, idx, cfg.z_dim), hdata.tags
            with torch.no_grad():
                backgrounds = [G.parts(z, tags)[1][:, [0, -1]] for G in nets]
            self.assertLess((backgrounds[0] - backgrounds[1]).abs().mean().item(), 0.05)
            with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()):  # never overwritten
                fit_main([str(run / "ckpt.pt"), "--data", str(data), "--out", str(out), "--steps", "1"])

    def test_GIVEN_a_layer_shift_THEN_the_export_moves_that_layer_s_logits_alone_and_the_card_says_so(self):
        from training.export import layer_shifts, main as export_main
        from training.import_tfjs import load_tfjs_model
        with tempfile.TemporaryDirectory() as tmp:
            data, run, args = coded_run(tmp, heldout=False)
            layered_main(args + ["--steps", "2"])
            plain, shifted = Path(tmp) / "plain", Path(tmp) / "shifted"
            with contextlib.redirect_stdout(io.StringIO()):
                export_main([str(run), str(plain), "--sharpen", "2"])
                export_main([str(run), str(shifted), "--sharpen", "2", "--layer-shift", "eyes=-1.5"])
            (a, _), (b, card) = load_tfjs_model(plain), load_tfjs_model(shifted)
            self.assertEqual(card["training"]["layerShift"], {"eyes": -1.5})
            diff = (b.out.bias - a.out.bias).detach()
            eyes = LAYERS.index("eyes")
            self.assertAlmostEqual(diff[eyes].item(), -3.0, places=2)  # shifted, then sharpened ×2
            self.assertEqual(diff.abs().sum().item() - abs(diff[eyes].item()), 0.0)
            self.assertEqual(layer_shifts("eyes=-1,freckles=0.5"), {"eyes": -1.0, "freckles": 0.5})
            for bad in ("nose=1", "eyes", "eyes=x"):
                with self.assertRaises(Exception):
                    layer_shifts(bad)

    def test_GIVEN_oversampled_tags_THEN_faces_with_them_are_drawn_that_many_times_as_often(self):
        names = ["smile", "one_eye_closed", "freckles"]
        tags = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 1, 1], [0, 0, 0]], dtype=torch.float32)
        self.assertIsNone(sampling_weights(tags, names, {}))
        w = sampling_weights(tags, names, parse_oversample("one_eye_closed=3, freckles=2"))
        self.assertEqual(w.tolist(), [1.0, 3.0, 6.0, 1.0])  # factors multiply on a face with both
        drawn = torch.multinomial(w, 11_000, replacement=True, generator=torch.Generator().manual_seed(0))
        share = torch.bincount(drawn, minlength=4).double() / len(drawn)
        self.assertAlmostEqual(share[1].item(), 3 / 11, delta=0.02)
        for bad in ("one_eye_closed", "one_eye_closed=0", "one_eye_closed=-1", "=2", "one_eye_closed=x", "a=inf"):
            with self.assertRaises(Exception, msg=bad):
                parse_oversample(bad)
        with self.assertRaises(DataError):  # a misspelt tag is named, not silently ignored
            sampling_weights(tags, names, {"one_eye_closd": 3})

    def test_GIVEN_oversample_THEN_the_run_trains_and_its_config_records_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, run, args = coded_run(tmp, heldout=False)
            layered_main(args + ["--steps", "2", "--oversample", "smile=4"])  # make_dataset: every third square smiles
            config = json.loads((run / "config.json").read_text())
            self.assertEqual(config["oversample"], {"smile": 4.0})
            self.assertEqual(torch.load(run / "ckpt.pt")["step"], 2)

    def test_GIVEN_no_masks_THEN_a_clear_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            make_dataset(data)
            write_codes(data)
            with self.assertRaises(SystemExit) as stop:
                layered_main(["--data", str(data), "--out", str(Path(tmp) / "run"), "--size", "64", "--g-channels", "16,16,8,8,8",
                              "--batch", "4", "--steps", "1", "--threads", "1"])
            self.assertEqual(stop.exception.code, 2)


if __name__ == "__main__":
    unittest.main()
