"""Write a trained generator as a tfjs layers model: python3 -m training.export runs/x models/<id>

The topology is written directly as Keras layer JSON and the weights are permuted from
PyTorch's layout (findings.md): Linear [out,in] → Dense [in,out] with the units reordered
from torch's (C,H,W) view to Keras' (H,W,C) reshape; Conv2d [O,I,kh,kw] → [kh,kw,I,O];
BatchNorm keeps its eps. Weights are stored as float16 (tfjs dequantizes on load).
Output directory: model.json, weights.bin, tags.json, card.json.
"""
import argparse
import copy
import datetime
import json
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from training.layered import LAYERS, LayeredConfig, LayeredGenerator, Scaled
from training.networks import Generator, NetConfig, TwoStageGenerator, Upscaler, UpscalerConfig
from training.code_layer import data_code_thresholds
from training.snap_codes import snap_codes
from training.export_onnx import file_manifest, write_onnx
from training.dataset import DataError, read_tag_rows, with_hidden_sets
from training.discriminator_file import DiscriminatorFileError, read_discriminator, write_discriminator
from training.import_tfjs import load_tfjs_generator, load_tfjs_upscaler
from training.run_history import run_history

FORMAT_VERSION = 1
# What tags.json says of a tag besides its name and frequency; refreshed from the data's vocab.json on export.
VOCAB_LABELS = ("group", "ja", "aliases", "exclusive", "hides")


def _layer(cls, name, config, inbound):
    return {"class_name": cls, "name": name, "config": {"name": name, "trainable": True, "dtype": "float32", **config},
            "inbound_nodes": [[[n, 0, 0, {}] for n in inbound]] if inbound else []}


def upscaler_layers(U, prev):
    """Keras layers of the 2× stage after the layer `prev` (the 64 px image)."""
    conv = {"kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
            "dilation_rate": [1, 1], "use_bias": True}
    up = {"size": [2, 2], "data_format": "channels_last", "interpolation": "nearest"}
    image = prev
    layers = [_layer("Conv2D", "sr_head", {**conv, "filters": U.head.out_channels, "activation": "relu"}, [prev])]
    prev = "sr_head"
    for i, body in enumerate(U.body):
        layers += [_layer("Conv2D", f"sr_body{i}", {**conv, "filters": body.out_channels, "activation": "relu"}, [prev]),
                   _layer("Add", f"sr_add{i}", {}, [f"sr_body{i}", prev])]
        prev = f"sr_add{i}"
    layers += [
        _layer("UpSampling2D", "sr_up", up, [prev]),
        _layer("Conv2D", "sr_upconv", {**conv, "filters": U.up_conv.out_channels, "activation": "relu"}, ["sr_up"]),
        _layer("Conv2D", "sr_tail", {**conv, "filters": 3, "activation": "linear"}, ["sr_upconv"]),
        _layer("UpSampling2D", "sr_skip", up, [image]),
        _layer("Add", "sr_out", {}, ["sr_tail", "sr_skip"]),
    ]
    return layers, "sr_out"


def keras_topology(model, scale=1):
    """model: a Generator, or a TwoStageGenerator (its generator, then the 2× stage)."""
    G = model.G if isinstance(model, TwoStageGenerator) else model
    cfg = G.cfg
    c0 = G.fc.out_features // 16
    layers = [_layer("InputLayer", "input", {"batch_input_shape": [None, cfg.z_dim + cfg.num_tags], "sparse": False}, None)]
    layers[0]["config"].pop("trainable")
    fc_in = "input"
    if cfg.code_thresholds:  # the code layer: one sigmoid step per variant boundary, read beside z and the tags
        layers += [_layer("Dense", "codes", {"units": len(cfg.code_thresholds), "activation": "sigmoid", "use_bias": True}, ["input"]),
                   _layer("Concatenate", "fc_in", {"axis": -1}, ["input", "codes"])]
        fc_in = "fc_in"
    layers += [
        _layer("Dense", "fc", {"units": G.fc.out_features, "activation": "linear", "use_bias": True}, [fc_in]),
        _layer("Reshape", "fc_reshape", {"target_shape": [4, 4, c0]}, ["fc"]),
        _layer("BatchNormalization", "fc_bn", {"axis": -1, "momentum": 0.99, "epsilon": G.fc_bn.eps, "center": True, "scale": True}, ["fc_reshape"]),
        _layer("Activation", "fc_relu", {"activation": "relu"}, ["fc_bn"]),
    ]
    prev = "fc_relu"
    for i, block in enumerate(G.blocks):
        conv = {"kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
                "dilation_rate": [1, 1], "activation": "linear", "use_bias": True}
        layers += [
            _layer("UpSampling2D", f"up{i}", {"size": [2, 2], "data_format": "channels_last", "interpolation": "nearest"}, [prev]),
            _layer("Conv2D", f"conv{i}", {**conv, "filters": block.conv.out_channels}, [f"up{i}"]),
            _layer("BatchNormalization", f"bn{i}", {"axis": -1, "momentum": 0.99, "epsilon": block.bn.eps, "center": True, "scale": True}, [f"conv{i}"]),
            _layer("Activation", f"relu{i}", {"activation": "relu"}, [f"bn{i}"]),
            _layer("Conv2D", f"skip{i}", {**conv, "kernel_size": [1, 1], "filters": block.skip.out_channels}, [f"up{i}"]),
            _layer("Add", f"add{i}", {}, [f"relu{i}", f"skip{i}"]),
        ]
        prev = f"add{i}"
    if isinstance(G, LayeredGenerator):
        layers += layered_head_layers(G, prev, fc_in, scale)
        return _model(layers, "image")
    layers += [
        _layer("Conv2D", "out", {"kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
                                 "dilation_rate": [1, 1], "activation": "linear", "use_bias": True, "filters": 3}, [prev]),
        _layer("Activation", "out_tanh", {"activation": "tanh"}, ["out"]),
    ]
    last = "out_tanh"
    if isinstance(model, TwoStageGenerator):
        more, last = upscaler_layers(model.U, last)
        layers += more
    return _model(layers, last)


def _model(layers, last):
    return {"class_name": "Model", "config": {"name": "generator", "layers": layers, "input_layers": [["input", 0, 0]],
                                              "output_layers": [[last, 0, 0]]},
            "keras_version": "tfjs-layers 4.22.0", "backend": "tensor_flow.js"}


def layered_head_layers(G, prev, fc_in, scale=1):
    """The layered generator's head (training/layered.py): K mask logits, softmax over layers,
    one colour per layer from the trunk's input, and their product, all stock Keras layers.
    scale 2 or 4 upsamples the logits (legacy bilinear, as PyTorch's upsample2x_legacy) first."""
    cfg = G.cfg
    size = cfg.image_size * scale
    doublings = cfg.logit_doublings(scale)
    conv = {"kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "data_format": "channels_last",
            "dilation_rate": [1, 1], "activation": "linear", "use_bias": True}
    layers = [_layer("Conv2D", "out", {**conv, "filters": cfg.layers}, [prev])]
    logits = "out"
    if cfg.detail:  # layered.py's detail head: the logits doubled, plus a conv of the doubled features
        layers += [
            _layer("UpSampling2D", "logits_detail_up", {"size": [2, 2], "data_format": "channels_last", "interpolation": "bilinear"}, [logits]),
            _layer("UpSampling2D", "detail_up", {"size": [2, 2], "data_format": "channels_last", "interpolation": "nearest"}, [prev]),
            _layer("Conv2D", "detail", {**conv, "filters": cfg.layers}, ["detail_up"]),
            _layer("Add", "logits_detailed", {}, ["logits_detail_up", "detail"]),
        ]
        logits = "logits_detailed"
    for i in range(doublings):
        layers.append(_layer("UpSampling2D", f"logits_up{i}", {"size": [2, 2], "data_format": "channels_last", "interpolation": "bilinear"}, [logits]))
        logits = f"logits_up{i}"
    layers += [
        _layer("Softmax", "masks", {"axis": -1}, [logits]),
        _layer("Reshape", "masks_flat", {"target_shape": [size * size, cfg.layers]}, ["masks"]),
        _layer("Dense", "palette_fc", {"units": cfg.palette_hidden, "activation": "relu", "use_bias": True}, [fc_in]),
        _layer("Dense", "palette_out", {"units": cfg.layers * 3, "activation": "tanh", "use_bias": True}, ["palette_fc"]),
        _layer("Reshape", "palette", {"target_shape": [cfg.layers, 3]}, ["palette_out"]),
        _layer("Dot", "paint", {"axes": [2, 1], "normalize": False}, ["masks_flat", "palette"]),
        _layer("Reshape", "image", {"target_shape": [size, size, 3]}, ["paint"]),
    ]
    return layers


def keras_weights(model):
    """[(name, float32 array)] in Keras layout, for a Generator or a TwoStageGenerator."""
    G = model.G if isinstance(model, TwoStageGenerator) else model

    def conv(m):
        return m.weight.detach().permute(2, 3, 1, 0).numpy(), m.bias.detach().numpy()

    def bn(m):
        return [m.weight.detach().numpy(), m.bias.detach().numpy(), m.running_mean.numpy(), m.running_var.numpy()]

    c0 = G.fc.out_features // 16
    w = G.fc.weight.detach().reshape(c0, 4, 4, -1).permute(1, 2, 0, 3).reshape(G.fc.out_features, -1)
    b = G.fc.bias.detach().reshape(c0, 4, 4).permute(1, 2, 0).reshape(-1)
    out = [("codes/kernel", G.code_weight.t().numpy()), ("codes/bias", G.code_bias.numpy())] if G.cfg.code_thresholds else []
    out += [("fc/kernel", w.t().numpy()), ("fc/bias", b.numpy())]
    bn_names = ["gamma", "beta", "moving_mean", "moving_variance"]
    out += [(f"fc_bn/{n}", a) for n, a in zip(bn_names, bn(G.fc_bn))]
    for i, block in enumerate(G.blocks):
        k, bias = conv(block.conv)
        out += [(f"conv{i}/kernel", k), (f"conv{i}/bias", bias)]
        out += [(f"bn{i}/{n}", a) for n, a in zip(bn_names, bn(block.bn))]
        k, bias = conv(block.skip)
        out += [(f"skip{i}/kernel", k), (f"skip{i}/bias", bias)]
    k, bias = conv(G.out)
    out += [("out/kernel", k), ("out/bias", bias)]
    if isinstance(G, LayeredGenerator) and G.cfg.detail:
        k, bias = conv(G.detail)
        out += [("detail/kernel", k), ("detail/bias", bias)]
    if isinstance(G, LayeredGenerator):
        out += [("palette_fc/kernel", G.palette_fc.weight.detach().t().numpy()), ("palette_fc/bias", G.palette_fc.bias.detach().numpy()),
                ("palette_out/kernel", G.palette_out.weight.detach().t().numpy()), ("palette_out/bias", G.palette_out.bias.detach().numpy())]
    if isinstance(model, TwoStageGenerator):
        U = model.U
        named = [("sr_head", U.head)] + [(f"sr_body{i}", c) for i, c in enumerate(U.body)] + [("sr_upconv", U.up_conv), ("sr_tail", U.tail)]
        for name, m in named:
            k, bias = conv(m)
            out += [(f"{name}/kernel", k), (f"{name}/bias", bias)]
    return [(n, np.ascontiguousarray(a, dtype=np.float32)) for n, a in out]


def git_revision():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_model(G, vocab, out_dir, model_id, card_extra=None, float16=True, scale=1):
    """scale 2 or 4 (layered generators only): the same girls drawn larger, from the same weights."""
    if scale != 1 and not isinstance(G, LayeredGenerator):
        raise ValueError("only a layered generator draws at another scale")
    """G: a Generator or a TwoStageGenerator. Writes the tfjs files, model.onnx with the same
    (float16-rounded) weights, tags.json and card.json listing every file with its SHA-256."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    G = G.eval()
    two_stage = isinstance(G, TwoStageGenerator)
    base = G.G if two_stage else G
    weights = keras_weights(G)
    specs, blobs = [], []
    for name, arr in weights:
        spec = {"name": name, "shape": list(arr.shape), "dtype": "float32"}
        if float16:
            spec["quantization"] = {"dtype": "float16", "original_dtype": "float32"}
            blobs.append(arr.astype("<f2").tobytes())
        else:
            blobs.append(arr.astype("<f4").tobytes())
        specs.append(spec)
    (out_dir / "weights.bin").write_bytes(b"".join(blobs))
    model_json = {"format": "layers-model", "generatedBy": "girl-friend-factory training/export.py",
                  "convertedBy": None, "modelTopology": keras_topology(G, scale),
                  "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}]}
    (out_dir / "model.json").write_text(json.dumps(model_json))
    tags = [{k: v[k] for k in ("name", *VOCAB_LABELS, "frequency") if k in v} for v in vocab]
    (out_dir / "tags.json").write_text(json.dumps({"tags": tags}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    served = copy.deepcopy(G)
    write_onnx(Scaled(served, scale) if scale != 1 else served, base.cfg.z_dim, base.cfg.num_tags, out_dir / "model.onnx", float16_weights=float16)
    card = {"format": FORMAT_VERSION, "id": model_id, "name": model_id, "zDim": base.cfg.z_dim,
            "imageSize": base.cfg.image_size * (2 if two_stage else 1) * scale, "numTags": base.cfg.num_tags,
            **({"baseImageSize": base.cfg.image_size, "upscaler": asdict(G.U.cfg)} if two_stage else {}),
            "parameters": sum(p.numel() for p in G.parameters()),
            **({"head": "layered", "layers": base.cfg.layers} if isinstance(base, LayeredGenerator) else {}),
            "weightsDtype": "float16" if float16 else "float32",
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "codeVersion": git_revision(), **(card_extra or {}), "files": file_manifest(out_dir)}
    (out_dir / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return card


TRAINING_STATE_LIMIT = 8 * 1024 * 1024


def write_training_state(run_dir, out_dir):
    """training-state.pt beside the model: a layered run's G and G_ema as float16 with its config,
    step and vocabulary, so that training goes on from the model folder on a machine without runs/
    (layered_train --init-from). {"file", "bytes", "step"} for the card."""
    path = Path(run_dir) / "ckpt.pt"
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} is not a run folder (no ckpt.pt)")
    ckpt = torch.load(path, map_location="cpu")
    if ckpt["config"].get("head") != "layered":
        raise ValueError(f"{run_dir} is not a layered run (the RGB generator carries its discriminator: --discriminator)")
    half = {k: {n: t.half() if t.is_floating_point() else t for n, t in ckpt[k].items()} for k in ("G", "G_ema")}
    state = {**half, "config": ckpt["config"], "vocab": ckpt["vocab"], "step": ckpt["step"], "images_seen": ckpt["images_seen"]}
    out = Path(out_dir) / "training-state.pt"
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, out)
    if out.stat().st_size > TRAINING_STATE_LIMIT:
        out.unlink()
        raise ValueError(f"the training state would be {out.stat().st_size / 1e6:.1f} MB: more than 8 MB")
    return {"file": out.name, "bytes": out.stat().st_size, "step": ckpt["step"]}


def sharpen_layers(G, factor):
    """softmax(T·logits), folded into the last conv: every pixel goes more surely to one layer.
    The two background layers keep their difference (not T times it): their split is the soft
    ramp of a gradient background, which sharpening would turn into a hard edge (pilot v3b,
    step 3,180: sharpened ×2.5 whole, backgrounds washed out)."""
    # The logits are linear in both convs (the upsampling between is linear): scaling each scales
    # their sum, and keeping each one's background split keeps the sum's.
    convs = [G.out] + ([G.detail] if G.cfg.detail else [])
    with torch.no_grad():
        for conv in convs:
            w, b = conv.weight, conv.bias
            dw, db = w[-1] - w[0], b[-1] - b[0]
            w.mul_(factor)
            b.mul_(factor)
            w[-1] = w[0] + dw
            b[-1] = b[0] + db


def shift_layers(G, shifts):
    """Adds shifts {layer name: logits} to those layers' logits (folded into the last conv's
    bias, before any sharpening). The trainer weighs each part label by frequency^-balance, which
    moves its best logits by log(weight): a rare layer is drawn wider than the renders draw it. At
    `--balance 0.6` the eyes' weight is 5.9, and a closed eye was drawn as an open eye's blob;
    shifting the eyes layer by −log 5.9 = −1.77 undoes that prior for that layer alone."""
    with torch.no_grad():
        for name, value in shifts.items():
            G.out.bias[LAYERS.index(name)] += value


def layer_shifts(text):
    """argparse type for --layer-shift: "eyes=-1.77,freckles=0.5" → {"eyes": -1.77, "freckles": 0.5}."""
    out = {}
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep or name not in LAYERS:
            raise argparse.ArgumentTypeError(f"{item!r}: give LAYER=LOGITS, a layer among {', '.join(LAYERS)}")
        try:
            out[name] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{item!r}: {value!r} is not a number") from None
    return out


def load_run_generator(run_dir):
    """G_ema (eval mode) and the vocabulary from a run folder's ckpt.pt."""
    ckpt = torch.load(Path(run_dir) / "ckpt.pt", map_location="cpu")
    layered = ckpt["config"].get("head") == "layered"
    G = LayeredGenerator(LayeredConfig(**ckpt["config"]["net"])) if layered else Generator(NetConfig(**ckpt["config"]["net"]))
    G.load_state_dict(ckpt["G_ema"])
    return G.eval(), ckpt


def load_upscaler_run(run_dir):
    """(the 2x stage in eval mode, its ckpt.pt) from a train_upscaler run folder."""
    ckpt = torch.load(Path(run_dir) / "ckpt.pt", map_location="cpu")
    U = Upscaler(UpscalerConfig(**ckpt["config"]["net"]))
    U.load_state_dict(ckpt["model"])
    return U.eval(), ckpt


def upscaler_source(path):
    """(the 2x stage in eval mode, card extra) from a train_upscaler run folder or from a shipped
    two-stage model folder (its stage read back: a machine that lost runs/ keeps the stage users
    have). FileNotFoundError / ValueError say which of the two is wrong."""
    path = Path(path)
    if (path / "ckpt.pt").is_file():
        U, up = load_upscaler_run(path)
        return U, {"run": str(path), "steps": up["step"], "config": {k: v for k, v in up["config"].items() if k != "net"},
                   "commandLines": [h["argv"] for h in json.loads((path / "config.json").read_text()).get("history", [])]}
    if (path / "card.json").is_file():
        card = json.loads((path / "card.json").read_text(encoding="utf-8"))
        if "upscaler" not in card:
            raise ValueError(f"{path}: a {card.get('imageSize')} px model without a 2x stage")
        return load_tfjs_upscaler(path), {**card.get("training", {}).get("upscaler", {}), "fromModel": card["id"]}
    raise FileNotFoundError(f"{path}: neither a 2x stage run (ckpt.pt) nor a two-stage model folder (card.json)")


def generator_source(path):
    """(G in eval mode, vocabulary, card extra) from a run folder (its EMA generator) or from a
    shipped model folder (its 64 px generator read back exactly: a 2x stage can then be put on
    a model users already have, drawing the same girls larger)."""
    path = Path(path)
    if (path / "ckpt.pt").is_file():
        G, ckpt = load_run_generator(path)
        cfg = ckpt["config"]
        starts = run_history(path / "config.json")
        meta_path = Path(cfg["data"]) / "meta.json"
        data_meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        training = {"data": cfg["data"], "dataset": {k: data_meta.get(k) for k in ("source", "count", "size", "seed")},
                    "steps": ckpt["step"], "imagesSeen": ckpt["images_seen"],
                    "epochs": round(ckpt["images_seen"] / max(1, data_meta.get("count") or 1), 2) if data_meta else None,
                    "config": {k: cfg[k] for k in ("batch", "lr_g", "lr_d", "betas", "ema", "seed")},
                    "net": cfg["net"], "loss": cfg["loss"],
                    "commandLines": [{"command": "python3 -m training.train " + " ".join(h["argv"][1:]), "fromStep": h["fromStep"]}
                                     for h in starts]}
        config_path = path / "config.json"
        config = json.loads(config_path.read_text()) if config_path.is_file() else {}
        if config.get("factorCodes"):  # which z numbers choose which untagged variant (training/factor_codes.py)
            training["factorCodes"] = config["factorCodes"]
        if config.get("drawCodes"):  # and which choose the other untagged draws (training/draw_codes.py)
            training["drawCodes"] = config["drawCodes"]
        vocab = ckpt["vocab"]
        fresh_path = Path(cfg["data"]) / "vocab.json"
        if fresh_path.is_file():  # names and order are the checkpoint's; labels may have been refined since
            fresh = {v["name"]: v for v in json.loads(fresh_path.read_text(encoding="utf-8"))}
            vocab = [{**v, **{k: fresh[v["name"]][k] for k in VOCAB_LABELS if k in fresh.get(v["name"], {})}} for v in vocab]
        if (Path(cfg["data"]) / "tags.csv").is_file():  # runs started before `hides` existed get it here
            vocab = with_hidden_sets(vocab, read_tag_rows(Path(cfg["data"])))
        return G, vocab, training
    if (path / "card.json").is_file():
        card = json.loads((path / "card.json").read_text(encoding="utf-8"))
        G, vocab = load_tfjs_generator(path)  # of a two-stage model, its 64 px generator (the stage is left behind)
        training = {k: v for k, v in card.get("training", {}).items() if k != "upscaler"}
        training["generatorFrom"] = {"model": card["id"], "name": card.get("name", card["id"]),
                                     "created": card.get("created"), "files": card.get("files")}
        return G, vocab, training
    raise FileNotFoundError(f"{path}: neither a run folder (ckpt.pt) nor a model folder (card.json)")


def discriminator_source(path, out_dir):
    """Writes the discriminator of a run folder (the D its generator was trained against), or the
    one a model folder already carries, into out_dir; returns the card's "discriminator" entry.
    DiscriminatorFileError when a model folder has none (or a damaged one)."""
    path = Path(path)
    if (path / "ckpt.pt").is_file():
        ckpt = torch.load(path / "ckpt.pt", map_location="cpu")
        return write_discriminator(ckpt["D"], ckpt["config"]["net"], [v["name"] for v in ckpt["vocab"]], ckpt["step"], out_dir)
    card = json.loads((path / "card.json").read_text(encoding="utf-8"))
    state = read_discriminator(path, card)
    entry = card["discriminator"]
    return write_discriminator(state, entry, entry["tags"], entry["steps"], out_dir)


def snapped_generator(G, vocab, codes_data):
    """(G with its codes snapped, the card's note of it). A generator with a code layer snaps at
    its own steps; one without gets them from the codes of the data it learnt (codes_data)."""
    thresholds = None
    if not G.cfg.code_thresholds:
        if not codes_data:
            raise ValueError("this generator has no code layer and names no training data: give --codes-data")
        thresholds = data_code_thresholds(codes_data, vocab)
    snapped = snap_codes(G, thresholds).eval()
    numbers = sorted({int(i) for i, _ in snapped.cfg.code_thresholds})
    return snapped, {"zIndices": numbers, "steps": len(snapped.cfg.code_thresholds),
                     "thresholdsFrom": "its code layer" if thresholds is None else str(codes_data)}


def parse_sizes(text):
    """--sizes "128=a,256=b" → card.json sizes {"128": "a", "256": "b"}: the models that draw the
    same girls at each size (src/core/picture-size.ts). ValueError naming the bad part."""
    sizes = {}
    for part in (p.strip() for p in text.split(",")):
        px, sep, model = part.partition("=")
        if not sep or not re.fullmatch(r"[1-9][0-9]{0,3}", px) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", model):
            raise ValueError(f'"{part}" is not PX=MODEL_ID (e.g. 256=lorelei256-v3)')
        if px in sizes:
            raise ValueError(f"{px} px is named twice")
        sizes[px] = model
    return sizes


def family_sizes(a, G, model_id, training):
    """card.json sizes for this export, or None: --sizes as given (it must name this model at its own
    size), else with --scale from a model folder of the generator's own size, that model and this one."""
    two_stage = isinstance(G, TwoStageGenerator) or bool(a.upscaler)  # --upscaler doubles the size
    own = str((G.G.cfg.image_size if isinstance(G, TwoStageGenerator) else G.cfg.image_size) * (2 if two_stage else 1) * a.scale)
    if a.sizes:
        sizes = parse_sizes(a.sizes)
        if sizes.get(own) != model_id:
            raise ValueError(f'it must name this model ("{model_id}") at its own size: {own}={model_id}')
        return sizes
    source = training.get("generatorFrom")
    if a.scale == 1 or not source or two_stage:
        return None
    source_px = json.loads((Path(a.run) / "card.json").read_text(encoding="utf-8")).get("imageSize")
    if source_px != G.cfg.image_size:
        return None
    print(f'note: card.json sizes links {source["model"]} ({source_px} px) and {model_id} ({own} px); '
          f'give {source["model"]}\'s card the same "sizes" so that its girls reach {own} px', file=sys.stderr)
    return {str(source_px): source["model"], own: model_id}


def main(argv=None):
    p = argparse.ArgumentParser(description="Export a run's EMA generator (or a shipped model's generator) as a tfjs layers + ONNX model.")
    p.add_argument("run", help="run folder with ckpt.pt, or a model folder (card.json) whose generator to take as it is")
    p.add_argument("out", help="model folder, e.g. models/default")
    p.add_argument("--id", help="model id (default: the folder name)")
    p.add_argument("--name", help="display name")
    p.add_argument("--float32", action="store_true", help="keep float32 weights (twice the size)")
    p.add_argument("--note", help="a sentence for the card (e.g. why this resolution)")
    p.add_argument("--upscaler", help="a train_upscaler run folder, or a two-stage model folder whose stage to take: "
                                      "export generator + 2x stage as one 128 px model")
    p.add_argument("--discriminator", action="store_true",
                   help="also write the discriminator the generator was trained against (discriminator.pt, float16, "
                        "never served; from a model folder, the one it carries), so that fine-tunes of this model can "
                        "start with it: train.py --init-d-from MODEL")
    p.add_argument("--snap-codes", action="store_true",
                   help="fold a move of every coded z number to the middle of its variant's share into the generator "
                        "(training/snap_codes.py): the same variants per seed, drawn without blends of two")
    p.add_argument("--scale", type=int, default=1, choices=[1, 2, 4],
                   help="a layered generator only: draw at this multiple of its size (its mask logits upsampled), "
                        "e.g. 2 for the 256 px sibling of a 128 px model: the same girls from the same weights")
    p.add_argument("--sizes", help="card.json sizes, PX=MODEL_ID,…: the models that draw the same girls at each size, this "
                                   "one included (e.g. 128=lorelei128-v3,256=lorelei256-v3; give the same "
                                   "to each export of the family). Default with --scale from a model folder: that model "
                                   "and this one")
    p.add_argument("--layer-shift", type=layer_shifts, default={},
                   help="LAYER=LOGITS,…: add to those layers' logits before sharpening (a layered generator), e.g. "
                        "eyes=-1.77 undoes --balance's prior for the eyes")
    p.add_argument("--sharpen", type=float, default=1.0,
                   help="a layered generator only: multiply its mask logits by this (folded into the last conv): every "
                        "pixel goes more surely to one layer, edges one pixel wide; 1 draws as trained")
    p.add_argument("--training-state", action="store_true",
                   help="a layered run only: also write training-state.pt (G and its EMA as float16, at most 8 MB) so "
                        "that a fresh machine resumes training from the model folder: layered_train --init-from MODEL")
    p.add_argument("--codes-data", help="with --snap-codes, for a generator without a code layer: the rendered folder "
                                        "whose codes it learnt (default: the data its run or card names)")
    a = p.parse_args(argv)
    try:
        G, vocab, training = generator_source(a.run)
    except FileNotFoundError as e:
        print(f"error: {e} (train first: python3 -m training.train)", file=sys.stderr)
        sys.exit(2)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    if a.snap_codes:
        try:
            G, training["snapCodes"] = snapped_generator(G, vocab, a.codes_data or training.get("data"))
            training["net"] = asdict(G.cfg)  # the code layer it may have gained: the model reads back with it
        except (DataError, ValueError) as e:
            print(f"error: --snap-codes: {e}", file=sys.stderr)
            sys.exit(2)
    elif a.codes_data:
        p.error("--codes-data goes with --snap-codes")
    model_id = a.id or Path(a.out).name
    extra = {"name": a.name or model_id, **({"note": a.note} if a.note else {}),
             "training": {**training, "exportCommand": "python3 -m training.export " + " ".join(sys.argv[1:] if argv is None else argv)}}
    try:
        sizes = family_sizes(a, G, model_id, training)
    except ValueError as e:
        print(f"error: --sizes: {e}", file=sys.stderr)
        sys.exit(2)
    if sizes:
        extra["sizes"] = sizes
    if a.upscaler:
        try:
            U, extra["training"]["upscaler"] = upscaler_source(a.upscaler)
        except (FileNotFoundError, ValueError) as e:
            print(f"error: --upscaler {e} (train one first: python3 -m training.train_upscaler)", file=sys.stderr)
            sys.exit(2)
        G = TwoStageGenerator(G, U).eval()
    if a.discriminator:
        Path(a.out).mkdir(parents=True, exist_ok=True)
        try:
            extra["discriminator"] = discriminator_source(a.run, a.out)
        except DiscriminatorFileError as e:
            print(f"error: --discriminator: {e}", file=sys.stderr)
            sys.exit(2)
    if a.layer_shift:
        if not isinstance(G, LayeredGenerator):
            print("error: --layer-shift needs a layered generator", file=sys.stderr)
            sys.exit(2)
        shift_layers(G, a.layer_shift)
        extra["training"]["layerShift"] = a.layer_shift
    if a.sharpen != 1.0:
        if not isinstance(G, LayeredGenerator) or not a.sharpen > 0:
            print("error: --sharpen needs a layered generator and a factor above 0", file=sys.stderr)
            sys.exit(2)
        sharpen_layers(G, a.sharpen)
        extra["training"]["sharpen"] = a.sharpen
    if a.training_state:
        try:
            extra["trainingState"] = write_training_state(a.run, a.out)
        except (FileNotFoundError, ValueError) as e:
            print(f"error: --training-state: {e}", file=sys.stderr)
            sys.exit(2)
    try:
        card = write_model(G, vocab, a.out, model_id, extra, float16=not a.float32, scale=a.scale)
    except ValueError as e:
        print(f"error: --scale: {e}", file=sys.stderr)
        sys.exit(2)
    size = sum(f.stat().st_size for f in Path(a.out).iterdir())
    print(f"exported {model_id}: {card['imageSize']} px, {card['numTags']} tags, {card['parameters']} parameters, {size / 1e6:.2f} MB → {a.out}")


if __name__ == "__main__":
    main()
