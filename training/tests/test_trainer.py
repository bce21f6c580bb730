"""Trainer tests on tiny data: a few steps, never a real training run."""
import contextlib
import io
import json
import tempfile
import unittest
import unittest.mock
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from training.dataset import DataError, TaggedImages
from training.export import load_run_generator, write_model
from training.loss import LossConfig, positive_weights
from training.networks import NetConfig
from training.train import DeviceError, TrainConfig, main, pick_device, train

TAGS = ["red_hair", "blue_hair", "smile", "glasses"]


def make_dataset(root: Path, n=24, size=64):
    """Squares whose colour is the hair tag, so labels are exact."""
    (root / "images").mkdir(parents=True)
    rows = ["image,tags"]
    rng = np.random.default_rng(0)
    for i in range(n):
        hair = TAGS[i % 2]
        img = np.full((size, size, 3), 255, np.uint8)
        img[8:40, 8:56] = (200, 30, 30) if hair == "red_hair" else (30, 30, 200)
        img += rng.integers(0, 10, img.shape, dtype=np.uint8)
        Image.fromarray(img).save(root / "images" / f"{i:03d}.png")
        extra = " smile" if i % 3 == 0 else ""
        rows.append(f"images/{i:03d}.png,{hair}{extra}")
    (root / "tags.csv").write_text("\n".join(rows) + "\n")


def tiny_config(data, out, **kw):
    cfg = TrainConfig(**{"data": str(data), "out": str(out), "batch": 8, "epochs": 1.0, "log_every": 1, "threads": 1, **kw})
    cfg.net = NetConfig(g_channels=[32, 16, 16, 8, 8], d_channels=[8, 16, 16, 32])
    return cfg


def tiny_judge(data: Path, out: Path, size=64):
    """A judge (training.classifier) trained for one quick epoch on data, quietly."""
    from training.classifier import main as train_judge
    quiet = io.StringIO()
    with contextlib.redirect_stderr(quiet), contextlib.redirect_stdout(quiet):
        train_judge(["--data", str(data), "--heldout", str(data), "--out", str(out), "--size", str(size),
                     "--epochs", "1", "--batch", "8", "--threads", "1", "--width", "8"])
    return out / "classifier.pt"


def write_codes(data: Path, n=24):
    """factors.csv and draws.csv for make_dataset's images, as the renderer writes them."""
    rows = ["image,hair,eyes"] + [f"images/{i:03d}.png,v{i % 3},e{i % 2}" for i in range(n)]
    (data / "factors.csv").write_text("\n".join(rows) + "\n")
    draws = ["image,scale,tiltAngle"] + [f"images/{i:03d}.png,{i % 9}/9,{'' if i % 4 else f'{i % 7}/7'}" for i in range(n)]
    (data / "draws.csv").write_text("\n".join(draws) + "\n")


def tiny_model(root: Path):
    """A tiny run trained on a tiny dataset and exported as a model folder: (data, run, model, G, ckpt)."""
    data, run, model = root / "data", root / "run", root / "model"
    make_dataset(data)
    train(tiny_config(data, run), progress=False)
    G, ckpt = load_run_generator(run)
    card = write_model(G, ckpt["vocab"], model, "tiny", {"training": {"net": ckpt["config"]["net"]}})
    return data, run, model, G, ckpt, card


class DiscriminatorTests(unittest.TestCase):
    def test_GIVEN_feature_maps_THEN_one_per_scale_and_the_score_is_forwards(self):
        from training.networks import Discriminator
        torch.manual_seed(0)
        D = Discriminator(NetConfig(num_tags=5)).eval()  # eval: spectral norm's power step stays put
        images, tags = torch.rand(4, 3, 64, 64) * 2 - 1, (torch.rand(4, 5) > 0.5).float()
        maps = D.feature_maps(images)
        self.assertEqual([tuple(m.shape[1:]) for m in maps], [(32, 32, 32), (64, 16, 16), (128, 8, 8), (256, 4, 4)])
        score, same_maps = D.score_and_maps(images, tags)
        self.assertTrue(torch.allclose(score, D(images, tags)[0], atol=1e-5))
        self.assertTrue(all(torch.equal(a, b) for a, b in zip(maps, same_maps)))


class DatasetTests(unittest.TestCase):
    def test_GIVEN_folder_THEN_K_most_frequent_tags_kept(self):
        with tempfile.TemporaryDirectory() as d:
            make_dataset(Path(d))
            data = TaggedImages(d, size=32, max_tags=2)
            self.assertEqual(sorted(v["name"] for v in data.vocab), ["blue_hair", "red_hair"])
            self.assertEqual(tuple(data.images.shape), (24, 3, 32, 32))  # resized from 64
            x, t = data.batch(torch.tensor([0, 1]))
            self.assertLessEqual(x.max().item(), 1.0)
            self.assertEqual(t[0].tolist(), [1.0, 0.0])

    def test_GIVEN_missing_tags_csv_THEN_clear_error(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(DataError, "tags.csv: missing"):
                TaggedImages(d)

    def test_GIVEN_bad_header_or_unreadable_image_THEN_clear_error(self):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "tags.csv").write_text("file,labels\nx.png,a\n")
            with self.assertRaisesRegex(DataError, "header"):
                TaggedImages(d)
            (Path(d) / "tags.csv").write_text("image,tags\nbroken.png,a\n")
            (Path(d) / "broken.png").write_bytes(b"not a png")
            with self.assertRaisesRegex(DataError, "none of the 1 images could be read.*broken.png"):
                TaggedImages(d)


class TrainExportTests(unittest.TestCase):
    def test_GIVEN_a_d_warmup_THEN_it_is_checkpointed_on_schedule_and_grids_do_not_pile_up_after_it(self):
        import training.train as trainer
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)  # 24 faces, batch 8: a checkpoint every 3 steps with one per epoch
            saved = []
            real_save = trainer.save_checkpoint
            with unittest.mock.patch.object(trainer, "save_checkpoint",
                                            side_effect=lambda path, state: (saved.append(state["step"]), real_save(path, state))):
                train(tiny_config(data, out, d_warmup=4, epochs=3.0, samples_per_epoch=1), progress=False)
            self.assertEqual(saved, [3, 6, 9, 9])  # step 3 is inside the warm-up; the last is the final save
            self.assertEqual(sorted(f.name for f in (out / "samples").iterdir()),
                             ["epoch_002.00.png", "epoch_003.00.png", "final.png", "rows.txt"])

    def test_GIVEN_tiny_data_WHEN_trained_and_resumed_THEN_outputs_and_step_count(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            train(tiny_config(data, out), progress=False)
            for f in ("ckpt.pt", "config.json", "log.jsonl", "loss.png", "samples/final.png"):
                self.assertTrue((out / f).is_file(), f)
            ckpt = torch.load(out / "ckpt.pt", map_location="cpu")
            self.assertEqual(ckpt["step"], 3)  # 24 images / batch 8
            losses = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
            self.assertTrue(all(np.isfinite(r["d_adv"]) and np.isfinite(r["g_adv"]) for r in losses))
            train(tiny_config(data, out), resume=True, progress=False)  # already at 1 epoch: nothing to do
            self.assertEqual(torch.load(out / "ckpt.pt", map_location="cpu")["step"], 3)
            train(tiny_config(data, out, epochs=2.0), resume=True, progress=False)
            self.assertEqual(torch.load(out / "ckpt.pt", map_location="cpu")["step"], 6)
            starts = json.loads((out / "config.json").read_text())["history"]
            self.assertEqual([h["fromStep"] for h in starts], [0, 3, 3])  # every start kept, with where it began
            # carried on at lower rates: the flags' rates replace the ones the optimisers were saved with
            train(tiny_config(data, out, epochs=3.0, lr_g=2e-5, lr_d=8e-5), resume=True, progress=False)
            ckpt = torch.load(out / "ckpt.pt", map_location="cpu")
            self.assertEqual(ckpt["step"], 9)
            self.assertEqual({g["lr"] for g in ckpt["opt_g"]["param_groups"]}, {2e-5})
            self.assertEqual({g["lr"] for g in ckpt["opt_d"]["param_groups"]}, {8e-5})

    def test_GIVEN_keep_every_THEN_past_checkpoints_stay_as_run_folders_across_a_resume(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)  # 24 faces, batch 8, three checkpoints an epoch: one every step
            train(tiny_config(data, out, epochs=3.0, samples_per_epoch=3, keep_every=4), progress=False)
            self.assertEqual(sorted(p.name for p in (out / "keep").iterdir()), ["step-000004", "step-000008"])
            _, ckpt8 = load_run_generator(out / "keep" / "step-000008")  # a run folder export reads
            self.assertEqual(ckpt8["step"], 8)
            self.assertNotEqual(torch.load(out / "ckpt.pt", map_location="cpu")["step"], 8)
            # resumed at step 9: the next copy is at 12, not again at the first checkpoint
            train(tiny_config(data, out, epochs=4.0, samples_per_epoch=3, keep_every=4), resume=True, progress=False)
            self.assertEqual(sorted(p.name for p in (out / "keep").iterdir()), ["step-000004", "step-000008", "step-000012"])
            self.assertEqual(torch.load(out / "keep" / "step-000012" / "ckpt.pt", map_location="cpu")["step"], 12)
            with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
                main(["--data", str(data), "--out", str(out), "--keep-every", "-1"])

    def test_GIVEN_SIGTERM_WHEN_training_THEN_it_stops_at_a_step_boundary_with_a_checkpoint_at_that_step(self):
        import signal
        import subprocess
        import sys
        import time
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            args = [sys.executable, "-m", "training.train", "--data", str(data), "--out", str(out), "--batch", "8",
                    "--epochs", "10000", "--log-every", "1", "--threads", "1", "--samples-per-epoch", "1"]
            proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
            try:
                deadline = time.time() + 120
                while (time.time() < deadline and proc.poll() is None
                       and not ((out / "log.jsonl").is_file() and (out / "log.jsonl").read_text().count("\n") >= 2)):
                    time.sleep(0.1)
                proc.send_signal(signal.SIGTERM)
                _, err = proc.communicate(timeout=120)
            finally:
                proc.kill()
            self.assertEqual(proc.returncode, 0, err[-500:])
            step = torch.load(out / "ckpt.pt", map_location="cpu")["step"]
            self.assertGreaterEqual(step, 2)
            self.assertIn(f"stopped by a signal at step {step}; checkpoint written", err)

    def test_GIVEN_channel_flags_THEN_the_run_has_those_widths_and_bad_lists_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            with contextlib.redirect_stderr(io.StringIO()):
                main(["--data", str(data), "--out", str(out), "--batch", "8", "--epochs", "0.4", "--threads", "1",
                      "--g-channels", "24,16,12,8,8", "--d-channels", "8,8,16,24"])
            net = torch.load(out / "ckpt.pt", map_location="cpu")["config"]["net"]
            self.assertEqual((net["g_channels"], net["d_channels"]), ([24, 16, 12, 8, 8], [8, 8, 16, 24]))
            for bad in (["--g-channels", "24,16,12,8"], ["--g-channels", "24,x"], ["--d-channels", "2,8"]):
                with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit) as stop:
                    main(["--data", str(data), "--out", str(Path(d) / "bad"), *bad])
                self.assertEqual(stop.exception.code, 2, err.getvalue())

    def test_GIVEN_init_from_a_shipped_model_THEN_G_starts_from_its_weights_widened_or_not_and_narrower_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            data, _, model, G, ckpt, _ = tiny_model(Path(d))
            warm = tiny_config(data, Path(d) / "warm", init_from=str(model), epochs=0.01)
            G_warm, _ = train(warm, progress=False)  # one step of lr 1e-4 from the shipped (float16) weights
            self.assertLess((G_warm.fc.weight - G.fc.weight).abs().max().item(), 5e-3)
            self.assertLess((G_warm.out.weight - G.out.weight).abs().max().item(), 5e-3)
            narrower = tiny_config(data, Path(d) / "narrower", init_from=str(model))
            narrower.net.g_channels = [48, 24, 16, 8, 4]
            with self.assertRaisesRegex(DataError, "can only be widened"):
                train(narrower, progress=False)
            # wider: starts from the same pictures (lr 0: the weights are the widened start itself)
            wider = tiny_config(data, Path(d) / "wider", init_from=str(model), lr_g=0.0, lr_d=0.0, epochs=0.01)
            wider.net.g_channels = [48, 24, 16, 12, 8]
            G_wide, _ = train(wider, progress=False)
            z, tags = torch.randn(4, G.cfg.z_dim), torch.rand(4, G.cfg.num_tags)
            with torch.no_grad():
                G.eval()
                self.assertLess((G_wide(z, tags) - G(z, tags)).abs().max().item(), 1e-2)  # float16 shipped weights

    def test_GIVEN_widen_generator_THEN_it_draws_exactly_the_same_in_both_modes(self):
        from training.networks import Generator, widen_generator
        torch.manual_seed(0)
        small = Generator(NetConfig(num_tags=5, g_channels=[32, 16, 16, 8, 8]))
        small.train()
        small(torch.randn(16, 100), torch.rand(16, 5))  # running statistics that are not the defaults
        big = widen_generator(small, NetConfig(num_tags=5, g_channels=[40, 16, 24, 16, 12]))
        self.assertEqual(big.out.weight.shape[1], 12)
        z, tags = torch.randn(8, 100), torch.rand(8, 5)
        with torch.no_grad():
            for mode in ("train", "eval"):
                getattr(small, mode)()
                getattr(big, mode)()
                self.assertTrue(torch.equal(small(z, tags), big(z, tags)), mode)
        for bad in ([32, 16, 16, 8, 4], [32, 16, 16, 8]):
            with self.assertRaisesRegex(ValueError, "cannot widen"):
                widen_generator(small, NetConfig(num_tags=5, g_channels=bad))

    def test_GIVEN_balanced_tag_head_THEN_rare_positives_weigh_more_and_training_runs(self):
        tags = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        self.assertTrue(torch.allclose(positive_weights(tags), torch.tensor([1 / 3, 3.0])))
        self.assertEqual(positive_weights(torch.zeros(4, 1)).tolist(), [20.0])  # never seen: capped
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            cfg = tiny_config(data, out)
            cfg.loss = LossConfig(aux_balanced=True, aux_weight_d=3.0)
            train(cfg, progress=False)
            saved = json.loads((out / "config.json").read_text())["loss"]
            self.assertEqual((saved["aux_balanced"], saved["aux_weight_d"]), (True, 3.0))
            losses = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
            self.assertTrue(all(np.isfinite(r["d_aux"]) and np.isfinite(r["g_aux"]) for r in losses))

    def test_GIVEN_encoder_and_cLR_terms_THEN_they_train_and_resume_and_cLR_leaves_E_alone(self):
        from training.loss import latent_regression_loss
        from training.networks import Encoder, Generator
        net = NetConfig(num_tags=4, g_channels=[32, 16, 8, 8, 8])
        G, E = Generator(net), Encoder(net)
        for p in E.parameters():
            p.requires_grad_(False)
        loss, stats = latent_regression_loss(G, E, torch.randn(4, net.z_dim), torch.zeros(4, 4), LossConfig(latent_weight=0.5))
        loss.backward()
        self.assertTrue(all(p.grad is None for p in E.parameters()))
        self.assertTrue(any(p.grad is not None and p.grad.abs().sum() > 0 for p in G.parameters()))
        self.assertTrue(np.isfinite(stats["g_latent"]))
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            cfg = tiny_config(data, out)
            cfg.loss = LossConfig(rec_weight=10.0, kl_weight=0.01, latent_weight=0.5)
            train(cfg, progress=False)
            ckpt = torch.load(out / "ckpt.pt", map_location="cpu")
            self.assertIn("E", ckpt)  # the encoder and its optimiser are checkpointed for --resume
            self.assertEqual(ckpt["config"]["loss"]["latent_weight"], 0.5)

    def test_GIVEN_factors_csv_THEN_codes_follow_z_within_the_variants_the_tags_allow(self):
        from training.factor_codes import FactorCodes
        # hair variants a/b only with red_hair, c/d/e only with blue_hair; eyes free of tags
        tags = torch.tensor([[1.0, 0.0]] * 40 + [[0.0, 1.0]] * 60)
        hair = torch.tensor([i % 2 for i in range(40)] + [2 + i % 3 for i in range(60)])
        eyes = torch.tensor([i % 4 for i in range(100)])
        codes = FactorCodes({"hair": (["a", "b", "c", "d", "e"], hair), "eyes": (["1", "2", "3", "4"], eyes)}, tags,
                            min_images_per_variant=2)
        self.assertEqual(codes.describe([{"name": "red_hair"}, {"name": "blue_hair"}]),
                         {"hair": {"variants": 5, "zIndex": 0, "limitedBy": ["red_hair", "blue_hair"],
                                   "variantsWith": {"red_hair": 2, "blue_hair": 3}},
                          "eyes": {"variants": 4, "zIndex": 1, "limitedBy": [], "variantsWith": {"": 4}}})
        z = torch.randn(2000, 100)
        red, blue = codes.targets(z, tags[:1].repeat(2000, 1)), codes.targets(z, tags[-1:].repeat(2000, 1))
        self.assertEqual(set(red[:, 0].tolist()), {0, 1})
        self.assertEqual(set(blue[:, 0].tolist()), {2, 3, 4})
        self.assertTrue(torch.equal(red[:, 1], blue[:, 1]))  # eyes follow z[1] whatever the hair
        share = torch.bincount(blue[:, 0] - 2, minlength=3).float() / 2000
        self.assertLess((share - 1 / 3).abs().max().item(), 0.05)  # N(0, 1) draws cover the variants evenly
        self.assertTrue(torch.equal(codes.targets(z[:5], tags[:5]), codes.targets(z[:5], tags[:5])))
        z2 = z[:5].clone()
        z2[:, 2:] = torch.randn(5, 98)  # only the first two numbers choose
        self.assertTrue(torch.equal(codes.targets(z2, tags[:5]), codes.targets(z[:5], tags[:5])))
        variants = torch.stack([hair, eyes], dim=1)
        code = codes.encode(variants, tags)
        self.assertTrue(torch.equal(codes.targets(torch.cat([code, torch.randn(100, 98)], dim=1), tags), variants))
        self.assertGreater(code[:, 0].std().item(), 0.3)  # drawn within each variant's share, not one point
        perfect = torch.full((3, 9), -9.0)
        for i, (h, e) in enumerate([(0, 1), (3, 0), (4, 3)]):
            perfect[i, h], perfect[i, 5 + e] = 9.0, 9.0
        target = torch.tensor([[0, 1], [3, 0], [4, 3]])
        self.assertLess(codes.cross_entropy(perfect, target).item(), 1e-3)
        self.assertEqual(codes.accuracy(perfect, target), 1.0)
        self.assertGreater(codes.cross_entropy(-perfect, target).item(), 5)
        # another rendering names the same variants in its own order: read in these codes' indices
        other = {"hair": (["c", "a"], torch.tensor([0, 1, 1])), "eyes": (["4", "1"], torch.tensor([1, 0, 0]))}
        self.assertEqual(codes.variants_of(other).tolist(), [[2, 0], [0, 3], [0, 3]])
        with self.assertRaisesRegex(ValueError, "hair variants z never occur"):
            codes.variants_of({**other, "hair": (["z"], torch.tensor([0]))})
        with self.assertRaisesRegex(ValueError, "no column 'eyes'"):
            codes.variants_of({"hair": other["hair"]})

    def test_GIVEN_factor_flags_THEN_D_learns_them_and_a_folder_without_factors_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            cfg = tiny_config(data, out)
            cfg.loss = LossConfig(factor_weight_d=1.0, factor_weight_g=1.0)
            with self.assertRaisesRegex(DataError, "factors.csv"):
                train(cfg, progress=False)
            rows = ["image,hair,eyes"] + [f"images/{i:03d}.png,v{i % 3},e{i % 2}" for i in range(24)]
            (data / "factors.csv").write_text("\n".join(rows) + "\n")
            cfg = tiny_config(data, out, d_warmup=2, epochs=2.0)
            cfg.loss = LossConfig(factor_weight_d=1.0, factor_weight_g=1.0)
            train(cfg, progress=False)
            ckpt = torch.load(out / "ckpt.pt", map_location="cpu")
            self.assertEqual(ckpt["config"]["net"]["factor_sizes"], [3, 2])
            self.assertEqual(ckpt["D"]["classify_factors.weight"].shape[0], 5)
            log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
            self.assertEqual([r.get("warmup", False) for r in log], [True, True, False, False, False, False])
            self.assertTrue(all(np.isfinite(r["d_factor"]) for r in log))
            self.assertTrue(all(np.isfinite(r["g_factor"]) for r in log if not r.get("warmup")))
            config = json.loads((out / "config.json").read_text())
            self.assertEqual(config["factorCodes"]["hair"]["variants"], 3)
            self.assertEqual(load_run_generator(out)[0].cfg.factor_sizes, [3, 2])  # G exports as before
            coach_dir = Path(d) / "coach"
            from training.classifier import main as classifier_main
            with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
                classifier_main(["--data", str(data), "--heldout", str(data), "--out", str(coach_dir), "--epochs", "1",
                                 "--batch", "8", "--threads", "1", "--width", "8", "--factors-only"])
            coached = Path(d) / "coached"
            cfg = tiny_config(data, coached, factor_coach=str(coach_dir / "classifier.pt"))
            cfg.loss = LossConfig(factor_weight_g=1.0)
            train(cfg, progress=False)
            ckpt = torch.load(coached / "ckpt.pt", map_location="cpu")
            self.assertEqual(ckpt["config"]["net"]["factor_sizes"], [])  # the coach reads G's faces, not D
            self.assertNotIn("classify_factors.weight", ckpt["D"])
            self.assertTrue(all(np.isfinite(r["g_factor"]) for r in map(json.loads, (coached / "log.jsonl").read_text().splitlines())))
            told = Path(d) / "told"
            cfg = tiny_config(data, told, factor_rec=True)
            cfg.loss = LossConfig(rec_weight=3.0, kl_weight=0.05)
            train(cfg, progress=False)
            self.assertTrue(all(np.isfinite(r["g_rec"]) for r in map(json.loads, (told / "log.jsonl").read_text().splitlines())))
            with self.assertRaisesRegex(DataError, "needs --rec"):
                train(tiny_config(data, Path(d) / "untold", factor_rec=True), progress=False)
            from training.factor_sheet import agreement, factor_rows
            G, _ = load_run_generator(coached)
            grid = factor_rows(G, ckpt["vocab"], seed=7, tags=["red_hair"], columns=8)
            self.assertEqual(grid.shape, (6 * 64, 8 * 64, 3))  # one row per factor, one column per quantile
            self.assertEqual(factor_rows(G, ckpt["vocab"], seed=7, tags=["red_hair"], rows=9).shape, (9 * 64, 8 * 64, 3))
            with self.assertRaisesRegex(ValueError, "unknown tags: purple_hair"):
                factor_rows(G, ckpt["vocab"], seed=7, tags=["purple_hair"])
            read = agreement(G, ckpt["vocab"], str(coach_dir / "classifier.pt"), str(data), count=64)
            self.assertEqual(list(read), ["hair", "eyes"])
            self.assertEqual([round(chance, 3) for _, chance in read.values()], [0.333, 0.5])  # no tag narrows them here
            self.assertTrue(all(0.0 <= hit <= 1.0 for hit, _ in read.values()))
            cfg = tiny_config(data, Path(d) / "unread")
            cfg.loss = LossConfig(factor_weight_g=1.0)
            with self.assertRaisesRegex(DataError, "needs a reader"):
                train(cfg, progress=False)
            (data / "factors.csv").write_text("\n".join(r.replace(",v2,", ",v9,") for r in rows) + "\n")
            cfg = tiny_config(data, Path(d) / "mismatch", factor_coach=str(coach_dir / "classifier.pt"))
            cfg.loss = LossConfig(factor_weight_g=1.0)
            with self.assertRaisesRegex(DataError, "never saw the variants v9"):
                train(cfg, progress=False)
            (data / "factors.csv").write_text("\n".join(rows) + "\n")
            plain = Path(d) / "plain"
            train(tiny_config(data, plain), progress=False)
            cfg = tiny_config(data, plain, epochs=2.0)
            cfg.loss = LossConfig(factor_weight_d=1.0, factor_weight_g=1.0)
            with self.assertRaisesRegex(DataError, "D was not trained with these factor codes"):
                train(cfg, resume=True, progress=False)

    def test_GIVEN_redraw_THEN_real_faces_are_redrawn_from_their_codes_and_draws_csv_is_required(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            rows = ["image,hair,eyes"] + [f"images/{i:03d}.png,v{i % 3},e{i % 2}" for i in range(24)]
            (data / "factors.csv").write_text("\n".join(rows) + "\n")
            cfg = tiny_config(data, out)
            cfg.loss = LossConfig(redraw_weight=10.0)
            with self.assertRaisesRegex(DataError, "draws.csv"):
                train(cfg, progress=False)
            write_codes(data)
            cfg = tiny_config(data, out, epochs=2.0)
            cfg.loss = LossConfig(redraw_weight=10.0, rec_weight=3.0)
            with self.assertRaisesRegex(DataError, "drop --rec"):
                train(cfg, progress=False)
            cfg.loss = LossConfig(redraw_weight=10.0)
            train(cfg, progress=False)
            log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
            self.assertTrue(log and all(np.isfinite(r["g_redraw"]) and np.isfinite(r["g_redraw_adv"]) for r in log))
            config = json.loads((out / "config.json").read_text())
            self.assertEqual(config["drawCodes"], {"scale": {"choices": 9, "zIndex": 2}, "tiltAngle": {"choices": 7, "zIndex": 3}})
            self.assertEqual(config["factorCodes"]["hair"]["zIndex"], 0)
            self.assertEqual(load_run_generator(out)[0].cfg.factor_sizes, [])  # no factor head on D: G exports as before
            from training.export import main as export_main
            with contextlib.redirect_stdout(io.StringIO()):
                export_main([str(out), str(Path(d) / "coded"), "--id", "coded"])
            card = json.loads((Path(d) / "coded" / "card.json").read_text())
            # the card says which z numbers code what: the refine loop (src/core/refine-codes.ts) reads both
            self.assertEqual(card["training"]["factorCodes"], config["factorCodes"])
            self.assertEqual(card["training"]["drawCodes"], config["drawCodes"])
            # the redraw L1 weighted where a factor shows (as redraw_pretrain --focus)
            cfg = tiny_config(data, Path(d) / "focused")
            cfg.loss = LossConfig(redraw_focus=("eyes",))
            with self.assertRaisesRegex(DataError, "needs --redraw"):
                train(cfg, progress=False)
            cfg.loss = LossConfig(redraw_weight=10.0, redraw_focus=("mouth",))
            with self.assertRaisesRegex(DataError, "no column 'mouth'"):
                train(cfg, progress=False)
            cfg.loss = LossConfig(redraw_weight=10.0, redraw_focus=("eyes",), redraw_focus_weight=5.0)
            train(cfg, progress=False)
            log = [json.loads(line) for line in (Path(d) / "focused" / "log.jsonl").read_text().splitlines()]
            self.assertTrue(log and all(np.isfinite(r["g_redraw"]) for r in log))
            # feature matching on the redraw (D's activations on the redraw against its real face's)
            cfg = tiny_config(data, Path(d) / "matched")
            cfg.loss = LossConfig(redraw_fm_weight=1.0)
            with self.assertRaisesRegex(DataError, "needs --redraw"):
                train(cfg, progress=False)
            cfg.loss = LossConfig(redraw_weight=10.0, redraw_fm_weight=1.0)
            train(cfg, progress=False)
            log = [json.loads(line) for line in (Path(d) / "matched" / "log.jsonl").read_text().splitlines()]
            self.assertTrue(log and all(np.isfinite(r["g_redraw_fm"]) and r["g_redraw_fm"] > 0 for r in log))

    def test_GIVEN_bf16_THEN_it_trains_in_float32_weights_resumes_without_it_and_keeps_the_code_steps_exact(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data)
            write_codes(data)
            cfg = tiny_config(data, out, bf16=True, code_layer=True)
            cfg.loss = LossConfig(redraw_weight=10.0, redraw_fm_weight=1.0)
            train(cfg, progress=False)
            log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
            self.assertTrue(log and all(np.isfinite(r["d_adv"]) and np.isfinite(r["g_redraw"]) for r in log))
            ckpt = torch.load(out / "ckpt.pt", map_location="cpu")
            for part in ("G", "D", "G_ema"):
                self.assertTrue(all(v.dtype in (torch.float32, torch.int64) for v in ckpt[part].values()), part)
            cfg = tiny_config(data, out, epochs=2.0)  # carried on in float32
            cfg.loss = LossConfig(redraw_weight=10.0)
            train(cfg, resume=True, progress=False)
            self.assertGreater(torch.load(out / "ckpt.pt", map_location="cpu")["step"], ckpt["step"])
            # Under autocast the generator draws what it draws in float32 up to bfloat16's rounding,
            # and its input layer (code steps 200× sharp) runs in float32: z just either side of a
            # threshold gives the same fc output as without autocast, to the bit.
            G, _ = load_run_generator(out)
            G.eval()
            (i, t), tags = G.cfg.code_thresholds[0], torch.zeros(2, G.cfg.num_tags)
            z = torch.zeros(2, G.cfg.z_dim)
            z[0, int(i)], z[1, int(i)] = t - 0.004, t + 0.004
            seen = []
            G.fc.register_forward_hook(lambda module, inputs, output: seen.append(output))
            with torch.no_grad():
                exact = G(z, tags)
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    mixed = G(z, tags)
            self.assertEqual((mixed.dtype, seen[1].dtype), (torch.float32, torch.float32))
            self.assertTrue(torch.equal(seen[0], seen[1]))
            self.assertLess((mixed - exact).abs().max().item(), 0.1)

    def test_GIVEN_redraw_pretraining_THEN_it_learns_resumes_and_starts_a_GAN_run(self):
        from training.redraw_pretrain import main as pretrain
        with tempfile.TemporaryDirectory() as d:
            data, run, model, _, _, _ = tiny_model(Path(d))
            pre = Path(d) / "pre"
            argv = ["--data", str(data), "--heldout", str(data), "--init-from", str(model), "--out", str(pre),
                    "--batch", "8", "--lr", "3e-3", "--threads", "1", "--log-every", "5", "--eval-every", "10"]
            with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()) as err:
                pretrain(argv + ["--steps", "10"])  # no codes beside the data yet
            self.assertIn("factors.csv and draws.csv", err.getvalue())
            write_codes(data)
            with contextlib.redirect_stderr(io.StringIO()):
                pretrain(argv + ["--steps", "30"])
                pretrain(argv + ["--steps", "40", "--resume"])
            log = [json.loads(line) for line in (pre / "log.jsonl").read_text().splitlines()]
            held = [r["heldout_l1"] for r in log if "heldout_l1" in r]
            self.assertEqual([r["step"] for r in log if "heldout_l1" in r], [10, 20, 30, 40])
            self.assertLess(held[-1], held[0])  # the redraws come closer to the held-out faces
            self.assertTrue((pre / "samples" / "step_000040.png").is_file())
            config = json.loads((pre / "config.json").read_text())
            self.assertEqual([h["fromStep"] for h in config["history"]], [0, 30])
            self.assertEqual(config["drawCodes"]["scale"]["zIndex"], 2)
            # --focus weighs the pixels where the named factors show, and says so in the log
            focused = Path(d) / "focused"
            focus_argv = argv[:argv.index("--out")] + ["--out", str(focused)] + argv[argv.index("--out") + 2:]
            with contextlib.redirect_stderr(io.StringIO()):
                pretrain(focus_argv + ["--steps", "10", "--focus", "eyes", "--focus-weight", "5"])
            log = [json.loads(line) for line in (focused / "log.jsonl").read_text().splitlines()]
            self.assertTrue(np.isfinite(log[-1]["heldout_focus_l1"]) and np.isfinite(log[-1]["heldout_l1"]))
            self.assertTrue((focused / "focus.png").is_file())
            self.assertEqual(json.loads((focused / "config.json").read_text())["loss"]["focus"], ["eyes"])
            with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()) as err:
                pretrain(focus_argv + ["--steps", "10", "--focus", "mouth", "--resume"])
            self.assertIn("--focus: factors.csv has no column 'mouth'", err.getvalue())
            # the GAN run starts from the pretrained generator (a run folder) and keeps redrawing
            gan = Path(d) / "gan"
            cfg = tiny_config(data, gan, init_from=str(pre), lr_g=0.0)
            cfg.loss = LossConfig(redraw_weight=10.0)
            train(cfg, progress=False)
            started = torch.load(gan / "ckpt.pt", map_location="cpu")["G"]
            pretrained = torch.load(pre / "ckpt.pt", map_location="cpu")["G"]
            weights = [k for k in pretrained if k.endswith("weight")]
            self.assertTrue(weights and all(torch.equal(started[k], pretrained[k]) for k in weights))
            cfg = tiny_config(data, Path(d) / "bad", init_from=str(data))
            with self.assertRaisesRegex(DataError, "neither a run folder"):
                train(cfg, progress=False)

    def test_GIVEN_init_d_from_THEN_D_starts_from_that_runs_D_and_other_widths_are_refused(self):
        with tempfile.TemporaryDirectory() as d:
            data, first, second = Path(d) / "data", Path(d) / "first", Path(d) / "second"
            make_dataset(data)
            train(tiny_config(data, first), progress=False)
            train(tiny_config(data, second, init_d_from=str(first), seed=2, lr_d=0.0), progress=False)  # D kept as it came
            before = torch.load(first / "ckpt.pt", map_location="cpu")["D"]
            after = torch.load(second / "ckpt.pt", map_location="cpu")["D"]
            self.assertTrue(all(torch.equal(before[k], after[k]) for k in before if not k.endswith(("_u", "_v"))))  # spectral norm's power iteration moves on
            fresh = Path(d) / "fresh"
            train(tiny_config(data, fresh, seed=2, lr_d=0.0), progress=False)
            self.assertFalse(torch.equal(torch.load(fresh / "ckpt.pt", map_location="cpu")["D"]["classify.weight"], before["classify.weight"]))
            cfg = tiny_config(data, Path(d) / "wide", init_d_from=str(first))
            cfg.net.d_channels = [16, 16, 32, 64]
            with self.assertRaisesRegex(DataError, "does not fit"):
                train(cfg, progress=False)
            with self.assertRaisesRegex(DataError, "no ckpt.pt"):
                train(tiny_config(data, Path(d) / "none", init_d_from=str(Path(d) / "missing")), progress=False)

    @unittest.skipIf(torch.cuda.is_available(), "this machine has a GPU")
    def test_GIVEN_no_GPU_WHEN_cuda_asked_THEN_clear_error_and_auto_means_cpu(self):
        self.assertEqual(pick_device("auto").type, "cpu")
        with self.assertRaisesRegex(DeviceError, "sees no GPU"):
            pick_device("cuda")
        with tempfile.TemporaryDirectory() as d, self.assertRaises(SystemExit) as exit_, \
                contextlib.redirect_stderr(io.StringIO()) as err:
            main(["--data", d, "--out", str(Path(d) / "run"), "--device", "cuda"])
        self.assertEqual(exit_.exception.code, 2)
        self.assertIn("error: --device cuda: PyTorch sees no GPU", err.getvalue())

    def test_GIVEN_run_WHEN_exported_THEN_model_files_match_manifest(self):
        with tempfile.TemporaryDirectory() as d:
            _, _, model, _, ckpt, card = tiny_model(Path(d))
            manifest = json.loads((model / "model.json").read_text())
            specs = manifest["weightsManifest"][0]["weights"]
            expected = sum(int(np.prod(s["shape"])) * 2 for s in specs)  # float16
            self.assertEqual((model / "weights.bin").stat().st_size, expected)
            inp = manifest["modelTopology"]["config"]["layers"][0]["config"]["batch_input_shape"]
            self.assertEqual(inp, [None, 100 + len(ckpt["vocab"])])
            tags = json.loads((model / "tags.json").read_text())["tags"]
            self.assertEqual(len(tags), card["numTags"])
            self.assertEqual(card["imageSize"], 64)

    def test_GIVEN_shipped_model_folder_WHEN_exported_again_THEN_same_weights_and_card_names_its_source(self):
        from training.export import main as export_main
        with tempfile.TemporaryDirectory() as d:
            data, out, model, again = Path(d) / "data", Path(d) / "run", Path(d) / "model", Path(d) / "again"
            make_dataset(data)
            train(tiny_config(data, out), progress=False)
            with contextlib.redirect_stdout(io.StringIO()):
                export_main([str(out), str(model), "--id", "tiny-v1"])
                export_main([str(model), str(again), "--id", "tiny-v1b"])
            self.assertEqual((model / "weights.bin").read_bytes(), (again / "weights.bin").read_bytes())
            card = json.loads((again / "card.json").read_text())
            self.assertEqual(card["training"]["generatorFrom"]["model"], "tiny-v1")
            self.assertEqual(json.loads((model / "tags.json").read_text()), json.loads((again / "tags.json").read_text()))
            with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit):
                export_main([str(Path(d) / "nothing"), str(Path(d) / "x")])
            self.assertIn("neither a run folder", err.getvalue())


if __name__ == "__main__":
    unittest.main()
