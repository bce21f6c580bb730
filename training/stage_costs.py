"""Which stage of a two-stage model costs the realism at 128 px?

    python3 -m training.stage_costs --judge runs/judge128t/classifier.pt --train data/lorelei128 \\
        --heldout data/lorelei128-heldout --upscaler runs/up1 [--generator runs/pd5]

Each row is a set of 128 px pictures of the same training faces, judged against held-out renders
the way `npm run evaluate` judges a model (FD, precision and recall in the judge's features):
  - the renders themselves (the real-vs-real floor);
  - the renders reduced to 64 px and enlarged again, bicubic and by each 2× stage: what the
    stage costs when its input is perfect;
  - with --generator (a run trained with --redraw), the generator's own 64 px drawings of those
    faces (training/redraw_pairs.py), enlarged the same ways: what the generator costs.
If the stage's row is near the floor and the generator's is not, the generator is the place to work.
"""
import argparse
import json
import sys

import torch
import torch.nn.functional as F

from training.classifier import load_classifier
from training.dataset import DataError, TaggedImages
from training.evaluate import REAL_COUNT, classify
from training.metrics.frechet import frechet_distance
from training.metrics.precision_recall import precision_recall
from training.plots import to_uint8
from training.export import upscaler_source
from training.redraw_pairs import GeneratorRedraws


def load_upscaler(path):
    try:
        return upscaler_source(path)[0]
    except (OSError, KeyError, RuntimeError, TypeError, ValueError) as e:
        raise DataError(f"--upscaler {path}: not a readable 2× stage run or two-stage model ({e})") from e


@torch.no_grad()
def enlarge(lo, how, batch=100):
    """lo: (N, 3, 64, 64) → (N, 3, 128, 128) by "bicubic" or an Upscaler."""
    if how == "bicubic":
        return F.interpolate(lo, scale_factor=2, mode="bicubic", align_corners=False)
    return torch.cat([how(lo[i:i + batch]) for i in range(0, len(lo), batch)])


def stage_costs(judge_path, train_dir, heldout_dir, upscalers, generator=None, count=REAL_COUNT):
    """[{"pictures": what, "fd", "precision", "recall"}] for the rows described above."""
    judge, jckpt = load_classifier(judge_path)
    if jckpt["size"] != 128:
        raise DataError(f"{judge_path}: a {jckpt['size']} px judge; the stages' costs are read at 128 px")
    vocab = jckpt["vocab"]
    held = TaggedImages(heldout_dir, 128, vocab=vocab)
    train = TaggedImages(train_dir, 128, vocab=vocab)
    n = min(count, len(held), len(train))
    real_feats, _ = classify(judge, held.images[len(held) - n:].permute(0, 2, 3, 1).numpy())
    rows = []

    def judge_row(name, pictures):
        feats, _ = classify(judge, to_uint8(pictures))
        precision, recall = precision_recall(real_feats, feats, k=3)
        rows.append({"pictures": name, "fd": float(frechet_distance(feats, real_feats)),
                     "precision": float(precision), "recall": float(recall)})

    idx = torch.arange(n)
    hi = train.batch(idx)[0]
    stages = [("bicubic", "bicubic")] + [(path, load_upscaler(path)) for path in upscalers]
    judge_row("renders (real vs real)", hi)
    lo = F.avg_pool2d(hi, 2)
    for name, how in stages:
        judge_row(f"renders reduced to 64 px, enlarged by {name}", enlarge(lo, how))
    if generator:
        draw = GeneratorRedraws(generator, train)
        drawn = torch.cat([draw(idx[i:i + 100]) for i in range(0, n, 100)])
        for name, how in stages:
            judge_row(f"{generator}'s drawings of them, enlarged by {name}", enlarge(drawn, how))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description="FD, precision and recall at 128 px of each stage of a two-stage model on its own.")
    p.add_argument("--judge", required=True, help="a 128 px judge (training/classifier.py --size 128)")
    p.add_argument("--train", required=True, help="the renders the generator was trained on (128 px folder)")
    p.add_argument("--heldout", required=True, help="renders not trained on")
    p.add_argument("--upscaler", action="append", default=[], help="a 2× stage run (repeatable)")
    p.add_argument("--generator", default="", help="a generator run trained with --redraw on --train")
    p.add_argument("--count", type=int, default=REAL_COUNT, help="faces on each side")
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    try:
        rows = stage_costs(a.judge, a.train, a.heldout, a.upscaler, a.generator or None, a.count)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print("| pictures | FD | precision | recall |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['pictures']} | {r['fd']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} |")
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
