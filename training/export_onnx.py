"""Write a generator as ONNX beside its tfjs files: python3 -m training.export_onnx models/<id>

The served graph takes what the tfjs model takes and gives what it gives, so the runtime can
swap one for the other: input "input" [batch, zDim + numTags] (z, then tags), output "image"
[batch, S, S, 3] in [-1, 1] (NHWC). Weights are rounded through float16 first, exactly as the
tfjs weights.bin stores them, so both files draw the same girl for the same share code.

Run on an existing model folder it reads the generator back from the tfjs files
(training/import_tfjs.py), writes model.onnx and refreshes card.json's file list (names, sizes,
SHA-256), which the runtime checks at load.
"""
import argparse
import hashlib
import json
import sys
import warnings
from pathlib import Path

import torch
import torch.nn as nn

ONNX_OPSET = 13
CHECKED_FILES = ("model.json", "weights.bin", "model.onnx", "tags.json")


class ServedGenerator(nn.Module):
    """(B, zDim + numTags) → (B, S, S, 3): the tfjs model's contract around any generator."""

    def __init__(self, G, z_dim):
        super().__init__()
        self.G, self.z_dim = G, z_dim

    def forward(self, x):
        z, tags = x[:, :self.z_dim], x[:, self.z_dim:]
        if hasattr(self.G, "forward_nhwc"):  # a layered generator draws the served layout itself
            return self.G.forward_nhwc(z, tags)
        return self.G(z, tags).permute(0, 2, 3, 1)


def round_through_float16(module):
    """Every parameter and buffer rounded to float16 and back: what tfjs dequantises on load."""
    with torch.no_grad():
        for t in list(module.parameters()) + list(module.buffers()):
            if t.is_floating_point():
                t.copy_(t.half().float())
    return module


def write_onnx(G, z_dim, num_tags, path, float16_weights=True):
    G = G.eval()
    if float16_weights:
        round_through_float16(G)
    served = ServedGenerator(G, z_dim).eval()
    example = torch.zeros(2, z_dim + num_tags)
    # PyTorch 1.13's exporter warns about shape inference of constants on every export; the
    # parity tests check the graph itself, so the warnings are noise here.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(served, (example,), str(path), input_names=["input"], output_names=["image"],
                          dynamic_axes={"input": {0: "batch"}, "image": {0: "batch"}}, opset_version=ONNX_OPSET,
                          do_constant_folding=True)
    return Path(path)


def file_manifest(model_dir):
    """[{name, bytes, sha256}] of the model's files that exist: what card.json promises."""
    out = []
    for name in CHECKED_FILES:
        p = Path(model_dir) / name
        if p.is_file():
            data = p.read_bytes()
            out.append({"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return out


def refresh_card_files(model_dir):
    card_path = Path(model_dir) / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["files"] = file_manifest(model_dir)
    card_path.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return card


def main(argv=None):
    from training.import_tfjs import load_tfjs_model
    p = argparse.ArgumentParser(description="Add model.onnx to a model folder (from its tfjs weights) and list its files in card.json.")
    p.add_argument("model", help="model folder, e.g. models/default")
    a = p.parse_args(argv)
    try:
        G, card = load_tfjs_model(a.model)
    except (OSError, KeyError, ValueError) as e:
        print(f"error: {a.model}: cannot read the tfjs model ({e})", file=sys.stderr)
        sys.exit(2)
    out = write_onnx(G, card["zDim"], card["numTags"], Path(a.model) / "model.onnx")
    refresh_card_files(a.model)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB); card.json lists {', '.join(CHECKED_FILES)}")


if __name__ == "__main__":
    main()
