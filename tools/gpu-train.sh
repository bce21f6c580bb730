#!/usr/bin/env bash
# The 128 px run, prepared to be sent whole to a lent GPU machine (PyTorch 2.x, numpy and
# Pillow there; no npm, no internet). Steps (docs/training.md, "On a GPU machine"):
#   here:  npm run dataset -- --out data/lorelei128 --count 9000 --size 128 --seed 1
#          (6.4 KB an image measured: ≈ 55 MiB of the 64 MiB a run may carry, code included)
#   there: bash tools/gpu-train.sh data/lorelei128 8      (carry: data/lorelei128)
# Trains for MINUTES on cuda with the default model's recipe, exports the model to
# $OUT/model (float16, well under 16 MB) and copies the last sample grid, the loss plot, the
# log and the run's config next to it. The checkpoint (≈ 35 MB with both optimisers) stays
# there: a file that size cannot come back.
# GFF_DEVICE (default cuda), PYTHON (default python3) and GFF_TRAIN_ARGS (extra trainer
# flags, e.g. "--limit 64 --epochs 1") exist for the test that runs this script on a CPU.
set -euo pipefail
DATA=${1:?usage: gpu-train.sh DATA_DIR [MINUTES]}
MINUTES=${2:-8}
OUT=${OUT:?OUT: the folder whose files come back}
PY=${PYTHON:-python3}
RUN=${GFF_RUN:-runs/gpu128}
export PYTHONUNBUFFERED=1
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available() and torch.cuda.get_device_name(0))"
# shellcheck disable=SC2086 # GFF_TRAIN_ARGS is a list of flags
$PY -m training.train --data "$DATA" --out "$RUN" --size 128 --epochs 1000 --max-minutes "$MINUTES" \
  --device "${GFF_DEVICE:-cuda}" --mode-seeking 0.3 --aux-g 1.0 --aux-d 3.0 --aux-balanced ${GFF_TRAIN_ARGS:-} 2>&1 | tr '\r' '\n' | tail -n 5
$PY -m training.export "$RUN" "$OUT/model" --name "lorelei 128px" \
  --note "128 px, trained on a GPU machine in $MINUTES minutes with tools/gpu-train.sh"
cp "$RUN/samples/final.png" "$RUN/log.jsonl" "$RUN/config.json" "$OUT/"
if [ -f "$RUN/loss.png" ]; then cp "$RUN/loss.png" "$OUT/"; fi  # drawn once 50 steps are logged
