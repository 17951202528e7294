#!/bin/sh
# SPDX-License-Identifier: MIT
# The C++ and CUDA sources follow .clang-format (STYLE.md: keep the tree formatted).
# Usage: check_format.sh SOURCE_DIR. Exit 0: formatted; 1: lists the files that are not and
# how to fix them; 77 (CTest: skipped): no clang-format 14 here, the version the tree
# follows (others break some lines differently).
cd "$1" || exit 1
CF=$(command -v clang-format-14 || command -v clang-format) || {
  echo "clang-format is not installed (Debian: apt-get install clang-format): skipped"
  exit 77
}
"$CF" --version | grep -q 'version 14\.' || {
  echo "$("$CF" --version) is not clang-format 14, which the tree follows: skipped"
  exit 77
}
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  files=$(git ls-files '*.h' '*.cpp' '*.cu')
else
  files=$(find app bench core tests ui -name '*.h' -o -name '*.cpp' -o -name '*.cu')
fi
bad=""
for f in $files; do
  "$CF" --dry-run -Werror "$f" > /dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
  echo "not formatted by .clang-format:$bad"
  echo "fix: clang-format -i$bad"
  exit 1
fi
echo "$(echo "$files" | wc -w) files formatted"
