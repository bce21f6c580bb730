"""GAN-INT-CLS losses with the stabilisers that made it learn on a CPU budget (findings.md).

D: hinge loss on three pairs, as in Reed et al.'s matching-aware discriminator:
   real + right tags → real; real + wrong tags → fake (weight ½); fake + right tags → fake (½),
   plus BCE of its tag head on real images.
G: fools D on its images for the batch's tags and for interpolated tags (GAN-INT), its images
   carry the requested tags by D's tag head, and a mode-seeking term keeps z mattering.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from training.focus_map import weighted_l1


@dataclass
class LossConfig:
    wrong_weight: float = 0.5      # Reed et al. weight the two fake terms ½ and ½
    aux_weight_d: float = 1.0      # D's tag head on real images
    aux_weight_g: float = 0.5      # G pushed toward images whose tags D's head recognises
    int_weight: float = 1.0        # GAN-INT: interpolated tag vectors (β = 0.5 mixes of two samples)
    # MSGAN: image distance / z distance for pairs sharing tags. At 1.0 it rewarded
    # high-frequency noise (noise makes any two images differ) and G drew static for the
    # first epoch; 0.1 keeps z mattering without that.
    mode_seeking: float = 0.1
    # Tag-head BCE with positives weighted by (negatives / positives) of each tag in the data, so
    # that a tag on one image in eight (closed_eyes) is not learnt as "never": at weight 1 and
    # unbalanced, D's head read closed_eyes and freckles on real images at chance (0.50).
    aux_balanced: bool = False
    # cVAE-GAN (BicycleGAN's weights): G(E(x), tags) must redraw the real x (L1 in [-1, 1]), so
    # z has to carry what the tags leave open; KL (summed over z, mean over the batch) keeps
    # E's codes near the N(0, 1) prior that gacha draws from. 0 = no encoder.
    rec_weight: float = 0.0
    kl_weight: float = 0.01
    # BicycleGAN's cLR branch: E must recover a random z from G(z, tags) (L1 on μ), gradient to
    # G only. Without it the prior's draws drifted towards average faces in the long run of
    # session 7 (docs/training.md, "Model v2"). 0 = off; BicycleGAN uses 0.5.
    latent_weight: float = 0.0
    # Factor codes (training/factor_codes.py): D's factor head learns the untagged variants on
    # real faces (weight factor_weight_d), and G must draw the variants z's first numbers choose
    # (factor_weight_g). 0 = off; needs a factors.csv beside the data.
    factor_weight_d: float = 0.0
    factor_weight_g: float = 0.0
    # Redraw (training/draw_codes.py): half a batch of real faces redrawn from the codes of
    # everything the renderer chose for them (factors.csv and draws.csv), L1 × this weight, and
    # the redraw must fool D. No encoder: the codes are the answer, not a guess. 0 = off.
    redraw_weight: float = 0.0
    # Redraw L1 weighted where these factors.csv columns show (training/focus_map.py), the same
    # weighting as redraw_pretrain --focus; () = the plain mean over the picture.
    redraw_focus: tuple = ()
    redraw_focus_weight: float = 10.0
    # Feature matching (pix2pixHD) on the redraw: the L1 between D's activations on the redrawn
    # face and on its real face, at every scale, averaged over the scales, × this weight. A pixel
    # L1 towards an exact target still settles for blur where G cannot place a line exactly; D's
    # features see lines and flat colours as such. Needs redraw_weight > 0; 0 = off.
    redraw_fm_weight: float = 0.0


def wrong_tags(tags):
    """Each image paired with another image's tags (a cyclic shift of the batch)."""
    return tags.roll(1, dims=0)


def positive_weights(tags, cap=20.0):
    """Per-tag (negatives / positives) of a (N, K) 0/1 tag matrix, capped for very rare tags."""
    p = tags.float().mean(dim=0).clamp(min=1e-3)
    return ((1 - p) / p).clamp(max=cap)


def d_loss(D, real, tags, fake, cfg: LossConfig, pos_weight=None, codes=None, real_factors=None):
    """codes (FactorCodes) and real_factors ((B, F) variant indices of the real images) train
    D's factor head on the real faces; both None when the run has no factor codes."""
    b = real.shape[0]
    out = D(torch.cat([real, real, fake]), torch.cat([tags, wrong_tags(tags), tags]), with_factors=codes is not None)
    scores, logits = out[0], out[1]
    s_real, s_wrong, s_fake = scores[:b], scores[b:2 * b], scores[2 * b:]
    adv = F.relu(1 - s_real).mean() + cfg.wrong_weight * F.relu(1 + s_wrong).mean() \
        + (1 - cfg.wrong_weight) * F.relu(1 + s_fake).mean()
    aux = F.binary_cross_entropy_with_logits(logits[:b], tags, pos_weight=pos_weight)
    loss = adv + cfg.aux_weight_d * aux
    stats = {"d_adv": adv.item(), "d_aux": aux.item(), "d_real": s_real.mean().item(), "d_fake": s_fake.mean().item()}
    if codes is not None:
        factor = codes.cross_entropy(out[2][:b], real_factors)
        loss = loss + cfg.factor_weight_d * factor
        stats.update(d_factor=factor.item(), d_factor_acc=codes.accuracy(out[2][:b], real_factors))
    return loss, stats


def g_loss(G, D, z, tags, cfg: LossConfig, int_fraction=0.25, pos_weight=None, codes=None, coach=None):
    """z: (B, zdim); tags: (B, K) where rows i and i + B/2 are equal, so each pair differs only
    in z and gives the mode-seeking term. The last `int_fraction` of each half gets tag vectors
    interpolated halfway between two samples (GAN-INT) instead of a real sample's tags. With
    codes (FactorCodes), D's factor head — or the frozen coach (FactorCoach) when given — must
    read the variants z chooses in the images drawn with real tag sets."""
    b = z.shape[0]
    half = b // 2
    n_int = int(half * int_fraction)
    tags = tags.clone()
    base = tags[:half]
    mixed = 0.5 * (base[half - n_int:] + base.roll(1, dims=0)[half - n_int:])
    tags[half - n_int:half] = mixed
    tags[b - n_int:] = mixed
    is_int = torch.zeros(b, dtype=torch.bool, device=z.device)
    is_int[half - n_int:half] = True
    is_int[b - n_int:] = True

    fake = G(z, tags)
    out = D(fake, tags, with_factors=codes is not None and coach is None)
    scores, logits = out[0], out[1]
    adv = -scores[~is_int].mean()
    adv_int = -scores[is_int].mean() if n_int else torch.zeros((), device=z.device)
    aux = F.binary_cross_entropy_with_logits(logits[~is_int], tags[~is_int], pos_weight=pos_weight)
    image_dist = (fake[:half] - fake[half:]).abs().mean(dim=[1, 2, 3])
    z_dist = (z[:half] - z[half:]).abs().mean(dim=1)
    ms = 1.0 / (image_dist / z_dist + 1e-5).mean()
    loss = adv + cfg.int_weight * adv_int + cfg.aux_weight_g * aux + cfg.mode_seeking * ms
    stats = {"g_adv": adv.item(), "g_int": adv_int.item(), "g_aux": aux.item(), "g_ms": ms.item()}
    if codes is not None:
        wanted = codes.targets(z[~is_int], tags[~is_int])
        read = coach(fake[~is_int]).float() if coach is not None else out[2][~is_int]
        factor = codes.cross_entropy(read, wanted)
        loss = loss + cfg.factor_weight_g * factor
        per_factor = codes.accuracies(read, wanted)
        stats.update(g_factor=factor.item(), g_factor_acc=sum(per_factor.values()) / len(per_factor),
                     **{f"g_factor_acc_{f}": a for f, a in per_factor.items()})
    return loss, fake, stats


def reconstruction_loss(G, D, E, real, tags, cfg: LossConfig, factor_code=None):
    """cVAE-GAN term on real images: encode, resample, redraw with the image's own tags; the
    redrawn image must match (L1) and must also fool D, so the L1 does not settle for blur.
    factor_code ((B, F) z numbers from FactorCodes.encode of the images' true variants) replaces
    z's first F numbers: the variants are then told, not guessed, and E codes the rest."""
    mu, logvar = E(real)
    noise = torch.randn(mu.shape).to(mu.device)  # CPU random numbers, as everywhere in a run
    z = mu + noise * (0.5 * logvar).exp()
    if factor_code is not None:
        z = torch.cat([factor_code, z[:, factor_code.shape[1]:]], dim=1)
    rec = G(z, tags)
    l1 = (rec - real).abs().mean()
    kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).mean()
    adv = -D(rec, tags)[0].mean()
    loss = cfg.rec_weight * l1 + cfg.kl_weight * kl + adv
    return loss, {"g_rec": l1.item(), "g_kl": kl.item(), "g_rec_adv": adv.item()}


def redraw_loss(G, D, real, tags, code, cfg: LossConfig, weights=None):
    """Real faces redrawn from code ((B, C) z numbers that choose every untagged draw they
    show); z's other numbers are N(0, 1), as in a gacha, so G learns to leave them alone.
    weights: (1, 1, H, W) per-pixel L1 weights with mean 1 (--redraw-focus), or None."""
    rest = torch.randn(code.shape[0], G.cfg.z_dim - code.shape[1]).to(code.device)
    rec = G(torch.cat([code, rest], dim=1), tags)
    l1 = (rec - real).abs().mean() if weights is None else weighted_l1(rec, real, weights)
    if cfg.redraw_fm_weight <= 0:
        adv = -D(rec, tags)[0].mean()
        return cfg.redraw_weight * l1 + adv, {"g_redraw": l1.item(), "g_redraw_adv": adv.item()}
    score, rec_maps = D.score_and_maps(rec, tags)
    with torch.no_grad():
        real_maps = D.feature_maps(real)
    fm = torch.stack([(r - t).abs().mean() for r, t in zip(rec_maps, real_maps)]).mean()
    adv = -score.mean()
    return cfg.redraw_weight * l1 + cfg.redraw_fm_weight * fm + adv, {"g_redraw": l1.item(), "g_redraw_adv": adv.item(), "g_redraw_fm": fm.item()}


def latent_regression_loss(G, E, z, tags, cfg: LossConfig):
    """cLR: draw from the prior, encode the picture, demand the same z back. E is not trained by
    this term: the caller turns its parameters' gradients off around this call."""
    mu, _ = E(G(z, tags))
    l1 = (mu - z).abs().mean()
    return cfg.latent_weight * l1, {"g_latent": l1.item()}
