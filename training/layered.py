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
import dataclasses
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
    image_size: int = 128        # the pictures served
    # The trunk draws the logits at this size; each doubling up to image_size is a bilinear
    # upsampling of the logits, nearly free, where a conv layer at 128 px costs 3x the trunk on
    # a CPU (pilot v3a: 1.8 images/s of training on a loaded 2-core machine).
    mask_size: int = 64
    g_channels: list = field(default_factory=lambda: [256, 128, 64, 48, 32])
    layers: int = len(LAYERS)
    palette_hidden: int = 256
    # A detail head: one 3x3 conv at twice mask_size (the trunk's last features, nearest-
    # upsampled) adding to the upsampled logits. Freckles, earrings and a closed eye's line are
    # a pixel or two at 128 px, under the 64 px logits' grain (v3: freckles never drawn,
    # fidelity 0.507); one conv to K logits costs a fraction of the 128 px block v3a tried.
    detail: bool = False

    @property
    def logits_size(self):
        """The size parts() draws the logits at: the trunk's, or twice it with the detail head."""
        return self.mask_size * 2 if self.detail else self.mask_size

    def logit_doublings(self, scale=1):
        """How many 2x upsamplings turn parts()' logits into a picture of image_size · scale."""
        base = self.logits_size
        ratio = self.image_size * scale // base
        if ratio < 1 or ratio & (ratio - 1) or base * ratio != self.image_size * scale:
            raise ValueError(f"{self.image_size * scale} px is not a power-of-two multiple of the {base} px logits")
        return ratio.bit_length() - 1


def upsample2x_legacy(x):
    """TF's resize_bilinear without half-pixel centres (tfjs UpSampling2D 'bilinear'): out[2i] =
    x[i], out[2i+1] = (x[i] + x[i+1]) / 2, the last row and column repeated."""
    nxt = torch.cat([x[..., 1:], x[..., -1:]], dim=-1)
    x = torch.stack([x, (x + nxt) / 2], dim=-1).flatten(-2)
    nxt = torch.cat([x[..., 1:, :], x[..., -1:, :]], dim=-2)
    return torch.stack([x, (x + nxt) / 2], dim=-2).flatten(-3, -2)


class _ServedUpsample(torch.autograd.Function):
    """upsample2x_legacy, exported as one ONNX Resize (linear, asymmetric coordinates: TF's legacy
    bilinear, the last row and column repeated). The stack of slices, concats and adds that
    tracing the PyTorch form gives was 11 % of a served 128 px batch (ORT profiler, batch 4);
    one Resize is 3 %. Inference only: it has no backward."""

    @staticmethod
    def forward(ctx, x):
        return upsample2x_legacy(x)

    @staticmethod
    def symbolic(g, x):
        roi = g.op("Constant", value_t=torch.tensor([], dtype=torch.float32))
        scales = g.op("Constant", value_t=torch.tensor([1, 1, 2, 2], dtype=torch.float32))
        return g.op("Resize", x, roi, scales, coordinate_transformation_mode_s="asymmetric", mode_s="linear",
                    nearest_mode_s="floor")


def upsample2x_served(x):
    """upsample2x_legacy, as one Resize node when exported to ONNX."""
    return _ServedUpsample.apply(x) if torch.onnx.is_in_onnx_export() else upsample2x_legacy(x)


class LayeredGenerator(Generator):
    """G(z, tags) → (B, 3, S, S) in [-1, 1], drawn as K flat layers."""

    def __init__(self, cfg: LayeredConfig):
        super().__init__(dataclasses.replace(cfg, image_size=cfg.mask_size))  # the trunk, at the masks' size
        self.cfg = cfg
        self.out = nn.Conv2d(cfg.g_channels[len(self.blocks)], cfg.layers, 3, padding=1)
        if cfg.detail:
            if cfg.image_size < 2 * cfg.mask_size:
                raise ValueError(f"a detail head draws at {2 * cfg.mask_size} px: more than the {cfg.image_size} px pictures")
            self.detail = nn.Conv2d(cfg.g_channels[len(self.blocks)], cfg.layers, 3, padding=1)
            # Zero at first: a generator given a detail head draws exactly what it drew before.
            nn.init.zeros_(self.detail.weight)
            nn.init.zeros_(self.detail.bias)
        n_in = self.fc.in_features
        self.palette_fc = nn.Linear(n_in, cfg.palette_hidden)
        self.palette_out = nn.Linear(cfg.palette_hidden, cfg.layers * 3)

    def trunk_input(self, z, tags):
        x = torch.cat([z.float(), tags.float()], dim=1)
        if self.cfg.code_thresholds:
            x = torch.cat([x, torch.sigmoid(F.linear(x, self.code_weight, self.code_bias))], dim=1)
        return x

    def palette(self, x):
        """(B, K, 3) layer colours in [-1, 1] from trunk_input's x: a small MLP beside the trunk."""
        return torch.tanh(self.palette_out(F.relu(self.palette_fc(x)))).view(-1, self.cfg.layers, 3)

    def parts(self, z, tags, upsample=upsample2x_legacy):
        """(logits (B, K, L, L) at cfg.logits_size, palette (B, K, 3) in [-1, 1])."""
        x = self.trunk_input(z, tags)
        h = F.relu(self.fc_bn(self.fc(x).view(z.shape[0], -1, 4, 4)))
        for block in self.blocks:
            h = block(h)
        palette = self.palette(x)
        logits = self.out(h)
        if self.cfg.detail:
            logits = upsample(logits) + self.detail(F.interpolate(h, scale_factor=2, mode="nearest"))
        return logits, palette

    @staticmethod
    def composite(logits, palette):
        weights = torch.softmax(logits, dim=1)
        return torch.einsum("bkhw,bkc->bchw", weights, palette)

    def logits_at(self, logits, scale=1, upsample=upsample2x_legacy):
        for _ in range(self.cfg.logit_doublings(scale)):
            logits = upsample(logits)
        return logits

    def forward(self, z, tags, scale=1):
        logits, palette = self.parts(z, tags)
        return self.composite(self.logits_at(logits, scale), palette)

    def forward_nhwc(self, z, tags, scale=1):
        """forward's picture as (B, S, S, 3), the served layout, in the form that ONNX Runtime runs
        fastest (ORT profiler, batch 4, 2 threads). A softmax over the K layers was 35 % of a batch
        over NCHW's channel axis and still 13 % over NHWC's last one, with a 4.8 % transpose of the
        K logits before it; instead each layer's weight is exp(logit − the pixel's largest), so no
        exponent overflows, and one matrix product per face gives the three colour sums and the
        weights' sum at once (palette rows with a 1 appended) before the division. Every step is
        elementwise or a product in NCHW; only the three colours are transposed. Same picture as
        forward to float rounding (≤ 2e-7 on v3.1); 300 → 345 images/s with the Resize above."""
        logits, palette = self.parts(z, tags, upsample2x_served)
        logits = self.logits_at(logits, scale, upsample2x_served)
        b, k, h, w = logits.shape
        weights = torch.exp(logits - logits.amax(dim=1, keepdim=True)).reshape(b, k, h * w)
        sums = torch.matmul(torch.cat([palette, torch.ones_like(palette[..., :1])], dim=-1).transpose(1, 2), weights)
        return (sums[:, :3] / sums[:, 3:]).transpose(1, 2).reshape(b, h, w, 3)


class Scaled(nn.Module):
    """A layered generator drawing at `scale` times its size (its logits upsampled first): what
    a model folder exported with --scale serves."""

    def __init__(self, G, scale):
        super().__init__()
        self.G, self.scale = G, scale

    def forward(self, z, tags):
        return self.G(z, tags, scale=self.scale)

    def forward_nhwc(self, z, tags):
        return self.G.forward_nhwc(z, tags, scale=self.scale)


def grouped_log_probs(logits):
    """Log-probabilities of the PART_LAYERS labels: the two background layers count as one."""
    logp = torch.log_softmax(logits, dim=1)
    bg = torch.logsumexp(torch.stack([logp[:, 0], logp[:, -1]], dim=1), dim=1, keepdim=True)
    return torch.cat([bg, logp[:, 1:-1]], dim=1)
