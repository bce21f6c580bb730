"""The starts of a training run, kept in its config.json so that a model trained in parts with
changed flags (a schedule) can be reproduced exactly from its card."""
import json
from pathlib import Path


def run_history(config_path: Path):
    """[{"argv": [...], "fromStep": int | None}, ...]; older runs kept only the last start's argv."""
    if not config_path.is_file():
        return []
    saved = json.loads(config_path.read_text())
    return saved.get("history") or ([{"argv": saved["argv"], "fromStep": None}] if saved.get("argv") else [])
