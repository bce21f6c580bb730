"""Exports a small random generator and writes torch's outputs for fixed inputs, so the
TypeScript parity test can load the export in tfjs and in ONNX Runtime and compare (max abs
diff ≤ 1e-3). --two-stage: a 64 px generator followed by a random 2× stage (128 px out);
--code-layer: with a code layer (steps on z's first two numbers, training/code_layer.py);
--layered: the layered generator (training/layered.py: masks, palette, softmax composite);
--detail: with its detail head (128 px only).
python3 -m training.tests.make_parity_fixture OUT_DIR [--size 64] [--two-stage] [--code-layer] [--layered [--detail]]"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch

from training.code_layer import quantile_boundaries
from training.export import write_model
from training.export_onnx import round_through_float16
from training.layered import LayeredConfig, LayeredGenerator
from training.networks import Generator, NetConfig, TwoStageGenerator, Upscaler, UpscalerConfig
from training.seed_random import seed_to_z


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--two-stage", action="store_true")
    p.add_argument("--code-layer", action="store_true")
    p.add_argument("--layered", action="store_true")
    p.add_argument("--detail", action="store_true")
    a = p.parse_args()
    if a.two_stage:
        a.size = 64
    torch.manual_seed(0)
    channels = [32, 24, 16, 12, 8, 8][: {64: 5, 128: 6}[a.size]]
    steps = [[0, t] for t in quantile_boundaries([4, 7])] + [[1, t] for t in quantile_boundaries([3])] if a.code_layer else []
    if a.layered:
        # 64 px masks drawn at a.size: the logits' bilinear upsampling is part of what is checked
        G = LayeredGenerator(LayeredConfig(num_tags=6, image_size=a.size, mask_size=64, g_channels=channels[:5], code_thresholds=steps,
                                           palette_hidden=16, detail=a.detail))
        with torch.no_grad():  # sure masks, as a trained one has: the composite then shows every edge
            G.out.weight.mul_(20.0)
            if a.detail:  # it starts at zero; random, so that its translation is checked
                G.detail.weight.normal_(0.0, 0.5)
                G.detail.bias.normal_(0.0, 0.5)
    else:
        G = Generator(NetConfig(num_tags=6, image_size=a.size, g_channels=channels, code_thresholds=steps))
    with torch.no_grad():  # non-trivial BatchNorm statistics so the export of every field is checked
        for m in G.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    G.eval()
    if a.two_stage:
        U = Upscaler(UpscalerConfig(channels=8, blocks=2, out_channels=6))
        with torch.no_grad():  # larger than the initialisation, so the 2x stage visibly matters
            for prm in U.parameters():
                prm.mul_(3.0)
        G = TwoStageGenerator(G, U).eval()
    vocab = [{"name": n, "group": g, "ja": j} for n, g, j in [
        ("blonde_hair", "hair_color", "金髪"), ("blue_hair", "hair_color", "青髪"), ("smile", "expression", "笑顔"),
        ("glasses", "accessories", "眼鏡"), ("long_hair", "hairstyle", "ロングヘア"), ("open_mouth", "expression", "開口")]]
    out = Path(a.out)
    write_model(G, vocab, out, "parity")
    # The reference is the network that is served: its weights rounded through float16 like the
    # exported files, so the comparison checks the translation, not the quantisation.
    round_through_float16(G)
    z = np.stack([seed_to_z(s) for s in (0, 1, 2)])
    tags = np.array([[1, 0, 1, 0, 0, 0], [0, 1, 0, 1, 1, 0], [0.5, 0.5, 0, 0, 0.25, 1]], dtype=np.float32)
    with torch.no_grad():
        y = G(torch.from_numpy(z), torch.from_numpy(tags)).permute(0, 2, 3, 1).numpy()  # NHWC like tfjs
    (out / "parity.json").write_text(json.dumps({"seeds": [0, 1, 2], "tags": tags.tolist(),
                                                 "shape": list(y.shape), "output": y.reshape(-1).tolist()}))


if __name__ == "__main__":
    main()
