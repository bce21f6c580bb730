"""Mutually exclusive tag sets inferred from the data, for a folder whose vocab.json names none.

The runtime reads a tag's `exclusive` (tags.json) as "one of these per face": the gacha fills a
set the user left empty with one tag drawn by frequency, and a named tag clears the others of its
set (src/core/tags-input.ts). Without sets a model of one's own art draws every unnamed tag at 0,
a face the data never had. A set here is a group of tags that (nearly) never appear on one image
together and that between them cover most images: hair colours, backgrounds, eye colours. Tags
that merely never meet but are rare (glasses and sunglasses) cover few images and form no set, so
the gacha does not put glasses on every girl.
"""
import numpy as np

MIN_COVERAGE = 0.8    # share of images that carry one tag of the set (closed eyes hide an eye colour)
NOISE_SHARE = 0.02    # co-occurrences up to this share of the rarer tag's count are tagging slips


def _name(members, taken):
    """The members' common last word ("red_hair", "blue_hair" → "hair"), else the first's name + "_group"; made unique."""
    words = {m.rsplit("_", 1)[-1] for m in members}
    base = words.pop() if len(words) == 1 and all("_" in m for m in members) else f"{members[0]}_group"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def infer_exclusive_sets(rows, names, min_coverage=MIN_COVERAGE, noise_share=NOISE_SHARE):
    """{set name: [tag names, most frequent first]} over `names` (the kept tags) from read_tag_rows'
    rows: repeatedly the set of never-co-occurring tags that covers the most images, while it
    covers at least min_coverage of them."""
    if not rows or len(names) < 2:
        return {}
    index = {n: i for i, n in enumerate(names)}
    hot = np.zeros((len(rows), len(names)), dtype=np.float32)
    for r, (_, tags) in enumerate(rows):
        for t in tags:
            if t in index:
                hot[r, index[t]] = 1.0
    counts = hot.sum(0)
    together = hot.T @ hot
    allowed = np.floor(noise_share * np.minimum.outer(counts, counts))
    apart = together <= allowed
    remaining = sorted((i for i in range(len(names)) if counts[i] > 0), key=lambda i: -counts[i])
    sets = {}
    while len(remaining) >= 2:
        best, best_cover = None, 0.0
        for seed in remaining:
            group = [seed]
            for t in remaining:
                if t != seed and all(apart[t, g] for g in group):
                    group.append(t)
            if len(group) < 2:
                continue
            cover = float(hot[:, group].max(1).mean())
            if cover > best_cover:
                best, best_cover = group, cover
        if best is None or best_cover < min_coverage:
            break
        members = [names[i] for i in sorted(best, key=lambda i: -counts[i])]
        sets[_name(members, sets)] = members
        remaining = [i for i in remaining if i not in best]
    return sets


def with_inferred_sets(vocab, rows):
    """vocab with `exclusive` (and `group`, where it was "other") from infer_exclusive_sets, unless
    some tag already has an `exclusive` (vocab.json said it): (vocab, {set: members} inferred)."""
    if any(v.get("exclusive") for v in vocab):
        return vocab, {}
    sets = infer_exclusive_sets(rows, [v["name"] for v in vocab])
    member_of = {m: s for s, members in sets.items() for m in members}
    out = []
    for v in vocab:
        v = dict(v)
        if v["name"] in member_of:
            v["exclusive"] = member_of[v["name"]]
            if v.get("group", "other") == "other":
                v["group"] = member_of[v["name"]]
        out.append(v)
    return out, sets
