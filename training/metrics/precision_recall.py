"""Improved precision and recall (Kynkäänniemi et al., 2019) with k-NN manifolds.

Precision: share of generated samples inside the real manifold (within the k-th neighbour
radius of some real sample). Recall: share of real samples inside the generated manifold.
A generator that draws one face per tag set keeps precision but loses recall.
"""
import torch


def _kth_radius(x, k):
    d = torch.cdist(x, x)
    return d.kthvalue(k + 1, dim=1).values  # +1: each point is its own nearest neighbour


def _inside_each(points, manifold, radii, chunk=1024):
    hits = []
    for i in range(0, len(points), chunk):
        d = torch.cdist(points[i:i + chunk], manifold)
        hits.append((d <= radii.unsqueeze(0)).any(dim=1))
    return torch.cat(hits)


def _inside(points, manifold, radii):
    return _inside_each(points, manifold, radii).float().mean().item()


def covered(real, fake, k=3):
    """Per real sample: is it inside the generated manifold? (Bool tensor; its mean is the recall.)
    Grouped by the real faces' tags or variants it says which faces a generator misses."""
    real, fake = torch.as_tensor(real, dtype=torch.float32), torch.as_tensor(fake, dtype=torch.float32)
    return _inside_each(real, fake, _kth_radius(fake, k))


def precision_recall(real, fake, k=3):
    real, fake = torch.as_tensor(real, dtype=torch.float32), torch.as_tensor(fake, dtype=torch.float32)
    precision = _inside(fake, real, _kth_radius(real, k))
    recall = _inside(real, fake, _kth_radius(fake, k))
    return precision, recall
