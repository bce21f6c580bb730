"""A judge-free first look at a pilot: how different are 8 seeds of one tag set, in pixels,
beside 8 real renders with the same full tag set? python3 -m training.pilot_diversity
--plan out/eval/x/plan.json RUN_OR_MODEL... (the plan and its matched/ folder come from
`npm run evaluate`). Prints, per generator, the mean pairwise L2 distance (pixels in [0, 1],
per image RMS) among the seeds of each diversity set and its ratio to the real faces'. Crude
(pixel distance rewards noise and misses pose), so pilots are ranked by it only beside their
sample grids; `npm run evaluate` gives the judge-feature figure."""
import argparse
import json
from pathlib import Path

import numpy as np
import torch

from training.dataset import TaggedImages
from training.export import load_run_generator
from training.import_tfjs import load_tfjs_model
from training.seed_random import seed_to_z


def rms_pairwise(x):
    x = torch.as_tensor(x, dtype=torch.float32).flatten(1)
    d = torch.cdist(x, x) / np.sqrt(x.shape[1])
    n = len(x)
    return float(d.sum() / (n * (n - 1)))


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--plan", required=True)
    p.add_argument("generators", nargs="+", help="run folders (ckpt.pt) or model folders (card.json)")
    a = p.parse_args(argv)
    plan = json.loads(Path(a.plan).read_text())
    rows = [r for r in plan["rows"] if r["kind"] == "diversity"]
    sets = sorted({r["set"] for r in rows})
    matched_dir = Path(a.plan).with_name("matched")
    order = json.loads((matched_dir / "matched.json").read_text())["rows"]
    real = TaggedImages(matched_dir, 64)
    real_px = real.images.float() / 255
    real_div = np.mean([rms_pairwise(real_px[[i for i, o in enumerate(order) if o["kind"] == "diversity" and o["set"] == s]]) for s in sets])
    print(f"real renders, same tags: {real_div:.4f}")
    for g in a.generators:
        path = Path(g)
        G = load_tfjs_model(path)[0] if (path / "card.json").is_file() else load_run_generator(path)[0]
        divs = []
        with torch.no_grad():
            for s in sets:
                rs = [r for r in rows if r["set"] == s]
                z = torch.from_numpy(np.stack([seed_to_z(r["seed"]) for r in rs]))
                t = torch.tensor([r["tags"] for r in rs], dtype=torch.float32)
                img = ((G(z, t).clamp(-1, 1) + 1) / 2)
                if img.shape[-1] != 64:
                    img = torch.nn.functional.avg_pool2d(img, img.shape[-1] // 64)
                divs.append(rms_pairwise(img))
        d = float(np.mean(divs))
        print(f"{g}: {d:.4f} ({d / real_div:.2f}x real)")


if __name__ == "__main__":
    main()
