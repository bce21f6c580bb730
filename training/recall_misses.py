"""Which real faces does a model's gacha miss? Recall per real held-out face (is it inside the
generated manifold, as metrics/precision_recall.py), grouped by the face's tags and by its
untagged variants (factors.csv): a generator that leaves some faces out shows low groups; one
that draws every face a little off shows all groups low alike.

  python3 -m training.recall_misses out/eval/NAME --judge runs/judge128t/classifier.pt --real data/lorelei128-heldout

OUT_DIR is an `npm run evaluate` output folder (plan.json and generated.bin); the judge and the
real faces must be the ones the evaluation used, so that the overall figure is its recall.
"""
import argparse
from pathlib import Path

import numpy as np

from training.classifier import load_classifier
from training.evaluate import REAL_COUNT, classify, read_generated, real_side, resize_to
from training.metrics.precision_recall import covered

MIN_GROUP = 15   # smaller groups are noise


def recall_misses(eval_dir, judge_path, real_dir, lowest=8):
    """{"recall", "tags": [(tag, faces, recall)], "factors": {factor: [(variant, faces, recall)]}},
    each list lowest first and cut to `lowest` entries."""
    judge, jckpt = load_classifier(judge_path)
    vocab = jckpt["vocab"]
    rows, gen = read_generated(Path(eval_dir) / "plan.json", Path(eval_dir) / "generated.bin")
    gen = gen[[r["kind"] == "sample" for r in rows]][:REAL_COUNT]
    fake, _ = classify(judge, resize_to(gen, jckpt["size"]))
    real, last = real_side(real_dir, jckpt["size"], vocab)
    feats, _ = classify(judge, real.images[last].permute(0, 2, 3, 1).numpy())
    hit = covered(feats, fake).numpy()

    def groups(labels, names):
        out = [(names[v], int(m.sum()), round(float(hit[m].mean()), 3))
               for v in np.unique(labels) if (m := labels == v).sum() >= MIN_GROUP]
        return sorted(out, key=lambda g: g[2])[:lowest]

    tags = real.tags.numpy()[last] > 0.5
    by_tag = sorted([(v["name"], int(tags[:, j].sum()), round(float(hit[tags[:, j]].mean()), 3))
                     for j, v in enumerate(vocab) if tags[:, j].sum() >= MIN_GROUP], key=lambda g: g[2])[:lowest]
    by_factor = {f: groups(idx.numpy()[last], names) for f, (names, idx) in (real.factors or {}).items()}
    return {"recall": round(float(hit.mean()), 4), "tags": by_tag, "factors": by_factor}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("eval_dir")
    p.add_argument("--judge", required=True)
    p.add_argument("--real", required=True)
    p.add_argument("--lowest", type=int, default=8)
    a = p.parse_args(argv)
    out = recall_misses(a.eval_dir, a.judge, a.real, a.lowest)
    print(f"recall {out['recall']}")
    print("lowest tags: " + ", ".join(f"{n} {r:.2f} ({c})" for n, c, r in out["tags"]))
    for f, rows in out["factors"].items():
        print(f"lowest {f}: " + ", ".join(f"{n} {r:.2f} ({c})" for n, c, r in rows))


if __name__ == "__main__":
    main()
