"""One picture per generator that shows what z's first numbers do: for one girl (fixed seed and
tags), each row turns one number — z[0] hair variant, z[1] eyes, … in a factor-coded run —
through 8 evenly spaced quantiles of N(0, 1) and keeps every other number. In a model without
factor codes the rows show how little one number changes.

python3 -m training.factor_sheet SOURCE OUT.png [--seed 7] [--tags "pink_hair long_hair smile"]
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


def factor_rows(G, vocab, seed, tags, columns=8):
    names = [v["name"] for v in vocab]
    unknown = [t for t in tags if t not in names]
    if unknown:
        raise ValueError(f"unknown tags: {', '.join(unknown)}")
    vec = torch.zeros(1, len(names))
    for t in tags:
        vec[0, names.index(t)] = 1.0
    base = torch.from_numpy(seed_to_z(seed, G.cfg.z_dim)).unsqueeze(0)
    quantiles = [NormalDist().inv_cdf((k + 0.5) / columns) for k in range(columns)]
    rows = []
    with torch.no_grad():
        for j in range(len(FACTORS)):
            z = base.repeat(columns, 1)
            z[:, j] = torch.tensor(quantiles)
            rows.append(to_uint8(G(z, vec.expand(columns, -1))))
    return np.concatenate([np.concatenate(list(r), axis=1) for r in rows], axis=0)


def main(argv=None):
    p = argparse.ArgumentParser(description="Rows: z[0]…z[5] turned one at a time for one girl.")
    p.add_argument("source")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--tags", default="pink_hair long_hair smile")
    a = p.parse_args(argv)
    G, vocab, _ = generator_source(a.source)
    grid = factor_rows(G.eval(), vocab, a.seed, a.tags.split())
    Image.fromarray(grid).save(a.out)
    print(f"{a.out}: rows {', '.join(f'z[{j}]' for j in range(len(FACTORS)))}; columns: quantiles of N(0, 1)"
          f" from {NormalDist().inv_cdf(0.5 / 8):.2f} to {NormalDist().inv_cdf(7.5 / 8):.2f}")


if __name__ == "__main__":
    main()
