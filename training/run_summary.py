"""What a training run tells its user: a start-up summary (data, tags and their sets, device,
threads, precision, budget) and progress lines with images/s and an ETA from the first steps on."""
import sys
import time
from pathlib import Path

import torch

PREVIEW = 8  # tags named per set in the summary


def _cpu_has_bf16() -> bool:
    try:
        return "avx512_bf16" in Path("/proc/cpuinfo").read_text() or "amx_bf16" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def _sets(data):
    """[(set name, members, share of images with one of them)] in vocabulary order."""
    sets = {}
    for i, v in enumerate(data.vocab):
        if v.get("exclusive"):
            sets.setdefault(v["exclusive"], []).append(i)
    out = []
    for name, idx in sets.items():
        cover = float((data.tags[:, idx].amax(1) > 0).float().mean()) if len(data) else 0.0
        out.append((name, [data.vocab[i]["name"] for i in idx], cover))
    return out


def _minutes(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _start_line(cfg, retagged) -> str:
    """Where G starts (--init-from) and which of its tags it keeps (networks.Retagged)."""
    d = f"D from {cfg.init_d_from}" if cfg.init_d_from else "D fresh"
    if not (retagged.new or retagged.left_out):
        return f"  start     G from {cfg.init_from}, its {len(retagged.carried)} tags as they are ({d})"
    carried = len(retagged.carried)
    parts = [f"{carried} tag{'' if carried == 1 else 's'} carried", f"{len(retagged.new)} new"]
    if retagged.new:
        more = ", …" if len(retagged.new) > PREVIEW else ""
        parts[1] += f" ({', '.join(retagged.new[:PREVIEW])}{more}: learnt from zero)"
    if retagged.left_out:
        parts.append(f"{len(retagged.left_out)} of its tags left out")
    line = f"  start     G from {cfg.init_from} ({d}): {', '.join(parts)}"
    if retagged.folded:
        line += f"\n            its sets without a tag here, drawn at their average: {', '.join(retagged.folded)}"
    return line


def run_summary(cfg, data, device, resumed_at=None, total_images=0, retagged=None) -> str:
    lines = [f"training {cfg.out} from {cfg.data}" + (f" (resumed at step {resumed_at:,})" if resumed_at is not None else "")]
    skipped = getattr(data, "skipped", [])
    images = f"{len(data):,} at {cfg.image_size} px, non-square ones {'padded' if cfg.fit == 'pad' else 'centre-cropped'}"
    if skipped:
        name, why = skipped[0]
        images += f"; {len(skipped):,} skipped, unreadable (first: {name}: {why})"
    lines.append(f"  images    {images}")
    seen = getattr(data, "tags_seen", len(data.vocab))
    lines.append(f"  tags      {len(data.vocab)} kept" + (f" of {seen} seen (the {cfg.max_tags} most frequent: --max-tags)" if seen > len(data.vocab) else ""))
    sets = _sets(data)
    told = (Path(cfg.data) / "vocab.json").is_file()
    if sets:
        lines.append(f"  groups    {len(sets)} exclusive set(s), " + ("from vocab.json" if told else "inferred from tags never seen together (vocab.json can name them)"))
        for name, members, cover in sets:
            more = f", … {len(members) - PREVIEW} more" if len(members) > PREVIEW else ""
            lines.append(f"            {name}: {', '.join(members[:PREVIEW])}{more} ({100 * cover:.0f}% of images)")
    else:
        lines.append("  groups    none (no tags that never meet cover most images; vocab.json can name them): the gacha fills nothing")
    for w in getattr(data, "warnings", []):
        lines.append(f"  warning   {w}")
    precision = "bfloat16 convolutions (--bf16), float32 weights" if cfg.bf16 else "float32"
    if not cfg.bf16 and device.type == "cpu" and _cpu_has_bf16():
        precision += " (this CPU has AVX-512 BF16: --bf16 may train up to 2× faster, docs/own-data.md)"
    if retagged is not None:
        lines.append(_start_line(cfg, retagged))
    if getattr(cfg, "augment", ()):
        lines.append(f"  augment   {', '.join(cfg.augment)}: every picture D sees, real and generated alike (no colour changes)")
    gpu = f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""
    lines.append(f"  device    {device.type}{gpu} · {torch.get_num_threads()} threads · {precision}")
    budget = [f"{cfg.epochs:g} epochs ({total_images:,} images)"] if cfg.epochs < 1e6 else []
    if cfg.max_steps:
        budget.append(f"{cfg.max_steps:,} steps of {cfg.batch}")
    if cfg.max_minutes:
        budget.append(f"{cfg.max_minutes:g} min")
    lines.append(f"  budget    stops at the first of: {', '.join(budget)}" if budget else "  budget    none")
    lines.append(f"  output    {cfg.out}/ckpt.pt (checkpoints {cfg.samples_per_epoch}× an epoch and on Ctrl-C; --resume continues), "
                 f"samples in {cfg.out}/samples")
    return "\n".join(lines)


class Progress:
    """When to print a progress line, and the line: images/s and an ETA by the nearest budget."""

    def __init__(self, cfg, n_images, step, images_seen, total_images, started, stream=sys.stderr):
        self.cfg, self.n_images, self.total_images, self.started = cfg, n_images, total_images, started
        self.step0, self.seen0 = step, images_seen
        self.tty = stream.isatty()
        self.end = "" if self.tty else "\n"
        self.every_s = 2.0 if self.tty else 30.0
        self.last_print = 0.0
        self.width = 0

    def due(self, step) -> bool:
        done = step - self.step0
        return done in (1, 2, 5, 10) or time.time() - self.last_print >= self.every_s

    def rate(self, images_seen) -> float:
        return (images_seen - self.seen0) / max(1e-6, time.time() - self.started)

    def eta_s(self, step, images_seen) -> float:
        rate = self.rate(images_seen)
        left = [(self.total_images - images_seen) / rate]
        if self.cfg.max_steps:
            left.append((self.cfg.max_steps - step) * self.cfg.batch / rate)
        if self.cfg.max_minutes:
            left.append(self.cfg.max_minutes * 60 - (time.time() - self.started))
        return max(0.0, min(left))

    def line(self, step, images_seen, stats_d, stats_g) -> str:
        self.last_print = time.time()
        losses = "".join(f" {label} {source[key]:.3f}" for label, source, key in
                         (("d", stats_d, "d_adv"), ("g", stats_g, "g_adv"), ("aux", stats_g, "g_aux"), ("ms", stats_g, "g_ms"),
                          ("rec", stats_g, "g_rec"), ("kl", stats_g, "g_kl"), ("lat", stats_g, "g_latent"),
                          ("redraw", stats_g, "g_redraw"), ("factors D", stats_d, "d_factor_acc"), ("factors G", stats_g, "g_factor_acc"))
                         if key in source)
        text = (f"step {step:,} · epoch {images_seen / self.n_images:.2f} · {self.rate(images_seen):.1f} images/s · "
                f"ETA {_minutes(self.eta_s(step, images_seen))} ·{losses}")
        if not self.tty:
            return text
        padded = "\r" + text.ljust(self.width)
        self.width = len(text)
        return padded
