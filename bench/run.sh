#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Side-by-side benchmark: the C++ engine (`symmflow bench`) against the PyTorch eager
# reference (bench/reference.py) on the shipped models, with a velocity check first.
# Prints one table (bench/table.py) and leaves every JSON line in $OUT_DIR.
#
#   bench/run.sh                      # GPU machine: builds the CLI (UI and OpenCV off), cuda, 25 steps
#   CLI=build/app/cli/symmflow DEVICE=cpu STEPS=4 REPS=10 PYTHON=/usr/bin/python3 bench/run.sh
#
# Environment: DEVICE (auto: cuda when the CLI sees one), STEPS (25), REPS (30), MODELS
# (models/*.safetensors), CLI (build it when unset), PYTHON (python3), OUT_DIR
# (${OUT:-bench-out}), TRAIN_BATCH (32 on cuda, 0 = skip training throughput),
# TRAIN_SHARD (a shard for the C++ training throughput; skipped when absent),
# PRECISIONS (fp32 bf16 fp16 on cuda, fp32 on the CPU), BUDGET_S (420: stops starting new
# measurements after this many seconds, so one run fits the GPU machine's 8 minutes).
set -uo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)
BUDGET_S=${BUDGET_S:-420}
PYTHON=${PYTHON:-python3}
STEPS=${STEPS:-25}
REPS=${REPS:-30}
OUT_DIR=${OUT_DIR:-${OUT:-bench-out}}
mkdir -p "$OUT_DIR"
RESULTS="$OUT_DIR/results.jsonl"
: > "$RESULTS"
# OpenMP's waiting as the engine sets it for itself (core/runtime_env.h), for the PyTorch
# reference too; a policy in the environment is kept for both.
[ -z "${OMP_WAIT_POLICY:-}" ] && export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-3000}
say() { echo "[bench $(( $(date +%s) - START ))s] $*" >&2; }
left() { [ $(( $(date +%s) - START )) -lt "$BUDGET_S" ]; }

if [ -z "${CLI:-}" ]; then
  PREFIX=$("$PYTHON" -c 'import torch;print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)
  say "building symmflow (UI and OpenCV off) against ${PREFIX:-the system LibTorch}"
  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSYMMFLOW_WITH_UI=OFF \
    -DSYMMFLOW_WITH_OPENCV=OFF -DSYMMFLOW_BUILD_TESTS=OFF ${PREFIX:+-DCMAKE_PREFIX_PATH="$PREFIX"} \
    > "$OUT_DIR/configure.log" 2>&1 || { tail -20 "$OUT_DIR/configure.log"; exit 1; }
  cmake --build build-bench --target symmflow -j "$(nproc)" > "$OUT_DIR/build.log" 2>&1 \
    || { tail -30 "$OUT_DIR/build.log"; exit 1; }
  CLI=build-bench/app/cli/symmflow
fi
"$CLI" --version >&2
# The engine tells an OpenBLAS that does not know this CPU which kernels to run
# (core/runtime_env.h); the PyTorch reference gets the same kernels, so both compare like
# for like. A choice in the environment is kept for both.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  blas=$("$CLI" --version 2>/dev/null | sed -n 's/.*OpenBLAS \([A-Za-z0-9_]*\).*/\1/p')
  [ -n "$blas" ] && export OPENBLAS_CORETYPE=$blas && say "OpenBLAS kernels for both: $blas"
fi

if [ -z "${DEVICE:-}" ]; then
  if "$CLI" --version 2>/dev/null | grep -qi "cuda available"; then DEVICE=cuda; else DEVICE=cpu; fi
fi
if [ "$DEVICE" = cuda ]; then
  PRECISIONS=${PRECISIONS:-fp32 bf16 fp16}
  TRAIN_BATCH=${TRAIN_BATCH:-32}
else
  PRECISIONS=${PRECISIONS:-fp32}
  TRAIN_BATCH=${TRAIN_BATCH:-0}
fi
MODELS=${MODELS:-$(ls models/*.safetensors)}
say "device $DEVICE, precisions: $PRECISIONS, models: $(echo $MODELS)"

run_json() {  # label, command...: appends {"label":..., ...json} to the results
  local label=$1; shift
  local line
  if line=$("$@" 2> "$OUT_DIR/last.err" | tail -1) && [ -n "$line" ] && [ "${line:0:1}" = "{" ]; then
    echo "{\"label\":\"$label\",${line:1}" >> "$RESULTS"
  else
    say "FAILED: $label: $(tail -3 "$OUT_DIR/last.err")"
  fi
}

for m in $MODELS; do
  name=$(basename "$m" .safetensors)
  dump="$OUT_DIR/$name.velocity.safetensors"
  for p in $PRECISIONS; do
    left || { say "time budget reached; skipping the rest"; break 2; }
    say "$name: engine $p"
    run_json "engine $p" "$CLI" bench -m "$m" --device "$DEVICE" --precision "$p" --steps "$STEPS" \
      --reps "$REPS" --warmup 5 --json --dump-velocity "$dump"
    [ "$DEVICE" = cuda ] && run_json "engine $p batch 8" "$CLI" bench -m "$m" --device "$DEVICE" \
      --precision "$p" --steps "$STEPS" --batch 8 --reps "$REPS" --warmup 5 --json
    # The same engine without CUDA graphs (eager launches), to show what the graphs buy.
    [ "$DEVICE" = cuda ] && [ "$p" = fp32 ] && run_json "engine $p no graphs" env SYMMFLOW_CUDA_GRAPHS=0 "$CLI" bench \
      -m "$m" --device "$DEVICE" --precision "$p" --steps "$STEPS" --reps "$REPS" --warmup 5 --json
    # ... and without the fused kernels (LibTorch's own operators, graphs on), to show what they buy.
    [ "$DEVICE" = cuda ] && [ "$p" = fp32 ] && run_json "engine $p unfused" env SYMMFLOW_FUSED_KERNELS=0 "$CLI" bench \
      -m "$m" --device "$DEVICE" --precision "$p" --steps "$STEPS" --reps "$REPS" --warmup 5 --json
    say "$name: pytorch eager $p"
    tb=0; [ "$p" = fp32 ] && tb=$TRAIN_BATCH
    run_json "pytorch $p" "$PYTHON" bench/reference.py "$m" --check "$dump" --device "$DEVICE" \
      --precision "$p" --steps "$STEPS" --reps "$REPS" --warmup 5 --train-batch "$tb"
    [ "$DEVICE" = cuda ] && run_json "pytorch $p batch 8" "$PYTHON" bench/reference.py "$m" \
      --device "$DEVICE" --precision "$p" --steps "$STEPS" --reps "$REPS" --warmup 5 --batch 8
  done
  if [ "$TRAIN_BATCH" -gt 0 ] && [ -n "${TRAIN_SHARD:-}" ] && [ "$name" = camvid ] && left; then
    say "$name: engine training throughput"
    "$CLI" train --train "$TRAIN_SHARD" -o "$OUT_DIR/train_probe.safetensors" --init "$m" --steps 60 \
      --batch "$TRAIN_BATCH" --log-every 20 --device "$DEVICE" > "$OUT_DIR/train_probe.log" 2>&1
    ips=$(sed -n 's/^throughput: \([0-9.]*\) images\/s, \([0-9.]*\) model TFLOP\/s.*/\1/p' "$OUT_DIR/train_probe.log")
    tfl=$(sed -n 's/^throughput: \([0-9.]*\) images\/s, \([0-9.]*\) model TFLOP\/s.*/\2/p' "$OUT_DIR/train_probe.log")
    [ -n "$ips" ] && echo "{\"label\":\"engine train\",\"model\":\"$m\",\"train_images_per_s\":$ips,\"train_model_tflops\":$tfl}" >> "$RESULTS"
  fi
done
"$PYTHON" bench/table.py "$RESULTS" | tee "$OUT_DIR/table.md"
say "done"
