"""A folder of images plus tags.csv (image,tags with space-separated Danbooru tags).

This is the format tools/make-dataset.ts writes and the documented way to train on one's
own data. The K most frequent tags are kept (64 like the original); vocab.json, when the
folder has one, supplies each tag's group and Japanese name.
"""
import csv
import json
from collections import Counter
from functools import cached_property
from pathlib import Path

import numpy as np
import torch
from PIL import Image


class DataError(Exception):
    """A dataset folder that cannot be used; the message says which file and why."""


def read_tag_rows(root: Path):
    path = root / "tags.csv"
    if not path.is_file():
        raise DataError(f"{path}: missing (expected a CSV with columns image,tags)")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or not {"image", "tags"} <= set(reader.fieldnames):
            raise DataError(f"{path}: the header must name the columns image and tags")
        rows = [(r["image"], r["tags"].replace(",", " ").split()) for r in reader]
    if not rows:
        raise DataError(f"{path}: no rows")
    return rows


def choose_vocabulary(root: Path, rows, max_tags: int):
    """The K most frequent tags, in vocab.json's order when it exists (so groups stay together)."""
    counts = Counter(t for _, tags in rows for t in tags)
    kept = {t for t, _ in counts.most_common(max_tags)}
    vocab_path = root / "vocab.json"
    if vocab_path.is_file():
        known = json.loads(vocab_path.read_text(encoding="utf-8"))
        vocab = [dict(v) for v in known if v["name"] in kept]
        named = {v["name"] for v in vocab}
        vocab += [{"name": t, "group": "other", "ja": t} for t, _ in counts.most_common(max_tags) if t not in named]
    else:
        vocab = [{"name": t, "group": "other", "ja": t} for t, _ in counts.most_common(max_tags)]
    for v in vocab:
        v["frequency"] = counts[v["name"]] / len(rows)
    return with_hidden_sets(vocab, rows)


def with_hidden_sets(vocab, rows, min_count=20, min_share=0.5):
    """The vocabulary with `hides` on each tag that never appears beside any tag of an exclusive
    set that most other images have: closed_eyes and sunglasses hide eye_color (an eye colour
    nobody can see is not tagged). The runtime then leaves that set empty for such a tag instead
    of filling it at random, which would ask the generator for a face it never saw."""
    sets = {}
    for v in vocab:
        if v.get("exclusive"):
            sets.setdefault(v["exclusive"], set()).add(v["name"])
    row_tags = [set(tags) for _, tags in rows]
    out = []
    for v in vocab:
        v = {k: x for k, x in v.items() if k != "hides"}
        with_tag = [tags for tags in row_tags if v["name"] in tags]
        without = [tags for tags in row_tags if v["name"] not in tags]
        hidden = [name for name, members in sets.items()
                  if len(with_tag) >= min_count and without and v["name"] not in members
                  and not any(tags & members for tags in with_tag)
                  and sum(1 for tags in without if tags & members) / len(without) >= min_share]
        if hidden:
            v["hides"] = hidden
        out.append(v)
    return out


def load_images(root: Path, files, size: int) -> torch.Tensor:
    """All images as one uint8 tensor (N, 3, S, S); resized (Lanczos) when not S×S already.

    Decoding 30,000 PNGs takes minutes on two busy cores, and every pilot and resume pays it:
    the decoded array is kept in ROOT/.cache/ (keyed by size, the file list and tags.csv's
    modification time) and read back from there next time."""
    import hashlib
    key = hashlib.sha1(("\n".join(files) + f"|{size}|{(root / 'tags.csv').stat().st_mtime_ns}").encode()).hexdigest()[:16]
    cache = root / ".cache" / f"images-{size}-{key}.npy"
    if cache.is_file():
        return torch.from_numpy(np.load(cache)).permute(0, 3, 1, 2).contiguous()
    out = np.empty((len(files), size, size, 3), dtype=np.uint8)
    for i, name in enumerate(files):
        path = root / name
        try:
            with Image.open(path) as im:
                im = im.convert("RGB")
                if im.size != (size, size):
                    im = im.resize((size, size), Image.LANCZOS)
                out[i] = np.asarray(im)
        except (OSError, ValueError) as e:
            raise DataError(f"{path}: cannot read image ({e})") from e
    try:
        cache.parent.mkdir(exist_ok=True)
        tmp = cache.with_suffix(".tmp.npy")
        np.save(tmp, out)
        tmp.replace(cache)
    except OSError:
        pass  # a read-only dataset folder: no cache, same images
    return torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()


def read_image_table(path: Path, files):
    """A CSV keyed by its `image` column, for every one of `files`: (other column names, one dict
    per file in `files` order); None when the file is missing or leaves an image out."""
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        by_image = {r["image"]: r for r in reader}
        columns = [c for c in (reader.fieldnames or []) if c != "image"]
    if any(name not in by_image for name in files):
        return None
    return columns, [by_image[name] for name in files]


def read_factors(root: Path, files):
    """factors.csv (image, then one column per untagged choice: hair, eyes, …) when the folder has
    one: {factor: (sorted variant names, LongTensor of each image's variant index)}; else None.
    The datasets tools/make-dataset.ts renders carry it; a user's own folder need not."""
    table = read_image_table(root / "factors.csv", files)
    if table is None:
        return None
    columns, rows = table
    out = {}
    for c in columns:
        values = [r[c] for r in rows]
        names = sorted(set(values))
        index = {n: i for i, n in enumerate(names)}
        out[c] = (names, torch.tensor([index[v] for v in values]))
    return out


def read_draws(root: Path, files):
    """draws.csv (training/draw_codes.py) when the folder has one for every image: (names,
    choice (N, C) LongTensor, choices (N, C) LongTensor, 0 where the draw did not happen); else
    None. A choice outside its range is a DataError."""
    path = root / "draws.csv"
    table = read_image_table(path, files)
    if table is None:
        return None
    names, rows = table
    # One tensor from nested lists: assigning 30,000 × 22 cells one by one took 5 s.
    pairs = torch.tensor([[[int(v) for v in row[c].split("/")] if row[c] else [0, 0] for c in names] for row in rows],
                         dtype=torch.long).reshape(len(files), len(names), 2)
    choice, choices = pairs[..., 0], pairs[..., 1]
    if ((choices > 0) & (choice >= choices)).any():
        raise DataError(f"{path}: a choice outside its range")
    return names, choice, choices


def tag_matrix(rows, vocab):
    """Multi-hot float32 (N, K) of read_tag_rows' rows over vocab (tags outside it left out)."""
    index = {v["name"]: i for i, v in enumerate(vocab)}
    tags = torch.zeros(len(rows), len(vocab))
    for r, (_, names) in enumerate(rows):
        for t in names:
            if t in index:
                tags[r, index[t]] = 1.0
    return tags


class TaggedImages:
    """Images as uint8 (N, 3, S, S) and multi-hot tags as float32 (N, K), all in memory."""

    def __init__(self, root, size=64, max_tags=64, vocab=None, limit=None):
        root = Path(root)
        rows = read_tag_rows(root)
        if limit:
            rows = rows[:limit]
        self.vocab = vocab if vocab is not None else choose_vocabulary(root, rows, max_tags)
        self.tags = tag_matrix(rows, self.vocab)
        self.images = load_images(root, [f for f, _ in rows], size)
        self.size = size
        self.files = [f for f, _ in rows]
        self.factors = read_factors(root, self.files)
        self.root = root

    @cached_property
    def draws(self):
        """read_draws of the folder, read when first asked (only --redraw runs need it: 1 s for 30,000 rows)."""
        return read_draws(self.root, self.files)

    def __len__(self):
        return len(self.tags)

    def batch(self, idx):
        """Images scaled to [-1, 1] and their tags, for a CPU index tensor; images on the device they were moved to."""
        return self.images[idx.to(self.images.device)].float().div_(127.5).sub_(1.0), self.tags[idx]
