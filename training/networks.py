"""Generator and discriminator for GAN-INT-CLS at 64 or 128 px.

The generator uses only layers that have a stock Keras/tfjs equivalent (Linear→Dense,
Conv2d→Conv2D, BatchNorm2d→BatchNormalization, nearest Upsample→UpSampling2D, residual add →
Add, ReLU/tanh→Activation), so training/export.py can write it as a tfjs layers model that
loads in any tfjs runtime. The discriminator never leaves PyTorch and is free to use
spectral norm, a minibatch-stddev feature and a projection head.
"""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm


@dataclass
class NetConfig:
    num_tags: int = 48           # width of the tag vector (K most frequent tags of the data)
    z_dim: int = 100             # as the original: z ~ N(0, 1)^100
    image_size: int = 64         # 64 or 128; one upsampling block per doubling from 4x4
    # 4x4 … 64x64, sized for a 2-core CPU run: 95 images/s training alone
    # (160…24 channels: 62/s; 192…32: 25/s, measured with this loop on 2 threads)
    g_channels: list = field(default_factory=lambda: [256, 128, 64, 32, 16])
    d_channels: list = field(default_factory=lambda: [32, 64, 128, 256])       # 64x64 … 8x8 inputs
    bn_eps: float = 1e-3         # the tfjs default, so the export needs no translation
    # Variants per untagged factor when D also reads them (training/factor_codes.py); [] = no
    # factor head. D only: the generator and the exported model are the same either way.
    factor_sizes: list = field(default_factory=list)
    # The code layer (training/code_layer.py): [z index, threshold] pairs where a coded z number
    # crosses from one variant's share of N(0, 1) into the next. G reads, beside z and the tags,
    # sigmoid(code_sharpness · (z[i] − threshold)) for each pair, a step per boundary, so that
    # a variant is a difference of two inputs instead of a narrow band carved out of one number.
    # [] = no code layer (the first models).
    code_thresholds: list = field(default_factory=list)
    code_sharpness: float = 200.0


class UpBlock(nn.Module):
    """Residual upsampling block: nearest x2, then conv3x3-BN-ReLU on the main path and a
    1x1 conv on the shortcut; the two are added (the original's residual generator style)."""

    def __init__(self, c_in, c_out, eps):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.bn = nn.BatchNorm2d(c_out, eps=eps)
        self.skip = nn.Conv2d(c_in, c_out, 1)

    def forward(self, x):
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        return F.relu(self.bn(self.conv(x))) + self.skip(x)


class Generator(nn.Module):
    def __init__(self, cfg: NetConfig):
        super().__init__()
        self.cfg = cfg
        blocks = {32: 3, 64: 4, 128: 5}[cfg.image_size]  # 32: a layered trunk under a detail head (tests)
        ch = cfg.g_channels[: blocks + 1]
        assert len(ch) == blocks + 1, f"g_channels needs {blocks + 1} entries for {cfg.image_size}px"
        n_in, steps = cfg.z_dim + cfg.num_tags, len(cfg.code_thresholds)
        if steps:
            # Fixed, not learned: a dense (steps, z + tags) matrix, as the exported Dense layer
            # holds it, so that float16 rounds the same numbers in PyTorch, tfjs and ONNX.
            weight, bias = torch.zeros(steps, n_in), torch.zeros(steps)
            for j, (i, t) in enumerate(cfg.code_thresholds):
                if not 0 <= int(i) < cfg.z_dim:
                    raise ValueError(f"code threshold on z[{i}]: z has {cfg.z_dim} numbers")
                weight[j, int(i)], bias[j] = cfg.code_sharpness, -cfg.code_sharpness * float(t)
            self.register_buffer("code_weight", weight)
            self.register_buffer("code_bias", bias)
        self.fc = nn.Linear(n_in + steps, 4 * 4 * ch[0])
        self.fc_bn = nn.BatchNorm2d(ch[0], eps=cfg.bn_eps)
        self.blocks = nn.ModuleList(UpBlock(ch[i], ch[i + 1], cfg.bn_eps) for i in range(blocks))
        self.out = nn.Conv2d(ch[-1], 3, 3, padding=1)

    def forward(self, z, tags):
        """z: (B, z_dim), tags: (B, num_tags) in [0, 1] → images (B, 3, S, S) in [-1, 1]."""
        # Under bfloat16 autocast (train --bf16) the input layer stays float32: a code layer's steps
        # are 200× sharp, and z rounded to bfloat16's 8 bits would move them by most of a variant.
        with torch.autocast(z.device.type, enabled=False):
            x = torch.cat([z.float(), tags.float()], dim=1)
            if self.cfg.code_thresholds:
                x = torch.cat([x, torch.sigmoid(F.linear(x, self.code_weight, self.code_bias))], dim=1)
            x = self.fc(x).view(z.shape[0], -1, 4, 4)
        x = F.relu(self.fc_bn(x))
        for block in self.blocks:
            x = block(x)
        return torch.tanh(self.out(x)).float()  # float32 for the losses, whatever ran inside


def with_code_layer(plain: Generator, thresholds, sharpness=NetConfig.code_sharpness) -> Generator:
    """plain (no code layer) with one added: it draws exactly what plain draws, because every
    weight from a step into fc starts at zero; training then learns what each step means."""
    if plain.cfg.code_thresholds:
        raise ValueError("this generator has a code layer already")
    cfg = NetConfig(**{**plain.cfg.__dict__, "code_thresholds": [[int(i), float(t)] for i, t in thresholds],
                       "code_sharpness": float(sharpness)})
    big = Generator(cfg)
    state = plain.state_dict()
    w = big.fc.weight.detach().clone()
    w.zero_()
    w[:, :plain.fc.in_features] = state["fc.weight"]
    state["fc.weight"] = w
    state["code_weight"], state["code_bias"] = big.code_weight, big.code_bias
    big.load_state_dict(state)
    return big


@dataclass
class Retagged:
    """What retag_generator kept: tag names carried (their input weights copied by name), new
    (their input weights start at zero), left out (the old ones this vocabulary lacks), and the
    old exclusive sets none of whose tags is kept, folded into fc's bias."""
    carried: list
    new: list
    left_out: list
    folded: list


def retag_generator(G: Generator, old_vocab, new_names) -> "tuple[Generator, Retagged]":
    """G for another tag vocabulary (a fine-tune on data with other tags): every weight is G's
    except the tag inputs of fc, the only layer whose shape depends on the number of tags. A tag
    both vocabularies name keeps its input weights (matched by name, in any order); a new tag's
    start at zero, so it changes nothing until training teaches it what it means (its gradient is
    not zero: its input is 1 on the images that have it). An exclusive set of the old vocabulary
    none of whose tags is kept (lorelei's eye colours, for data without them) is folded into fc's
    bias at its tags' frequencies: G always saw one of them on, and seeing none would be an input
    it never had; fc is linear, so this is exactly the set's average input."""
    old_names = [v["name"] for v in old_vocab]
    new_names = list(new_names)
    z, steps, k_old = G.cfg.z_dim, len(G.cfg.code_thresholds), G.cfg.num_tags
    if len(old_names) != k_old:
        raise ValueError(f"the generator reads {k_old} tags but its vocabulary names {len(old_names)}")
    cfg = NetConfig(**{**G.cfg.__dict__, "num_tags": len(new_names)})
    fresh = Generator(cfg)
    state = {k: v.clone() for k, v in G.state_dict().items()}
    w_old = state["fc.weight"]
    w = w_old.new_zeros(w_old.shape[0], z + len(new_names) + steps)
    w[:, :z] = w_old[:, :z]
    w[:, z + len(new_names):] = w_old[:, z + k_old:]   # the code layer's steps, if any
    for j, name in enumerate(new_names):
        if name in old_names:
            w[:, z + j] = w_old[:, z + old_names.index(name)]
    sets = {}
    for i, v in enumerate(old_vocab):
        if v.get("exclusive"):
            sets.setdefault(v["exclusive"], []).append(i)
    folded = []
    for set_name, members in sets.items():
        if any(old_names[i] in new_names for i in members):
            continue
        freq = torch.tensor([float(old_vocab[i].get("frequency") or 0.0) for i in members])
        freq = freq / freq.sum() if freq.sum() > 0 else torch.full((len(members),), 1.0 / len(members))
        state["fc.bias"] += w_old[:, [z + i for i in members]] @ freq.to(w_old.dtype)
        folded.append(set_name)
    state["fc.weight"] = w
    if steps:  # fixed, not learned: rebuilt for the new input width
        state["code_weight"], state["code_bias"] = fresh.code_weight, fresh.code_bias
    fresh.load_state_dict(state)
    return fresh, Retagged(carried=[n for n in new_names if n in old_names], new=[n for n in new_names if n not in old_names],
                           left_out=[n for n in old_names if n not in new_names], folded=folded)


def widen_generator(small: Generator, cfg: NetConfig) -> Generator:
    """A Generator with cfg's widths (each at least small's) that draws exactly what small draws,
    in train and eval mode: small's weights fill the first channels of every layer, the added
    channels start as a fresh layer's would, and every weight that reads an added channel into an
    old one is zero. Training then grows the added channels from there (net2net's idea, with
    zeros instead of copies so that nothing needs rescaling)."""
    old, new = list(small.cfg.g_channels), list(cfg.g_channels)
    if len(old) != len(new) or any(n < o for o, n in zip(old, new)) or small.cfg.image_size != cfg.image_size \
            or (small.cfg.z_dim, small.cfg.num_tags) != (cfg.z_dim, cfg.num_tags) \
            or (small.cfg.code_thresholds, small.cfg.code_sharpness) != (cfg.code_thresholds, cfg.code_sharpness):
        raise ValueError(f"cannot widen a generator with channels {old} to {new}")
    big = Generator(cfg)

    def conv(dst, src):
        with torch.no_grad():
            o, i = src.weight.shape[:2]
            dst.weight[:o, i:] = 0                 # added inputs do not reach old outputs
            dst.weight[:o, :i] = src.weight
            dst.bias[:o] = src.bias

    def bn(dst, src):
        with torch.no_grad():
            n = src.num_features
            for name in ("weight", "bias", "running_mean", "running_var"):
                getattr(dst, name)[:n] = getattr(src, name)
            dst.num_batches_tracked.copy_(src.num_batches_tracked)

    with torch.no_grad():  # a code layer's steps need no copying: the same cfg builds the same ones
        c_old, c_new = old[0], new[0]
        w = big.fc.weight.view(c_new, 16, -1)       # rows are (channel, 4, 4) in that order
        w[:c_old] = small.fc.weight.view(c_old, 16, -1)
        big.fc.bias.view(c_new, 16)[:c_old] = small.fc.bias.view(c_old, 16)
    bn(big.fc_bn, small.fc_bn)
    for b_new, b_old in zip(big.blocks, small.blocks):
        conv(b_new.conv, b_old.conv)
        bn(b_new.bn, b_old.bn)
        conv(b_new.skip, b_old.skip)
    conv(big.out, small.out)
    return big


class MinibatchStd(nn.Module):
    """Appends the mean over features of the per-pixel stddev across a group of samples: a
    cheap way for D to see a batch with too little variety, which fights mode collapse."""

    def __init__(self, group=4):
        super().__init__()
        self.group = group

    def forward(self, x):
        b, c, h, w = x.shape
        g = min(self.group, b)
        if b % g:
            g = 1
        y = x.view(g, -1, c, h, w)
        y = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=[1, 2, 3])  # (B/g,)
        y = y.view(-1, 1, 1, 1).repeat(g, 1, h, w)
        return torch.cat([x, y], dim=1)


class Discriminator(nn.Module):
    """Spectral-norm convnet with three heads on the pooled features h:
    unconditional score, projection ⟨embed(tags), h⟩ (matching-awareness), and tag logits;
    a fourth, the untagged factors' logits (concatenated), when cfg.factor_sizes is given."""

    def __init__(self, cfg: NetConfig):
        super().__init__()
        downs = {64: 4, 128: 5}[cfg.image_size]
        ch = list(cfg.d_channels)
        while len(ch) < downs:
            ch.insert(0, ch[0] // 2)
        ch = ch[-downs:]
        layers, c_in = [], 3
        for c in ch:
            layers += [spectral_norm(nn.Conv2d(c_in, c, 4, stride=2, padding=1)), nn.LeakyReLU(0.2)]
            c_in = c
        self.features = nn.Sequential(*layers)          # (B, ch[-1], 4, 4)
        self.mbstd = MinibatchStd()
        self.final = spectral_norm(nn.Conv2d(c_in + 1, c_in, 3, padding=1))
        self.score = spectral_norm(nn.Linear(c_in, 1))
        self.embed = spectral_norm(nn.Linear(cfg.num_tags, c_in, bias=False))
        self.classify = nn.Linear(c_in, cfg.num_tags)
        self.classify_factors = nn.Linear(c_in, sum(cfg.factor_sizes)) if cfg.factor_sizes else None

    def forward(self, images, tags, with_factors=False):
        """→ (adversarial score (B,), tag logits (B, num_tags)), plus the factor logits
        (B, sum(factor_sizes)) when with_factors is asked for."""
        h = self._pooled(self.features(images))
        score = self._score(h, tags)
        # float32 out under bfloat16 autocast too (train --bf16): the losses are computed in float32.
        if with_factors:
            return score.float(), self.classify(h).float(), self.classify_factors(h).float()
        return score.float(), self.classify(h).float()

    def feature_maps(self, images):
        """The activations after each downsampling layer, 32x32 … 4x4 at 64 px: what D sees at
        every scale (pix2pixHD's feature matching compares a redraw with its real face here)."""
        maps, x = [], images
        for layer in self.features:
            x = layer(x)
            if isinstance(layer, nn.LeakyReLU):
                maps.append(x)
        return maps

    def score_and_maps(self, images, tags):
        """→ (adversarial score (B,), feature_maps(images)), in one pass through the body."""
        maps = self.feature_maps(images)
        return self._score(self._pooled(maps[-1]), tags).float(), [m.float() for m in maps]

    def _pooled(self, body):
        return F.leaky_relu(self.final(self.mbstd(body)), 0.2).sum(dim=[2, 3])

    def _score(self, h, tags):
        return self.score(h).squeeze(1) + (self.embed(tags) * h).sum(dim=1)


class Encoder(nn.Module):
    """E(x) → (μ, log σ²) of the z that redraws x (cVAE-GAN, as in BicycleGAN).

    Reconstructing real faces through G(E(x), tags) forces z to hold what the tags do not say
    (hair variant, eyes, eyebrows, nose, head shape, framing); the KL term keeps E's codes near
    N(0, 1) so that gacha draws from the prior still land on faces. Training only: never exported."""

    def __init__(self, cfg: NetConfig, channels=(32, 64, 128, 256)):
        super().__init__()
        layers, c_in = [], 3
        for c in channels:                                 # 64 → 32 → 16 → 8 → 4
            layers += [nn.Conv2d(c_in, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            c_in = c
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c_in * 16, 2 * cfg.z_dim)
        self.z_dim = cfg.z_dim

    def forward(self, x):
        """x: (B, 3, 64, 64) in [-1, 1] → μ (B, z_dim), log σ² (B, z_dim)."""
        if x.shape[-1] != 64:
            x = F.interpolate(x, size=(64, 64), mode="area")
        h = self.features(x).flatten(1)
        mu, logvar = self.head(h).float().chunk(2, dim=1)
        return mu, logvar.clamp(-10, 4)


@dataclass
class UpscalerConfig:
    # Features are computed at 64 px, where a conv costs a quarter of what it costs at 128, then
    # upsampled once: ≈ 0.27 G multiply-adds per image at these widths.
    channels: int = 48           # width at 64 px
    blocks: int = 2              # conv3x3-ReLU blocks with residual adds at 64 px
    out_channels: int = 24       # width at 128 px


class Upscaler(nn.Module):
    """The learned 2× stage: 64 px image → 128 px image, stock layers only (Conv2D, ReLU, Add,
    nearest UpSampling2D), so it exports to tfjs and ONNX beside the generator.

    Trained on the renderer's exact 128 px faces and their 64 px reductions, with the inputs
    degraded (blur, noise, colour jitter) so that a GAN's speckle is treated as noise to remove
    rather than detail to enlarge. It predicts a residual on the nearest-neighbour enlargement."""

    def __init__(self, cfg: UpscalerConfig = None):
        super().__init__()
        cfg = cfg or UpscalerConfig()
        self.cfg = cfg
        self.head = nn.Conv2d(3, cfg.channels, 3, padding=1)
        self.body = nn.ModuleList(nn.Conv2d(cfg.channels, cfg.channels, 3, padding=1) for _ in range(cfg.blocks))
        self.up_conv = nn.Conv2d(cfg.channels, cfg.out_channels, 3, padding=1)
        self.tail = nn.Conv2d(cfg.out_channels, 3, 3, padding=1)

    def forward(self, x):
        """x: (B, 3, S, S) in [-1, 1] → (B, 3, 2S, 2S), roughly [-1, 1] (clamped when drawn)."""
        h = F.relu(self.head(x))
        for conv in self.body:
            h = F.relu(conv(h)) + h
        h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = F.relu(self.up_conv(h))
        return self.tail(h) + F.interpolate(x, scale_factor=2, mode="nearest")


class PatchCritic(nn.Module):
    """Render or 2× stage? A score per patch of a 128 px crop (a map, not one number), for the
    stage's adversarial fine-tuning (train_upscaler --adv): it judges line and texture, which is
    what the stage can change, not the face as a whole. Spectral norm, as the GAN's D; never exported."""

    def __init__(self, channels=32, depth=3):
        super().__init__()
        layers, c_in = [], 3
        for i in range(depth):
            c = channels * 2 ** i
            layers += [spectral_norm(nn.Conv2d(c_in, c, 4, stride=2, padding=1)), nn.LeakyReLU(0.2)]
            c_in = c
        layers.append(spectral_norm(nn.Conv2d(c_in, 1, 3, padding=1)))
        self.net = nn.Sequential(*layers)

    def forward(self, images):
        """(B, 3, S, S) → (B, 1, S / 2^depth, S / 2^depth) scores."""
        return self.net(images)


class TwoStageGenerator(nn.Module):
    """G at 64 px followed by the 2× Upscaler: (z, tags) → 128 px. What is served and exported."""

    def __init__(self, G: Generator, U: Upscaler):
        super().__init__()
        self.G, self.U = G, U
        self.cfg = G.cfg

    def forward(self, z, tags):
        """→ (B, 3, 128, 128), unclamped like the exported graphs (the runtime clamps to bytes)."""
        return self.U(self.G(z, tags))
