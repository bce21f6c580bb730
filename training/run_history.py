"""The starts of a training run, kept in its config.json so that a model trained in parts with
changed flags (a schedule) can be reproduced exactly from its card."""
import json
from pathlib import Path

import torch


def open_run(out, seed, threads, resume):
    """What every trainer does first: the run folder (with samples/), the seed, the thread count,
    and (ckpt.pt's path, its contents when resuming from one, else None)."""
    out = Path(out)
    (out / "samples").mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)
    ckpt_path = out / "ckpt.pt"
    return ckpt_path, torch.load(ckpt_path, map_location="cpu") if resume and ckpt_path.is_file() else None


def run_history(config_path: Path):
    """[{"argv": [...], "fromStep": int | None}, ...]; older runs kept only the last start's argv."""
    if not config_path.is_file():
        return []
    saved = json.loads(config_path.read_text())
    return saved.get("history") or ([{"argv": saved["argv"], "fromStep": None}] if saved.get("argv") else [])
