"""Average the generators of several checkpoints of one run into a run folder that exports.

python3 -m training.average_checkpoints runs/snap-a runs/snap-b runs/snap-c --out runs/avg-abc
python3 -m training.average_checkpoints models/default runs/pz3 --out runs/avg50-def-pz3 --weights 0.5,0.5

A GAN's generator wanders around its equilibrium from one checkpoint to the next (pd6 measured
FD 5.58, 5.31, 5.17, 5.41 at epochs 10.5–15); the mean of a few of its weights — checkpoint
averaging, G_ema's idea over a longer window — can sit nearer the middle than any of them
(docs/training.md, session 18). Every float tensor of G_ema (and of G) is averaged, BatchNorm's
running statistics included; counters are the last checkpoint's. The output is the last
checkpoint with those weights, so `training.export` and `--init-from` read it as any run, and its
config.json history records the folders averaged.

A source may also be a model folder (its 64 px generator, read back from weights.bin): a
fine-tune mixed with the model it started from (WiSE-FT's idea: the two lie in one basin, and a
point between them can beat both; docs/training.md, session 18). Where the runs' generator has a
code layer and the model's has none, the model's gets one at zero weight (`with_code_layer`:
it draws what it drew), as `train --init-from MODEL --code-layer` did at step 0.
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

from training.import_tfjs import load_tfjs_generator
from training.networks import with_code_layer
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


def model_as_checkpoint(model_dir, net):
    """A model folder's generator as the G and G_ema of a checkpoint whose network is `net` (a
    zero code layer added where net has one and the model not); its step is the model's id."""
    G, _ = load_tfjs_generator(model_dir)
    if net.get("code_thresholds") and not G.cfg.code_thresholds:
        G = with_code_layer(G, net["code_thresholds"], net.get("code_sharpness", G.cfg.code_sharpness))
    state = G.state_dict()
    card = json.loads((Path(model_dir) / "card.json").read_text(encoding="utf-8"))
    return {"G": state, "G_ema": state, "step": card.get("id", str(model_dir))}


def average_runs(sources, out, weights=None):
    """sources: run folders (ckpt.pt, config.json) in step order, or model folders; out: the new
    run folder (the last run folder's checkpoint with the averaged generators); weights: one per
    source, summing to 1 (None: equal)."""
    if weights is not None and (len(weights) != len(sources) or any(w < 0 for w in weights) or abs(sum(weights) - 1) > 1e-6):
        raise ValueError(f"--weights: one non-negative weight per folder, summing to 1 (got {weights})")
    run_sources = [s for s in sources if (Path(s) / "ckpt.pt").is_file()]
    for src in sources:
        if src not in run_sources and not (Path(src) / "card.json").is_file():
            raise FileNotFoundError(f"{src}: neither a run folder (ckpt.pt) nor a model folder (card.json)")
    if not run_sources:
        raise ValueError("give at least one run folder: the result is a run folder, with its D and counters")
    runs = {s: torch.load(Path(s) / "ckpt.pt", map_location="cpu") for s in run_sources}
    if len({json.dumps(c["config"]["net"], sort_keys=True) for c in runs.values()}) != 1:
        raise ValueError("the checkpoints' networks differ: only one run's checkpoints average")
    net = next(iter(runs.values()))["config"]["net"]
    ckpts = [runs[s] if s in runs else model_as_checkpoint(s, net) for s in sources]
    result = dict(runs[run_sources[-1]])
    for part in ("G_ema", "G"):
        result[part] = average_states([c[part] for c in ckpts], weights)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(result, out / "ckpt.pt")
    shutil.copy(Path(run_sources[-1]) / "config.json", out / "config.json")
    saved = json.loads((out / "config.json").read_text())
    saved["history"] = run_history(out / "config.json") + [
        {"argv": sys.argv, "fromStep": result["step"], "averaged": [{"run": str(s), "step": c["step"], "weight": w}
                                                 for s, c, w in zip(sources, ckpts, weights or [1 / len(ckpts)] * len(ckpts))]}]
    (out / "config.json").write_text(json.dumps(saved, indent=1))
    return [c["step"] for c in ckpts]


def main(argv=None):
    p = argparse.ArgumentParser(description="Average the generators of several checkpoints of one run, or of a model and its fine-tunes.")
    p.add_argument("runs", nargs="+", help="run folders (ckpt.pt + config.json) in step order, or model folders")
    p.add_argument("--out", required=True, help="the new run folder")
    p.add_argument("--weights", type=lambda t: [float(x) for x in t.split(",")],
                   help="one weight per folder, summing to 1, e.g. 0.75,0.25 (default: equal)")
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
