#!/bin/sh
# SPDX-License-Identifier: MIT
# Renders the hand-written tool icons (*.svg, the sources) to the PNGs the studio
# loads (Qt's SVG module is not a dependency). Run after editing an SVG.
set -eu
cd "$(dirname "$0")"
for svg in *.svg; do
  name=${svg%.svg}
  rsvg-convert -w 24 -h 24 "$svg" -o "$name-24.png"
  rsvg-convert -w 48 -h 48 "$svg" -o "$name-48.png"
done
