#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Renders symmflow-studio.svg to the PNG sizes the installer ships (hicolor theme).
# Needs rsvg-convert (Debian: librsvg2-bin); falls back to ImageMagick's convert
# where its SVG delegate works. The PNGs are committed; rerun after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")"
sizes=(16 32 48 64 128 256)
for s in "${sizes[@]}"; do
  out="symmflow-studio-${s}.png"
  if command -v rsvg-convert >/dev/null; then
    rsvg-convert -w "$s" -h "$s" symmflow-studio.svg -o "$out"
  else
    convert -background none -density 384 symmflow-studio.svg -resize "${s}x${s}" "$out"
  fi
  # Drop time/text chunks so a rerun writes identical files.
  if command -v convert >/dev/null; then
    convert "$out" -strip -define png:exclude-chunks=date,time "PNG32:$out"
  fi
  echo "$out: $(identify -format '%wx%h %[channels]' "$out" 2>/dev/null || echo written)"
done
