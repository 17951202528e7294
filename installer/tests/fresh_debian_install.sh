#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Manual check (not in ctest, not in CI: it downloads ~270 MB): installs the .deb with apt
# into a freshly debootstrapped Debian 12 (bookworm, minbase) root and checks that apt brings
# every dependency and that the installed programs work there, with no SymmFlow environment
# variables and no build or source tree in sight.
#
#   sudo installer/tests/fresh_debian_install.sh DEB WORK_DIR [--clean]
#
#   DEB       build/symmflow-studio_<version>_<arch>.deb (cmake --build build --target package)
#   WORK_DIR  a folder for the root and the logs, e.g. build-debroot (git ignores /build*/);
#             WORK_DIR/root is replaced when it was made by an earlier run of this script
#   --clean   delete WORK_DIR/root at the end (it is ~1.4 GB); logs stay in WORK_DIR/logs
#
# Needs: root, debootstrap, the Debian archive keyring and HTTP access to a Debian mirror.
# The mirror is the first Debian URI in this machine's apt sources (deb.debian.org if none);
# override with SYMMFLOW_DEBIAN_MIRROR / SYMMFLOW_DEBIAN_SECURITY. This machine's apt proxy
# settings (Acquire::*::Proxy, Check-Valid-Until/Check-Date for snapshot mirrors) are copied
# into the root; http_proxy in the environment is passed to debootstrap.
#
# Exit 0 = every check passed, 1 = a check failed, 2 = usage, 77 = skipped (not root, no
# debootstrap, mirror unreachable). Prints a summary with the measured numbers at the end.
# ok() always succeeds, so `cond && ok || bad` is a safe if-then-else here.
# shellcheck disable=SC2015,SC2016
set -euo pipefail

usage() { awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"; }
clean=0
args=()
for a in "$@"; do
  case $a in
    --clean) clean=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option $a" >&2; usage >&2; exit 2 ;;
    *) args+=("$a") ;;
  esac
done
(( ${#args[@]} == 2 )) || { usage >&2; exit 2; }
deb=$(realpath -e "${args[0]}" 2>/dev/null) || { echo "error: no such file: ${args[0]}" >&2; exit 2; }
mkdir -p "${args[1]}"
work=$(realpath "${args[1]}")
root="$work/root"
logs="$work/logs"
marker="$root/.symmflow-fresh-debian-root"

fail=0
ok()   { echo "ok:   $*"; }
bad()  { echo "FAIL: $*" >&2; fail=1; }
skip() { echo "SKIP: $*"; exit 77; }
step() { printf '\n== %s\n' "$*"; }

[[ $(id -u) == 0 ]] || skip "needs root (debootstrap, chroot, mounts): run it with sudo"
command -v debootstrap >/dev/null || skip "debootstrap not found (apt-get install debootstrap)"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f $keyring ]] || skip "$keyring not found (apt-get install debian-archive-keyring)"
[[ $(dpkg-deb -f "$deb" Package 2>/dev/null) == symmflow-studio ]] \
  || { echo "error: $deb is not a symmflow-studio package" >&2; exit 2; }
arch=$(dpkg-deb -f "$deb" Architecture)

# --- mirror: this machine's Debian URIs, else deb.debian.org -----------------------------
host_uris() {
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | sed 's/^URIs://' | tr ' ' '\n'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
      | sed 's/\[[^]]*\]//' | awk '{ print $2 }'; } | grep -E '^https?://' || true
}
mirror=${SYMMFLOW_DEBIAN_MIRROR:-$(host_uris | grep -E '/debian/?$' | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
security=${SYMMFLOW_DEBIAN_SECURITY:-$(host_uris | grep -E '/debian-security/?$' | head -1)}
security=${security:-http://deb.debian.org/debian-security}
mirror=${mirror%/} security=${security%/}

# Host apt settings the root needs to reach the same mirror the same way.
apt_conf_files=()
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
  [[ -f $f ]] && grep -qiE 'Proxy|Check-Valid-Until|Check-Date' "$f" && apt_conf_files+=("$f")
done

# This machine's apt proxy also serves debootstrap (which reads only http_proxy).
if [[ -z ${http_proxy:-} ]] && command -v apt-config >/dev/null; then
  apt_proxy=$(apt-config dump Acquire::http::Proxy 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(http:[^"]*\)";$/\1/p')
  [[ -n $apt_proxy ]] && export http_proxy=$apt_proxy && echo "using the apt proxy $apt_proxy"
fi

# Mirror reachable? (bash's /dev/tcp, so it works without curl or wget; through a proxy
# when http_proxy is set, otherwise directly.)
probe() {  # URL -> 0 when HTTP/1.1 2xx or 3xx comes back for it
  local url=$1 hostport path host port
  local target=${http_proxy:-${HTTP_PROXY:-}}
  hostport=${url#http://}; path=/${hostport#*/}; hostport=${hostport%%/*}
  if [[ -n $target ]]; then
    target=${target#http://}; target=${target%%/*}; path=$url
  else
    target=$hostport
  fi
  host=${target%%:*}; port=${target##*:}; [[ $port == "$host" ]] && port=80
  timeout 20 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "HEAD %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" "$2" "$3" >&3
    head -1 <&3 | grep -qE "^HTTP/[0-9.]+ [23][0-9][0-9]"' "$host" "$port" "$path" "$hostport"
}
if [[ $mirror == http://* ]]; then
  probe "$mirror/dists/bookworm/InRelease" \
    || skip "Debian mirror $mirror not reachable (set SYMMFLOW_DEBIAN_MIRROR or http_proxy)"
fi

# --- mounts: always undone on exit ------------------------------------------------------
mounted=()
umount_all() {
  local i
  for (( i = ${#mounted[@]} - 1; i >= 0; i-- )); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  mounted=()
}
trap umount_all EXIT
mount_in() {  # mount args... target
  mount "$@" && mounted+=("${@: -1}")
}
mounts_under() { awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts; }

# --- 1. fresh root ----------------------------------------------------------------------
mkdir -p "$logs"
if [[ -e $root ]]; then
  [[ -f $marker ]] || { echo "error: $root exists and was not made by this script; remove it" >&2; exit 2; }
  [[ -z $(mounts_under "$root") ]] || { echo "error: something is mounted under $root" >&2; exit 2; }
  echo "removing the root of an earlier run: $root"
  rm -rf --one-file-system "$root"
fi

step "debootstrap --variant=minbase bookworm from $mirror"
t0=$SECONDS
if ! debootstrap --variant=minbase --arch="$arch" --keyring="$keyring" \
       bookworm "$root" "$mirror" >"$logs/debootstrap.log" 2>&1; then
  tail -20 "$logs/debootstrap.log" >&2
  echo "FAIL: debootstrap failed (log: $logs/debootstrap.log)" >&2
  exit 1
fi
touch "$marker"
t_debootstrap=$((SECONDS - t0))
base_mb=$(du -sm --exclude=proc --exclude=sys --exclude=dev "$root" | cut -f1)
base_pkgs=$(chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')
ok "base system: $base_pkgs packages, $base_mb MB, ${t_debootstrap}s"

# apt configuration like this machine's, for bookworm.
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
for f in "${apt_conf_files[@]}"; do
  cp "$f" "$root/etc/apt/apt.conf.d/$(basename "$f")"
  echo "copied apt setting $f"
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

mount_in -t proc proc "$root/proc"
mount_in -t sysfs sysfs "$root/sys"
mount_in --bind /dev "$root/dev"
mount_in --bind /dev/pts "$root/dev/pts"

# Commands in the root see only PATH (and what a check adds), never this shell's variables.
in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 chroot "$root" "$@"; }
as_user() {  # a normal user with a home, as after a login
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/tester LANG=C.UTF-8 "$@"
}
chroot_bin=$(command -v chroot)
as_user_in_root() { as_user "$chroot_bin" --userspec=tester:tester "$root" "$@"; }

# --- 2. apt-get install ./symmflow-studio_*.deb -----------------------------------------
step "apt-get update && apt-get install -y ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
t0=$SECONDS
if ! in_root apt-get update >"$logs/apt-update.log" 2>&1; then
  tail -20 "$logs/apt-update.log" >&2
  echo "FAIL: apt-get update failed in the root (log: $logs/apt-update.log)" >&2
  exit 1
fi
if in_root env DEBIAN_FRONTEND=noninteractive sh -c "cd /tmp && apt-get install -y ./$(basename "$deb")" \
     >"$logs/apt-install.log" 2>&1; then
  ok "apt-get install succeeded"
else
  tail -30 "$logs/apt-install.log" >&2
  echo "FAIL: apt-get install failed (log: $logs/apt-install.log)" >&2
  exit 1
fi
t_install=$((SECONDS - t0))
summary_line=$(grep -E '^[0-9]+ upgraded, [0-9]+ newly installed' "$logs/apt-install.log" || echo '?')
download=$(grep -oE '^Need to get .* of archives' "$logs/apt-install.log" || echo '?')
disk=$(grep -oE '^After this operation, .* will be used' "$logs/apt-install.log" || echo '?')
all_pkgs=$(in_root dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')
echo "apt: $summary_line"
echo "apt: $download; $disk"
echo "installed packages: $base_pkgs before, $all_pkgs after; ${t_install}s for update + install"
grep -qE '^(E|W): ' "$logs/apt-install.log" \
  && { echo "apt errors or warnings:"; grep -E '^(E|W): ' "$logs/apt-install.log"; } || true
[[ $(in_root dpkg-query -W -f='${db:Status-Abbrev}' symmflow-studio) == 'ii ' ]] \
  && ok "symmflow-studio is installed ($(in_root dpkg-query -W -f='${Version}' symmflow-studio))" \
  || bad "symmflow-studio is not in state 'ii'"
in_root apt-get check >/dev/null 2>&1 && ok "apt-get check: dependencies consistent" \
  || bad "apt-get check reports broken dependencies"

# --- 3. the installed programs ----------------------------------------------------------
step "installed programs (environment: PATH only)"
with_ui=0
in_root test -x /usr/bin/symmflow-studio && with_ui=1
for exe in /usr/bin/symmflow $( (( with_ui )) && echo /usr/bin/symmflow-studio); do
  missing=$(in_root ldd "$exe" | grep 'not found' || true)
  [[ -z $missing ]] && ok "ldd $exe: every library found" || bad "ldd $exe: $missing"
done

blas=$(in_root sh -c 'readlink -f /usr/lib/*-linux-gnu*/libblas.so.3' 2>/dev/null | head -1 || true)
[[ $blas == *openblas* ]] && ok "libblas.so.3 is OpenBLAS ($blas)" \
  || bad "libblas.so.3 is '$blas', not OpenBLAS: LibTorch runs ~1.6x slower (Recommends missing?)"

out=$(in_root symmflow --version 2>&1) && ok "symmflow --version: $out" || bad "symmflow --version: $out"

in_root symmflow info >"$logs/info.log" 2>&1 && ok "symmflow info (model list) ran" || bad "symmflow info failed"
sed 's/^/  | /' "$logs/info.log"
grep -q '(model folders: /usr/share/symmflow/models)' "$logs/info.log" \
  && ok "model folder: /usr/share/symmflow/models, and nothing else" \
  || bad "model folders are not just /usr/share/symmflow/models"
mapfile -t shipped < <(dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -E '/usr/share/symmflow/models/[^/]+\.safetensors$' | sed 's|^\./|/|')
for m in "${shipped[@]}"; do
  grep -qxF "$m" "$logs/info.log" && ok "listed: $m" || bad "not listed: $m"
done
(( ${#shipped[@]} )) || echo "note: the package ships no model; the run checks below will fail"

if in_root symmflow info camvid >"$logs/info-camvid.log" 2>&1 \
   && grep -q '"path": "/usr/share/symmflow/models/camvid.safetensors"' "$logs/info-camvid.log"; then
  ok "symmflow info camvid: found by name in /usr/share/symmflow/models"
else
  bad "symmflow info camvid did not resolve to /usr/share/symmflow/models/camvid.safetensors"
  head -20 "$logs/info-camvid.log" >&2 || true
fi

png_ok() {  # path in the root -> PNG signature present
  [[ $(head -c 8 "$root$1" 2>/dev/null | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
}
in_root mkdir -p /tmp/symmflow-check
samples=/usr/share/symmflow/samples
t0=$SECONDS
if in_root symmflow generate -m camvid --mask $samples/camvid_street.png --steps 2 --seed 1 \
     -o /tmp/symmflow-check/street.png >"$logs/generate.log" 2>&1 && png_ok /tmp/symmflow-check/street.png; then
  ok "symmflow generate (camvid, 2 steps) from $samples/camvid_street.png: $((SECONDS - t0))s"
else
  bad "symmflow generate failed"; cat "$logs/generate.log" >&2 || true
fi
t0=$SECONDS
if in_root symmflow segment -m camvid -i /tmp/symmflow-check/street.png --steps 1 \
     -o /tmp/symmflow-check/street_mask.png --color /tmp/symmflow-check/street_color.png \
     >"$logs/segment.log" 2>&1 && png_ok /tmp/symmflow-check/street_mask.png; then
  ok "symmflow segment (camvid, 1 step) of the generated photo: $(head -1 "$logs/segment.log"), $((SECONDS - t0))s"
else
  bad "symmflow segment failed"; cat "$logs/segment.log" >&2 || true
fi
t0=$SECONDS
if in_root symmflow generate -m fasseg --mask $samples/fasseg_face.png --steps 2 --seed 1 \
     -o /tmp/symmflow-check/face.png >"$logs/generate-fasseg.log" 2>&1 && png_ok /tmp/symmflow-check/face.png; then
  ok "symmflow generate (fasseg, 2 steps) from $samples/fasseg_face.png: $((SECONDS - t0))s"
else
  bad "symmflow generate -m fasseg failed"; cat "$logs/generate-fasseg.log" >&2 || true
fi
mkdir -p "$logs/images"
cp "$root"/tmp/symmflow-check/*.png "$logs/images/" 2>/dev/null || true

# --- 4. a normal user: user model folder and the studio ---------------------------------
step "a normal user (HOME=/home/tester): user model folder, studio"
in_root useradd -m -s /bin/sh tester
user_dir=/home/tester/.local/share/symmflow/models   # core/model_paths.h: $XDG_DATA_HOME or ~/.local/share
if as_user_in_root sh -c "mkdir -p $user_dir && cp /usr/share/symmflow/models/camvid.safetensors $user_dir/my-street.safetensors" \
   && as_user_in_root symmflow info my-street >"$logs/info-user.log" 2>&1 \
   && grep -q "\"path\": \"$user_dir/my-street.safetensors\"" "$logs/info-user.log"; then
  ok "symmflow info my-street: found in the user folder $user_dir"
else
  bad "a model copied to $user_dir was not found by name"; head -20 "$logs/info-user.log" >&2 || true
fi
as_user_in_root symmflow info 2>&1 | grep -q "(model folders: $user_dir /usr/share/symmflow/models)" \
  && ok "user folder searched before /usr/share/symmflow/models" \
  || bad "model folder order for a user is not '$user_dir /usr/share/symmflow/models'"

if (( with_ui )); then
  out=$(in_root env QT_QPA_PLATFORM=offscreen symmflow-studio --version 2>"$logs/studio-version.err") \
    && ok "symmflow-studio --version: $out" || bad "symmflow-studio --version: $out $(cat "$logs/studio-version.err")"
  # Start it offscreen as the user; it stores the model it loaded in its settings
  # (model/last) once the load succeeded. Wait for that, then close it.
  conf=/home/tester/.config/SymmFlow/symmflow-studio.conf
  t0=$SECONDS
  as_user_in_root env QT_QPA_PLATFORM=offscreen sh -c "
    symmflow-studio --no-recover >/tmp/studio.log 2>&1 & pid=\$!
    i=0
    while [ \$i -lt 120 ]; do
      grep -q '^last=' $conf 2>/dev/null && break
      kill -0 \$pid 2>/dev/null || { echo 'studio exited early' >>/tmp/studio.log; exit 1; }
      sleep 1; i=\$((i + 1))
    done
    sleep 2
    kill -0 \$pid 2>/dev/null || { echo 'studio exited after loading' >>/tmp/studio.log; exit 1; }
    kill \$pid; wait \$pid 2>/dev/null; exit 0" && studio_rc=0 || studio_rc=$?
  cp "$root/tmp/studio.log" "$logs/studio.log" 2>/dev/null || true
  last=$(sed -n 's/^last=//p' "$root$conf" 2>/dev/null || true)
  if (( studio_rc == 0 )) && [[ $last == /usr/share/symmflow/models/camvid.safetensors ]]; then
    ok "symmflow-studio ran offscreen and loaded the default model $last ($((SECONDS - t0))s)"
  else
    bad "symmflow-studio offscreen: rc $studio_rc, model/last='$last'"
    sed 's/^/  | /' "$logs/studio.log" >&2 || true
  fi
  in_root test -f /usr/share/applications/io.github.symmflow.Studio.desktop \
    && ok "desktop file installed" || bad "desktop file missing"
fi

# --- 5. removal ---------------------------------------------------------------------------
step "apt-get purge -y symmflow-studio"
if in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y symmflow-studio >"$logs/apt-purge.log" 2>&1; then
  left=$(in_root sh -c 'ls -d /usr/bin/symmflow /usr/bin/symmflow-studio /usr/share/symmflow 2>/dev/null' || true)
  [[ -z $left ]] && ok "purged; nothing of it left in /usr/bin or /usr/share/symmflow" \
    || bad "left after purge: $left"
else
  bad "apt-get purge failed (log: $logs/apt-purge.log)"
fi

umount_all
root_mb=$(du -sm "$root" | cut -f1)
step "summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $(basename "$deb"), $(du -h "$deb" | cut -f1))"
echo "debootstrap minbase bookworm: $base_pkgs packages, $base_mb MB, ${t_debootstrap}s"
echo "apt-get install: $summary_line"
echo "                 $download; $disk; ${t_install}s (update + download + unpack)"
echo "root after the checks: $root_mb MB; logs in $logs"
if (( clean )); then
  [[ -z $(mounts_under "$root") ]] && rm -rf --one-file-system "$root" && echo "removed $root"
fi
if (( fail )); then
  echo "fresh_debian_install: FAILED" >&2
  exit 1
fi
echo "fresh_debian_install: all checks passed"
