#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Draws the sample label maps in this folder with ImageMagick. They are made by
# the project (no dataset pixels): 8-bit single-channel PNGs whose grey value
# is the class id. Antialiasing is off, so every pixel is exactly one id.
#
#   resources/samples/make_samples.sh          # rewrite both PNGs, then check them
#   resources/samples/make_samples.sh --check  # only check the committed PNGs
set -euo pipefail
cd "$(dirname "$0")"

command -v convert >/dev/null || { echo "make_samples.sh: needs ImageMagick (apt-get install imagemagick)" >&2; exit 1; }

# g ID -> an ImageMagick colour whose 8-bit grey value is ID.
g() { printf 'gray(%d)' "$1"; }

# Write as 8-bit greyscale (PNG colour type 0), no palette, no gamma/time chunks,
# so the file is byte-for-byte reproducible and readers see the ids as is.
# shellcheck disable=SC2054  # the commas are inside -define values
png_out=(-depth 8 -type Grayscale -define png:color-type=0 -define png:bit-depth=8
         -define png:exclude-chunks=date,time,gAMA,cHRM,sRGB,bKGD -strip)

make_camvid() {
  # CamVid 11 classes + void: 0 sky, 1 building, 2 pole, 3 road, 4 pavement,
  # 5 tree, 6 sign, 7 fence, 8 car, 9 pedestrian, 10 bicyclist, 11 void.
  convert -size 192x144 "xc:$(g 0)" +antialias \
    -fill "$(g 1)" -draw 'rectangle 0,14 54,95' -draw 'rectangle 0,4 30,14' \
    -fill "$(g 1)" -draw 'rectangle 140,22 191,95' -draw 'rectangle 160,10 191,22' \
    -fill "$(g 5)" -draw 'circle 108,52 108,30' -draw 'circle 126,60 126,44' \
                   -draw 'rectangle 113,60 118,90' \
    -fill "$(g 4)" -draw 'rectangle 0,86 191,143' \
    -fill "$(g 3)" -draw 'polygon 62,86 130,86 191,128 191,143 0,143 0,128' \
    -fill "$(g 7)" -draw 'rectangle 140,82 191,90' \
    -fill "$(g 2)" -draw 'rectangle 150,30 152,104' \
    -fill "$(g 6)" -draw 'rectangle 144,30 158,41' \
    -fill "$(g 8)" -draw 'rectangle 22,104 74,128' -draw 'rectangle 31,95 64,104' \
                   -draw 'rectangle 96,90 124,103' -draw 'rectangle 101,85 119,90' \
    -fill "$(g 9)" -draw 'circle 173,79 173,76' -draw 'rectangle 170,83 176,97' \
                   -draw 'rectangle 170,97 172,108' -draw 'rectangle 174,97 176,108' \
    "${png_out[@]}" camvid_street.png
}

make_fasseg() {
  # FASSEG-style face parts: 0 background, 1 hair, 2 skin, 3 eyes, 4 nose, 5 mouth.
  convert -size 128x160 "xc:$(g 0)" +antialias \
    -fill "$(g 1)" -draw 'ellipse 64,74 50,58 0,360' \
    -fill "$(g 2)" -draw 'ellipse 64,92 40,52 0,360' \
    -fill "$(g 1)" -draw 'ellipse 64,52 41,18 0,360' \
    -fill "$(g 3)" -draw 'ellipse 48,80 7,4 0,360' -draw 'ellipse 80,80 7,4 0,360' \
    -fill "$(g 4)" -draw 'polygon 64,86 57,106 71,106' \
    -fill "$(g 5)" -draw 'ellipse 64,122 13,5 0,360' \
    "${png_out[@]}" fasseg_face.png
}

# check FILE WxH MAXID: size, 8-bit grey, and every pixel value an id in 0..MAXID.
check() {
  local file=$1 size=$2 maxid=$3 geom depth hist bad
  geom=$(identify -format '%wx%h' "$file")
  depth=$(identify -format '%z' "$file")
  [[ $geom == "$size" ]] || { echo "$file: size $geom, want $size" >&2; return 1; }
  [[ $depth == 8 ]] || { echo "$file: depth $depth, want 8" >&2; return 1; }
  # Histogram lines look like "   1234: (  3,  3,  3) #030303 gray(3)".
  hist=$(convert "$file" -depth 8 -format %c histogram:info:-)
  bad=$(awk -v max="$maxid" -F'[(,)]' '{ v=$2+0; if (v > max) print v }' <<<"$hist")
  [[ -z $bad ]] || { echo "$file: pixel values outside 0..$maxid: $bad" >&2; return 1; }
  echo "$file: ${geom}, 8-bit grey, ids present:" \
       "$(awk -F'[(,)]' '{ printf "%d(%dpx) ", $2+0, $1+0 }' <<<"$hist")"
}

if [[ ${1:-} != --check ]]; then
  make_camvid
  make_fasseg
fi
check camvid_street.png 192x144 11
check fasseg_face.png 128x160 5
