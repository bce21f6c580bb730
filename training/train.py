"""Training loop: python3 -m training.train --data data/lorelei64 --out runs/x

Each run folder holds config.json, log.jsonl (one line of losses per log interval),
samples/epoch_NNN.png (fixed z × fixed tag sets), loss.png and ckpt.pt — one dict with G,
D, G_ema, both optimisers, the step and the config — from which --resume continues.
"""
import argparse
import copy
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from training.augment import AUGMENTS, AugmentedD, parse_augment
from training.dataset import DataError, TaggedImages
from training.discriminator_file import DiscriminatorFileError, read_discriminator
from training.code_layer import code_thresholds
from training.draw_codes import DrawCodes
from training.factor_codes import FactorCoach, FactorCodes
from training.focus_map import data_focus_weights
from training.export import generator_source
from training.loss import LossConfig, d_loss, g_loss, latent_regression_loss, positive_weights, reconstruction_loss, redraw_loss
from training.networks import Discriminator, Encoder, Generator, NetConfig, retag_generator, widen_generator, with_code_layer
from training.plots import save_loss_plot, save_sample_grid
from training.run_folder import RunFolderError, claim_run_folder, removed_on_failure
from training.run_history import open_run, run_history
from training.run_summary import Progress, run_summary
from training.seed_random import seed_to_z
from training.stop_signal import StopOnSignal


@dataclass
class TrainConfig:
    data: str = "data/lorelei64"
    out: str = "runs/default"
    image_size: int = 64
    max_tags: int = 64            # keep the K most frequent tags, as the original's 64
    batch: int = 64
    epochs: float = 10.0          # fractional epochs allowed (stop after N * len(data) images)
    max_minutes: float = 0.0      # wall-clock cap; 0 = none (the checkpoint is saved on stop)
    lr_g: float = 1e-4            # TTUR: D learns 4x faster (findings.md's stabilised run)
    lr_d: float = 4e-4
    betas: tuple = (0.0, 0.9)
    ema: float = 0.999            # G_ema ← ema·G_ema + (1 − ema)·G; exported instead of G
    seed: int = 1
    threads: int = 0              # torch threads; 0 = all cores
    log_every: int = 50           # steps
    samples_per_epoch: int = 2    # sample grids (and checkpoints) per epoch
    # Keep a copy of the first checkpoint at or after every multiple of this many steps, as a run
    # folder of its own (OUT/keep/step-NNNNNN: ckpt.pt + config.json) that export, mixes and forks
    # read; 0 = none. Judging a long run means judging its past: ckpt.pt only holds the present.
    keep_every: int = 0
    limit: int = 0                # use only the first N images (tests)
    device: str = "auto"          # auto = cuda when PyTorch sees a GPU, else cpu
    init_from: str = ""           # a shipped model folder or run folder whose generator starts a new run (D starts fresh)
    # Steps at the start of a run in which only D learns (G, E frozen): a fresh D beside a
    # warm-started G first costs G quality while D catches up (docs/training.md, pilots p0–p3).
    d_warmup: int = 0
    code_layer: bool = False      # give G a code layer (training/code_layer.py) if it starts without one
    factor_coach: str = ""        # a frozen factor classifier that reads G's faces for the factor codes instead of D
    # A run folder whose D starts this run's D (a new run only): a fine-tune of a shipped G
    # otherwise begins with a random D, whose first epochs cost G quality (docs/training.md).
    init_d_from: str = ""
    # The reconstruction term (--rec) redraws each real face from the z numbers that choose its
    # true variants (factors.csv) instead of the encoder's guess for them.
    factor_rec: bool = False
    # Mixed precision: G's and D's convolutions in bfloat16 (weights, optimisers, G_ema and the
    # losses stay float32). On this machine's CPU (AVX-512 BF16) a whole training step of the
    # default recipe ran 2.1× faster (docs/training.md, session 18); without it, it is slower.
    bf16: bool = False
    fit: str = "crop"             # non-square images: "crop" their centre, or "pad" them with white
    max_steps: int = 0            # stop after this many steps in all (0: epochs and minutes decide)
    # DiffAugment for small data (training/augment.py): "translation" and/or "cutout", applied
    # alike to real and generated pictures before D; no colour augmentation. () = off.
    augment: tuple = ()
    net: NetConfig = field(default_factory=NetConfig)
    loss: LossConfig = field(default_factory=LossConfig)


LORELEI_EXTRAS = [["smile"], ["long_hair", "glasses"], ["twintails", "open_mouth"], ["closed_eyes", "smile"],
                  ["dark_skin"], ["hair_flower"], ["ponytail", "frown"], ["sunglasses"]]


def sample_tag_sets(vocab, count=8):
    """Fixed tag sets for the sample grid: for lorelei's vocabulary one hair colour each, plus a
    varied style. Any other vocabulary with exclusive sets (one's own art, the adventurer renders,
    which have hair colours too) gets one tag of every exclusive set per row, each set's tags in
    turn, as the gacha fills them."""
    names = [v["name"] for v in vocab]
    hair = [n for n in names if n.endswith("_hair") and vocab[names.index(n)].get("group") == "hair_color"]
    sets = {}
    for v in vocab:
        if v.get("exclusive"):
            sets.setdefault(v["exclusive"], []).append(v["name"])
    lorelei = hair and all(t in names for extra in LORELEI_EXTRAS for t in extra)
    if not lorelei and sets:
        rows = []
        for i in range(count):
            tags = [members[i % len(members)] for members in sets.values()]
            vec = torch.zeros(len(names))
            vec[[names.index(t) for t in tags]] = 1.0
            rows.append((tags, vec))
        return rows
    sets = []
    for i in range(count):
        tags = ([hair[i % len(hair)]] if hair else []) + [t for t in LORELEI_EXTRAS[i % len(LORELEI_EXTRAS)] if t in names]
        if not tags:
            tags = [names[i % len(names)]]
        vec = torch.zeros(len(names))
        for t in tags:
            vec[names.index(t)] = 1.0
        sets.append((tags, vec))
    return sets


def update_ema(G_ema, G, decay):
    """One step of the generator's moving average; buffers (BatchNorm statistics) are copied."""
    with torch.no_grad():
        for pe, p in zip(G_ema.parameters(), G.parameters()):
            pe.lerp_(p, 1 - decay)
        for be, b in zip(G_ema.buffers(), G.buffers()):
            be.copy_(b)


def save_checkpoint(path, state):
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # never leave a half-written ckpt.pt behind


def keep_checkpoint(out: Path, step: int) -> Path:
    """Copy the run's checkpoint and config into OUT/keep/step-NNNNNN, a run folder of its own."""
    kept = out / "keep" / f"step-{step:06d}"
    kept.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "ckpt.pt"):  # ckpt.pt last: a folder with it is complete
        tmp = kept / f"{name}.tmp"
        shutil.copyfile(out / name, tmp)
        os.replace(tmp, kept / name)
    return kept


class DeviceError(Exception):
    pass


def pick_device(name):
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError("--device cuda: PyTorch sees no GPU here (use --device cpu or auto)")
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    return torch.device(name)


def draw_setup(cfg: TrainConfig, data, codes):
    """(DrawCodes, focus weights or None) for --redraw ((None, None) without it), checked
    against the data and z's size."""
    if cfg.loss.redraw_weight <= 0:
        if cfg.loss.redraw_focus or cfg.loss.redraw_fm_weight > 0:
            raise DataError("--redraw-focus and --redraw-fm weigh the redraw term: each needs --redraw")
        return None, None
    if cfg.loss.rec_weight > 0:
        raise DataError("--redraw codes every draw from the data, so there is nothing left for an encoder: drop --rec")
    if data.draws is None:
        raise DataError(f"{cfg.data}: --redraw needs a draws.csv beside factors.csv (npm run dataset writes both; "
                        "npm run dataset:draws adds it to a folder rendered before)")
    draws = DrawCodes(data.draws, offset=len(codes.names))
    if draws.offset + len(draws.names) > cfg.net.z_dim:
        raise DataError(f"--redraw needs {draws.offset + len(draws.names)} z numbers for its codes; z has {cfg.net.z_dim}")
    if not cfg.loss.redraw_focus:
        return draws, None
    return draws, data_focus_weights(data, cfg.loss.redraw_focus, cfg.loss.redraw_focus_weight, "--redraw-focus")


def factor_setup(cfg: TrainConfig, data, resumed_from, device):
    """(FactorCodes or None, FactorCoach or None) for the run's factor flags, checked against
    the data and, for a resumed run (resumed_from: its ckpt.pt), against its D; sets
    cfg.net.factor_sizes, which gives D its factor head."""
    loss = cfg.loss
    if cfg.factor_rec and loss.rec_weight <= 0:
        raise DataError("--factor-rec gives the reconstruction term the true variants: it needs --rec")
    if not (loss.factor_weight_d > 0 or loss.factor_weight_g > 0 or cfg.factor_rec or loss.redraw_weight > 0):
        if cfg.factor_coach:
            raise DataError("--factor-coach reads G's faces for the factor codes: it needs --factor-g")
        return None, None
    if data.factors is None:
        raise DataError(f"{cfg.data}: factor codes need a factors.csv naming every image's untagged variants "
                        "(the renderer writes one; a folder of one's own images has none)")
    codes = FactorCodes(data.factors, data.tags)
    d_sizes = codes.sizes if loss.factor_weight_d > 0 else []
    if resumed_from and list(cfg.net.factor_sizes) != d_sizes:
        raise DataError(f"{resumed_from}: this run's D was not trained with these factor codes (or was, and they "
                        "are now off); start a new run from its generator instead")
    cfg.net.factor_sizes = d_sizes
    if loss.factor_weight_g > 0 and not cfg.factor_coach and loss.factor_weight_d <= 0:
        raise DataError("--factor-g needs a reader of G's faces: D's factor head (--factor-d) or --factor-coach")
    if not cfg.factor_coach:
        return codes, None
    if loss.factor_weight_g <= 0:
        raise DataError("--factor-coach reads G's faces for the factor codes: it needs --factor-g")
    try:
        return codes, FactorCoach(cfg.factor_coach, codes).to(device, memory_format=torch.channels_last)
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        raise DataError(f"--factor-coach {cfg.factor_coach}: {e}") from e


def generator_start(cfg: TrainConfig, data):
    """(G, Retagged) for --init-from (a shipped model folder, or a run folder such as a redraw
    pretraining): its generator for this run's tags. Data with other tags keeps every weight but
    the tag inputs, which are carried by name where both vocabularies have a tag and start at
    zero for a new one (networks.retag_generator); another image size is refused."""
    try:
        warm, warm_vocab, _ = generator_source(cfg.init_from)
    except (OSError, KeyError, ValueError) as e:
        raise DataError(f"--init-from {cfg.init_from}: {e}") from None
    if warm.cfg.image_size != cfg.image_size:
        raise DataError(f"--init-from {cfg.init_from}: it draws {warm.cfg.image_size} px pictures and this run trains at "
                        f"{cfg.image_size} px (--size {cfg.image_size}); a generator's size cannot change: start from "
                        f"a {cfg.image_size} px model, or train at --size {warm.cfg.image_size}")
    try:
        return retag_generator(warm, warm_vocab, [v["name"] for v in data.vocab])
    except ValueError as e:
        raise DataError(f"--init-from {cfg.init_from}: {e}") from None


def discriminator_start(cfg: TrainConfig, data):
    """D's starting weights for --init-d-from: a run folder's D, or the one a model folder was
    exported with (export --discriminator), checked against this run's tags."""
    path = Path(cfg.init_d_from)
    if (path / "ckpt.pt").is_file():
        d_ckpt = torch.load(path / "ckpt.pt", map_location="cpu")
        state, names = d_ckpt["D"], [v["name"] for v in d_ckpt["vocab"]]
    elif (path / "card.json").is_file():
        card = json.loads((path / "card.json").read_text(encoding="utf-8"))
        try:
            state = read_discriminator(path, card)
        except DiscriminatorFileError as e:
            raise DataError(f"--init-d-from {e}") from None
        names = card["discriminator"]["tags"]
    else:
        raise DataError(f"--init-d-from {cfg.init_d_from}: no ckpt.pt there (nor a model folder's card.json)")
    if names != [v["name"] for v in data.vocab]:
        raise DataError(f"--init-d-from {cfg.init_d_from}: its tags differ from this run's data")
    return state


def train(cfg: TrainConfig, resume=False, progress=True, force=False):
    """Trains into cfg.out: a new run refuses a folder holding one unless force (which deletes it
    first), resume refuses one without a checkpoint, and a run that fails before its first
    checkpoint leaves nothing behind (training/run_folder.py)."""
    device = pick_device(cfg.device)
    created = claim_run_folder(cfg.out, resume, force)
    with removed_on_failure(cfg.out, created):
        return _train(cfg, device, resume, progress)


def _train(cfg: TrainConfig, device, resume, progress):
    out = Path(cfg.out)
    ckpt_path, ckpt = open_run(out, cfg.seed, cfg.threads, resume)
    data = TaggedImages(cfg.data, cfg.image_size, cfg.max_tags, vocab=ckpt["vocab"] if ckpt else None,
                        limit=cfg.limit or None, fit=cfg.fit, log=sys.stderr if progress else None)
    if ckpt:  # the architecture of a resumed run is the checkpoint's, whatever the flags say
        cfg.net = NetConfig(**ckpt["config"]["net"])
    cfg.net.num_tags = len(data.vocab)
    cfg.net.image_size = cfg.image_size
    codes, coach = factor_setup(cfg, data, ckpt_path if ckpt else None, device)
    draws, focus = draw_setup(cfg, data, codes)
    focus = focus.to(device) if focus is not None else None
    warm, retagged = generator_start(cfg, data) if cfg.init_from and not ckpt else (None, None)
    if warm is not None and warm.cfg.code_thresholds:  # a generator's code layer stays with it
        cfg.net.code_thresholds, cfg.net.code_sharpness = warm.cfg.code_thresholds, warm.cfg.code_sharpness
    elif cfg.code_layer and not ckpt:
        if codes is None:
            raise DataError("--code-layer steps through the factor and draw codes: it needs --redraw (or another code flag)")
        cfg.net.code_thresholds = code_thresholds(codes, draws)
    # channels_last makes the CPU convolutions ≈30% faster (measured on 2 cores).
    G = Generator(cfg.net).to(device, memory_format=torch.channels_last)
    D = Discriminator(cfg.net).to(device, memory_format=torch.channels_last)
    if device.type != "cpu":
        data.images = data.images.to(device)  # uint8, indexed on the device each step
    if warm is not None:
        if cfg.net.code_thresholds and not warm.cfg.code_thresholds:  # it draws what it drew until G uses the steps
            warm = with_code_layer(warm, cfg.net.code_thresholds, cfg.net.code_sharpness)
        if list(warm.cfg.g_channels) != list(cfg.net.g_channels):
            try:  # a wider generator starts drawing exactly what the narrower one drew
                warm = widen_generator(warm, cfg.net)
            except ValueError as e:
                raise DataError(f"--init-from {cfg.init_from}: {e} (a generator can only be widened: "
                                "as many layers, none narrower)") from None
        G.load_state_dict(warm.state_dict())
    if cfg.init_d_from and not ckpt:
        try:
            D.load_state_dict(discriminator_start(cfg, data))
        except RuntimeError as e:
            raise DataError(f"--init-d-from {cfg.init_d_from}: its discriminator does not fit this run's "
                            f"(widths, tags or factor head differ): {str(e).splitlines()[0]}") from None
    # The encoder of the cVAE-GAN term exists only in runs that use it (checkpoints say so).
    E = Encoder(cfg.net).to(device, memory_format=torch.channels_last) if cfg.loss.rec_weight > 0 else None
    G_ema = copy.deepcopy(G).eval()
    for p in G_ema.parameters():
        p.requires_grad_(False)
    opt_g = torch.optim.Adam(G.parameters(), cfg.lr_g, betas=cfg.betas)
    opt_d = torch.optim.Adam(D.parameters(), cfg.lr_d, betas=cfg.betas)
    opt_e = torch.optim.Adam(E.parameters(), cfg.lr_g, betas=cfg.betas) if E else None
    step, images_seen = 0, 0
    if ckpt:
        G.load_state_dict(ckpt["G"])
        D.load_state_dict(ckpt["D"])
        G_ema.load_state_dict(ckpt["G_ema"])
        opt_g.load_state_dict(ckpt["opt_g"])
        opt_d.load_state_dict(ckpt["opt_d"])
        if E is not None and "E" in ckpt:  # an encoder added on resume starts fresh
            E.load_state_dict(ckpt["E"])
            opt_e.load_state_dict(ckpt["opt_e"])
        step, images_seen = ckpt["step"], ckpt["images_seen"]
        torch.set_rng_state(ckpt["rng"])
        # The optimisers' states carry the rates they were saved with; the flags' rates win, so
        # that a run can be carried on at a lower rate (--lr-g, --lr-d).
        for opt, lr in ((opt_g, cfg.lr_g), (opt_d, cfg.lr_d), (opt_e, cfg.lr_g)):
            for group in opt.param_groups if opt else ():
                group["lr"] = lr
    # Every start of the run is kept (with the step it began at) so that a model trained in
    # parts with changed flags can be reproduced exactly from its card.
    history = run_history(out / "config.json") if ckpt else []
    history.append({"argv": sys.argv, "fromStep": step})
    (out / "config.json").write_text(json.dumps({**asdict(cfg), "vocab": data.vocab, "argv": sys.argv, "history": history,
                                                 **({"factorCodes": codes.describe(data.vocab)} if codes else {}),
                                                 **({"drawCodes": draws.describe()} if draws else {})}, indent=1))

    fixed_sets = sample_tag_sets(data.vocab)
    # The grids carry no text: which tags each row asked for is written beside them.
    (out / "samples" / "rows.txt").write_text(
        "".join(f"row {i + 1}: {' '.join(tags)}\n" for i, (tags, _) in enumerate(fixed_sets)), encoding="utf-8")
    fixed_z = torch.from_numpy(np.stack([seed_to_z(s, cfg.net.z_dim) for s in range(8)])).to(device)
    total_images = int(cfg.epochs * len(data))
    grid_every = max(1, len(data) // cfg.samples_per_epoch)
    next_grid = (images_seen // grid_every + 1) * grid_every
    started = time.time()
    log = (out / "log.jsonl").open("a")
    last_kept = step  # a resumed run keeps on from where it stood, not again at its first checkpoint

    def snapshot():
        return {"G": G.state_dict(), "D": D.state_dict(), "G_ema": G_ema.state_dict(),
                "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(), "step": step,
                "images_seen": images_seen, "config": asdict(cfg), "vocab": data.vocab,
                "rng": torch.get_rng_state(),
                **({"E": E.state_dict(), "opt_e": opt_e.state_dict()} if E is not None else {})}

    pos_weight = positive_weights(data.tags).to(device) if cfg.loss.aux_balanced else None
    # What the losses score with: D, or D behind --augment's augmentation (real and fake alike).
    D_seen = AugmentedD(D, cfg.augment) if cfg.augment else D
    half = cfg.batch // 2

    def mixed():
        """The forward passes' precision: bfloat16 autocast with --bf16, else a no-op context."""
        return torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16)

    if progress:
        print(run_summary(cfg, data, device, resumed_at=step if ckpt else None, total_images=total_images, retagged=retagged),
              file=sys.stderr, flush=True)
    meter = Progress(cfg, len(data), step, images_seen, total_images, started)
    with StopOnSignal() as stop:
        while images_seen < total_images and not stop.requested and not (cfg.max_steps and step >= cfg.max_steps):
            # Random numbers come from the CPU generator on every device, so a run's data order and
            # z are the same on a GPU as here.
            idx = torch.randint(len(data), (cfg.batch,))
            real, tags = (t.to(device) for t in data.batch(idx))
            # Pairs (i, i + B/2) share tags, for the mode-seeking term.
            g_tags = torch.cat([tags[:half], tags[:half]])
            z = torch.randn(cfg.batch, cfg.net.z_dim).to(device)

            with torch.no_grad(), mixed():
                fake = G(z, tags)
            d_codes = codes if cfg.net.factor_sizes else None
            with mixed():
                loss_d, stats_d = d_loss(D_seen, real, tags, fake, cfg.loss, pos_weight,
                                         d_codes, codes.real[idx].to(device) if d_codes else None)
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            if step < cfg.d_warmup:
                stats_g = {}
                step, images_seen = step + 1, images_seen + cfg.batch
                if step % cfg.log_every == 0:
                    log.write(json.dumps({"step": step, "epoch": images_seen / len(data), "warmup": True, **stats_d}) + "\n")
                    log.flush()
                if images_seen >= next_grid:  # a long warm-up is checkpointed too (G has not moved: no grid)
                    next_grid += grid_every
                    save_checkpoint(ckpt_path, snapshot())
                continue

            for p in D.parameters():
                p.requires_grad_(False)
            with mixed():  # G's terms; the backward pass below runs outside autocast, as it should
                loss_g, _, stats_g = g_loss(G, D_seen, torch.randn(cfg.batch, cfg.net.z_dim).to(device), g_tags, cfg.loss,
                                            pos_weight=pos_weight, codes=codes if cfg.loss.factor_weight_g > 0 else None, coach=coach)
                if E is not None:  # half a batch of real faces redrawn from their codes
                    code = codes.encode(codes.real[idx[:half]], tags[:half]).to(device) if codes is not None and cfg.factor_rec else None
                    loss_rec, stats_rec = reconstruction_loss(G, D_seen, E, real[:half], tags[:half], cfg.loss, code)
                    loss_g = loss_g + loss_rec
                    stats_g.update(stats_rec)
                    opt_e.zero_grad(set_to_none=True)
                if draws is not None:  # half a batch of real faces redrawn from the codes of all they show
                    code = torch.cat([codes.encode(codes.real[idx[:half]], tags[:half]), draws.encode(idx[:half])], dim=1)
                    loss_redraw, stats_redraw = redraw_loss(G, D_seen, real[:half], tags[:half], code.to(device), cfg.loss, focus)
                    loss_g = loss_g + loss_redraw
                    stats_g.update(stats_redraw)
                if E is not None and cfg.loss.latent_weight > 0:
                    # The cLR term trains G only (BicycleGAN): E's weights are left out of its graph.
                    for p in E.parameters():
                        p.requires_grad_(False)
                    loss_lat, stats_lat = latent_regression_loss(G, E, torch.randn(half, cfg.net.z_dim).to(device), g_tags[:half], cfg.loss)
                    for p in E.parameters():
                        p.requires_grad_(True)
                    loss_g = loss_g + loss_lat
                    stats_g.update(stats_lat)
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            if E is not None:
                opt_e.step()
            for p in D.parameters():
                p.requires_grad_(True)

            with torch.no_grad():
                # Warm-up: early on G_ema follows G closely, or it would average in the random init.
                # Also in a run started from a shipped model: keeping that model's long window
                # instead (decay 0.999 from step 1) measured no better after 1.5 epochs (FD 12.35
                # against 11.46, spread 0.751 against 0.780; docs/training.md, session 10).
                update_ema(G_ema, G, min(cfg.ema, (1 + step) / (10 + step)))
            step += 1
            images_seen += cfg.batch

            if step % cfg.log_every == 0:
                elapsed = time.time() - started
                rec = {"step": step, "epoch": images_seen / len(data), "time_s": round(elapsed, 1), **stats_d, **stats_g}
                log.write(json.dumps(rec) + "\n")
                log.flush()
            if progress and meter.due(step):
                print(meter.line(step, images_seen, stats_d, stats_g), end=meter.end, file=sys.stderr, flush=True)
            if images_seen >= next_grid:
                next_grid += grid_every
                with torch.no_grad():
                    save_sample_grid(G_ema, fixed_z, fixed_sets, out / "samples" / f"epoch_{images_seen / len(data):06.2f}.png")
                save_checkpoint(ckpt_path, snapshot())
                save_loss_plot(out / "log.jsonl", out / "loss.png")
                if cfg.keep_every and step // cfg.keep_every > last_kept // cfg.keep_every:
                    keep_checkpoint(out, step)
                    last_kept = step
            if cfg.max_minutes and time.time() - started > cfg.max_minutes * 60:
                break
    save_checkpoint(ckpt_path, snapshot())
    if stop.requested:
        print(f"\nstopped by a signal at step {step}; checkpoint written (--resume continues)", file=sys.stderr, flush=True)
    with torch.no_grad():
        save_sample_grid(G_ema, fixed_z, fixed_sets, out / "samples" / "final.png")
    save_loss_plot(out / "log.jsonl", out / "loss.png")
    log.close()
    if progress:
        print(file=sys.stderr)
    return G_ema, data.vocab


def channel_list(text):
    try:
        widths = [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected widths separated by commas, e.g. 256,128,64,32,16 (got {text!r})") from None
    if not all(4 <= w <= 2048 for w in widths):
        raise argparse.ArgumentTypeError(f"every width must be 4–2048 (got {text!r})")
    return widths


def augment_policy(text):
    try:
        return parse_augment(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def main(argv=None):
    p = argparse.ArgumentParser(description="Train the tag-conditioned GAN (GAN-INT-CLS).")
    p.add_argument("--data", required=True, help="folder with images/ and tags.csv")
    p.add_argument("--out", required=True, help="run folder (checkpoint, samples, logs)")
    p.add_argument("--size", type=int, default=64, choices=[64, 128])
    p.add_argument("--max-tags", type=int, default=64)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=float, default=10.0)
    p.add_argument("--max-minutes", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr-g", type=float, default=TrainConfig.lr_g, help="G's (and E's) learning rate; on --resume it replaces the saved one")
    p.add_argument("--lr-d", type=float, default=TrainConfig.lr_d, help="D's learning rate; on --resume it replaces the saved one")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--resume", action="store_true", help="continue from OUT/ckpt.pt (an error where there is none)")
    p.add_argument("--force", action="store_true", help="start again in an OUT that holds a run, deleting its checkpoint, samples and log")
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps in all (0: --epochs and --max-minutes decide)")
    p.add_argument("--fit", default="crop", choices=["crop", "pad"], help="non-square images: crop their centre, or pad them with white")
    p.add_argument("--augment", type=augment_policy, default=(), metavar="|".join(AUGMENTS),
                   help="differentiable augmentation of every picture D sees, real and generated alike, for small data: "
                        "translation (by up to 1/8, white edges) and/or cutout, comma-separated (default: none; "
                        "no colour augmentation, colours being tags)")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="auto: cuda when PyTorch sees a GPU")
    p.add_argument("--mode-seeking", type=float, default=LossConfig.mode_seeking, help="weight of the mode-seeking term")
    p.add_argument("--aux-g", type=float, default=LossConfig.aux_weight_g, help="weight of D's tag head in G's loss")
    p.add_argument("--aux-d", type=float, default=LossConfig.aux_weight_d, help="weight of D's tag head on real images in D's loss")
    p.add_argument("--aux-balanced", action="store_true", help="weight each tag's positives by its negatives/positives in the tag head's loss")
    p.add_argument("--rec", type=float, default=0.0, help="weight of the cVAE-GAN reconstruction term (0: no encoder)")
    p.add_argument("--kl", type=float, default=LossConfig.kl_weight, help="weight of the encoder's KL term")
    p.add_argument("--latent-reg", type=float, default=0.0, help="weight of the cLR term (E recovers z from G(z); needs --rec)")
    p.add_argument("--factor-d", type=float, default=0.0,
                   help="weight of D's head for the untagged variants of factors.csv on real faces (factor codes; 0: off)")
    p.add_argument("--factor-g", type=float, default=0.0,
                   help="weight of the factor codes in G's loss: D's factor head must read the variants z's first numbers choose")
    p.add_argument("--factor-coach", default="",
                   help="a frozen factor classifier (training.classifier --factors-only, trained on other renders than the "
                        "evaluation's judges) that reads G's faces for --factor-g instead of D's factor head")
    p.add_argument("--init-from", default="", help="start G from a shipped model folder (e.g. models/default) or a run folder's EMA generator; "
                                                   "with other tags than the data's, tags both name are carried and new ones start at zero")
    p.add_argument("--factor-rec", action="store_true",
                   help="with --rec: redraw each real face from the z numbers of its true variants (factors.csv), the encoder coding the rest")
    p.add_argument("--redraw", type=float, default=0.0,
                   help="weight of redrawing real faces from the codes of every untagged draw (factors.csv and draws.csv "
                        "give z's first numbers their meaning; 0: off)")
    p.add_argument("--redraw-focus", type=lambda s: tuple(f for f in s.split(",") if f), default=(),
                   help="weigh the redraw L1 where these factors.csv columns show, e.g. eyes,eyebrows,mouth,nose "
                        "(as redraw_pretrain --focus)")
    p.add_argument("--redraw-focus-weight", type=float, default=10.0, help="extra weight where the --redraw-focus factors show")
    p.add_argument("--redraw-fm", type=float, default=0.0,
                   help="weight of feature matching on the redraw: D's activations on the redrawn face against its real "
                        "face's, at every scale (pix2pixHD; needs --redraw; 0: off)")
    p.add_argument("--init-d-from", default="", help="start D from another run's checkpoint, or from the discriminator a model "
                                                     "folder was exported with (export --discriminator; same widths and tags)")
    p.add_argument("--code-layer", action="store_true",
                   help="give G a code layer, a step per variant boundary of each code (training/code_layer.py); with "
                        "--init-from it starts drawing exactly what that generator drew")
    p.add_argument("--bf16", action="store_true",
                   help="mixed precision: convolutions in bfloat16, weights and losses in float32 (a step 2× faster on a "
                        "CPU with AVX-512 BF16, slower without; may be switched on or off on --resume)")
    p.add_argument("--d-warmup", type=int, default=0, help="steps at the start in which only D learns (for a fresh D beside --init-from)")
    p.add_argument("--samples-per-epoch", type=int, default=TrainConfig.samples_per_epoch, help="sample grids and checkpoints per epoch")
    p.add_argument("--keep-every", type=int, default=0,
                   help="keep a copy of the checkpoint every N steps as a run folder, OUT/keep/step-NNNNNN (0: none)")
    p.add_argument("--log-every", type=int, default=TrainConfig.log_every, help="steps between lines of log.jsonl")
    p.add_argument("--g-channels", type=channel_list, help="generator widths from 4x4 up, e.g. 384,192,96,48,24 (default 256,128,64,32,16)")
    p.add_argument("--d-channels", type=channel_list, help="discriminator widths, e.g. 48,96,192,384 (default 32,64,128,256)")
    a = p.parse_args(argv)
    if a.steps < 0:
        p.error("--steps: a number of steps, or 0 for none")
    if a.keep_every < 0:
        p.error("--keep-every: a number of steps, or 0 for none")
    cfg = TrainConfig(data=a.data, out=a.out, image_size=a.size, max_tags=a.max_tags, batch=a.batch,
                      epochs=a.epochs, max_minutes=a.max_minutes, seed=a.seed, lr_g=a.lr_g, lr_d=a.lr_d, threads=a.threads, limit=a.limit, device=a.device,
                      init_from=a.init_from, d_warmup=a.d_warmup, code_layer=a.code_layer, factor_coach=a.factor_coach, init_d_from=a.init_d_from, factor_rec=a.factor_rec, bf16=a.bf16, fit=a.fit, augment=a.augment, max_steps=a.steps, samples_per_epoch=a.samples_per_epoch, log_every=a.log_every, keep_every=a.keep_every,
                      loss=LossConfig(mode_seeking=a.mode_seeking, aux_weight_g=a.aux_g, aux_weight_d=a.aux_d, aux_balanced=a.aux_balanced,
                                      rec_weight=a.rec, kl_weight=a.kl, latent_weight=a.latent_reg,
                                      factor_weight_d=a.factor_d, factor_weight_g=a.factor_g, redraw_weight=a.redraw,
                                      redraw_focus=a.redraw_focus, redraw_focus_weight=a.redraw_focus_weight,
                                      redraw_fm_weight=a.redraw_fm))
    if a.size == 128:
        cfg.net.g_channels = [256, 128, 64, 32, 16, 8]
    for flag, value in (("g_channels", a.g_channels), ("d_channels", a.d_channels)):
        if value is not None:
            setattr(cfg.net, flag, value)
    blocks = {64: 5, 128: 6}[a.size]
    if len(cfg.net.g_channels) != blocks:
        p.error(f"--g-channels needs {blocks} widths at {a.size} px (4x4 and each doubling)")
    try:
        train(cfg, resume=a.resume, force=a.force)
    except (DataError, DeviceError, RunFolderError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
