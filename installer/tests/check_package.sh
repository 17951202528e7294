#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ctest installer.package (labels: package, slow): builds the .deb with CPack from an
# already built tree, checks its control fields and contents, extracts it into a temp
# root and runs the extracted CLI on a shipped model.
#
#   check_package.sh BUILD_DIR SOURCE_DIR VERSION WITH_UI(0|1) APP_ID
#
# Exit 0 = pass, 77 = skipped (tools missing), anything else = failure.
# ok() always succeeds, so `cond && ok || bad` is a safe if-then-else here.
# shellcheck disable=SC2015
set -euo pipefail

build_dir=$1 source_dir=$2 version=$3 with_ui=$4 app_id=$5

fail=0
ok()   { echo "ok:   $*"; }
bad()  { echo "FAIL: $*" >&2; fail=1; }
skip() { echo "SKIP: $*"; exit 77; }

for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || skip "$tool not found (apt-get install dpkg-dev cmake)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/symmflow-pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. Build the package into the temp dir, so the test never races a user's `package` target.
echo "== cpack (DEB) in $work"
if ! cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  echo "FAIL: cpack failed" >&2
  exit 1
fi
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
deb="$work/out/symmflow-studio_${version}_${arch}.deb"
[[ -f $deb ]] || { ls -l "$work/out" >&2; echo "FAIL: expected $deb" >&2; exit 1; }
ok "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# 2. Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == symmflow-studio ]] && ok "Package: symmflow-studio" || bad "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] && ok "Version: $version" || bad "Version is '$(field Version)', want $version"
[[ $(field Architecture) == "$arch" ]] && ok "Architecture: $arch" || bad "Architecture is '$(field Architecture)'"
[[ -n $(field Maintainer) ]] && ok "Maintainer set" || bad "Maintainer empty"
[[ $(field Section) == graphics ]] && ok "Section: graphics" || bad "Section is '$(field Section)'"
[[ -n $(field Description) ]] && ok "Description set" || bad "Description empty"
depends=$(field Depends)
# dpkg-shlibdeps always yields a versioned libc6 for a C++ program: that shows Depends
# was computed from the binaries, not typed in.
if [[ $depends == *"libc6 (>="* ]]; then
  ok "Depends computed by shlibdeps: $depends"
else
  bad "Depends is not computed by dpkg-shlibdeps: '$depends'"
fi

# A threaded BLAS for LibTorch (apt installs Recommends by default); see installer/CMakeLists.txt.
[[ $(field Recommends) == *libopenblas0-pthread* ]] && ok "Recommends: $(field Recommends)" \
  || bad "Recommends lacks libopenblas0-pthread: '$(field Recommends)'"

# 3. Contents.
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$work/contents.txt"
has() {
  if grep -qxF "$1" "$work/contents.txt"; then ok "contains $1"; else bad "missing $1"; fi
}
has /usr/bin/symmflow
if [[ $with_ui == 1 ]]; then
  has /usr/bin/symmflow-studio
  has "/usr/share/applications/$app_id.desktop"
  has "/usr/share/metainfo/$app_id.metainfo.xml"
  has "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
  for s in 16 32 48 64 128 256; do
    has "/usr/share/icons/hicolor/${s}x${s}/apps/$app_id.png"
  done
else
  echo "note: built with SYMMFLOW_WITH_UI=OFF: no studio, desktop file, metainfo or icons expected"
fi
has /usr/share/symmflow/samples/camvid_street.png
has /usr/share/symmflow/samples/fasseg_face.png

shopt -s nullglob
models=("$source_dir"/models/*.safetensors)
for m in "${models[@]}"; do
  has "/usr/share/symmflow/models/$(basename "$m")"
done
for card in "$source_dir"/models/*.md; do
  has "/usr/share/symmflow/models/$(basename "$card")"
  # and every picture it shows from beside it (the studio's model card dialog renders them)
  while IFS= read -r picture; do
    [[ -n $picture && $picture != */* ]] && has "/usr/share/symmflow/models/$picture"
  done < <(grep -o '!\[[^]]*\]([^)]*)' "$card" | sed 's/.*(\(.*\))/\1/')
done
if grep -q '^/usr/local' "$work/contents.txt"; then
  bad "files under /usr/local in the package"
fi

# 4. Extract and check the installed files as a user's system would see them.
root="$work/root"
dpkg-deb -x "$deb" "$root"
if [[ $with_ui == 1 ]]; then
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/$app_id.desktop" \
      && ok "desktop-file-validate clean" || bad "desktop-file-validate reported errors"
  else
    echo "note: desktop-file-validate not installed (desktop-file-utils); not checked"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$root/usr/share/metainfo/$app_id.metainfo.xml" \
      && ok "appstreamcli validate --no-net clean" || bad "appstreamcli validate failed"
  else
    echo "note: appstreamcli not installed (appstream); not checked"
  fi
fi

# 5. Run the extracted CLI on an extracted model.
cli="$root/usr/bin/symmflow"
if [[ ! -x $cli ]]; then
  bad "extracted $cli is missing or not executable"
elif (( ${#models[@]} == 0 )); then
  echo "SKIPPED PART: no models/*.safetensors in the source tree yet, so 'symmflow info <model>'" \
       "was not run on the extracted package"
else
  model="$root/usr/share/symmflow/models/$(basename "${models[0]}")"
  run_info() { "$cli" info "$model" >"$work/info.log" 2>&1; }
  if run_info; then
    ok "extracted 'usr/bin/symmflow info $(basename "$model")' ran"
  elif grep -q 'error while loading shared libraries' "$work/info.log"; then
    # Project libraries shipped as shared objects: point the loader at the extracted ones.
    libdirs=$(find "$root/usr/lib" -name '*.so*' -printf '%h\n' 2>/dev/null | sort -u | paste -sd:)
    echo "note: retrying with LD_LIBRARY_PATH=$libdirs"
    if LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$cli" info "$model" \
         >"$work/info.log" 2>&1; then
      ok "extracted symmflow info ran (with LD_LIBRARY_PATH)"
    else
      bad "extracted symmflow info failed"
    fi
  else
    bad "extracted 'symmflow info $model' failed"
  fi
  # head reads the file itself: "sed ... | head" can end sed with SIGPIPE, which pipefail reports.
  head -n 40 "$work/info.log" | sed 's/^/  | /'
fi

if (( fail )); then
  echo "installer.package: FAILED" >&2
  exit 1
fi
echo "installer.package: all checks passed"
