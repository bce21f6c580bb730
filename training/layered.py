"""The layered generator (model v3): flat art drawn as flat layers.

lorelei faces are flat fills with dark outlines, and an RGB generator draws them with speckle
and soft edges (issue 31: a v2 face needs 64 colours for 90 % of its pixels, a render 3). This
generator draws what the art is: K soft layer masks (logits) and one colour per layer, composited
by a softmax over the layers, so every fill is one colour and every edge as sharp as the logits
are sure. Two layers share the background, so a gradient background is a soft split between two
colours. The renderer gives each face's exact part masks (tools/dataset/part-labels.ts), which
the masks learn with a plain classification loss (training/layered_train.py).

The trunk is the RGB generator's (code layer, fc, residual upsampling blocks); only the head
differs: a 3x3 conv to K logits, and a small MLP from the trunk's input (z, tags, code steps)
to K colours. Softmax, a batched matrix product and reshapes are stock ONNX and tfjs ops.
Drawing at twice the size upsamples the logits (TF's legacy bilinear, as tfjs's UpSampling2D
does) before the softmax: 256 px for the price of one more softmax and product.
"""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.networks import Generator, NetConfig

# Layer order: the part labels of tools/dataset/part-labels.ts (PART_LAYERS), then the
# background's second colour for gradients. Keep both lists in step.
PART_LAYERS = ["background", "skin", "hair", "eyes", "eyebrows", "mouth", "ink", "white",
               "glasses", "earrings", "freckles", "flower"]
LAYERS = PART_LAYERS + ["background2"]


@dataclass
class LayeredConfig(NetConfig):
    image_size: int = 128
    g_channels: list = field(default_factory=lambda: [256, 128, 96, 64, 32, 24])
    layers: int = len(LAYERS)
    palette_hidden: int = 256


def upsample2x_legacy(x):
    """TF's resize_bilinear without half-pixel centres (tfjs UpSampling2D 'bilinear'): out[2i] =
    x[i], out[2i+1] = (x[i] + x[i+1]) / 2, the last row and column repeated."""
    nxt = torch.cat([x[..., 1:], x[..., -1:]], dim=-1)
    x = torch.stack([x, (x + nxt) / 2], dim=-1).flatten(-2)
    nxt = torch.cat([x[..., 1:, :], x[..., -1:, :]], dim=-2)
    return torch.stack([x, (x + nxt) / 2], dim=-2).flatten(-3, -2)


class LayeredGenerator(Generator):
    """G(z, tags) → (B, 3, S, S) in [-1, 1], drawn as K flat layers."""

    def __init__(self, cfg: LayeredConfig):
        super().__init__(cfg)
        self.out = nn.Conv2d(cfg.g_channels[len(self.blocks)], cfg.layers, 3, padding=1)
        n_in = self.fc.in_features
        self.palette_fc = nn.Linear(n_in, cfg.palette_hidden)
        self.palette_out = nn.Linear(cfg.palette_hidden, cfg.layers * 3)

    def trunk_input(self, z, tags):
        x = torch.cat([z.float(), tags.float()], dim=1)
        if self.cfg.code_thresholds:
            x = torch.cat([x, torch.sigmoid(F.linear(x, self.code_weight, self.code_bias))], dim=1)
        return x

    def parts(self, z, tags):
        """(logits (B, K, S, S), palette (B, K, 3) in [-1, 1])."""
        x = self.trunk_input(z, tags)
        h = F.relu(self.fc_bn(self.fc(x).view(z.shape[0], -1, 4, 4)))
        for block in self.blocks:
            h = block(h)
        palette = torch.tanh(self.palette_out(F.relu(self.palette_fc(x)))).view(-1, self.cfg.layers, 3)
        return self.out(h), palette

    @staticmethod
    def composite(logits, palette):
        weights = torch.softmax(logits, dim=1)
        return torch.einsum("bkhw,bkc->bchw", weights, palette)

    def forward(self, z, tags, scale=1):
        logits, palette = self.parts(z, tags)
        for _ in range({1: 0, 2: 1, 4: 2}[scale]):
            logits = upsample2x_legacy(logits)
        return self.composite(logits, palette)


def grouped_log_probs(logits):
    """Log-probabilities of the PART_LAYERS labels: the two background layers count as one."""
    logp = torch.log_softmax(logits, dim=1)
    bg = torch.logsumexp(torch.stack([logp[:, 0], logp[:, -1]], dim=1), dim=1, keepdim=True)
    return torch.cat([bg, logp[:, 1:-1]], dim=1)
