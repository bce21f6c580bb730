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
        blocks = {64: 4, 128: 5}[cfg.image_size]
        ch = cfg.g_channels[: blocks + 1]
        assert len(ch) == blocks + 1, f"g_channels needs {blocks + 1} entries for {cfg.image_size}px"
        self.fc = nn.Linear(cfg.z_dim + cfg.num_tags, 4 * 4 * ch[0])
        self.fc_bn = nn.BatchNorm2d(ch[0], eps=cfg.bn_eps)
        self.blocks = nn.ModuleList(UpBlock(ch[i], ch[i + 1], cfg.bn_eps) for i in range(blocks))
        self.out = nn.Conv2d(ch[-1], 3, 3, padding=1)

    def forward(self, z, tags):
        """z: (B, z_dim), tags: (B, num_tags) in [0, 1] → images (B, 3, S, S) in [-1, 1]."""
        x = self.fc(torch.cat([z, tags], dim=1)).view(z.shape[0], -1, 4, 4)
        x = F.relu(self.fc_bn(x))
        for block in self.blocks:
            x = block(x)
        return torch.tanh(self.out(x))


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
    unconditional score, projection ⟨embed(tags), h⟩ (matching-awareness), and tag logits."""

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

    def forward(self, images, tags):
        """→ (adversarial score (B,), tag logits (B, num_tags))."""
        h = F.leaky_relu(self.final(self.mbstd(self.features(images))), 0.2)
        h = h.sum(dim=[2, 3])
        score = self.score(h).squeeze(1) + (self.embed(tags) * h).sum(dim=1)
        return score, self.classify(h)
