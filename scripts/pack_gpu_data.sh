#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Packs the shards the GPU run needs into gpu_data/ (git-ignored), xz-compressed so that
# they fit the 64 MiB that travels to the GPU machine. See docs/TRAINING.md.
# --bench: only what scripts/gpu_bench.sh needs.
# Needs numpy and Pillow for the CIFAR-10 JPEG carry (PYTHON=/usr/bin/python3 on Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
C=${CLI:-build/app/cli/symmflow}
S=../shared/datasets
mkdir -p shards gpu_data
if [ "${1:-}" = --bench ]; then
  # What scripts/gpu_bench.sh needs, within the 64 MiB that travel beside the tracked tree
  # (~46 MB, mostly models/): the camvid shards (xz with a byte-delta filter over the RGB
  # pixels: 20 MB instead of 22) and GoogleTest's own sources (no googlemock, docs or tests).
  for s in train val; do
    [ -f shards/camvid_$s.safetensors ] || $C pack --dir $S/camvid/$s --classes $S/camvid/classes.json \
      --size 144x192 -o shards/camvid_$s.safetensors
    xz -T0 --delta=dist=3 --lzma2=preset=9 -c shards/camvid_$s.safetensors > gpu_data/camvid_$s.safetensors.xz
  done
  tar czf gpu_data/googletest.tar.gz -C /usr/src googletest/CMakeLists.txt googletest/googletest/CMakeLists.txt \
    googletest/googletest/cmake googletest/googletest/include googletest/googletest/src
  du -sh gpu_data
  exit 0
fi
$C pack --dir $S/camvid/train --classes $S/camvid/classes.json --size 144x192 -o shards/camvid_train.safetensors
$C pack --dir $S/camvid/val --classes $S/camvid/classes.json --size 144x192 -o shards/camvid_val.safetensors
$C pack --dir $S/fasseg/frontal --dir $S/fasseg/multipose --classes $S/fasseg/classes.json --size 160x128 \
  --val-fraction 0.15 --seed 7 -o shards/fasseg_train.safetensors --val-output shards/fasseg_val.safetensors
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
tar xzf $S/cifar10/train.tar.gz -C "$T"
$C pack --class-folders "$T/train" --classes $S/cifar10/classes.json --size 32x32 --val-fraction 0.1 --seed 7 \
  --limit 10000 --val-limit 1000 -o shards/cifar10_train10k.safetensors --val-output shards/cifar10_val1k.safetensors
for f in camvid_train camvid_val fasseg_train fasseg_val cifar10_train10k cifar10_val1k; do
  xz -T0 -6 -c shards/$f.safetensors > gpu_data/$f.safetensors.xz
done
# The full CIFAR-10 split (45 000 + 5 000; the 10k/1k shards above are its first items),
# carried as the source JPEGs (16 MB instead of 106 MB of xz): scripts/gpu_train_cifar10.sh.
$C pack --class-folders "$T/train" --classes $S/cifar10/classes.json --size 32x32 --val-fraction 0.1 --seed 7 \
  -o shards/cifar10_train.safetensors --val-output shards/cifar10_val.safetensors
for s in train val; do
  ${PYTHON:-python3} scripts/cifar10_jpeg_shards.py carry $S/cifar10/train.tar.gz shards/cifar10_$s.safetensors \
    gpu_data/cifar10_$s.jpg.tar.gz
done
du -sh gpu_data
