"""What z's first numbers do, in a picture and in a figure.

The picture: for one girl (fixed seed and tags), each row turns one number — z[0] hair variant,
z[1] eyes, … in a factor-coded run, then framing, gradient and colour jitter in a --redraw
run — through 8 evenly spaced quantiles of N(0, 1) and keeps every other number. In a model
without codes the rows show how little one number changes.

The figure (--agreement JUDGE --data DIR): for 512 draws with DIR's tag sets, how often a factor
classifier reads in G(z, tags) the variant that z's numbers choose (training/factor_codes.py),
per factor, beside chance (one over the variants the tags allow).

python3 -m training.factor_sheet SOURCE OUT.png [--seed 7] [--tags "pink_hair long_hair smile"]
    [--agreement runs/judge64f/classifier.pt --data data/lorelei128-heldout]
(SOURCE: a run folder or a shipped model folder, as training.export reads them.)
"""
import argparse
from statistics import NormalDist

import numpy as np
import torch
from PIL import Image

from training.export import generator_source
from training.plots import to_uint8
from training.seed_random import seed_to_z

FACTORS = ["hair", "eyes", "eyebrows", "mouth", "nose", "head"]


def factor_rows(G, vocab, seed, tags, columns=8, rows=len(FACTORS)):
    names = [v["name"] for v in vocab]
    unknown = [t for t in tags if t not in names]
    if unknown:
        raise ValueError(f"unknown tags: {', '.join(unknown)}")
    vec = torch.zeros(1, len(names))
    for t in tags:
        vec[0, names.index(t)] = 1.0
    base = torch.from_numpy(seed_to_z(seed, G.cfg.z_dim)).unsqueeze(0)
    quantiles = [NormalDist().inv_cdf((k + 0.5) / columns) for k in range(columns)]
    out = []
    with torch.no_grad():
        for j in range(rows):
            z = base.repeat(columns, 1)
            z[:, j] = torch.tensor(quantiles)
            out.append(to_uint8(G(z, vec.expand(columns, -1))))
    return np.concatenate([np.concatenate(list(r), axis=1) for r in out], axis=0)


def agreement(G, vocab, judge_path, data_dir, count=512, seed=0):
    """{factor: (share read as z chose, chance)} for `count` draws with the tag sets of data_dir."""
    from training.dataset import TaggedImages
    from training.factor_codes import FactorCoach, FactorCodes
    data = TaggedImages(data_dir, G.cfg.image_size, vocab=vocab)
    if data.factors is None:
        raise ValueError(f"{data_dir}: no factors.csv")
    codes = FactorCodes(data.factors, data.tags)
    reader = FactorCoach(judge_path, codes)
    rng = torch.Generator().manual_seed(seed)
    idx = torch.randint(len(data), (count,), generator=rng)
    z, tags = torch.randn(count, G.cfg.z_dim, generator=rng), data.tags[idx]
    with torch.no_grad():
        read = torch.cat([reader(G(z[i:i + 64], tags[i:i + 64])) for i in range(0, count, 64)])
    hits = codes.accuracies(read, codes.targets(z, tags))
    chance = {}
    for j, f in enumerate(codes.names):
        keys = codes.narrowing_keys(tags.bool(), codes.restricting[j])
        chance[f] = sum(1 / len(codes.allowed[j].get(k, range(codes.sizes[j]))) for k in keys) / count
    return {f: (hits[f], chance[f]) for f in codes.names}


def main(argv=None):
    p = argparse.ArgumentParser(description="Rows: z[0]…z[5] turned one at a time for one girl.")
    p.add_argument("source")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--tags", default="pink_hair long_hair smile")
    p.add_argument("--rows", type=int, default=len(FACTORS),
                   help="how many of z's numbers get a row (28 for a --redraw run: the factors, then draws.csv's draws)")
    p.add_argument("--agreement", default="", help="a factor classifier (classifier.pt) to measure how often z's choice is drawn")
    p.add_argument("--data", default="data/lorelei128-heldout", help="tag sets and factors for --agreement")
    a = p.parse_args(argv)
    G, vocab, _ = generator_source(a.source)
    if a.agreement:
        for f, (hit, chance) in agreement(G.eval(), vocab, a.agreement, a.data).items():
            print(f"{f:9s} read as z chose {hit:.3f}   chance {chance:.3f}")
    if not 1 <= a.rows <= G.cfg.z_dim:
        p.error(f"--rows must be 1–{G.cfg.z_dim}")
    grid = factor_rows(G.eval(), vocab, a.seed, a.tags.split(), rows=a.rows)
    Image.fromarray(grid).save(a.out)
    print(f"{a.out}: rows {', '.join(f'z[{j}]' for j in range(a.rows))}; columns: quantiles of N(0, 1)"
          f" from {NormalDist().inv_cdf(0.5 / 8):.2f} to {NormalDist().inv_cdf(7.5 / 8):.2f}")


if __name__ == "__main__":
    main()
