"""A folder of images plus tags.csv (columns image and tags), as users have them.

tools/make-dataset.ts writes this format, and it is the documented way to train on one's own art
(docs/own-data.md). tags.csv may come from Excel ("CSV UTF-8": a BOM, CRLF, quoted cells, even
";" between columns); image paths are relative to the folder, in subfolders or not ("\\" is read
as "/"); a cell's tags are separated as the CLI separates them (training/tag_names.py) and folded
onto the CLI's spelling, so "Blonde Hair" trains as the blonde_hair users can type. Images may be
PNG, JPEG, WebP or anything Pillow reads; transparency is laid on white; non-square images are
centre-cropped (fit "crop") or padded with white (fit "pad"); an image that cannot be read is
skipped and counted. The K most frequent tags are kept (64 like the original); vocab.json, when
the folder has one, supplies each tag's group, Japanese name and exclusive set, else the sets are
inferred from tags that never meet (training/exclusive_groups.py).

Decoded images are cached outside the dataset folder (image_cache_dir: ~/.cache/gff/images, or
$GFF_CACHE_DIR) as one uint8 .npy file read back memory-mapped: neither decoding nor training holds
all images in memory at once (100,000 images at 64 px are a 1.2 GB file the OS pages in).
"""
import csv
import hashlib
import io
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

from training.exclusive_groups import with_inferred_sets
from training.tag_names import normalize_tag, split_tags

FITS = ("crop", "pad")
CACHE_VERSION = 2   # bump when decoding changes what a cached image holds


class DataError(Exception):
    """A dataset folder that cannot be used; the message says which file and why."""


@dataclass
class TagTable:
    """tags.csv read: rows (image path, [normalised tags]) and what reading it folded or dropped."""
    rows: list
    merged: dict = field(default_factory=dict)   # normalised tag → the distinct spellings folded onto it
    empty_rows: int = 0                          # rows without an image path, left out

    def warnings(self):
        out = []
        for name, spellings in sorted(self.merged.items()):
            out.append(f"tags {', '.join(sorted(spellings))} are one tag to the CLI ({name}): trained as one")
        if self.empty_rows:
            out.append(f"{self.empty_rows} rows of tags.csv name no image: left out")
        return out


def _header_delimiter(first_line: str):
    """The column separator whose split of the header has image and tags (Excel writes ";" in some locales)."""
    for delimiter in (",", ";", "\t"):
        names = [c.strip().lower() for c in next(csv.reader([first_line], delimiter=delimiter))]
        if "image" in names and "tags" in names:
            return delimiter
    return None


def read_tag_table(root: Path) -> TagTable:
    path = Path(root) / "tags.csv"
    if not path.is_file():
        raise DataError(f"{path}: missing (expected a CSV with columns image,tags)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start}); save it as \"CSV UTF-8\"") from None
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = _header_delimiter(first_line)
    if delimiter is None:
        raise DataError(f"{path}: the header must name the columns image and tags (got {first_line[:80]!r})")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [c.strip().lower() for c in next(reader)]
    at_image, at_tags = header.index("image"), header.index("tags")
    spellings, rows, empty = {}, [], 0
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue  # a blank line (Excel leaves some at the end)
        image = cells[at_image].strip().replace("\\", "/") if at_image < len(cells) else ""
        if not image:
            empty += 1
            continue
        tags = []
        for raw in split_tags(cells[at_tags] if at_tags < len(cells) else ""):
            name = normalize_tag(raw)
            spellings.setdefault(name, set()).add(raw.strip())
            if name not in tags:
                tags.append(name)
        rows.append((image, tags))
    if not rows:
        raise DataError(f"{path}: no rows")
    merged = {n: s for n, s in spellings.items() if len(s) > 1}
    return TagTable(rows, merged, empty)


def read_tag_rows(root: Path):
    """tags.csv's rows: [(image path relative to the folder, [normalised tags])]."""
    return read_tag_table(root).rows


def choose_vocabulary(root: Path, rows, max_tags: int):
    """The K most frequent tags, in vocab.json's order when it exists (so groups stay together),
    with exclusive sets from vocab.json or, where it names none, inferred from the rows."""
    counts = Counter(t for _, tags in rows for t in tags)
    kept = {t for t, _ in counts.most_common(max_tags)}
    vocab_path = root / "vocab.json"
    if vocab_path.is_file():
        try:
            known = json.loads(vocab_path.read_text(encoding="utf-8-sig"))
            known = [{**v, "name": normalize_tag(v["name"])} for v in known]
        except (ValueError, TypeError, KeyError) as e:
            raise DataError(f"{vocab_path}: expected a JSON list of {{\"name\": …, \"group\": …, \"exclusive\": …}} ({e})") from None
        vocab = [dict(v) for v in known if v["name"] in kept]
        named = {v["name"] for v in vocab}
        vocab += [{"name": t, "group": "other", "ja": t} for t, _ in counts.most_common(max_tags) if t not in named]
    else:
        vocab = [{"name": t, "group": "other", "ja": t} for t, _ in counts.most_common(max_tags)]
    for v in vocab:
        v.setdefault("group", "other")
        v["frequency"] = counts[v["name"]] / len(rows)
    vocab, _ = with_inferred_sets(vocab, rows)
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


def image_cache_dir() -> Path:
    """Where decoded images are cached: $GFF_CACHE_DIR, else $XDG_CACHE_HOME/gff/images (~/.cache/gff/images)."""
    if os.environ.get("GFF_CACHE_DIR"):
        return Path(os.environ["GFF_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gff" / "images"


def _has_alpha(im) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info


def decode_image(path: Path, size: int, fit: str = "crop") -> np.ndarray:
    """One image as uint8 (3, size, size): turned as its EXIF says, transparency laid on white,
    centre-cropped (fit "crop") or padded with white (fit "pad") to a square, resized (Lanczos).
    OSError, ValueError or Pillow's DecompressionBombError where it cannot be read."""
    with Image.open(path) as im:
        im.draft("RGB", (size, size))  # JPEG: decode at a reduced scale ≥ size (far faster for photos)
        im = ImageOps.exif_transpose(im)
        if _has_alpha(im):
            rgba = im.convert("RGBA")
            im = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
        else:
            im = im.convert("RGB")
    w, h = im.size
    if w != h:
        if fit == "pad":
            side = max(w, h)
            square = Image.new("RGB", (side, side), (255, 255, 255))
            square.paste(im, ((side - w) // 2, (side - h) // 2))
            im = square
        else:
            side = min(w, h)
            left, top = (w - side) // 2, (h - side) // 2
            im = im.crop((left, top, left + side, top + side))
    if im.size != (size, size):
        im = im.resize((size, size), Image.LANCZOS, reducing_gap=3.0)
    return np.asarray(im, dtype=np.uint8).transpose(2, 0, 1)


def _cache_key(root: Path, files, size: int, fit: str) -> str:
    stat = (root / "tags.csv").stat()
    head = f"v{CACHE_VERSION}|{root.resolve()}|{size}|{fit}|{stat.st_mtime_ns}|{stat.st_size}|"
    return hashlib.sha1((head + "\n".join(files)).encode()).hexdigest()[:20]


def _open_cached(npy: Path, count: int) -> torch.Tensor:
    """The first `count` images of a cache file, memory-mapped copy-on-write (nothing read yet)."""
    return torch.from_numpy(np.load(npy, mmap_mode="c")[:count])


def load_images(root: Path, files, size: int, fit: str = "crop", log=sys.stderr):
    """(images uint8 (M, 3, S, S) memory-mapped from the cache, indices into `files` of the M
    images read, [(file, reason)] of those skipped). Decoded once per folder, size and fit
    (keyed by tags.csv's time and size and the file list) into image_cache_dir(); decoding
    writes each image into the memory-mapped file as it goes."""
    root = Path(root)
    if fit not in FITS:
        raise DataError(f"fit must be one of {', '.join(FITS)} (got {fit!r})")
    cache = image_cache_dir()
    key = _cache_key(root, files, size, fit)
    npy, meta_path = cache / f"{key}.npy", cache / f"{key}.json"
    if meta_path.is_file() and npy.is_file():
        try:
            meta = json.loads(meta_path.read_text())
            return _open_cached(npy, len(meta["kept"])), meta["kept"], [tuple(s) for s in meta["skipped"]]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache: decode again
    shape = (max(1, len(files)), 3, size, size)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"{key}.{os.getpid()}.tmp.npy"
        out = tmp.open("w+b")
    except OSError:  # no writable cache: an anonymous file, gone when the images are
        tmp, out = None, tempfile.TemporaryFile()
    # Written with plain writes, not through a memory map: written pages then sit in the page
    # cache, not in this process's memory (100,000 images at 64 px: 1.2 GB).
    np.lib.format.write_array_header_1_0(out, {"descr": "|u1", "fortran_order": False, "shape": shape})
    header = out.tell()
    kept, skipped = [], []
    started = last_note = time.time()
    for i, name in enumerate(files):
        try:
            out.write(decode_image(root / name, size, fit).tobytes())
            kept.append(i)
        except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as e:
            skipped.append((name, str(e).splitlines()[0] if str(e) else type(e).__name__))
        if log is not None and time.time() - last_note > 5:
            last_note = time.time()
            rate = (i + 1) / (last_note - started)
            print(f"\rdecoding images: {i + 1:,}/{len(files):,} ({rate:.0f}/s, "
                  f"{(len(files) - i - 1) / rate:.0f} s left)", end="", file=log, flush=True)
    out.truncate(header + int(np.prod(shape)))  # the rows of skipped images: zeros at the end, unused
    out.close() if tmp is not None else out.flush()
    if log is not None and last_note != started:
        print(file=log)
    if not kept:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        first = skipped[0] if skipped else ("", "")
        raise DataError(f"{root}: none of the {len(files)} images could be read (e.g. {root / first[0]}: {first[1]})")
    if tmp is None:
        images = np.memmap(out, dtype=np.uint8, mode="c", offset=header, shape=shape)
        out.close()  # the map holds its own handle
        return torch.from_numpy(images[:len(kept)]), kept, skipped
    os.replace(tmp, npy)
    meta = {"root": str(root.resolve()), "size": size, "fit": fit, "kept": kept, "skipped": skipped}
    meta_tmp = meta_path.with_suffix(f".{os.getpid()}.tmp")
    meta_tmp.write_text(json.dumps(meta))
    os.replace(meta_tmp, meta_path)  # last: a cache entry with its .json is complete
    return _open_cached(npy, len(kept)), kept, skipped


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
    """Images as uint8 (N, 3, S, S), memory-mapped from the cache (load_images), and multi-hot tags
    as float32 (N, K) in memory. Rows whose image could not be read are left out: `skipped` lists
    them with the reason, `warnings` what else reading the folder folded or dropped."""

    def __init__(self, root, size=64, max_tags=64, vocab=None, limit=None, fit="crop", log=sys.stderr):
        root = Path(root)
        table = read_tag_table(root)
        rows = table.rows[:limit] if limit else table.rows
        images, kept, self.skipped = load_images(root, [f for f, _ in rows], size, fit, log=log)
        rows = [rows[i] for i in kept]
        self.vocab = vocab if vocab is not None else choose_vocabulary(root, rows, max_tags)
        self.tags = tag_matrix(rows, self.vocab)
        self.images = images
        self.size = size
        self.files = [f for f, _ in rows]
        self.tags_seen = len({t for _, tags in rows for t in tags})
        self.warnings = table.warnings()
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
