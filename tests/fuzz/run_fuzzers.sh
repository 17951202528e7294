#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the standalone fuzz project (tests/fuzz) with clang, writes the seed corpus
# and runs every fuzz target for a bounded time. Used by the ctest test fuzz.libfuzzer
# (tests/fuzz/ctest.cmake) and by hand:
#   tests/fuzz/run_fuzzers.sh <source root> <build folder> [seconds per target] [target...]
# Exit: 0 when no target crashed, 1 on a crash/sanitizer report/build failure,
# 77 (ctest SKIP) when clang++ or libFuzzer is missing.
# Env: SYMMFLOW_FUZZ_CXX (a clang++), SYMMFLOW_FUZZ_JOBS (build parallelism, default 2).
set -u
src=${1:?source root}
build=${2:?build folder}
seconds=${3:-15}
shift $(( $# >= 3 ? 3 : $# ))
targets=("$@")

cxx=${SYMMFLOW_FUZZ_CXX:-}
if [ -z "$cxx" ]; then
  for c in clang++ clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++-14; do
    if command -v "$c" >/dev/null 2>&1; then cxx=$(command -v "$c"); break; fi
  done
fi
if [ -z "$cxx" ]; then
  echo "SKIP: no clang++ found (Debian: apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
mkdir -p "$build"
probe="$build/libfuzzer-probe"
if ! printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
     'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' |
     "$cxx" -x c++ -fsanitize=fuzzer,address,undefined - -o "$probe" >"$build/libfuzzer-probe.log" 2>&1; then
  echo "SKIP: $cxx cannot link libFuzzer with ASan/UBSan (Debian: libclang-rt-14-dev); see $build/libfuzzer-probe.log"
  exit 77
fi

generator=()
command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ] && generator=(-G Ninja)
echo "== configure and build $build with $cxx"
if ! cmake -S "$src/tests/fuzz" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER="$cxx" \
     -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1; then
  tail -30 "$build/configure.log"; echo "FAIL: configuring the fuzz project failed"; exit 1
fi
if ! cmake --build "$build" -j"${SYMMFLOW_FUZZ_JOBS:-2}" >"$build/build.log" 2>&1; then
  grep -E "error|Error" "$build/build.log" | head -30; echo "FAIL: building the fuzz targets failed"; exit 1
fi
rm -rf "$build/seeds"
if ! "$build/make_corpus" "$build/seeds"; then echo "FAIL: make_corpus"; exit 1; fi

if [ ${#targets[@]} -eq 0 ]; then
  for f in "$build"/fuzz_*; do [ -x "$f" ] && [ -f "$f" ] && targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi
status=0
mkdir -p "$build/artifacts" "$build/logs"
for t in "${targets[@]}"; do
  bin="$build/fuzz_$t"
  [ -x "$bin" ] || { echo "FAIL: no fuzz target $t"; status=1; continue; }
  mkdir -p "$build/corpus/$t"
  log="$build/logs/$t.log"
  # Inputs that once crashed (tests/fuzz/regressions/<target>) run first, every time.
  regressions=""
  [ -d "$src/tests/fuzz/regressions/$t" ] && regressions="$src/tests/fuzz/regressions/$t"
  # -close_fd_mask=3 silences the decoders' own chatter; libFuzzer and the sanitizers
  # still report. The first corpus folder collects what the run learns (kept between
  # runs); the seeds and regressions are only read.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
    "$build/corpus/$t" "$build/seeds/$t" $regressions >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    echo "FAIL: fuzz_$t exited with $rc after ${runs:-?} runs; the input is in $build/artifacts/ (log: $log)"
    grep -E "ERROR|runtime error|invariant failed|SUMMARY|Test unit written" "$log" | head -12
    status=1
  else
    echo "ok: fuzz_$t ${runs:-?} runs in ${seconds} s, no crash"
  fi
done
exit $status
