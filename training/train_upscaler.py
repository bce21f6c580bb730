"""Train the learned 2× stage: python3 -m training.train_upscaler --data data/lorelei128 --out runs/up1

Pairs come from the renderer itself: each 128 px render is the target, its area reduction to
64 px the input. Inputs are degraded the way a GAN's 64 px output differs from a render (soft
edges: blur; speckle: noise; colour drift: a small per-channel shift), so the stage learns to
redraw crisp line art rather than to enlarge artefacts. Training uses random 64 px crops of
the targets (32 px inputs: the network is fully convolutional), four times cheaper per step.

With --pairs-from RUN, a share of each batch (--pairs-share) is instead a generator run's own
64 px drawings of training faces beside those faces' renders (training/redraw_pairs.py): the
artefacts the stage meets when served, not the ones imagined above. --init-from starts from a
trained stage, so that this is a fine-tuning.

With --adv W --gacha-from SOURCE, each step also enlarges crops of a generator's gacha pictures
(z ~ N(0, 1), random tags: what users are served, with no render to compare them with) and a
patch critic (networks.PatchCritic, hinge loss) learns to tell them from crops of renders; the
stage is pushed by W × its score to draw lines and flat colours that look rendered, and held to
the picture it was given by an L1 between the two at 16 px (--consistency), so that it cleans a
face rather than drawing another. The L1 on render pairs stays as the anchor. An L1 alone cannot
do this: a drawing does not determine its render, and the L1 averages (session 13, --pairs-from).

The run folder holds config.json, log.jsonl, samples/*.png (input | nearest | upscaled | render)
and ckpt.pt (model, optimiser, step, config, RNG), from which --resume continues.
"""
import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from training.dataset import DataError, TaggedImages
from training.export import upscaler_source
from training.networks import PatchCritic, Upscaler, UpscalerConfig
from training.redraw_pairs import GeneratorGacha, GeneratorRedraws
from training.run_history import open_run
from training.stop_signal import StopOnSignal
from training.train import DeviceError, pick_device, save_checkpoint


@dataclass
class UpscalerTrainConfig:
    data: str = "data/lorelei128"
    heldout: str = ""             # a second render folder for the PSNR figures (optional)
    out: str = "runs/upscaler"
    batch: int = 32
    crop: int = 64                # target crop (px); the input crop is half
    steps: int = 20000
    max_minutes: float = 0.0      # wall-clock cap; 0 = none
    lr: float = 2e-4
    blur_max: float = 1.0         # Gaussian σ (64 px scale) drawn in [0, blur_max]
    noise_max: float = 0.06       # additive noise σ in [-1, 1] units, drawn in [0, noise_max]
    color_shift: float = 0.04     # per-channel offset drawn in ±color_shift
    blotch_max: float = 0.0       # smooth coloured blotches (noise on a 1/4-size grid, enlarged) of amplitude in [0, blotch_max]
    pairs_from: str = ""          # a generator run trained with --redraw on the same data: its drawings as inputs
    pairs_share: float = 0.5      # with pairs_from: the share of each batch that is its drawings
    init_from: str = ""           # an upscaler run or two-stage model whose weights to start from (a new optimiser, step 0)
    adv: float = 0.0              # weight of the patch critic's score on gacha crops (0: no critic)
    gacha_from: str = ""          # with adv: a generator run or 64 px model whose gacha pictures are enlarged
    adv_batch: int = 16           # with adv: gacha crops (and render crops for the critic) per step
    consistency: float = 1.0      # with adv: L1 between the enlarged gacha crop and its input, both at 16 px (1/8 of 128)
    lr_d: float = 2e-4            # with adv: the critic's rate
    seed: int = 1
    threads: int = 0
    limit: int = 0
    log_every: int = 50
    save_every_minutes: float = 10.0
    device: str = "cpu"           # auto | cpu | cuda (the stage is small: a GPU helps little)
    net: UpscalerConfig = field(default_factory=UpscalerConfig)


def gaussian_blur(x, sigma):
    """Per-sample Gaussian blur (σ: (B,)) with a 5×5 separable kernel; σ = 0 leaves x as is."""
    r = torch.arange(-2, 3, dtype=x.dtype)
    s = sigma.clamp(min=1e-3).view(-1, 1)
    k = torch.exp(-(r.view(1, -1) ** 2) / (2 * s * s))
    k = k / k.sum(dim=1, keepdim=True)                       # (B, 5)
    b, c, h, w = x.shape
    y = x.reshape(1, b * c, h, w)
    kx = k.repeat_interleave(c, dim=0).view(b * c, 1, 1, 5)
    y = F.conv2d(F.pad(y, (2, 2, 0, 0), mode="replicate"), kx, groups=b * c)
    y = F.conv2d(F.pad(y, (0, 0, 2, 2), mode="replicate"), kx.transpose(2, 3), groups=b * c)
    return y.view(b, c, h, w)


def degrade(lo, cfg: UpscalerTrainConfig):
    """lo: (B, 3, s, s) in [-1, 1], the clean reduction → what a 64 px generator might draw."""
    b = lo.shape[0]
    lo = gaussian_blur(lo, torch.rand(b) * cfg.blur_max)
    lo = lo + torch.randn(lo.shape) * (torch.rand(b, 1, 1, 1) * cfg.noise_max)
    lo = lo + (torch.rand(b, 3, 1, 1) * 2 - 1) * cfg.color_shift
    if cfg.blotch_max > 0:
        # A 64 px GAN's worst artefact is not pixel noise but coloured smudges a few pixels wide
        # (docs/training.md: the first 2x stage enlarged them faithfully); teach the stage to flatten them.
        s = lo.shape[-1]
        blotches = F.interpolate(torch.randn(b, 3, max(1, s // 4), max(1, s // 4)), size=(s, s), mode="bilinear", align_corners=False)
        lo = lo + blotches * (torch.rand(b, 1, 1, 1) * cfg.blotch_max)
    return lo.clamp(-1, 1)


def reduce(hi):
    """128 → 64 the way the 64 px data was made from the same kind of render (area average)."""
    return F.avg_pool2d(hi, 2)


def psnr(a, b):
    mse = ((a.clamp(-1, 1) - b) ** 2).mean(dim=[1, 2, 3]) / 4.0   # in [0, 1] units
    return (10 * torch.log10(1.0 / mse.clamp(min=1e-10))).mean().item()


def evaluate(U, data, count=256, clean=True, cfg=None):
    """Mean PSNR (dB) on full images: upscaled vs render, and nearest vs render, for reference."""
    with torch.no_grad():
        hi, _ = data.batch(torch.arange(min(count, len(data))))
        lo = reduce(hi)
        if not clean:
            torch.manual_seed(12345)
            lo = degrade(lo, cfg)
        dev = next(U.parameters()).device
        up = torch.cat([U(lo[i:i + 64].to(dev)).cpu() for i in range(0, len(lo), 64)])
        near = F.interpolate(lo, scale_factor=2, mode="nearest")
        bic = F.interpolate(lo, scale_factor=2, mode="bicubic", align_corners=False)
        return {"psnr": psnr(up, hi), "psnr_nearest": psnr(near, hi), "psnr_bicubic": psnr(bic, hi)}


def evaluate_drawn(U, redraws, count=256):
    """Mean PSNR (dB) of the stage on a generator's drawings of the first `count` training faces
    against their renders, and of the nearest enlargement, for reference: what --pairs-from
    fine-tunes. Training faces, since the generator's codes cover only those."""
    with torch.no_grad():
        idx = torch.arange(min(count, len(redraws.data)))
        hi, _ = redraws.data.batch(idx)
        lo = redraws(idx)
        dev = next(U.parameters()).device
        up = torch.cat([U(lo[i:i + 64].to(dev)).cpu() for i in range(0, len(lo), 64)])
        return {"psnr": psnr(up, hi), "psnr_nearest": psnr(F.interpolate(lo, scale_factor=2, mode="nearest"), hi)}


def save_samples(U, data, path, cfg, redraws=None, gacha=None):
    """Rows: degraded input (nearest), its enlargement, the clean input's enlargement, the render;
    with a generator's drawings, three more: its drawing (nearest), that enlarged, the render;
    with gacha pictures, two more: six of them (nearest) and their enlargements."""
    from PIL import Image
    with torch.no_grad():
        hi, _ = data.batch(torch.arange(6))
        lo = reduce(hi)
        torch.manual_seed(7)
        lo_d = degrade(lo, cfg)
        dev = next(U.parameters()).device
        rows = [F.interpolate(lo_d, scale_factor=2, mode="nearest"), U(lo_d.to(dev)).cpu().clamp(-1, 1), U(lo.to(dev)).cpu().clamp(-1, 1), hi]
        if redraws is not None:
            idx = torch.arange(6)
            drawn = redraws(idx)
            rows += [F.interpolate(drawn, scale_factor=2, mode="nearest"), U(drawn.to(dev)).cpu().clamp(-1, 1), redraws.data.batch(idx)[0]]
        if gacha is not None:
            state = gacha.rng.get_state()
            gacha.rng.manual_seed(7)   # the same six pictures in every grid
            drawn = gacha(6)
            gacha.rng.set_state(state)
            rows += [F.interpolate(drawn, scale_factor=2, mode="nearest"), U(drawn.to(dev)).cpu().clamp(-1, 1)]
        grid = torch.cat([torch.cat(list(r), dim=2) for r in rows], dim=1)   # (3, rows·128, 6·128)
        arr = ((grid.permute(1, 2, 0) + 1) * 127.5).round().clamp(0, 255).byte().numpy()
        Image.fromarray(arr).save(path)


def adversarial_step(U, critic, opt_d, gacha_lo, render_hi):
    """One hinge step of the critic (render crops real, the stage's enlargements of gacha crops
    fake), then the stage's terms on the same enlargements: {"d_adv", "g_adv", "consistency"}
    (the last two still carry gradients to U; d_adv is the critic's loss, for the log)."""
    fake = U(gacha_lo)
    d_loss = F.relu(1 - critic(render_hi)).mean() + F.relu(1 + critic(fake.detach())).mean()
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    # The critic's gradients from the stage's loss below are cleared by its next zero_grad.
    g_adv = -critic(fake).mean()
    # What the picture is, at 16 px of 128 (4 × 4 cells of the 64 px input): kept. What is finer
    # (lines, speckle, smudges) is the critic's to judge.
    consistency = (F.avg_pool2d(fake, 8) - F.avg_pool2d(gacha_lo, 4)).abs().mean()
    return {"d_adv": d_loss.detach(), "g_adv": g_adv, "consistency": consistency}


def train(cfg: UpscalerTrainConfig, resume=False, progress=True):
    out = Path(cfg.out)
    ckpt_path, ckpt = open_run(out, cfg.seed, cfg.threads, resume)
    if ckpt:
        cfg.net = UpscalerConfig(**ckpt["config"]["net"])
    start = None
    if cfg.init_from and not ckpt:
        try:
            start = upscaler_source(cfg.init_from)[0]
            cfg.net = start.cfg
        except (OSError, KeyError, RuntimeError, TypeError, ValueError) as e:
            raise DataError(f"--init-from {cfg.init_from}: not a readable upscaler run or two-stage model ({e})") from e
    if cfg.pairs_from and cfg.limit:
        raise DataError("--pairs-from redraws faces from codes made over the whole folder: drop --limit")
    if cfg.pairs_from and not 0 < cfg.pairs_share <= 1:
        raise DataError(f"--pairs-share is a share of the batch in (0, 1]; got {cfg.pairs_share}")
    if cfg.adv < 0 or (cfg.adv > 0) != bool(cfg.gacha_from):
        raise DataError("--adv W (> 0) and --gacha-from SOURCE go together: the critic judges a generator's enlarged pictures")
    if cfg.adv and not 0 < cfg.adv_batch <= cfg.batch:
        raise DataError(f"--adv-batch is at most --batch ({cfg.batch}): its render crops come from the batch; got {cfg.adv_batch}")
    data = TaggedImages(cfg.data, 128, limit=cfg.limit or None)
    redraws = GeneratorRedraws(cfg.pairs_from, data, seed=cfg.seed) if cfg.pairs_from else None
    n_drawn = round(cfg.batch * cfg.pairs_share) if redraws else 0
    gacha = GeneratorGacha(cfg.gacha_from, data, seed=cfg.seed) if cfg.adv else None
    held = TaggedImages(cfg.heldout, 128, vocab=data.vocab, limit=512) if cfg.heldout else None
    device = pick_device(cfg.device)
    U = Upscaler(cfg.net).to(device)
    opt = torch.optim.Adam(U.parameters(), cfg.lr, betas=(0.9, 0.99))
    critic = PatchCritic().to(device) if gacha else None
    opt_d = torch.optim.Adam(critic.parameters(), cfg.lr_d, betas=(0.5, 0.99)) if critic else None
    step = 0
    if start is not None:
        U.load_state_dict(start.state_dict())
    if ckpt:
        U.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["opt"])
        for group in opt.param_groups:  # --lr on --resume replaces the saved rate, as in train.py
            group["lr"] = cfg.lr
        step = ckpt["step"]
        torch.set_rng_state(ckpt["rng"])
        if redraws:  # a fresh stream of code jitter, not a replay of the one before the stop
            redraws.rng.manual_seed(cfg.seed + step)
        if critic and "critic" in ckpt:  # a critic added on resume starts fresh
            critic.load_state_dict(ckpt["critic"])
            opt_d.load_state_dict(ckpt["opt_d"])
            for group in opt_d.param_groups:
                group["lr"] = cfg.lr_d
        if gacha:
            gacha.rng.manual_seed(cfg.seed + step)
    history = json.loads((out / "config.json").read_text()).get("history", []) if ckpt and (out / "config.json").exists() else []
    history.append({"argv": sys.argv, "fromStep": step})
    (out / "config.json").write_text(json.dumps({**asdict(cfg), "history": history}, indent=1))

    def save():
        state = {"model": U.state_dict(), "opt": opt.state_dict(), "step": step, "config": asdict(cfg), "rng": torch.get_rng_state()}
        if critic:
            state |= {"critic": critic.state_dict(), "opt_d": opt_d.state_dict()}
        save_checkpoint(ckpt_path, state)
        save_samples(U, held or data, out / "samples" / f"step_{step:06d}.png", cfg, redraws, gacha)

    log = (out / "log.jsonl").open("a")
    if redraws and not ckpt:  # where the fine-tuning starts from, to compare the last figures with
        log.write(json.dumps({"eval_start": {"step": step, "train_drawn": evaluate_drawn(U, redraws)}}) + "\n")
    started = last_save = time.time()
    c = cfg.crop
    with StopOnSignal() as stop:
        while step < cfg.steps and not stop.requested:
            idx = torch.randint(len(data), (cfg.batch,))
            hi, _ = data.batch(idx)
            # Even offsets, so that the 2×2 cells of the reduction line up with the crop.
            ox, oy = (torch.randint(0, (128 - c) // 2 + 1, (2,)) * 2).tolist()
            hi = hi[:, :, oy:oy + c, ox:ox + c]
            lo = degrade(reduce(hi[n_drawn:]), cfg)   # the crop only: a quarter of the image's cost
            if n_drawn:  # the generator draws whole faces; the same crop of them
                lo = torch.cat([redraws(idx[:n_drawn])[:, :, oy // 2:(oy + c) // 2, ox // 2:(ox + c) // 2], lo])
            err = (U(lo.to(device)) - hi.to(device)).abs()
            loss = err.mean()
            if critic:
                terms = adversarial_step(U, critic, opt_d, gacha(cfg.adv_batch)[:, :, oy // 2:(oy + c) // 2, ox // 2:(ox + c) // 2].to(device),
                                         hi[:cfg.adv_batch].to(device))
                loss = loss + cfg.adv * terms["g_adv"] + cfg.consistency * terms["consistency"]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % cfg.log_every == 0:
                rec = {"step": step, "time_s": round(time.time() - started, 1), "l1": round(loss.item(), 5)}
                if n_drawn:  # the L1 on the generator's drawings alone: what the fine-tuning is for
                    rec["l1_drawn"] = round(err[:n_drawn].mean().item(), 5)
                if critic:
                    rec |= {k: round(v.item(), 5) for k, v in terms.items()}
                log.write(json.dumps(rec) + "\n")
                log.flush()
                if progress:
                    print(f"\rstep {step}/{cfg.steps} l1 {rec['l1']:.4f}" + (f" d {rec['d_adv']:.3f} g {rec['g_adv']:.3f} cons {rec['consistency']:.4f}" if critic else ""),
                          end="", file=sys.stderr, flush=True)
            if time.time() - last_save > cfg.save_every_minutes * 60:
                save()
                last_save = time.time()
            if cfg.max_minutes and time.time() - started > cfg.max_minutes * 60:
                break
    save()
    if stop.requested:
        print(f"\nstopped by a signal at step {step}; checkpoint written (--resume continues)", file=sys.stderr, flush=True)
    figures = {"step": step, **({"heldout_clean": evaluate(U, held), "heldout_degraded": evaluate(U, held, clean=False, cfg=cfg)} if held else {}),
               **({"train_drawn": evaluate_drawn(U, redraws)} if redraws else {})}
    log.write(json.dumps({"eval": figures}) + "\n")
    log.close()
    if progress:
        print(f"\n{json.dumps(figures)}", file=sys.stderr)
    return U, figures


def main(argv=None):
    p = argparse.ArgumentParser(description="Train the 2× upscaling stage on renders (64 → 128 px).")
    p.add_argument("--data", required=True, help="a folder of 128 px renders with tags.csv")
    p.add_argument("--heldout", default="", help="renders not trained on, for the PSNR figures")
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=UpscalerTrainConfig.steps)
    p.add_argument("--max-minutes", type=float, default=0.0)
    p.add_argument("--batch", type=int, default=UpscalerTrainConfig.batch)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--channels", type=int, default=UpscalerConfig.channels)
    p.add_argument("--blocks", type=int, default=UpscalerConfig.blocks)
    p.add_argument("--out-channels", type=int, default=UpscalerConfig.out_channels, help="width at 128 px")
    p.add_argument("--blur-max", type=float, default=UpscalerTrainConfig.blur_max, help="input blur σ drawn in [0, this]")
    p.add_argument("--noise-max", type=float, default=UpscalerTrainConfig.noise_max, help="input pixel noise σ drawn in [0, this]")
    p.add_argument("--color-shift", type=float, default=UpscalerTrainConfig.color_shift)
    p.add_argument("--blotch-max", type=float, default=UpscalerTrainConfig.blotch_max, help="smooth coloured blotches on the input, amplitude in [0, this]")
    p.add_argument("--pairs-from", default="", help="a generator run trained with --redraw on --data: part of each batch is its "
                                                     "drawings of training faces beside their renders")
    p.add_argument("--pairs-share", type=float, default=UpscalerTrainConfig.pairs_share, help="with --pairs-from: that part of each batch")
    p.add_argument("--init-from", default="", help="an upscaler run, or a two-stage model folder, to start from (fine-tuning)")
    p.add_argument("--adv", type=float, default=0.0, help="weight of a patch critic's score on enlarged gacha pictures (needs --gacha-from)")
    p.add_argument("--gacha-from", default="", help="with --adv: a generator run or 64 px model whose gacha pictures the stage enlarges")
    p.add_argument("--adv-batch", type=int, default=UpscalerTrainConfig.adv_batch, help="with --adv: gacha crops per step")
    p.add_argument("--consistency", type=float, default=UpscalerTrainConfig.consistency,
                   help="with --adv: L1 between an enlarged gacha crop and its input at 16 px")
    p.add_argument("--lr-d", type=float, default=UpscalerTrainConfig.lr_d, help="with --adv: the critic's rate")
    p.add_argument("--lr", type=float, default=UpscalerTrainConfig.lr)
    p.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda"])
    p.add_argument("--resume", action="store_true")
    a = p.parse_args(argv)
    cfg = UpscalerTrainConfig(data=a.data, heldout=a.heldout, out=a.out, steps=a.steps, max_minutes=a.max_minutes,
                              batch=a.batch, threads=a.threads, limit=a.limit, blur_max=a.blur_max, noise_max=a.noise_max,
                              color_shift=a.color_shift, blotch_max=a.blotch_max, device=a.device,
                              pairs_from=a.pairs_from, pairs_share=a.pairs_share, init_from=a.init_from, lr=a.lr,
                              adv=a.adv, gacha_from=a.gacha_from, adv_batch=a.adv_batch, consistency=a.consistency, lr_d=a.lr_d,
                              net=UpscalerConfig(channels=a.channels, blocks=a.blocks, out_channels=a.out_channels))
    try:
        train(cfg, resume=a.resume)
    except (DataError, DeviceError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
