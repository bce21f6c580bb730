"""Snapped codes: a generator whose coded z numbers draw the middle of their variant's share.

A factor or draw code puts the k-th of n variants in the k-th of n equal shares of N(0, 1), and
training redraws real faces from numbers drawn anywhere in that share (FactorCodes.encode,
DrawCodes.encode). The generator does not follow a code sharply: near the boundary between two
shares it draws something between two hair variants or two mouths, a face no render shows.
Moving each coded number to the middle of its share (in the normal CDF's terms) before G reads
it keeps every seed's variant and draws it as G draws it best (docs/training.md, session 21:
the v2 preview's recall 0.880 → 0.899, FD 5.31 → 5.16 on the same seeds).

The move is folded into the network, not done by the runtime: with the code layer's steps
s_k = σ(a (z_i − t_k)) at the boundaries t_k of z_i's shares, the snapped number is
m_0 + Σ_k (m_{k+1} − m_k) s_k, linear in the steps, so fc's column for z_i moves onto the step
columns (and its first share's middle into fc's bias). The model keeps its layers and its
interface (z is still 100 numbers from N(0, 1)), and tfjs, ONNX, the browser and share codes
need nothing new. Where tags narrow a factor, the boundaries of every narrowing are merged
(training/code_layer.py), so a share here is the finest cell: inside one variant for every
tag set, its middle not always that variant's middle.
"""
import copy
from statistics import NormalDist

import torch

from training.networks import Generator, with_code_layer


def cell_middles(thresholds):
    """For sorted thresholds t_1 < … < t_K of one z number, the K + 1 numbers in the middle (in
    normal CDF terms) of the cells they cut N(0, 1) into."""
    edges = [0.0] + [NormalDist().cdf(t) for t in thresholds] + [1.0]
    return [NormalDist().inv_cdf((a + b) / 2) for a, b in zip(edges, edges[1:])]


def steps_by_number(thresholds):
    """{z index: [(threshold, its column among the steps), …] sorted} of [[z index, t], …]."""
    steps = {}
    for k, (i, t) in enumerate(thresholds):
        steps.setdefault(int(i), []).append((float(t), k))
    return {i: sorted(pairs) for i, pairs in steps.items()}


def snap_codes(G: Generator, thresholds=None) -> Generator:
    """A copy of G (eval or train mode as G) whose fc reads each z number that has code-layer
    steps as the middle of the cell it falls in. G without a code layer gets one first, at these
    thresholds ([[z index, t], …], training.code_layer.code_thresholds) and zero weight; G with one
    keeps its own (thresholds must then be None or the same)."""
    if G.cfg.code_thresholds:
        if thresholds is not None and [[int(i), float(t)] for i, t in thresholds] != G.cfg.code_thresholds:
            raise ValueError("this generator's code layer has other thresholds than those given")
        snapped = copy.deepcopy(G)
    elif thresholds:
        snapped = with_code_layer(G, thresholds).train(G.training)
    else:
        raise ValueError("a generator without a code layer needs the code thresholds (from its training data)")
    n_in = snapped.cfg.z_dim + snapped.cfg.num_tags
    # Every layer that reads the trunk's input: fc, and a layered generator's palette (its colours
    # come from the same numbers: the eye colour of closed eyes is a coded draw).
    readers = [snapped.fc] + ([snapped.palette_fc] if hasattr(snapped, "palette_fc") else [])
    with torch.no_grad():
        for layer in readers:
            W, b = layer.weight.double(), layer.bias.double()
            for i, pairs in steps_by_number(snapped.cfg.code_thresholds).items():
                middles = cell_middles([t for t, _ in pairs])
                column = W[:, i].clone()
                b += column * middles[0]
                for (_, k), low, high in zip(pairs, middles, middles[1:]):
                    W[:, n_in + k] += column * (high - low)
                W[:, i] = 0
            layer.weight.copy_(W.float())
            layer.bias.copy_(b.float())
    return snapped


def snap_numbers(z, thresholds):
    """What snap_codes' network reads instead of z (B, z_dim), with hard steps: each coded number
    moved to its cell's middle. For tests and pilots; the network does this itself."""
    z = z.clone().double()
    for i, pairs in steps_by_number(thresholds).items():
        ts = [t for t, _ in pairs]
        middles = torch.tensor(cell_middles(ts), dtype=torch.float64)
        z[:, i] = middles[torch.bucketize(z[:, i].contiguous(), torch.tensor(ts, dtype=torch.float64))]
    return z.float()
