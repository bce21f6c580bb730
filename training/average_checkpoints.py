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


def average_states(states, weights=None):
    """The (weighted) mean of several state dicts with the same keys and shapes (integers: the
    last one's). weights: one per state, summing to 1; None = equal."""
    weights = torch.tensor(weights if weights is not None else [1 / len(states)] * len(states), dtype=torch.float64)
    keys = list(states[0])
    for s in states[1:]:
        if list(s) != keys or any(s[k].shape != states[0][k].shape for k in keys):
            raise ValueError("the checkpoints' generators differ in layers or widths: only one run's checkpoints average")
    def mean(k):
        stacked = torch.stack([s[k].double() for s in states])
        return (weights.view(-1, *[1] * (stacked.dim() - 1)) * stacked).sum(dim=0).to(states[0][k].dtype)
    return {k: mean(k) if states[0][k].is_floating_point() else states[-1][k].clone() for k in keys}


def average_runs(sources, out, weights=None):
    """sources: run folders (ckpt.pt, config.json), in step order; out: the new run folder;
    weights: one per source, summing to 1 (None: equal)."""
    if weights is not None and (len(weights) != len(sources) or any(w < 0 for w in weights) or abs(sum(weights) - 1) > 1e-6):
        raise ValueError(f"--weights: one non-negative weight per run folder, summing to 1 (got {weights})")
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
        result[part] = average_states([c[part] for c in ckpts], weights)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(result, out / "ckpt.pt")
    shutil.copy(Path(sources[-1]) / "config.json", out / "config.json")
    saved = json.loads((out / "config.json").read_text())
    saved["history"] = run_history(out / "config.json") + [
        {"argv": sys.argv, "fromStep": result["step"], "averaged": [{"run": str(s), "step": c["step"], "weight": w}
                                                 for s, c, w in zip(sources, ckpts, weights or [1 / len(ckpts)] * len(ckpts))]}]
    (out / "config.json").write_text(json.dumps(saved, indent=1))
    return [c["step"] for c in ckpts]


def main(argv=None):
    p = argparse.ArgumentParser(description="Average the generators of several checkpoints of one run.")
    p.add_argument("runs", nargs="+", help="run folders (ckpt.pt + config.json), in step order")
    p.add_argument("--out", required=True, help="the new run folder")
    p.add_argument("--weights", type=lambda t: [float(x) for x in t.split(",")],
                   help="one weight per run folder, summing to 1, e.g. 0.75,0.25 (default: equal)")
    a = p.parse_args(argv)
    if len(a.runs) < 2:
        p.error("give at least two run folders")
    try:
        steps = average_runs(a.runs, a.out, a.weights)
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"averaged the generators at steps {', '.join(map(str, steps))} into {a.out}")


if __name__ == "__main__":
    main()
