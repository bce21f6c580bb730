"""A run's discriminator kept beside the model it trained (`discriminator.pt`, float16).

Serving never reads it. It is there so that a fine-tune of a shipped model (`train.py
--init-from MODEL --init-d-from MODEL`: more epochs, a code layer, the user's own images) starts
with a trained critic instead of a random one, which costs a fine-tune a deep dip before it is
back where it began (docs/training.md, session 10: FD 27.4 after 0.6 epoch with a random D,
11.46 after 1.5 with a trained one). Like any checkpoint it is git-ignored: it travels with a
model folder (a GPU run's model tar), not in the repository.

card.json names the file and its SHA-256 under "discriminator", outside "files", so that a model
folder without it (or with a damaged one) still serves; the trainer refuses a file that does not
match.
"""
import argparse
import hashlib
import json
import sys
from pathlib import Path

import torch

FILE_NAME = "discriminator.pt"


class DiscriminatorFileError(ValueError):
    pass


def write_discriminator(state_dict, net_config, tag_names, steps, out_dir):
    """Writes D's weights (float16) with the widths and tags they fit; returns the card's
    "discriminator" entry."""
    path = Path(out_dir) / FILE_NAME
    weights = {k: v.detach().to(torch.float16) if v.is_floating_point() else v.detach() for k, v in state_dict.items()}
    meta = {"d_channels": list(net_config["d_channels"]), "num_tags": net_config["num_tags"],
            "image_size": net_config["image_size"], "factor_sizes": list(net_config.get("factor_sizes") or []), "tags": list(tag_names)}
    torch.save({"D": weights, "net": meta, "steps": steps}, path)
    return {"file": FILE_NAME, "bytes": path.stat().st_size, "sha256": sha256(path), "dtype": "float16", "steps": steps, **meta}


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_discriminator(model_dir, card):
    """D's state dict (float32) from a model folder whose card names one; DiscriminatorFileError
    says what is wrong (none shipped, missing, or not the file the card names)."""
    entry = card.get("discriminator")
    if not entry:
        raise DiscriminatorFileError(f"{model_dir}: this model was exported without its discriminator "
                                     "(export --discriminator from the run that trained it)")
    path = Path(model_dir) / entry["file"]
    if not path.is_file():
        raise DiscriminatorFileError(f"{path} is missing (named in card.json)")
    if sha256(path) != entry["sha256"]:
        raise DiscriminatorFileError(f"{path} does not match the SHA-256 in card.json: the file is corrupt or "
                                     "belongs to another model")
    saved = torch.load(path, map_location="cpu", weights_only=True)  # tensors only: no code runs on load
    return {k: v.float() if v.is_floating_point() else v for k, v in saved["D"].items()}


def add_to_model(model_dir, run_dir):
    """Puts a run's D beside a model folder exported without one, changing nothing else in the
    folder but card.json's new "discriminator" entry (the weights and the figures written by
    `npm run evaluate` stay as they are). The run must have been trained on the same tags."""
    model_dir, run_dir = Path(model_dir), Path(run_dir)
    card_path = model_dir / "card.json"
    if not card_path.is_file():
        raise DiscriminatorFileError(f"{model_dir}: not a model folder (no card.json)")
    if not (run_dir / "ckpt.pt").is_file():
        raise DiscriminatorFileError(f"{run_dir}: not a training run (no ckpt.pt)")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    ckpt = torch.load(run_dir / "ckpt.pt", map_location="cpu")
    names = [v["name"] for v in ckpt["vocab"]]
    model_names = [t["name"] for t in json.loads((model_dir / "tags.json").read_text(encoding="utf-8"))["tags"]]
    if names != model_names:
        raise DiscriminatorFileError(f"{run_dir} was trained on other tags than {model_dir} draws")
    size = card.get("baseImageSize", card["imageSize"])
    if ckpt["config"]["net"]["image_size"] != size:
        raise DiscriminatorFileError(f"{run_dir}'s discriminator reads {ckpt['config']['net']['image_size']} px faces; "
                                     f"{model_dir}'s generator draws {size} px")
    config_path = run_dir / "config.json"
    argv = json.loads(config_path.read_text())["argv"][1:] if config_path.is_file() else None
    entry = write_discriminator(ckpt["D"], ckpt["config"]["net"], names, ckpt["step"], model_dir)
    card["discriminator"] = {**entry, "fromRun": {"run": str(run_dir), "step": ckpt["step"],
                                                  "command": "python3 -m training.train " + " ".join(argv) if argv else None}}
    card_path.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return card["discriminator"]


def main(argv=None):
    p = argparse.ArgumentParser(description="Put a training run's discriminator beside a model folder exported without "
                                            "one, so that fine-tunes of the model start with it (train.py --init-d-from MODEL).")
    p.add_argument("model", help="model folder, e.g. models/default")
    p.add_argument("run", help="run folder (ckpt.pt) whose D was trained against this model's generator or a fine-tune of it")
    a = p.parse_args(argv)
    try:
        entry = add_to_model(a.model, a.run)
    except DiscriminatorFileError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"{a.model}/{entry['file']}: {entry['bytes'] / 1e6:.2f} MB, the D of {a.run} at step {entry['steps']}")


if __name__ == "__main__":
    main()
