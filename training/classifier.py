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


class TagClassifier(nn.Module):
    def __init__(self, num_tags, width=32):
        super().__init__()
        self.width = width
        chans, layers, c_in = [width, width * 2, width * 4, width * 8], [], 3
        for c in chans:
            layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(),
                       nn.Conv2d(c, c, 3, stride=2, padding=1), nn.BatchNorm2d(c), nn.ReLU()]
            c_in = c
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(c_in, num_tags)

    def features(self, x):
        """x: (B, 3, S, S) in [-1, 1] → (B, 8·width)."""
        return self.body(x).mean(dim=[2, 3])

    def forward(self, x):
        return self.head(self.features(x))


def per_tag_accuracy(model, data, batch=256):
    model.eval()
    correct = torch.zeros(len(data.vocab))
    with torch.no_grad():
        for i in range(0, len(data), batch):
            x, t = data.batch(torch.arange(i, min(i + batch, len(data))))
            correct += ((model(x) > 0).float() == t).float().sum(0)
    return correct / len(data)


def load_classifier(path):
    ckpt = torch.load(path, map_location="cpu")
    model = TagClassifier(len(ckpt["vocab"]), ckpt.get("width", 32))
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
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    train = TaggedImages(a.data, a.size, limit=a.limit or None)
    held = TaggedImages(a.heldout, a.size, vocab=train.vocab, limit=a.limit or None)
    model = TagClassifier(len(train.vocab), a.width).to(memory_format=torch.channels_last)
    steps = int(a.epochs * len(train) / a.batch)
    opt = torch.optim.AdamW(model.parameters(), 2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=steps)
    started = time.time()
    for step in range(steps):
        model.train()
        x, t = train.batch(torch.randint(len(train), (a.batch,)))
        loss = F.binary_cross_entropy_with_logits(model(x), t)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 20 == 0:
            print(f"\rstep {step}/{steps} loss {loss.item():.4f}", end="", file=sys.stderr, flush=True)
    acc = per_tag_accuracy(model, held)
    names = [v["name"] for v in train.vocab]
    report = {"heldout_mean_accuracy": acc.mean().item(), "heldout_min_accuracy": acc.min().item(),
              "per_tag": {n: round(a_.item(), 4) for n, a_ in zip(names, acc)}, "train_images": len(train),
              "heldout_images": len(held), "steps": steps, "seconds": round(time.time() - started, 1)}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "vocab": train.vocab, "report": report, "size": a.size, "width": model.width}, out / "classifier.pt")
    (out / "classifier.json").write_text(json.dumps(report, indent=1))
    print(f"\nheld-out mean per-tag accuracy {report['heldout_mean_accuracy']:.4f} (min {report['heldout_min_accuracy']:.4f})")


if __name__ == "__main__":
    main()
