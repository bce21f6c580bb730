"""Read a model folder written by training/export.py back into a PyTorch Generator.

The inverse of export.keras_weights: Dense kernel [in,out] → Linear [out,in] with the units put
back from Keras' (H,W,C) reshape order into torch's (C,H,W) view; Conv2D [kh,kw,I,O] →
[O,I,kh,kw]. Used to warm-start a new run from a shipped model (its D and optimisers are not
shipped, so they start fresh) and by the parity tests.
"""
import json
from pathlib import Path

import numpy as np
import torch

from training.networks import Generator, NetConfig, TwoStageGenerator, Upscaler, UpscalerConfig
from training.layered import LayeredConfig, LayeredGenerator, Scaled


def read_weights(model_dir):
    """{name: float32 array} from model.json's manifest and its weight files."""
    model_dir = Path(model_dir)
    manifest = json.loads((model_dir / "model.json").read_text())["weightsManifest"]
    out = {}
    for group in manifest:
        blob = b"".join((model_dir / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            dtype = "<f2" if spec.get("quantization", {}).get("dtype") == "float16" else "<f4"
            size = count * np.dtype(dtype).itemsize
            arr = np.frombuffer(blob, dtype=dtype, count=count, offset=offset).astype(np.float32)
            out[spec["name"]] = arr.reshape(spec["shape"])
            offset += size
    return out


def load_tfjs_model(model_dir):
    """(the whole served network in eval mode: Generator or TwoStageGenerator, card dict)."""
    model_dir = Path(model_dir)
    card = json.loads((model_dir / "card.json").read_text())
    G, _ = load_tfjs_generator(model_dir)
    if card.get("head") == "layered" and card["imageSize"] != G.cfg.image_size:
        return Scaled(G, card["imageSize"] // G.cfg.image_size).eval(), card  # a --scale sibling
    if "upscaler" not in card:
        return G, card
    return TwoStageGenerator(G, load_tfjs_upscaler(model_dir)).eval(), card


def load_tfjs_upscaler(model_dir):
    """The 2x stage (eval mode) of a two-stage model folder; KeyError where the card has none."""
    model_dir = Path(model_dir)
    card = json.loads((model_dir / "card.json").read_text())
    U = Upscaler(UpscalerConfig(**card["upscaler"]))
    w = read_weights(model_dir)
    named = [("sr_head", U.head)] + [(f"sr_body{i}", c) for i, c in enumerate(U.body)] + [("sr_upconv", U.up_conv), ("sr_tail", U.tail)]
    for name, m in named:
        m.weight.data = torch.from_numpy(np.ascontiguousarray(w[f"{name}/kernel"].transpose(3, 2, 0, 1)))
        m.bias.data = torch.from_numpy(w[f"{name}/bias"].copy())
    return U.eval()


def load_tfjs_generator(model_dir):
    """(the 64 px Generator in eval mode, vocabulary list) from models/<id>."""
    model_dir = Path(model_dir)
    card = json.loads((model_dir / "card.json").read_text())
    vocab = json.loads((model_dir / "tags.json").read_text(encoding="utf-8"))["tags"]
    w = read_weights(model_dir)
    net = card.get("training", {}).get("net")
    layered = card.get("head") == "layered"
    if layered:  # training/layered.py: its net config is the one it trained with (its own image size)
        G = LayeredGenerator(LayeredConfig(**net))
    else:
        cfg = NetConfig(**net) if net else NetConfig(num_tags=card["numTags"], z_dim=card["zDim"], image_size=card["imageSize"])
        # A two-stage model's card names its base resolution; the generator is the 64 px stage.
        cfg.image_size = card.get("baseImageSize", cfg.image_size)
        G = Generator(cfg)
    cfg = G.cfg

    def t(a):
        return torch.from_numpy(np.ascontiguousarray(a))

    c0 = G.fc.out_features // 16
    k = w["fc/kernel"].T  # (units, in), units in (H, W, C) order
    G.fc.weight.data = t(k.reshape(4, 4, c0, -1).transpose(2, 0, 1, 3).reshape(G.fc.out_features, -1))
    G.fc.bias.data = t(w["fc/bias"].reshape(4, 4, c0).transpose(2, 0, 1).reshape(-1))

    def bn(m, name):
        m.weight.data, m.bias.data = t(w[f"{name}/gamma"]), t(w[f"{name}/beta"])
        m.running_mean.data, m.running_var.data = t(w[f"{name}/moving_mean"]), t(w[f"{name}/moving_variance"])

    def conv(m, name):
        m.weight.data = t(w[f"{name}/kernel"].transpose(3, 2, 0, 1))
        m.bias.data = t(w[f"{name}/bias"])

    if cfg.code_thresholds:  # the shipped (float16-rounded) steps, as the runtimes read them
        G.code_weight.copy_(t(w["codes/kernel"].T))
        G.code_bias.copy_(t(w["codes/bias"]))
    bn(G.fc_bn, "fc_bn")
    for i, block in enumerate(G.blocks):
        conv(block.conv, f"conv{i}")
        bn(block.bn, f"bn{i}")
        conv(block.skip, f"skip{i}")
    conv(G.out, "out")
    if layered and G.cfg.detail:
        conv(G.detail, "detail")
    if layered:
        for name, m in (("palette_fc", G.palette_fc), ("palette_out", G.palette_out)):
            m.weight.data, m.bias.data = t(w[f"{name}/kernel"].T), t(w[f"{name}/bias"])
    return G.eval(), vocab
