#!/usr/bin/env bash
# lorelei's, not for your own data: it starts from the bundled lorelei generator and trains with
# lorelei's render codes (factors.csv, draws.csv). Your own art on a GPU: npm run train -- --device
# cuda (docs/own-data.md, "On a GPU").
# Model v2 (issue 8), prepared to be sent whole to a lent GPU machine (PyTorch 2.x, numpy and
# Pillow there; no npm, no internet; 15 minutes of device time for a whole session).
#   here:  npm run dataset -- --out data/gpu128 --count 7000 --size 128 --seed 1
#          (6.4 KB an image: ≈ 45 MiB with tags.csv, factors.csv and draws.csv, and the 10 MiB
#          tracked tree: under the 64 MiB that travels)
#   there: bash tools/gpu-train.sh data/gpu128 8        (carry: data/gpu128)
# For MINUTES, three runs side by side (one small GPU network does not fill an H200), the two
# recipes that measured best on the CPU (docs/training.md, session 11):
#   a) the first model's generator (models/lorelei64-v1, tracked, so it travels) carried on with the
#      redraw term (--redraw 30: real faces redrawn from the codes of all their untagged draws),
#      which brought a fine-tune level with the first model in 1.5 epochs;
#   b) the same generator first taught what each coded z number draws (training.redraw_pretrain,
#      a third of the time), then the same GAN: every seed a different girl, z's codes held;
#      both phases weigh the redraw L1 where eyes, eyebrows, mouth and nose show (--focus,
#      --redraw-focus; session 12: FD 7.35 against 9.62 without, mouth and brows following z);
#   c) the 2x stage on the machine's CPU cores (it is small).
# Then each generator and the 2x stage are exported as one 128 px model and packed into one
# file each ($OUT/model-a.tar, $OUT/model-b.tar: the model folders, under 16 MiB), with each
# run's last sample grid and a summary (the last log lines, the configs). Checkpoints stay
# there (50+ MB each): judge the models back here with npm run evaluate. Each model carries its
# discriminator (export --discriminator), so a fine-tune of it here starts with a trained D.
# GFF_DEVICE (default cuda), PYTHON (default python3), GFF_TRAIN_ARGS (extra flags for both
# generator runs), GFF_PRETRAIN_ARGS, GFF_UPSCALER_ARGS, GFF_INIT_FROM (the generator both
# start from; "" = a new one) and GFF_FOCUS (factors.csv columns run b weighs; default
# eyes,eyebrows,mouth,nose) exist for the test that runs this script on a CPU.
set -euo pipefail
DATA=${1:?usage: gpu-train.sh DATA_DIR [MINUTES]}
MINUTES=${2:-8}
OUT=${OUT:?OUT: the folder whose files come back}
PY=${PYTHON:-python3}
RUNS=${GFF_RUN:-runs/gpu}
DEVICE=${GFF_DEVICE:-cuda}
export PYTHONUNBUFFERED=1
mkdir -p "$RUNS" "$OUT"
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available() and torch.cuda.get_device_name(0))" | tee "$OUT/summary.txt"
if [ "$DEVICE" = cuda ] && ! $PY -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  echo "error: --device cuda: PyTorch sees no GPU here (GFF_DEVICE=cpu to run on the CPU)" >&2
  exit 2
fi
V2="--size 64 --epochs 100000 --device $DEVICE --samples-per-epoch 1 --mode-seeking 0.3 --aux-g 1.0 --aux-d 3 --aux-balanced --redraw 30"
# V2 and the *_ARGS variables are lists of flags, split on purpose below.
INIT=${GFF_INIT_FROM-models/lorelei64-v1}
FOCUS=${GFF_FOCUS:-eyes,eyebrows,mouth,nose}
PRE_MINUTES=$(awk "BEGIN { print $MINUTES / 3 }")
# shellcheck disable=SC2086
$PY -m training.train --data "$DATA" --out "$RUNS/a" ${INIT:+--init-from "$INIT"} --max-minutes "$MINUTES" $V2 ${GFF_TRAIN_ARGS:-} >"$RUNS/a.log" 2>&1 &
A=$!
# shellcheck disable=SC2086
{
  $PY -m training.redraw_pretrain --data "$DATA" --out "$RUNS/pre" --init-from "$INIT" --device "$DEVICE" --max-minutes "$PRE_MINUTES" \
    --steps 10000000 --batch 64 --lr 5e-4 --focus "$FOCUS" ${GFF_PRETRAIN_ARGS:-} &&
    $PY -m training.train --data "$DATA" --out "$RUNS/b" --init-from "$RUNS/pre" --max-minutes "$(awk "BEGIN { print $MINUTES - $PRE_MINUTES }")" \
      $V2 --redraw-focus "$FOCUS" ${GFF_TRAIN_ARGS:-}
} >"$RUNS/b.log" 2>&1 &
B=$!
# shellcheck disable=SC2086
$PY -m training.train_upscaler --data "$DATA" --out "$RUNS/up" --steps 10000000 --max-minutes "$MINUTES" --threads 8 ${GFF_UPSCALER_ARGS:-} >"$RUNS/up.log" 2>&1 &
U=$!
status=0
for job in "a $A" "b $B" "up $U"; do
  set -- $job
  if ! wait "$2"; then
    echo "run $1 failed:" | tee -a "$OUT/summary.txt"
    status=1
  fi
  { echo "== $1"; tr '\r' '\n' <"$RUNS/$1.log" | tail -n 4; } >>"$OUT/summary.txt"
done
for r in a b; do
  [ -f "$RUNS/$r/ckpt.pt" ] && [ -f "$RUNS/up/ckpt.pt" ] || continue
  $PY -m training.export "$RUNS/$r" "$RUNS/model-$r" --id "lorelei128-gpu-$r" --name "lorelei 128px (GPU run $r)" --upscaler "$RUNS/up" --discriminator \
    --note "trained on a GPU machine for $MINUTES minutes with tools/gpu-train.sh (run $r)" | tee -a "$OUT/summary.txt"
  tar -C "$RUNS" -cf "$OUT/model-$r.tar" "model-$r"
  cp "$RUNS/$r/samples/final.png" "$OUT/$r-final.png"
  { echo "== $r config"; cat "$RUNS/$r/config.json"; } >>"$OUT/summary.txt"
done
cat "$OUT/summary.txt"
exit $status
