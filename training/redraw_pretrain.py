"""Redraw pretraining: G learns what each coded z number draws, by L1 alone, before the GAN.

With factors.csv and draws.csv every rendered face is fully determined by its tags and the codes
of its untagged draws (training/draw_codes.py), so "redraw this real face from its codes" is a
plain regression. Inside the GAN (train.py --redraw) that term stayed flat for 300 steps (0.21):
the adversarial terms, at the GAN's learning rate, outweigh it. Alone, at a regression's rate,
it falls at once (0.207 → 0.119 held-out L1 in 2,500 steps of 32 from the first model; with only
the six factor codes coded it fell more slowly, 0.146 against 0.131 at step 900: docs/training.md,
session 11). The result is blurry, but its z numbers mean what the codes say; the GAN run that
follows (`train.py --init-from RUN --redraw W`) sharpens it while the redraw term holds the codes.

python3 -m training.redraw_pretrain --data data/lorelei128 --heldout data/lorelei128-heldout \\
    --init-from models/lorelei64-v1 --out runs/rp1 --steps 10000 --threads 1 [--resume]

The run folder holds ckpt.pt (G as G_ema too, so export, factor_sheet and --init-from read it as
any run), config.json, log.jsonl (train L1 per --log-every, held-out L1 per --eval-every) and
samples/step_NNNNNN.png (16 held-out faces above their redraws). SIGTERM stops at a step boundary
with the checkpoint written. --focus eyes,eyebrows,mouth,nose weighs the L1 ×(1 + --focus-weight)
where those factors show (training/focus_map.py; its map is saved as focus.png): in session 12
that made the mouth and eyebrows follow their codes and, after the GAN, FD 7.35 against 9.62.
"""
import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from training.dataset import DataError, TaggedImages, choose_vocabulary, read_tag_rows
from training.draw_codes import DrawCodes, redraw_code
from training.export import generator_source
from training.factor_codes import FactorCodes
from training.focus_map import data_focus_weights, weighted_l1
from training.plots import to_uint8
from training.run_history import open_run, run_history
from training.stop_signal import StopOnSignal
from training.code_layer import code_thresholds
from training.networks import Generator, NetConfig, with_code_layer
from training.train import DeviceError, channel_list, pick_device, save_checkpoint


def coded_data(path, size, vocab, codes=None):
    """(TaggedImages, FactorCodes, (N, F) variants in those codes' indices, DrawCodes) of a
    rendered folder; `codes` (the training data's) is used for another folder's variants."""
    data = TaggedImages(path, size, vocab=vocab)
    if data.factors is None or data.draws is None:
        raise DataError(f"{path}: redrawing needs factors.csv and draws.csv (npm run dataset writes both; "
                        "npm run dataset:draws adds draws.csv to a folder rendered before)")
    if codes is None:
        codes = FactorCodes(data.factors, data.tags)
    try:
        variants = codes.variants_of(data.factors)
    except ValueError as e:
        raise DataError(f"{path}: {e}") from None
    return data, codes, variants, DrawCodes(data.draws, offset=len(codes.names))


def train(a):
    device = pick_device(a.device)
    out = Path(a.out)
    ckpt_path, ckpt = open_run(out, a.seed, a.threads, a.resume)
    if ckpt or a.init_from:
        try:
            G, vocab, _ = generator_source(out if ckpt else a.init_from)
        except (OSError, KeyError, ValueError) as e:
            raise DataError(f"--init-from {a.init_from}: not a model folder or run folder ({e})") from e
    else:  # from scratch: the data's vocabulary, 64 px, the given widths
        vocab = choose_vocabulary(Path(a.data), read_tag_rows(Path(a.data)), a.max_tags)
        G = Generator(NetConfig(num_tags=len(vocab), g_channels=a.g_channels or NetConfig().g_channels))
    if ckpt:
        G.load_state_dict(ckpt["G"])
    data, codes, variants, draws = coded_data(a.data, G.cfg.image_size, vocab)
    if draws.offset + len(draws.names) > G.cfg.z_dim:
        raise DataError(f"the codes need {draws.offset + len(draws.names)} z numbers; z has {G.cfg.z_dim}")
    if a.code_layer and not G.cfg.code_thresholds:  # it draws what it drew until training uses the steps
        G = with_code_layer(G, code_thresholds(codes, draws))
    held = coded_data(a.heldout, G.cfg.image_size, vocab, codes) if a.heldout else None
    focus = None
    if a.focus:
        focus = data_focus_weights(data, a.focus, a.focus_weight, "--focus").to(device)
        shade = (focus / focus.max() * 255).squeeze().to(torch.uint8).cpu().numpy()
        Image.fromarray(shade).save(out / "focus.png")  # where the L1 weighs more, to look at
    G.to(device).train()
    if device.type != "cpu":
        data.images = data.images.to(device)  # uint8, indexed on the device each step
    opt = torch.optim.Adam(G.parameters(), a.lr, betas=(0.5, 0.999))
    step = 0
    if ckpt and "opt_g" in ckpt:
        opt.load_state_dict(ckpt["opt_g"])
        step = ckpt["step"]
        torch.set_rng_state(ckpt["rng"])
    history = run_history(out / "config.json") if ckpt else []
    history.append({"argv": sys.argv, "fromStep": step})
    config = {"data": a.data, "out": a.out, "init_from": a.init_from, "batch": a.batch, "lr_g": a.lr, "lr_d": 0.0,
              "betas": [0.5, 0.999], "ema": 0.0, "seed": a.seed, "net": asdict(G.cfg),
              "loss": {"redraw_only": True, "focus": a.focus, "focusWeight": a.focus_weight if a.focus else 0.0}, "argv": sys.argv, "history": history,
              "factorCodes": codes.describe(vocab), "drawCodes": draws.describe()}
    (out / "config.json").write_text(json.dumps(config, indent=1))

    def snapshot():
        state = {k: v.detach().cpu().clone() for k, v in G.state_dict().items()}
        return {"G": state, "G_ema": state, "opt_g": opt.state_dict(), "step": step, "images_seen": step * a.batch,
                "config": config, "vocab": vocab, "rng": torch.get_rng_state()}

    def evaluate():
        """Held-out L1 on 256 faces with fixed codes (plain, and weighted as trained when --focus
        is given), and the strip of the first 16."""
        hdata, hcodes, hvariants, hdraws = held
        idx = torch.arange(min(256, len(hdata)))
        x, tags = hdata.batch(idx)
        z = redraw_code(hcodes, hdraws, hvariants[idx], tags, idx, G.cfg.z_dim, torch.Generator().manual_seed(9))
        G.eval()
        with torch.no_grad():
            y = G(z.to(device), tags.to(device)).cpu()
        G.train()
        n = min(16, len(idx))
        strip = np.concatenate([np.concatenate(list(to_uint8(x[:n])), axis=1), np.concatenate(list(to_uint8(y[:n])), axis=1)], axis=0)
        Image.fromarray(strip).save(out / "samples" / f"step_{step:06d}.png")
        figures = {"heldout_l1": F.l1_loss(y, x).item()}
        if focus is not None:
            figures["heldout_focus_l1"] = weighted_l1(y, x, focus.cpu()).item()
        return figures

    log = (out / "log.jsonl").open("a")
    started, g = time.time(), torch.Generator().manual_seed(a.seed * 1000 + step)
    with StopOnSignal() as stop:
        while step < a.steps and not stop.requested and not (a.max_minutes and time.time() - started > a.max_minutes * 60):
            idx = torch.randint(len(data), (a.batch,), generator=g)
            x, tags = data.batch(idx)
            z = redraw_code(codes, draws, variants[idx], tags, idx, G.cfg.z_dim, g)
            y = G(z.to(device), tags.to(device))
            loss = F.l1_loss(y, x) if focus is None else weighted_l1(y, x, focus)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % a.log_every == 0:
                rec = {"step": step, "time_s": round(time.time() - started, 1), "l1": loss.item()}
                if step % a.eval_every == 0:
                    if held:
                        rec.update(evaluate())
                    save_checkpoint(ckpt_path, snapshot())
                log.write(json.dumps(rec) + "\n")
                log.flush()
                print(f"step {step} L1 {rec['l1']:.4f}" + (f" held-out {rec['heldout_l1']:.4f}" if "heldout_l1" in rec else ""),
                      file=sys.stderr, flush=True)
    if held and step % a.eval_every:  # the last step's figures, unless just measured
        log.write(json.dumps({"step": step, "time_s": round(time.time() - started, 1), **evaluate()}) + "\n")
    save_checkpoint(ckpt_path, snapshot())
    log.close()
    if stop.requested:
        print(f"stopped by a signal at step {step}; checkpoint written (--resume continues)", file=sys.stderr, flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description="Teach G what each coded z number draws (L1 redraws of real faces).")
    p.add_argument("--data", required=True, help="a rendered folder with factors.csv and draws.csv")
    p.add_argument("--heldout", default="", help="another rendered folder: held-out L1 and sample strips")
    p.add_argument("--out", required=True)
    p.add_argument("--init-from", default="models/lorelei64-v1",
                   help='a model folder or run folder whose generator starts ("": a new generator, --g-channels wide)')
    p.add_argument("--g-channels", type=channel_list, help="a new generator's widths from 4x4 up (default 256,128,64,32,16)")
    p.add_argument("--max-tags", type=int, default=64, help="a new generator's vocabulary: the K most frequent tags")
    p.add_argument("--focus", type=lambda s: [f for f in s.split(",") if f], default=[],
                   help="factors.csv columns whose pixels weigh more in the L1, e.g. eyes,eyebrows,mouth,nose "
                        "(training/focus_map.py)")
    p.add_argument("--focus-weight", type=float, default=10.0, help="extra weight where the --focus factors show")
    p.add_argument("--code-layer", action="store_true",
                   help="give G a code layer (a step per variant boundary of each code: training/code_layer.py) if it has none")
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--eval-every", type=int, default=500, help="steps between checkpoints (and held-out figures and strips)")
    p.add_argument("--max-minutes", type=float, default=0.0, help="stop (checkpoint written) after this long; 0 = none")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="auto: cuda when PyTorch sees a GPU")
    p.add_argument("--resume", action="store_true")
    a = p.parse_args(argv)
    if a.eval_every % a.log_every:
        p.error("--eval-every must be a multiple of --log-every")
    if a.g_channels and a.init_from:
        p.error("--g-channels sizes a new generator: give --init-from \"\" with it")
    if a.g_channels and len(a.g_channels) != 5:
        p.error("--g-channels needs 5 widths at 64 px (4x4 and each doubling)")
    try:
        train(a)
    except (DataError, DeviceError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
