"""One markdown row per evaluation: python3 -m training.metrics_table out/eval/a out/eval/b …

Reads each folder's metrics.json (written by `npm run evaluate`) and prints the figures that the
model-v2 bar is judged by, in the order docs/training.md's tables use, so rows are copied
rather than typed."""
import json
import sys
from pathlib import Path

FACTORS = ("hair", "eyes", "eyebrows", "mouth", "nose", "head")
HEADER = ("| evaluation | fidelity (all / readable) | min hair colour | precision | recall | FD (real vs real) "
          "| spread ÷ real, factor judge | variants per 64 seeds: hair / eyes / eyebrows / mouth / nose / head "
          "| effective variants ÷ real: hair / eyes / eyebrows / mouth / nose / head |")


def row(folder):
    m = json.loads((Path(folder) / "metrics.json").read_text())
    f, pr, fd, div = m["fidelity"], m["precisionRecall"], m["frechetDistance"], m["diversity"]
    spread = (div.get("factorJudgeSpace") or div).get("ratioToRealSameTags")
    per = m.get("untaggedFactors", {}).get("perFactor", {})
    variants = " / ".join(f"{per[k]['generated']:.1f}" for k in FACTORS if k in per) or "—"
    effective = " / ".join(f"{per[k]['generatedEffective'] / per[k]['realEffective']:.2f}" for k in FACTORS
                           if "generatedEffective" in per.get(k, {})) or "—"  # evaluations before session 11 lack it
    return (f"| {Path(folder).name} | {f['mean']:.3f} / {f['meanReadable']:.3f} | {f['minHairColor']:.3f} | {pr['precision']:.3f} "
            f"| {pr['recall']:.3f} | {fd['generated']:.2f} ({fd['realVsReal']:.2f}) | {spread if spread is None else f'{spread:.3f}'} | {variants} "
            f"| {effective} |")


def main(argv=None):
    folders = (argv if argv is not None else sys.argv[1:])
    if not folders:
        print("usage: python3 -m training.metrics_table EVAL_DIR [EVAL_DIR …]", file=sys.stderr)
        return 2
    print(HEADER)
    print("|" + "|".join("---" for _ in range(HEADER.count("|") - 1)) + "|")
    for folder in folders:
        try:
            print(row(folder))
        except (OSError, KeyError, ValueError) as e:
            print(f"{folder}: no usable metrics.json ({e})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
