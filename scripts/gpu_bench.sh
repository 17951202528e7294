#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One GPU call that checks and measures the engine and trains a camvid network chosen for
# the H100 targets (issue 6, see docs/PERFORMANCE.md):
#   1. builds GoogleTest (carried as a trimmed source tarball: the machine has none), then the
#      CLI and the core tests against the machine's CUDA LibTorch (UI and OpenCV off), with the
#      fused kernels; the camvid shards are unpacked meanwhile;
#   2. runs the CUDA core tests (fused kernels against the CPU reference, CUDA graphs, engine
#      CPU/CUDA agreement); the rest run at the end with what time is left;
#   3. the shipped camvid model: the engine's default (auto: fp16 after its probe, channels-last,
#      whole runs as one graph), fp32 channels-last, fp32 NCHW (the default before 0.2.0) and the
#      default integrated step by step rows (graph, segmentation,
#      25-step generation, the graph's kernels against the launch floor), PyTorch eager's
#      velocity check (fp32) and its fp32 and fp16 timings, and camvid/val mIoU in fp16 against fp32;
#   4. an architecture sweep in the fastest of those settings: graph time and kernels of
#      candidate camvid networks with random weights (bench --channels/--mult/--res-blocks/--attn);
#   5. trains the candidate with the most FLOPs whose evaluation fits 25 steps in 15 ms (else
#      the fastest) on camvid/train for what is left of the budget, evaluates it on camvid/val
#      (recorded in the file) and benchmarks it.
# Leaves under $OUT: camvid-fast.safetensors, tests.txt, logs.tar.gz and bench/ (results.jsonl,
# sweep.jsonl, sweep.txt, table.md).
#
# Here, once:  scripts/pack_gpu_data.sh --bench   (gpu_data/: camvid shards, GoogleTest; ≤ 21 MB)
# There:       run(command="BUDGET=560 bash scripts/gpu_bench.sh", timeout_s=590, carry=["gpu_data"])
# A short call (build, tests, the shipped model's rows): SWEEP=0 TRAIN=0 REF=0 BUDGET=200.
# Dry run here (CPU, no rebuild): CLI=build/app/cli/symmflow TESTS=build/tests/core/symmflow_core_tests \
#   DEVICE=cpu PYTHON=/usr/bin/python3 BUDGET=300 REPS=2 STEPS=2 TRAIN_MIN_S=20 LIMIT=8 bash scripts/gpu_bench.sh
set -uo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)
OUT=${OUT:-/tmp/symmflow-out}
BUDGET=${BUDGET:-560}       # seconds for the whole call
PYTHON=${PYTHON:-python3}
REPS=${REPS:-16}
STEPS=${STEPS:-25}
LIMIT=${LIMIT:-0}           # evaluation items (0: all)
TARGET_MS=${TARGET_MS:-0.52} # graph ms per evaluation that leaves room for 25 steps in 15 ms
TRAIN_MIN_S=${TRAIN_MIN_S:-90}
W=${WORK:-gpu_work}
mkdir -p "$OUT/bench" "$W/logs" "$W/bench" "$W/shards" "$W/eval"
: > "$W/bench/results.jsonl"; : > "$W/bench/sweep.jsonl"
say() { echo "[$(( $(date +%s) - START ))s] $*"; }
left() { echo $(( BUDGET - ($(date +%s) - START) )); }
pack() {
  tar czf "$OUT/logs.tar.gz" --exclude="*.safetensors" -C "$W" logs bench eval runs 2>/dev/null
  cp "$W"/bench/*.jsonl "$W"/bench/*.txt "$W"/bench/*.md "$OUT/bench/" 2>/dev/null
}

( for f in gpu_data/camvid_*.safetensors.xz; do
    b=$(basename "$f" .xz); [ -f "$W/shards/$b" ] || xz -dc "$f" > "$W/shards/$b" 2> /dev/null || "$PYTHON" -c \
      "import lzma,sys;open(sys.argv[2],'wb').write(lzma.open(sys.argv[1]).read())" "$f" "$W/shards/$b"; done
  echo unpacked ) > "$W/logs/unpack.txt" 2>&1 &
UNPACK=$!

if [ -z "${CLI:-}" ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$W/logs/gpu.txt"
  nvcc --version | tail -1
  TESTS_ON=OFF
  if tar xzf gpu_data/googletest.tar.gz -C /tmp && cmake -S /tmp/googletest -B /tmp/gtest-build -G Ninja \
      -DCMAKE_BUILD_TYPE=Release -DBUILD_GMOCK=OFF -DCMAKE_INSTALL_PREFIX=/tmp/gtest > "$W/logs/gtest.txt" 2>&1 \
      && ninja -C /tmp/gtest-build install >> "$W/logs/gtest.txt" 2>&1; then TESTS_ON=ON
  else tail -20 "$W/logs/gtest.txt"; fi
  PREFIX=$("$PYTHON" -c 'import torch;print(torch.utils.cmake_prefix_path)')
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DSYMMFLOW_WITH_UI=OFF \
    -DSYMMFLOW_WITH_OPENCV=OFF -DSYMMFLOW_BUILD_TESTS=$TESTS_ON -DCMAKE_PREFIX_PATH="$PREFIX;/tmp/gtest" \
    > "$W/logs/configure.txt" 2>&1 || { tail -30 "$W/logs/configure.txt"; pack; exit 1; }
  grep -i "symmflow" "$W/logs/configure.txt" | head -20
  # The CLI first, so that a failure in the tests' build still leaves something to measure.
  ninja -C build-gpu symmflow > "$W/logs/build.txt" 2>&1 || {
    # The kernels are the part never compiled against this toolchain: retry without them.
    grep -m6 -A8 error "$W/logs/build.txt"; echo "retrying with -DSYMMFLOW_FUSED_KERNELS=OFF"
    cmake -B build-gpu -DSYMMFLOW_FUSED_KERNELS=OFF >> "$W/logs/configure.txt" 2>&1
    ninja -C build-gpu symmflow > "$W/logs/build2.txt" 2>&1 || {
      grep -m10 -A8 error "$W/logs/build2.txt"; pack; exit 1; } }
  CLI=build-gpu/app/cli/symmflow
  say "CLI built"
  if [ $TESTS_ON = ON ] && ninja -C build-gpu symmflow_core_tests > "$W/logs/build_tests.txt" 2>&1; then
    TESTS=build-gpu/tests/core/symmflow_core_tests
  else grep -m6 -A8 error "$W/logs/build_tests.txt" 2>/dev/null; fi
fi
DEVICE=${DEVICE:-cuda}
$CLI --version
say "built"

# 2. The CUDA core tests (the rest, which the CPU runs in CI, at the end if time is left). A crash
#    gets a backtrace from cuda-gdb, the machine's only debugger.
gtest() {  # filter, seconds
  [ -n "${TESTS:-}" ] && [ "$2" -gt 10 ] || return
  timeout "$2" "$TESTS" --gtest_filter="$1" >> "$OUT/tests.txt" 2>&1
  local rc=$?
  echo "tests $1: exit $rc" | tee -a "$OUT/tests.txt"
  if [ $rc -ge 128 ] && [ $rc -ne 137 ] && [ $rc -ne 124 ] && command -v cuda-gdb > /dev/null && [ "$(left)" -gt 400 ]; then
    timeout 60 cuda-gdb -batch -ex run -ex bt --args "$TESTS" --gtest_filter="$1" > "$W/logs/gdb.txt" 2>&1
    grep -E "^#|signal|SIG" "$W/logs/gdb.txt" | head -30 | tee -a "$OUT/tests.txt"
  fi
  grep -E "^\[  (PASSED|FAILED|SKIPPED) |Failure|Expected|Which is|error" "$OUT/tests.txt" | tail -20
}
: > "$OUT/tests.txt"
CUDA_TESTS='FusedOps.*:CudaGraphCache.*:EngineTest.Cuda*:Noise.*:CounterRng.*:Precision.*'
gtest "$CUDA_TESTS" 90
say "tested"

row() {  # file, label, bench arguments... (ROW_ENV: VAR=value words for this row's environment)
  local file=$1 label=$2; shift 2
  [ "$(left)" -gt 25 ] || return 1
  local line
  line=$(env ${ROW_ENV:-} $CLI bench --device "$DEVICE" --json "$@" 2> "$W/logs/last.err" | tail -1)
  if [ "${line:0:1}" = "{" ]; then echo "{\"label\":\"$label\",${line:1}" >> "$file"
  else echo "FAILED $label: $(tail -3 "$W/logs/last.err")"; return 1; fi
}
R="$W/bench/results.jsonl"
TIMED=(--steps "$STEPS" --reps "$REPS" --warmup 5)

# 3. The shipped camvid model in three settings; the graph's kernels in each (--profile).
SHIPPED=models/camvid.safetensors
row "$R" "engine fp32" -m $SHIPPED --precision fp32 "${TIMED[@]}" --profile --dump-velocity "$W/bench/v32.safetensors"
[ "$DEVICE" = cuda ] && row "$R" "engine default (auto)" -m $SHIPPED --precision auto "${TIMED[@]}" --profile
[ "$DEVICE" = cuda ] && ROW_ENV=SYMMFLOW_CHANNELS_LAST=0 row "$R" "engine fp32 NCHW (default before 0.2.0)" \
  -m $SHIPPED --precision fp32 "${TIMED[@]}"
[ "$DEVICE" = cuda ] && ROW_ENV=SYMMFLOW_WHOLE_RUN_GRAPHS=0 row "$R" "engine default, step by step (before 0.2.0)" \
  -m $SHIPPED --precision auto "${TIMED[@]}"
# PyTorch eager computes the same velocities in fp32 (checks the kernels too; the dump holds the
# file's network in fp32 whatever --precision timed); in fp16 it is timed only: the engine's own
# row reports its fp16 error against fp32.
for p in 32 16; do
  [ "${REF:-1}" = 1 ] && [ -f "$W/bench/v32.safetensors" ] && [ "$(left)" -gt 60 ] || continue
  check=(); [ "$p" = 32 ] && check=(--check "$W/bench/v32.safetensors")
  line=$("$PYTHON" bench/reference.py $SHIPPED "${check[@]}" --device "$DEVICE" \
    --precision fp$p --steps "$STEPS" --reps 5 --warmup 2 --train-batch 0 2> "$W/logs/reference$p.err" | tail -1)
  [ "${line:0:1}" = "{" ] && echo "{\"label\":\"pytorch fp$p\",${line:1}" >> "$R" || tail -3 "$W/logs/reference$p.err"
done
anatomy() {  # results file: time per evaluation against FLOPs and kernels
  "$PYTHON" -c "
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line); g = r.get('graph') or {}; a = g.get('anatomy') or {}
    print('%-32s %-24s %6.2f GFLOP  eval %6.3f ms (graph %6.3f)  seg %6.2f  gen%s %7.2f ms  %s kernels, %.2f us/kernel, floor %.3f ms' % (
        r['label'][:32], r['model'].split('/')[-1][:24], r.get('gflops_per_eval', -1), r['eval_ms']['median'],
        (g.get('eval_ms') or {}).get('median', -1), (r.get('segment_ms') or {}).get('median', -1), r.get('steps', 0),
        (r.get('generate_ms') or {}).get('median', -1), a.get('kernels', '?'), a.get('us_per_kernel', -1), a.get('launch_floor_ms', -1)))
    if 'velocity_rel_error_vs_engine' in r: print('   PyTorch vs engine: rel. error', r['velocity_rel_error_vs_engine'])
" "$1" 2>&1
}
anatomy "$R"
# Does fp16 (the CUDA default since 0.2.0) segment as well as fp32? One step, one draw, camvid/val.
wait $UNPACK; cat "$W/logs/unpack.txt"
for p in fp32 fp16; do
  [ "$DEVICE" = cuda ] || [ $p = fp32 ] || continue
  [ "$(left)" -gt 60 ] || break
  $CLI eval -m $SHIPPED --shard "$W/shards/camvid_val.safetensors" --steps 1 --device "$DEVICE" --precision $p \
    --limit "$LIMIT" --json > "$W/eval/shipped-$p.json" 2>&1
  echo "shipped camvid, $p: $(head -c 200 "$W/eval/shipped-$p.json")"
done
pack
say "benchmarked the shipped camvid"

# 4. Architecture sweep for the camvid task (random weights: speed does not depend on them), in
#    the fastest setting of step 3. "no attn" still has the middle block's attention; "lean":
#    the lean decoder (ModelConfig::leanDecoder, one block fewer a level).
BEST=$("$PYTHON" -c "
import json, sys
best = ('fp32', '0', 1e9)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if not r['label'].startswith('engine'): continue
    ms = ((r.get('graph') or {}).get('eval_ms') or r['eval_ms'])['median']
    if ms < best[2]: best = (r['precision'], '1' if r.get('channels_last') else '0', ms)
print(best[0], best[1])
" "$R" 2> /dev/null || echo "fp32 0")
read -r PREC CL <<< "$BEST"
say "sweeping in $PREC, channels-last $CL"
sweep() {  # label, architecture options...
  local label=$1; shift
  [ "${SWEEP:-1}" = 1 ] || return 0
  ROW_ENV=SYMMFLOW_CHANNELS_LAST=$CL row "$W/bench/sweep.jsonl" "$label" -m $SHIPPED --precision "$PREC" \
    --reps 8 --warmup 3 --profile "$@"
}
# Candidates: "label|architecture options" (each a camvid-sized network). The sweep of
# 2026-11-27 (docs/PERFORMANCE.md) measured the deeper and attention-heavier ones: slower.
CANDIDATES=(
  "24x(1,2,4) r1 no attn (camvid)|--channels 24 --mult 1,2,4 --res-blocks 1 --attn ''"
  "32x(1,2,4) r1 no attn|--channels 32 --mult 1,2,4 --res-blocks 1 --attn ''"
  "48x(1,2,4) r1 no attn|--channels 48 --mult 1,2,4 --res-blocks 1 --attn ''"
  "24x(1,2,4) r1 lean|--channels 24 --mult 1,2,4 --res-blocks 1 --attn '' --lean-decoder"
  "32x(1,2,4) r1 lean|--channels 32 --mult 1,2,4 --res-blocks 1 --attn '' --lean-decoder"
  "48x(1,2,4) r1 lean|--channels 48 --mult 1,2,4 --res-blocks 1 --attn '' --lean-decoder"
  "24x(1,2,4) r2 lean|--channels 24 --mult 1,2,4 --res-blocks 2 --attn '' --lean-decoder"
  "32x(1,2,4,4) r1 lean|--channels 32 --mult 1,2,4,4 --res-blocks 1 --attn '' --lean-decoder"
)
for c in "${CANDIDATES[@]}"; do eval sweep "'${c%%|*}'" "${c#*|}"; done
"$PYTHON" -c "
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line); g = r.get('graph') or {}; a = g.get('anatomy') or {}
    print('%-48s %6.2f GFLOP %5.2f M params  graph %.3f ms/eval (eager %.2f)  %s kernels' % (r['label'], r['gflops_per_eval'],
          r.get('parameters', 0) / 1e6, (g.get('eval_ms') or {}).get('median', -1), r['eval_ms']['median'], a.get('kernels', '?')))
" "$W/bench/sweep.jsonl" 2>&1 | tee "$W/bench/sweep.txt"
pack

# 5. Train the chosen network: the most FLOPs within TARGET_MS per evaluation, else the fastest.
PICK=$("$PYTHON" -c "
import json, sys
rows = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    ms = ((r.get('graph') or {}).get('eval_ms') or r['eval_ms'])['median']
    rows.append((ms, r['gflops_per_eval'], r['label']))
fit = [x for x in rows if x[0] <= float(sys.argv[2])]
pick = max(fit, key=lambda x: x[1]) if fit else min(rows)
print(pick[2])
" "$W/bench/sweep.jsonl" "$TARGET_MS" 2> "$W/logs/pick.err")
ARCH="--channels 24 --mult 1,2,4 --res-blocks 1 --attn ''"
for c in "${CANDIDATES[@]}"; do [ "${c%%|*}" = "$PICK" ] && ARCH=${c#*|}; done
EVAL_S=${EVAL_S:-70}
TRAIN_S=$(( $(left) - EVAL_S ))
[ "${TRAIN:-1}" = 1 ] || TRAIN_S=0
if [ $TRAIN_S -lt "$TRAIN_MIN_S" ]; then
  say "no training (${TRAIN_S}s left)"
  gtest "-$CUDA_TESTS" $(( $(left) - 5 < 90 ? $(left) - 5 : 90 ))
  pack; ls -la "$OUT"; exit 0
fi
MIN=$("$PYTHON" -c "print(round($TRAIN_S / 60 - 0.25, 2))")  # the trainer's start and final save
HW="$(cut -d, -f1 "$W/logs/gpu.txt" 2>/dev/null || echo "$DEVICE") (lent GPU machine, alone), LibTorch CUDA, bf16 autocast"
say "training '$PICK' ($ARCH) for $MIN minutes"
NEW="$OUT/camvid-fast.safetensors"
eval timeout -k 20 -s INT $(( TRAIN_S + 15 )) $CLI train --device "$DEVICE" --threads 8 --minutes "$MIN" \
  --train "$W/shards/camvid_train.safetensors" --val "$W/shards/camvid_val.safetensors" \
  -o "$NEW" --run-dir "$W/runs/camvid-fast" --hardware "'$HW'" --val-every 1000000 --val-minutes 100 \
  --checkpoint-every 1000000 --log-every 200 $ARCH --batch 48 --crop 96x128 --lr 6e-4 --warmup 300 \
  --mu 0.2 --time uniform+end:0.1 --seed 1 > "$W/logs/train.txt" 2>&1
echo "exit $?" >> "$W/logs/train.txt"
tail -4 "$W/logs/train.txt"
say "trained"
pack
if [ -f "$NEW" ]; then
  for s in 1 5; do
    [ "$(left)" -gt 30 ] || break
    $CLI eval -m "$NEW" --shard "$W/shards/camvid_val.safetensors" --steps $s --device "$DEVICE" --limit "$LIMIT" \
      --json --record > "$W/eval/steps$s.json" 2>&1
    echo "steps $s: $(head -c 240 "$W/eval/steps$s.json")"
  done
  ROW_ENV=SYMMFLOW_CHANNELS_LAST=$CL row "$R" "engine $PREC cl$CL (camvid-fast)" -m "$NEW" --precision "$PREC" "${TIMED[@]}" --profile
  [ "$PREC" != fp32 ] && row "$R" "engine fp32 (camvid-fast)" -m "$NEW" "${TIMED[@]}"
fi
anatomy "$R"
gtest "-$CUDA_TESTS" $(( $(left) - 5 < 90 ? $(left) - 5 : 90 ))
"$PYTHON" bench/table.py "$R" > "$W/bench/table.md" 2>&1
pack
ls -la "$OUT" "$OUT/bench"
say "done"
