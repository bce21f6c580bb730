"""Sample grids and loss curves drawn with PIL (matplotlib is not among the dependencies)."""
import json

import numpy as np
from PIL import Image, ImageDraw


def to_uint8(images):
    """(B, 3, S, S) in [-1, 1] → (B, S, S, 3) uint8."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()


def save_sample_grid(G, fixed_z, tag_sets, path):
    """Rows: fixed tag sets; columns: fixed z. A row of near-identical faces means collapse."""
    was_training = G.training
    G.eval()
    rows = []
    for _, vec in tag_sets:
        rows.append(to_uint8(G(fixed_z, vec.to(fixed_z.device).expand(len(fixed_z), -1))))
    G.train(was_training)
    grid = np.concatenate([np.concatenate(list(r), axis=1) for r in rows], axis=0)
    Image.fromarray(grid).save(path)


def save_loss_plot(log_path, png_path, keys=("d_adv", "g_adv", "g_aux", "g_ms"), size=(640, 360)):
    with open(log_path) as f:
        recs = [json.loads(line) for line in f if line.strip()]
    if len(recs) < 2:
        return
    w, h = size
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    colours = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"]
    values = np.array([[r.get(k, 0.0) for k in keys] for r in recs], dtype=float)
    lo, hi = np.percentile(values, 1), np.percentile(values, 99)
    if hi <= lo:
        hi = lo + 1
    for j, k in enumerate(keys):
        ys = np.clip(values[:, j], lo, hi)
        pts = [(40 + i * (w - 50) / (len(recs) - 1), h - 20 - (y - lo) / (hi - lo) * (h - 40)) for i, y in enumerate(ys)]
        draw.line(pts, fill=colours[j], width=1)
        draw.text((45 + j * 110, 5), k, fill=colours[j])
    draw.text((2, h - 15), f"{lo:.2f}", fill="black")
    draw.text((2, 20), f"{hi:.2f}", fill="black")
    draw.text((w - 120, h - 15), f"step {recs[-1]['step']}", fill="black")
    img.save(png_path)
