"""Train the layered generator (training/layered.py) on a rendered folder with part masks.

Every draw is coded (factors.csv, draws.csv: training/draw_codes.py), so G(codes, tags) has one
right answer per face: the loss is the masks' classification against the renderer's exact
labels (masks/, `npm run dataset -- --masks`) plus the L1 of the composited picture, which
teaches the colours. No discriminator is needed while the codes say everything; the masks'
cross-entropy is what makes edges sure.

python3 -m training.layered_train --data data/girls128 --heldout data/girls128-heldout \\
    --out runs/v3a --minutes 60 --threads 2 [--resume]

The run folder holds ckpt.pt (G and its EMA, the optimiser, the step), config.json, log.jsonl
and samples/step_NNNNNN.png (held-out faces above their redraws and masks). SIGTERM stops at a
step boundary with the checkpoint written; --resume goes on from it.
"""
import argparse
import copy
import json
import math
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from training.code_layer import code_thresholds
from training.dataset import DataError, choose_vocabulary, read_tag_rows
from training.draw_codes import redraw_code
from training.layered import LayeredConfig, LayeredGenerator, PART_LAYERS, grouped_log_probs
from training.plots import to_uint8
from training.redraw_pretrain import coded_data
from training.run_history import open_run, run_history
from training.stop_signal import StopOnSignal
from training.train import DeviceError, pick_device, save_checkpoint, update_ema

# One colour per part label, to look at masks.
MASK_COLOURS = np.array([[0, 0, 255], [0, 255, 0], [255, 0, 0], [255, 255, 0], [255, 0, 255], [0, 255, 255],
                         [0, 0, 0], [255, 255, 255], [128, 128, 128], [255, 128, 0], [128, 0, 255], [0, 255, 128]], np.uint8)


def load_masks(root: Path, files, size):
    """(N, S, S) uint8 part labels from masks/ (same names as images/), cached like the images."""
    cache = root / ".cache" / f"masks-{size}-{len(files)}.npy"
    if cache.is_file():
        return torch.from_numpy(np.load(cache))
    out = np.empty((len(files), size, size), dtype=np.uint8)
    for i, name in enumerate(files):
        path = root / "masks" / Path(name).name
        try:
            with Image.open(path) as im:
                m = np.asarray(im.convert("L"))
        except OSError as e:
            raise DataError(f"{path}: cannot read part mask ({e}); render the folder with `npm run dataset -- --masks`") from e
        if m.shape != (size, size):
            raise DataError(f"{path}: {m.shape[1]}x{m.shape[0]}, the images are {size}x{size}")
        if m.max() >= len(PART_LAYERS):
            raise DataError(f"{path}: label {m.max()} is not a part (0–{len(PART_LAYERS) - 1})")
        out[i] = m
    cache.parent.mkdir(exist_ok=True)
    np.save(cache, out)
    return torch.from_numpy(out)


def initial_state(model_dir):
    """A model folder's training-state.pt (export --training-state) as a checkpoint to go on from."""
    path = Path(model_dir) / "training-state.pt"
    if not path.is_file():
        raise DataError(f"--init-from {model_dir}: no training-state.pt (export it with --training-state)")
    state = torch.load(path, map_location="cpu")
    for k in ("G", "G_ema"):
        state[k] = {n: t.float() if t.is_floating_point() else t for n, t in state[k].items()}
    return state


def part_weights(masks, power):
    """Per-label weights of the masks' cross-entropy: frequency^-power, normalised so that the
    average pixel weighs 1. Outlines, eyes and mouths are a few pixels of a face; weighed by
    pixel count they are learnt last (pilot v3b at 1,200 steps: shapes and colours, no outlines)."""
    counts = torch.bincount(masks[: min(len(masks), 2000)].reshape(-1).long(), minlength=len(PART_LAYERS)).double()
    freq = counts / counts.sum()
    w = torch.where(freq > 0, freq.clamp(min=1e-6) ** -power, torch.zeros_like(freq))
    return (w / (w * freq).sum()).float()


def layered_losses(G, z, tags, x, labels, weights=None, l1_weights=None):
    """(masks' cross-entropy, picture's L1, picture, logits) of G's draw of (z, tags)."""
    logits, palette = G.parts(z, tags)
    return composite_losses(G, logits, palette, x, labels, weights, l1_weights)


def composite_losses(G, logits, palette, x, labels, weights=None, l1_weights=None):
    """layered_losses from G.parts' output. l1_weights: per-label weights of the L1 as well
    (--l1-balance), so that a small part's colour (a closed eye's lids, an earring) is not lost
    among the skin's and the hair's pixels."""
    logits = G.logits_at(logits)  # at the picture's size, where the labels are
    y = G.composite(logits, palette)
    ce = F.nll_loss(grouped_log_probs(logits), labels.long(), weight=weights)
    if l1_weights is None:
        return ce, F.l1_loss(y, x), y, logits
    per_pixel = (y - x).abs().mean(dim=1) * l1_weights[labels.long()]
    return ce, per_pixel.mean(), y, logits


# A part shown by fewer pixels than this has no colour target: a sliver's mean is mostly edge blend.
PALETTE_MIN_PIXELS = 4


def part_means(x, labels):
    """((B, P, 3) mean colour of each part label's pixels in the pictures x, (B, P) their counts)."""
    onehot = F.one_hot(labels.long(), len(PART_LAYERS)).permute(0, 3, 1, 2).to(x.dtype)  # (B, P, H, W)
    counts = onehot.sum(dim=(2, 3))
    return torch.einsum("bphw,bchw->bpc", onehot, x) / counts.clamp(min=1).unsqueeze(-1), counts


def palette_loss(palette, x, labels):
    """L1 between each layer's colour and the mean colour of that part's pixels in the real face,
    over the parts the face shows (not the background, whose two layers share a gradient). The
    picture's L1 reaches a layer's colour only through the pixels the masks give it, so a thin
    part (a closed eye's lids, drawn in the eye colour its code names) learnt nothing from it
    (v3e: its new code steps' weights stayed at 0.005 against 0.037); this says it directly."""
    target, counts = part_means(x, labels)
    shown = counts >= PALETTE_MIN_PIXELS
    shown[:, PART_LAYERS.index("background")] = False
    if not shown.any():
        return palette.sum() * 0
    return (palette[:, :len(PART_LAYERS)] - target).abs().mean(dim=-1)[shown].mean()


def more_code_steps(had, wanted):
    """The code steps `wanted` adds after `had` (a checkpoint's), [] when the same; DataError
    unless `had` is where `wanted` starts: a draw recorded since goes last in draws.csv, so its
    z number and steps come after every step a trained generator knows."""
    had, wanted = [list(map(float, s)) for s in had], [list(map(float, s)) for s in wanted]
    if wanted[:len(had)] != had:
        raise DataError("the data's codes differ from the checkpoint's (another renderer, or draws.csv from another "
                        "version): render the data again or start a new run")
    return [[int(i), t] for i, t in wanted[len(had):]]


def with_code_steps(state, n_new):
    """A generator's state dict with room for n_new more code steps: the fixed code layer left
    to be rebuilt from the config, and zero weights from the new steps into the two layers that
    read the trunk's input (fc, palette_fc), so the generator draws what it drew until it learns."""
    state = {k: v for k, v in state.items() if k not in ("code_weight", "code_bias")}
    for key in ("fc.weight", "palette_fc.weight"):
        w = state[key]
        state[key] = torch.cat([w, torch.zeros(w.shape[0], n_new, dtype=w.dtype)], dim=1)
    return state


SMALL_PARTS = ("eyes", "mouth", "ink", "glasses", "earrings", "freckles")


def small_part_recall(pred, truth):
    """{label: share of its true pixels predicted as it} for the small parts, where the overall
    mask accuracy hides a label that is never drawn (v3 at step 24,926: accuracy 0.956, no freckles)."""
    out = {}
    for name in SMALL_PARTS:
        k = PART_LAYERS.index(name)
        where = truth == k
        if where.any():
            out[name] = round((pred[where] == k).float().mean().item(), 4)
    return out


def parse_oversample(text):
    """"one_eye_closed=3,closed_eyes=2" → {"one_eye_closed": 3.0, "closed_eyes": 2.0}."""
    out = {}
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, sep, factor = item.partition("=")
        try:
            value = float(factor) if sep else float("nan")
        except ValueError:
            value = float("nan")
        if not name or not value > 0 or math.isinf(value):
            raise argparse.ArgumentTypeError(f"--oversample: expected tag=factor with a factor > 0, got {item!r}")
        out[name.strip()] = value
    return out


def sampling_weights(tags, names, oversample):
    """Each training face's chance of being drawn into a batch: 1, times the factor of every
    oversampled tag she has (a rare expression drawn less surely than the rest: a wink is 7 % of
    the faces and its closed eye a few pixels of each). None when nothing is oversampled."""
    if not oversample:
        return None
    unknown = sorted(set(oversample) - set(names))
    if unknown:
        raise DataError(f"--oversample: {', '.join(unknown)} is not a tag of this model's vocabulary")
    w = torch.ones(len(tags), dtype=torch.float64)
    for name, factor in oversample.items():
        w = torch.where(tags[:, names.index(name)] > 0.5, w * factor, w)
    return w


def decayed_lr(lr, lr_final, progress):
    """Cosine decay from lr to lr_final as progress goes 0 → 1 (clamped): the last stretch of a run
    at a small rate settles the small parts (mouths, eye details) that a constant 1e-3 keeps
    shaking; lr_final <= 0 means no decay."""
    if lr_final <= 0:
        return lr
    t = min(max(progress, 0.0), 1.0)
    return lr_final + (lr - lr_final) * 0.5 * (1 + math.cos(math.pi * t))


def lr_groups(G, lr, palette_mult=1.0, detail_mult=1.0):
    """G's parameters as Adam's groups, each with its multiple of the run's rate ("lr_mult"): the
    palette MLP and the detail head may learn faster than the trunk. A trained trunk wants a small
    rate to keep its girls, while parts grown on it later start from zero: the closed eyes' coded
    colour (v3e: 0.47 from the real colour after 14,336 steps at 4e-5–1e-4) and the detail head's
    freckles and earrings."""
    palette = [p for n, p in G.named_parameters() if n.startswith("palette_")]
    detail = [p for n, p in G.named_parameters() if n.startswith("detail.")]
    rest = [p for n, p in G.named_parameters() if not n.startswith(("palette_", "detail."))]
    groups = [{"params": rest, "lr_mult": 1.0}, {"params": palette, "lr_mult": palette_mult}]
    if detail:
        groups.append({"params": detail, "lr_mult": detail_mult})
    return [{**g, "lr": lr * g["lr_mult"]} for g in groups]


def load_optimiser(opt, G, saved):
    """Adam's state from a checkpoint into opt (lr_groups' groups), keeping opt's rates. A
    checkpoint from before the groups holds one group in G.parameters()' order: its moments are
    moved to the same parameters in the groups' order."""
    mults = [(g["lr"], g["lr_mult"]) for g in opt.param_groups]
    if len(saved["param_groups"]) != len(opt.param_groups):
        order = {id(p): i for i, p in enumerate(G.parameters())}
        index = [order[id(p)] for g in opt.param_groups for p in g["params"]]
        state = {j: saved["state"][i] for j, i in enumerate(index) if i in saved["state"]}
        groups, start = [], 0
        for g in opt.param_groups:
            groups.append({**saved["param_groups"][0], "params": list(range(start, start + len(g["params"])))})
            start += len(g["params"])
        saved = {"state": state, "param_groups": groups}
    opt.load_state_dict(saved)
    for g, (lr, mult) in zip(opt.param_groups, mults):
        g["lr"], g["lr_mult"] = lr, mult


def train(a):
    device = pick_device(a.device)
    out = Path(a.out)
    ckpt_path, ckpt = open_run(out, a.seed, a.threads, a.resume)
    if not ckpt and a.init_from:
        ckpt = initial_state(a.init_from)
    data_root = Path(a.data)
    vocab = ckpt["vocab"] if ckpt else choose_vocabulary(data_root, read_tag_rows(data_root), 64)
    size = ckpt["config"]["net"]["image_size"] if ckpt else a.size
    data, codes, variants, draws = coded_data(a.data, size, vocab)
    masks = load_masks(data_root, data.files, size)
    draw_weights = sampling_weights(data.tags, [v["name"] for v in vocab], a.oversample)
    weights = part_weights(masks, a.balance).to(device) if a.balance else None
    if ckpt:
        cfg = LayeredConfig(**ckpt["config"]["net"])
    else:
        cfg = LayeredConfig(num_tags=len(vocab), image_size=size, mask_size=min(a.mask_size, size), code_thresholds=code_thresholds(codes, draws),
                            detail=a.detail, **({"g_channels": a.g_channels} if a.g_channels else {}))
    grown = bool(ckpt) and a.detail and not cfg.detail
    if grown:  # a detail head added to a trained generator: it starts at zero, drawing what it drew
        cfg = LayeredConfig(**{**asdict(cfg), "detail": True})
    new_steps = more_code_steps(cfg.code_thresholds, code_thresholds(codes, draws)) if ckpt else []
    if new_steps:
        print(f"the data codes {len(new_steps)} more steps than the checkpoint (a draw recorded since, on z"
              f"{sorted({int(i) for i, _ in new_steps})}): the generator reads them from now on, starting at zero", file=sys.stderr)
        for key in ("G", "G_ema"):
            ckpt[key] = with_code_steps(ckpt[key], len(new_steps))
        cfg = LayeredConfig(**{**asdict(cfg), "code_thresholds": cfg.code_thresholds + new_steps})
        grown = True
    G = LayeredGenerator(cfg)
    G_ema = copy.deepcopy(G)
    if ckpt:
        for net, key in ((G, "G"), (G_ema, "G_ema")):
            missing, unexpected = net.load_state_dict(ckpt[key], strict=not grown)
            if unexpected or any(not k.startswith("detail.") and k not in ("code_weight", "code_bias") for k in missing):
                raise DataError(f"the checkpoint does not fit this generator: missing {missing}, unexpected {unexpected}")
    held = None
    if a.heldout:
        hdata, _, hvariants, hdraws = coded_data(a.heldout, size, vocab, codes)
        held = (hdata, hvariants, hdraws, load_masks(Path(a.heldout), hdata.files, size))
    G.to(device).train()
    G_ema.to(device).eval()
    opt = torch.optim.Adam(lr_groups(G, a.lr, a.palette_lr_mult, a.detail_lr_mult), a.lr, betas=(0.5, 0.999))
    step = 0
    if ckpt:
        if "opt_g" in ckpt and not grown:  # a model folder's state has none: Adam starts afresh
            load_optimiser(opt, G, ckpt["opt_g"])
        step = ckpt["step"]
    history = run_history(out / "config.json") if ckpt else []
    history.append({"argv": sys.argv, "fromStep": step})
    config = {"data": a.data, "out": a.out, "batch": a.batch, "lr_g": a.lr, "lr_d": 0.0, "betas": [0.5, 0.999],
              "ema": a.ema, "seed": a.seed, "net": asdict(cfg), "head": "layered",
              "oversample": a.oversample, "loss": {"layered": True, "mask_ce": 1.0, "l1": a.l1, "balance": a.balance, "l1_balance": a.l1_balance,
                       "palette": a.palette_loss},
              "argv": sys.argv, "history": history,
              "factorCodes": codes.describe(vocab), "drawCodes": draws.describe()}
    (out / "config.json").write_text(json.dumps(config, indent=1))

    def snapshot():
        return {"G": G.state_dict(), "G_ema": G_ema.state_dict(), "opt_g": opt.state_dict(), "step": step,
                "images_seen": step * a.batch, "config": config, "vocab": vocab}

    def evaluate():
        hdata, hvariants, hdraws, hmasks = held
        idx = torch.arange(min(256, len(hdata)))
        x, tags = hdata.batch(idx)
        z = redraw_code(codes, hdraws, hvariants[idx], tags, idx, cfg.z_dim, torch.Generator().manual_seed(9))
        with torch.no_grad():
            ce, l1, y, logits = layered_losses(G_ema, z.to(device), tags.to(device), x.to(device), hmasks[idx].to(device))
        pred = grouped_log_probs(logits).argmax(dim=1).cpu()
        n = 12
        rows = [np.concatenate(list(to_uint8(x[:n])), axis=1), np.concatenate(list(to_uint8(y[:n].cpu())), axis=1),
                np.concatenate(list(MASK_COLOURS[pred[:n].numpy()]), axis=1)]
        Image.fromarray(np.concatenate(rows, axis=0)).save(out / "samples" / f"step_{step:06d}.png")
        truth = hmasks[idx].long()
        return {"heldout_ce": ce.item(), "heldout_l1": l1.item(), "heldout_mask_acc": (pred == truth).float().mean().item(),
                "heldout_recall": small_part_recall(pred, truth)}

    log = (out / "log.jsonl").open("a")
    started, g = time.time(), torch.Generator().manual_seed(a.seed * 1000 + step)
    seen_at_start = step
    with StopOnSignal() as stop:
        while step < a.steps and not stop.requested and not (a.minutes and time.time() - started > a.minutes * 60):
            if a.lr_final > 0:  # this run's own stretch: by its minutes when given, else by its steps
                progress = ((time.time() - started) / (a.minutes * 60) if a.minutes
                            else (step - seen_at_start) / max(1, a.steps - seen_at_start))
                for group in opt.param_groups:
                    group["lr"] = group["lr_mult"] * decayed_lr(a.lr, a.lr_final, progress)
            idx = (torch.randint(len(data), (a.batch,), generator=g) if draw_weights is None
                   else torch.multinomial(draw_weights, a.batch, replacement=True, generator=g))
            x, tags = data.batch(idx)
            z = redraw_code(codes, draws, variants[idx], tags, idx, cfg.z_dim, g)
            xb, lb = x.to(device), masks[idx].to(device)
            logits, palette = G.parts(z.to(device), tags.to(device))
            ce, l1, _, _ = composite_losses(G, logits, palette, xb, lb, weights, weights if a.l1_balance else None)
            loss = ce + a.l1 * l1
            if a.palette_loss:
                pl = palette_loss(palette, xb, lb)
                loss = loss + a.palette_loss * pl
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            update_ema(G_ema, G, a.ema)
            step += 1
            if step % a.log_every == 0:
                elapsed = time.time() - started
                rec = {"step": step, "time_s": round(elapsed, 1), "ce": ce.item(), "l1": l1.item(),
                       **({"palette": pl.item()} if a.palette_loss else {}),
                       "images_per_s": round((step - seen_at_start) * a.batch / max(elapsed, 1e-6), 1),
                       "lr": opt.param_groups[0]["lr"]}
                if step % a.eval_every == 0:
                    if held:
                        rec.update(evaluate())
                    save_checkpoint(ckpt_path, snapshot())
                log.write(json.dumps(rec) + "\n")
                log.flush()
                print(json.dumps(rec), file=sys.stderr, flush=True)
    if held and step % a.eval_every:  # the last step's figures, unless just measured
        log.write(json.dumps({"step": step, "time_s": round(time.time() - started, 1), **evaluate()}) + "\n")
    save_checkpoint(ckpt_path, snapshot())
    log.close()
    if stop.requested:
        print(f"stopped by a signal at step {step}; checkpoint written (--resume continues)", file=sys.stderr, flush=True)


def main(argv=None):
    from training.train import channel_list
    p = argparse.ArgumentParser(description="Train the layered generator (flat layers + part masks) on a rendered folder.")
    p.add_argument("--data", required=True, help="a rendered folder with factors.csv, draws.csv and masks/")
    p.add_argument("--heldout", default="", help="another rendered folder: held-out figures and sample strips")
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=128, choices=[64, 128])
    p.add_argument("--g-channels", type=channel_list, help="widths from 4x4 up to the masks' size (default 256,128,64,48,32: 64 px masks)")
    p.add_argument("--mask-size", type=int, default=64, choices=[32, 64, 128], help="the size the trunk draws the layer logits at")
    p.add_argument("--detail", action="store_true",
                   help="a detail head at twice the masks' size (training/layered.py); with --init-from or --resume "
                        "a generator without one gets it, starting at zero")
    p.add_argument("--steps", type=int, default=1_000_000)
    p.add_argument("--minutes", type=float, default=0.0, help="stop (checkpoint written) after this long; 0 = none")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-final", type=float, default=0.0,
                   help="decay the rate to this by a cosine over this run's --minutes (else its --steps); 0 = constant. "
                        "On --resume the decay covers the resumed stretch, and Adam's rate is set each step")
    p.add_argument("--l1", type=float, default=4.0, help="weight of the composited picture's L1 beside the masks' cross-entropy")
    p.add_argument("--palette-lr-mult", type=float, default=1.0, help="the palette MLP's rate as a multiple of --lr")
    p.add_argument("--detail-lr-mult", type=float, default=1.0, help="the detail head's rate as a multiple of --lr")
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--balance", type=float, default=0.0,
                   help="weigh each part label's cross-entropy by its frequency to this power (0.5: outlines and eyes "
                        "count more than their few pixels); 0 = every pixel alike")
    p.add_argument("--l1-balance", action="store_true",
                   help="weigh the picture's L1 by the part weights of --balance too (a small part's colour: closed eyes' lids, earrings)")
    p.add_argument("--palette-loss", type=float, default=0.0,
                   help="weight of an L1 between each layer's colour and its part's mean colour in the real face "
                        "(a thin part's colour, which the picture's L1 barely reaches); 0 = none")
    p.add_argument("--oversample", type=parse_oversample, default={},
                   help="draw faces with these tags this many times as often, e.g. one_eye_closed=3 (a rare "
                        "expression drawn less surely than the renders draw it)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--resume", action="store_true")
    p.add_argument("--init-from", default="", help="a model folder with training-state.pt: go on from it (a fresh machine)")
    a = p.parse_args(argv)
    if a.resume and a.init_from:
        p.error("--resume goes on from the run folder; --init-from starts a new run from a model folder: give one")
    if a.l1_balance and not a.balance:
        p.error("--l1-balance weighs the L1 by --balance's part weights: give --balance too")
    if a.eval_every % a.log_every:
        p.error("--eval-every must be a multiple of --log-every")
    ckpt = Path(a.out) / "ckpt.pt"
    if a.resume and not ckpt.is_file():
        p.error(f"--resume: {ckpt} does not exist")
    if not a.resume and ckpt.is_file():
        p.error(f"{a.out} holds a run already: --resume to go on, or choose another --out")
    try:
        train(a)
    except (DataError, DeviceError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
