"""The judge: a multi-label tag classifier trained on real rendered images only.

Its pooled 256-d features also serve as the feature space for the Fréchet distance and the
k-NN precision/recall of training/metrics. It must reach a held-out mean per-tag accuracy of
0.97 before its verdicts on generated images mean anything.
python3 -m training.classifier --data data/lorelei64 --heldout data/lorelei64-heldout --out runs/judge
"""
import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.dataset import TaggedImages
from training.metrics.fidelity import per_tag_fidelity


class TagClassifier(nn.Module):
    """Tag logits, plus (when trained on a folder with factors.csv) one softmax head per untagged
    choice — hair variant, eyes, eyebrows, mouth, nose, head — so the evaluator can count how
    many variants a model draws for one tag set."""

    def __init__(self, num_tags, width=32, factor_classes=None, stem=0):
        super().__init__()
        self.width = width
        self.stem = stem
        self.factor_classes = dict(factor_classes or {})
        chans, layers, c_in = [width, width * 2, width * 4, width * 8], [], 3
        if stem:
            # A 128 px judge: one learnt stride-2 layer reads every pixel (edges, speckle, blur)
            # into `stem` channels, and the body runs at 64 px as the 64 px judge does, so that
            # it costs about the same to train (the full body at 128 px is 4x the work).
            layers += [nn.Conv2d(3, stem, 3, stride=2, padding=1), nn.BatchNorm2d(stem), nn.ReLU()]
            c_in = stem
        for c in chans:
            layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(),
                       nn.Conv2d(c, c, 3, stride=2, padding=1), nn.BatchNorm2d(c), nn.ReLU()]
            c_in = c
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(c_in, num_tags)
        self.factor_heads = nn.ModuleDict({k: nn.Linear(c_in, n) for k, n in self.factor_classes.items()})

    def factor_logits(self, features):
        return {k: head(features) for k, head in self.factor_heads.items()}

    def features(self, x):
        """x: (B, 3, S, S) in [-1, 1] → (B, 8·width)."""
        return self.body(x).mean(dim=[2, 3])

    def forward(self, x):
        return self.head(self.features(x))


def per_tag_accuracy(model, data, batch=256):
    """(accuracy, balanced accuracy: the evaluator's fidelity, the mean of the hit and clean
    rates) of each tag on `data`, (K,) each."""
    model.eval()
    said = []
    with torch.no_grad():
        for i in range(0, len(data), batch):
            x, _ = data.batch(torch.arange(i, min(i + batch, len(data))))
            said.append(model(x) > 0)
    said, truth = torch.cat(said), data.tags > 0.5
    names = [v["name"] for v in data.vocab]
    balanced = per_tag_fidelity(truth.numpy(), said.numpy(), names)
    return (said == truth).float().mean(0), torch.tensor([balanced[n]["fidelity"] for n in names])


def factor_accuracy(model, held, factors, batch=256):
    """Held-out accuracy of each factor head (variant names aligned with the training set's)."""
    if not factors or not held.factors:
        return {}
    model.eval()
    out = {}
    with torch.no_grad():
        preds = {k: [] for k in factors}
        for i in range(0, len(held), batch):
            x, _ = held.batch(torch.arange(i, min(i + batch, len(held))))
            for k, logits in model.factor_logits(model.features(x)).items():
                preds[k].append(logits.argmax(1))
        for k, (names, _) in factors.items():
            held_names, held_idx = held.factors[k]
            truth = [held_names[j] for j in held_idx.tolist()]
            got = [names[j] for j in torch.cat(preds[k]).tolist()]
            out[k] = round(sum(a == b for a, b in zip(truth, got)) / len(truth), 4)
    return out


def balancing_weights(tags):
    """Per-tag positive weights negatives ÷ positives, (N, K) 0/1 tags → (K,). With them a tag's
    two classes weigh alike in the loss, so P > 0.5 is where its balanced accuracy is best, for a
    rare tag as for a common one. A tag no training face has (or every face has) weighs 1."""
    pos = tags.float().sum(0)
    neg = len(tags) - pos
    return torch.where((pos > 0) & (neg > 0), neg / pos.clamp(min=1), torch.ones_like(pos))


def load_classifier(path):
    ckpt = torch.load(path, map_location="cpu")
    factors = ckpt.get("factors") or {}
    model = TagClassifier(len(ckpt["vocab"]), ckpt.get("width", 32), {k: len(v) for k, v in factors.items()}, ckpt.get("stem", 0))
    model.load_state_dict(ckpt["model"])
    return model.eval(), ckpt


def main(argv=None):
    p = argparse.ArgumentParser(description="Train the tag classifier that judges generated images.")
    p.add_argument("--data", required=True)
    p.add_argument("--heldout", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--epochs", type=float, default=3.5)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--width", type=int, default=32, help="channels of the first stage (×8 at the last)")
    p.add_argument("--stem", type=int, default=-1,
                   help="channels of a stride-2 input layer before the body (0 = none); default: 16 above 64 px, else none")
    p.add_argument("--factor-weight", type=float, default=0.0,
                   help="weight of the untagged-factor heads (factors.csv) in the loss; 0 = tags only. Shared with the tags at 0.5 "
                        "(6 heads), the body learnt shapes and lost colour (held-out tag accuracy 0.906, colours at chance): "
                        "train the factor judge as its own run")
    p.add_argument("--factors-only", action="store_true", help="train the factor heads only (the evaluator's --factor-judge)")
    p.add_argument("--balanced", action="store_true",
                   help="weigh each tag's positives by its negatives ÷ positives in the training tags, so that 0.5 is the "
                        "threshold of best balanced accuracy: the evaluator's fidelity is balanced accuracy, and a judge "
                        "trained unweighted read a wink (8 %% of faces) on only a third of the renders")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    train = TaggedImages(a.data, a.size, limit=a.limit or None)
    held = TaggedImages(a.heldout, a.size, vocab=train.vocab, limit=a.limit or None)
    factors = (train.factors or {}) if (a.factor_weight > 0 or a.factors_only) else {}
    stem = a.stem if a.stem >= 0 else (16 if a.size > 64 else 0)
    model = TagClassifier(len(train.vocab), a.width, {k: len(names) for k, (names, _) in factors.items()}, stem).to(memory_format=torch.channels_last)
    steps = int(a.epochs * len(train) / a.batch)
    pos_weight = balancing_weights(train.tags) if a.balanced else None
    opt = torch.optim.AdamW(model.parameters(), 2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=steps)
    started = time.time()
    for step in range(steps):
        model.train()
        idx = torch.randint(len(train), (a.batch,))
        x, t = train.batch(idx)
        f = model.features(x)
        loss = 0 if a.factors_only else F.binary_cross_entropy_with_logits(model.head(f), t, pos_weight=pos_weight)
        for k, logits in model.factor_logits(f).items():
            loss = loss + (1.0 if a.factors_only else a.factor_weight) * F.cross_entropy(logits, factors[k][1][idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 20 == 0:
            print(f"\rstep {step}/{steps} loss {loss.item():.4f}", end="", file=sys.stderr, flush=True)
    acc, balanced_acc = per_tag_accuracy(model, held)
    factor_acc = factor_accuracy(model, held, factors)
    names = [v["name"] for v in train.vocab]
    report = {"heldout_mean_accuracy": acc.mean().item(), "heldout_min_accuracy": acc.min().item(),
              "per_tag": {n: round(a_.item(), 4) for n, a_ in zip(names, acc)},
              "per_tag_balanced": {n: round(a_.item(), 4) for n, a_ in zip(names, balanced_acc)}, "train_images": len(train),
              "heldout_images": len(held), "steps": steps, "balanced": a.balanced, "factor_accuracy": factor_acc, "seconds": round(time.time() - started, 1)}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "vocab": train.vocab, "report": report, "size": a.size, "width": model.width, "stem": model.stem,
                "factors": {k: names for k, (names, _) in factors.items()}}, out / "classifier.pt")
    (out / "classifier.json").write_text(json.dumps(report, indent=1))
    print(f"\nheld-out mean per-tag accuracy {report['heldout_mean_accuracy']:.4f} (min {report['heldout_min_accuracy']:.4f})")


if __name__ == "__main__":
    main()
