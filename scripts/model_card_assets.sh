#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes the sample pictures and the self-consistency figure of the model cards:
#   scripts/model_card_assets.sh [build-dir [camvid|camvid-small|camvid-small-previews|fasseg|cifar10 ...]]
# Needs ../shared/datasets, the CLI built in build-dir (default build) and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${1:-build}/app/cli/symmflow
D=../shared/datasets
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

dense_grid() {  # model dataset-dir(images/masks) count
  local m=$1 dir=$2 n=$3 rows=()
  mapfile -t stems < <(ls "$dir/masks" | sed 's/\.png$//' | awk -v n="$n" '{a[NR]=$0} END {for (i=0;i<n;i++) print a[int(1+i*(NR-1)/(n-1))]}')
  for s in "${stems[@]}"; do
    $C generate -m models/$m.safetensors --mask "$dir/masks/$s.png" -o "$T/$m-$s.png" --count 3 --steps 10 --seed 0 \
      --mask-preview "$T/$m-$s-map.png" > /dev/null
    local size; size=$(identify -format '%wx%h!' "$T/$m-$s-map.png")
    convert "$dir/images/$s.png" -resize "$size" "$T/$m-$s-real.png"
    convert "$T/$m-$s-map.png" "$T/$m-$s"_{0,1,2}.png "$T/$m-$s-real.png" +append "$T/row-$m-$s.png"
    rows+=("$T/row-$m-$s.png")
  done
  convert "${rows[@]}" -append -bordercolor white -border 2 "models/$m-samples.png"
  echo "models/$m-samples.png: columns = label map | 3 seeds (10 Euler steps) | real photo"
}

self_consistency() {  # model dataset-dir count: generate from maps, segment back, mIoU vs the maps
  local m=$1 dir=$2 n=$3
  mkdir -p "$T/sc-$m/images" "$T/sc-$m/masks"
  for s in $(ls "$dir/masks" | sed 's/\.png$//' | head -n "$n"); do
    # The map as the model saw it (framed to its size) is the reference.
    $C generate -m models/$m.safetensors --mask "$dir/masks/$s.png" -o "$T/sc-$m/images/$s.png" --steps 10 --seed 1 \
      --mask-preview "$T/sc-$m/masks/$s.png" > /dev/null
  done
  $C eval -m models/$m.safetensors --images "$T/sc-$m/images" --masks "$T/sc-$m/masks" --json > "$T/sc-$m.json"
  echo "$m self-consistency over $n maps: $(cat "$T/sc-$m.json")"
}

previews_grid() {  # camvid-small's card: what a live preview shows, next to the full model's
  local D2=$D/camvid/val rows=()
  mapfile -t stems < <(ls "$D2/masks" | sed 's/\.png$//' | awk '{a[NR]=$0} END {for (i=0;i<4;i++) print a[int(1+i*(NR-1)/3)]}')
  for s in "${stems[@]}"; do
    for m in camvid camvid-small; do for n in 3 10; do
      $C generate -m models/$m.safetensors --mask "$D2/masks/$s.png" -o "$T/p-$m-$n-$s.png" --steps $n --seed 0 \
        --mask-preview "$T/p-map-$s.png" > /dev/null
    done; done
    local size; size=$(identify -format '%wx%h!' "$T/p-map-$s.png")
    convert "$D2/images/$s.png" -resize "$size" "$T/p-real-$s.png"
    convert "$T/p-map-$s.png" "$T/p-camvid-3-$s.png" "$T/p-camvid-small-3-$s.png" "$T/p-camvid-10-$s.png" \
      "$T/p-camvid-small-10-$s.png" "$T/p-real-$s.png" +append "$T/p-row-$s.png"
    rows+=("$T/p-row-$s.png")
  done
  convert "${rows[@]}" -append -bordercolor white -border 2 -quality 88 models/camvid-small-previews.jpg
  echo "models/camvid-small-previews.jpg: map | camvid 3 | camvid-small 3 | camvid 10 | camvid-small 10 steps | photo"
}

PARTS=("${@:2}"); [ ${#PARTS[@]} -gt 0 ] || PARTS=(camvid fasseg cifar10)
want() { [[ " ${PARTS[*]} " == *" $1 "* ]]; }
for m in camvid camvid-small; do
  want $m || continue
  dense_grid $m "$D/camvid/val" 4
  self_consistency $m "$D/camvid/val" 24
done
want camvid-small-previews && previews_grid
if want fasseg; then
  # FASSEG has no official validation folder; sample maps from the frontal set.
  [ -f models/fasseg-samples.png ] && [ -n "${KEEP_GRIDS:-}" ] || dense_grid fasseg "$D/fasseg/frontal" 4
  self_consistency fasseg "$D/fasseg/frontal" 16
fi
want cifar10 || exit 0
# cifar10: a row per class, 8 seeds each.
rows=()
for cls in airplane automobile bird cat deer dog frog horse ship truck; do
  $C generate -m models/cifar10.safetensors --label $cls -o "$T/c-$cls.png" --count 8 --steps 10 --seed 0 > /dev/null
  convert "$T/c-$cls"_{0..7}.png +append -scale 200% "$T/row-$cls.png"
  rows+=("$T/row-$cls.png")
done
convert "${rows[@]}" -append -bordercolor white -border 2 models/cifar10-samples.png
echo "models/cifar10-samples.png: a row per class (airplane ... truck), 8 seeds, 10 Euler steps"
# Self-consistency: N images per class (other seeds than the grid), classified back in one step.
N=${CIFAR_SC_PER_CLASS:-30}
for cls in airplane automobile bird cat deer dog frog horse ship truck; do
  mkdir -p "$T/sc-cifar10/$cls"
  $C generate -m models/cifar10.safetensors --label $cls -o "$T/sc-cifar10/$cls/g.png" --count "$N" --steps 10 \
    --seed 100 > /dev/null
done
$C eval -m models/cifar10.safetensors --labels-from-folders "$T/sc-cifar10" --json > "$T/sc-cifar10.json"
echo "cifar10 self-consistency over $N images per class: $(cat "$T/sc-cifar10.json")"
