"""Fit a layered generator's palette to the real faces' part colours, the rest of it frozen.

The palette MLP (z, tags and code steps → one colour per layer) learns slowly inside the whole
run, where its only signals are the composite's L1 and the palette loss, a few pixels of each
face. Colours a code chooses only under one tag learn slowest: a closed eye's colour is a draw
(`eyesHidden`) read only when the tags say closed_eyes, and after 15,000 steps of v3e/v3f the
eye layer still drew nearly one colour for all eight draws (held-out L1 to the real colour 0.45;
spread 0.23 against the renders' 0.56). Since the palette is a small function of the trunk's
input alone, it can be fitted on its own: every face's real mean colour per part is computed once
(what `palette_loss` compares with), and the MLP is fitted to it with thousands of large batches
a minute — each with fresh free z numbers, so it learns to ignore them. Layers a face does not
show (and the two background layers, which share a gradient) keep the colours they had.

python3 -m training.palette_fit runs/v3f/ckpt.pt --data data/girls128 --out runs/v3f-pal/ckpt.pt \\
    [--heldout data/girls128-heldout] [--minutes 10]

The output is a checkpoint of the same form (G and G_ema both carry the fitted palette; the
optimiser state is dropped), for `training.export` or `layered_train --resume`.
"""
import argparse
import sys
import time
from pathlib import Path

import torch

from training.dataset import DataError
from training.draw_codes import redraw_code
from training.layered import LayeredConfig, LayeredGenerator, PART_LAYERS
from training.layered_train import PALETTE_MIN_PIXELS, load_masks, part_means
from training.redraw_pretrain import coded_data


# Weight of the pull that keeps the held layers' colours where they were: the backgrounds are in
# every picture, and their hidden units are shared with the fitted layers.
HOLD = 4.0


def part_colours(data, masks, chunk=256):
    """((N, P, 3) mean colour of each part's pixels in [-1, 1], (N, P) bool: shown by enough pixels)."""
    n, p = len(data), len(PART_LAYERS)
    colours, shown = torch.zeros(n, p, 3), torch.zeros(n, p, dtype=torch.bool)
    for start in range(0, n, chunk):
        idx = torch.arange(start, min(n, start + chunk))
        colours[idx], counts = part_means(data.batch(idx)[0], masks[idx])
        shown[idx] = counts >= PALETTE_MIN_PIXELS
    shown[:, PART_LAYERS.index("background")] = False  # two layers share it (a gradient): not one colour
    return colours, shown


def palette_of(G, z, tags):
    """G's (B, K, 3) palette alone: the MLP on the trunk's input, no trunk."""
    return G.palette(G.trunk_input(z, tags))


def fit(G, data, codes, variants, draws, colours, shown, steps, minutes=0.0, batch=512, lr=1e-3, seed=1, log=sys.stderr):
    """Fits G's palette MLP in place; the held layers (not shown, background) pull to G's own colours."""
    frozen = LayeredGenerator(G.cfg)
    frozen.load_state_dict(G.state_dict())
    frozen.eval()
    params = list(G.palette_fc.parameters()) + list(G.palette_out.parameters())
    opt = torch.optim.Adam(params, lr, betas=(0.9, 0.999))
    g = torch.Generator().manual_seed(seed)
    started = time.time()
    for step in range(1, steps + 1):
        idx = torch.randint(len(data), (batch,), generator=g)
        tags = data.tags[idx]
        z = redraw_code(codes, draws, variants[idx], tags, idx, G.cfg.z_dim, g)
        pal = palette_of(G, z, tags)
        with torch.no_grad():
            before = palette_of(frozen, z, tags)
        held = torch.ones(pal.shape[:2], dtype=torch.bool)
        held[:, :len(PART_LAYERS)] = ~shown[idx]
        error = (pal[:, :len(PART_LAYERS)] - colours[idx])[shown[idx]]
        fitted = error.abs().mean()
        # Squared, so that the few large errors (a closed eye's colour, 0.45 off where the rest are
        # 0.04) lead; measured: with L1 they did not move in 200 steps.
        loss = error.square().mean() + HOLD * (pal - before).abs().mean(dim=-1)[held].mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 200 == 0 or step == steps:
            print(f"palette fit step {step}: part colour L1 {fitted.item():.4f} ({time.time() - started:.0f} s)", file=log, flush=True)
        if minutes and time.time() - started > minutes * 60:
            break
    return G


def coded_colours(path, size, vocab, codes=None):
    """(data, codes, variants, draws, colours, shown) of a rendered folder with masks."""
    data, codes, variants, draws = coded_data(path, size, vocab, codes)
    cache = Path(path) / ".cache" / f"part-colours-{size}-{len(data)}.pt"  # beside the masks' cache
    if cache.is_file():
        colours, shown = torch.load(cache)
    else:
        colours, shown = part_colours(data, load_masks(Path(path), data.files, size))
        cache.parent.mkdir(exist_ok=True)
        torch.save((colours, shown), cache)
    return data, codes, variants, draws, colours, shown


def heldout_error(G, held, cfg):
    """Mean L1 over the parts each face of a folder shows between G's layer colours and the real ones."""
    data, codes, variants, draws, colours, shown = held
    idx = torch.arange(len(data))
    z = redraw_code(codes, draws, variants[idx], data.tags[idx], idx, cfg.z_dim, torch.Generator().manual_seed(9))
    with torch.no_grad():
        pal = palette_of(G, z, data.tags[idx])[:, :len(PART_LAYERS)]
    return (pal - colours).abs().mean(dim=-1)[shown].mean().item()


def main(argv=None):
    p = argparse.ArgumentParser(description="Fit a layered checkpoint's palette MLP to the real part colours (the rest frozen).")
    p.add_argument("checkpoint", help="a layered run's ckpt.pt (or a model folder's training-state.pt)")
    p.add_argument("--data", required=True, help="the rendered folder (with masks/) the run trained on")
    p.add_argument("--heldout", default="", help="another rendered folder: its part colour error before and after")
    p.add_argument("--out", required=True, help="where to write the fitted checkpoint")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--minutes", type=float, default=0.0, help="stop after this long (0 = none)")
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    out = Path(a.out)
    if out.exists():
        p.error(f"{out} exists: choose another --out")
    try:
        ckpt = torch.load(a.checkpoint, map_location="cpu")
        if ckpt.get("config", {}).get("head") != "layered":
            raise DataError(f"{a.checkpoint}: not a layered generator's checkpoint")
        cfg = LayeredConfig(**ckpt["config"]["net"])
        G = LayeredGenerator(cfg)
        G.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["G_ema"].items()})
        G.eval()
        train = coded_colours(a.data, cfg.image_size, ckpt["vocab"])
        held = coded_colours(a.heldout, cfg.image_size, ckpt["vocab"], train[1]) if a.heldout else None
    except (OSError, KeyError, DataError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    if held:
        print(f"held-out part colour L1 before: {heldout_error(G, held, cfg):.4f}", file=sys.stderr)
    fit(G, *train, steps=a.steps, minutes=a.minutes, batch=a.batch, lr=a.lr)
    if held:
        print(f"held-out part colour L1 after: {heldout_error(G, held, cfg):.4f}", file=sys.stderr)
    state = G.state_dict()
    fitted = {**ckpt["G"], **{k: v for k, v in state.items() if k.startswith("palette_")}}
    ckpt = {k: v for k, v in ckpt.items() if k != "opt_g"}
    ckpt.update({"G_ema": state, "G": fitted})
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(ckpt, out)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
