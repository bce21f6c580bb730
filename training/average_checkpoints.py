"""Average the generators of several checkpoints of one run into a run folder that exports.

python3 -m training.average_checkpoints runs/snap-a runs/snap-b runs/snap-c --out runs/avg-abc

A GAN's generator wanders around its equilibrium from one checkpoint to the next (pd6 measured
FD 5.58, 5.31, 5.17, 5.41 at epochs 10.5–15); the mean of a few of its weights — checkpoint
averaging, G_ema's idea over a longer window — can sit nearer the middle than any of them
(docs/training.md, session 18). Every float tensor of G_ema (and of G) is averaged, BatchNorm's
running statistics included; counters are the last checkpoint's. The output is the last
checkpoint with those weights, so `training.export` and `--init-from` read it as any run, and its
config.json history records the folders averaged.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

from training.run_history import run_history


def average_states(states):
    """The mean of several state dicts with the same keys and shapes (integers: the last one's)."""
    keys = list(states[0])
    for s in states[1:]:
        if list(s) != keys or any(s[k].shape != states[0][k].shape for k in keys):
            raise ValueError("the checkpoints' generators differ in layers or widths: only one run's checkpoints average")
    return {k: torch.stack([s[k] for s in states]).mean(dim=0) if states[0][k].is_floating_point() else states[-1][k].clone()
            for k in keys}


def average_runs(sources, out):
    """sources: run folders (ckpt.pt, config.json), in step order; out: the new run folder."""
    ckpts = []
    for src in sources:
        path = Path(src) / "ckpt.pt"
        if not path.is_file():
            raise FileNotFoundError(f"{src}: no ckpt.pt there")
        ckpts.append(torch.load(path, map_location="cpu"))
    if len({json.dumps(c["config"]["net"], sort_keys=True) for c in ckpts}) != 1:
        raise ValueError("the checkpoints' networks differ: only one run's checkpoints average")
    result = dict(ckpts[-1])
    for part in ("G_ema", "G"):
        result[part] = average_states([c[part] for c in ckpts])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(result, out / "ckpt.pt")
    shutil.copy(Path(sources[-1]) / "config.json", out / "config.json")
    saved = json.loads((out / "config.json").read_text())
    saved["history"] = run_history(out / "config.json") + [
        {"argv": sys.argv, "fromStep": result["step"], "averaged": [{"run": str(s), "step": c["step"]} for s, c in zip(sources, ckpts)]}]
    (out / "config.json").write_text(json.dumps(saved, indent=1))
    return [c["step"] for c in ckpts]


def main(argv=None):
    p = argparse.ArgumentParser(description="Average the generators of several checkpoints of one run.")
    p.add_argument("runs", nargs="+", help="run folders (ckpt.pt + config.json), in step order")
    p.add_argument("--out", required=True, help="the new run folder")
    a = p.parse_args(argv)
    if len(a.runs) < 2:
        p.error("give at least two run folders")
    try:
        steps = average_runs(a.runs, a.out)
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"averaged the generators at steps {', '.join(map(str, steps))} into {a.out}")


if __name__ == "__main__":
    main()
