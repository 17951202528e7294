#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One prepared run on a lent GPU machine (see docs/TRAINING.md): builds the engine and the
# CLI against the machine's CUDA LibTorch (no Qt, no OpenCV), trains the shipped models
# side by side within a wall-clock budget, evaluates them (1/5/25 steps) and benchmarks
# them, and leaves fp16 model files and logs under $OUT.
# Input: gpu_data/*.safetensors.xz (made by scripts/pack_gpu_data.sh, carried along).
set -uo pipefail
OUT=${OUT:-/tmp/symmflow-out}
BUDGET=${BUDGET:-540}          # seconds for the whole script
START=$(date +%s)
W=${WORK:-gpu_work}
mkdir -p "$OUT" $W/logs $W/eval $W/bench $W/runs $W/shards
say() { echo "[$(( $(date +%s) - START ))s] $*"; }
left() { echo $(( BUDGET - ($(date +%s) - START) )); }

# Local dry run (no GPU): CLI=build/app/cli/symmflow DEVICE=cpu LIMIT=4 BUDGET=200 scripts/gpu_train.sh
DEVICE=${DEVICE:-cuda}
LIMIT=${LIMIT:-0}
REPS=${REPS:-30}
if [ -z "${CLI:-}" ]; then
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee $W/logs/gpu.txt
PREFIX=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
TORCHDIR=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
TV=$(python3 -c 'import torch;print(torch.__version__)')
ABI=$(python3 -c 'import torch;print("ON" if torch.compiled_with_cxx11_abi() else "OFF")')
say "torch $TV (cxx11 abi $ABI)"

# Unpack the data while the build runs.
( for f in gpu_data/*.xz; do b=$(basename "$f" .xz); xz -dc "$f" > "$W/shards/$b" 2>/dev/null || \
    python3 -c "import lzma,sys;open(sys.argv[2],'wb').write(lzma.open(sys.argv[1]).read())" "$f" "$W/shards/$b"; done
  echo unpacked > $W/shards/.done ) &

COMMON="-G Ninja -DCMAKE_BUILD_TYPE=Release -DSYMMFLOW_WITH_UI=OFF -DSYMMFLOW_WITH_OPENCV=OFF -DSYMMFLOW_BUILD_TESTS=OFF"
if ! cmake -S . -B build-gpu $COMMON -DCMAKE_PREFIX_PATH="$PREFIX" > $W/logs/configure.txt 2>&1; then
  say "CMake config of LibTorch failed; using the tree directly"; tail -5 $W/logs/configure.txt
  rm -rf build-gpu
  cmake -S . -B build-gpu $COMMON -DSYMMFLOW_TORCH_DIR="$TORCHDIR" -DSYMMFLOW_TORCH_CXX11_ABI=$ABI >> $W/logs/configure.txt 2>&1 \
    || { tail -30 $W/logs/configure.txt; cp $W/logs/configure.txt "$OUT/"; exit 1; }
fi
if ! ninja -C build-gpu -j16 symmflow > $W/logs/build.txt 2>&1; then
  say "build failed; retrying without autocast"; grep -m5 -B2 -A6 "error" $W/logs/build.txt
  cmake -S . -B build-gpu -DSYMMFLOW_CUDA_AUTOCAST=OFF >> $W/logs/configure.txt 2>&1
  ninja -C build-gpu -j16 symmflow >> $W/logs/build.txt 2>&1 || { grep -m10 -A8 "error" $W/logs/build.txt; cp $W/logs/build.txt "$OUT/"; exit 1; }
fi
say "built"; wait
CLI=build-gpu/app/cli/symmflow
else
  TV=local; ( for f in gpu_data/*.xz; do b=$(basename "$f" .xz); [ -f "$W/shards/$b" ] || xz -dc "$f" > "$W/shards/$b"; done )
fi
$CLI --version

MIN=$(python3 -c "print(max(1.0, ($(left) - 100) / 60))")
HW="NVIDIA H100 80GB HBM3 (lent GPU machine, shared by 3 concurrent runs), LibTorch $TV CUDA, bf16 autocast"
say "training for $MIN minutes each"
train() {  # name, args...
  local name=$1; shift
  timeout -k 90 -s INT $(python3 -c "print(int($MIN*60+40))") $CLI train --device $DEVICE --threads 4 --minutes "$MIN" \
    --run-dir $W/runs/$name -o "$OUT/$name.safetensors" --hardware "$HW" --val-every 1000000 --val-minutes 1.0 \
    --checkpoint-every 1000000 --log-every 200 "$@" > $W/logs/train_$name.txt 2>&1
  echo "exit $?" >> $W/logs/train_$name.txt
}
train camvid --train $W/shards/camvid_train.safetensors --val $W/shards/camvid_val.safetensors \
  --channels 24 --mult 1,2,4,6 --res-blocks 2 --attn 3 --batch 48 --crop 96x128 --lr 6e-4 --warmup 300 \
  --mu 0.2 --time uniform+end:0.1 --seed 1 &
train fasseg --train $W/shards/fasseg_train.safetensors --val $W/shards/fasseg_val.safetensors \
  --channels 24 --mult 1,2,4,6 --res-blocks 2 --attn 3 --batch 32 --crop 128x96 --lr 6e-4 --warmup 300 \
  --mu 0.2 --time uniform+end:0.1 --seed 1 &
train cifar10 --train $W/shards/cifar10_train10k.safetensors --val $W/shards/cifar10_val1k.safetensors \
  --channels 64 --mult 1,2,2 --res-blocks 2 --attn 1,2 --label-downsample 0 --batch 128 --lr 4e-4 --warmup 300 \
  --mu 0.5 --time uniform+end:0.2 --seed 1 &
wait
say "trained"; for n in camvid fasseg cifar10; do tail -3 $W/logs/train_$n.txt; done

for n in camvid fasseg; do for s in 1 5 25; do
  $CLI eval -m "$OUT/$n.safetensors" --shard $W/shards/${n}_val.safetensors --steps $s --device $DEVICE --limit $LIMIT --json > $W/eval/${n}_steps$s.json 2>&1
done; done
for s in 1 5 25; do
  $CLI eval -m "$OUT/cifar10.safetensors" --shard $W/shards/cifar10_val1k.safetensors --steps $s --device $DEVICE --limit $LIMIT --json > $W/eval/cifar10_steps$s.json 2>&1
done
say "evaluated"
$CLI bench -m "$OUT/camvid.safetensors" --device $DEVICE --steps 25 --reps $REPS --warmup 5 --json > $W/bench/camvid_b1.json 2>&1
$CLI bench -m "$OUT/camvid.safetensors" --device $DEVICE --steps 25 --batch 8 --reps $REPS --warmup 5 --json > $W/bench/camvid_b8.json 2>&1
$CLI bench -m "$OUT/fasseg.safetensors" --device $DEVICE --steps 25 --reps $REPS --warmup 5 --json > $W/bench/fasseg_b1.json 2>&1
$CLI bench -m "$OUT/cifar10.safetensors" --device $DEVICE --steps 25 --reps $REPS --warmup 5 --json > $W/bench/cifar10_b1.json 2>&1
say "benchmarked"
tar czf "$OUT/logs.tar.gz" -C "$W" logs eval bench runs 2>/dev/null --exclude="*.safetensors"
for f in $W/eval/*.json; do echo "$f: $(head -c 300 $f)"; done
for f in $W/bench/*.json; do echo "$f: $(head -c 400 $f)"; done
ls -la "$OUT"
