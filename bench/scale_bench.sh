#!/bin/bash
# How long one `systemctl start` of N booted host clones takes and how much
# memory they use, for N = 1, 10 and 50 (or the counts given), as sdme
# containers and as bare `systemd-nspawn --boot` units on the same overlay
# trees, all inside a booted Debian 12 test host (tests/e2e/testhost.sh).
# The difference is what sdme adds: its two ExecStartPre= helpers. Not run
# in CI; the figures are in bench/README.md.
#
# Usage: bench/scale_bench.sh BUILD_DIR [COUNT...]
# Needs root. Raises the inotify limits to sdme's sysctl.d drop-in first
# (never lowers them), as systemd-sysctl does at boot.
set -u
set -o pipefail

(($# >= 1)) || {
  echo "usage: $0 BUILD_DIR [COUNT...]" >&2
  exit 2
}
build_dir=$(realpath -- "$1") || exit 2
shift
counts=("$@")
((${#counts[@]} > 0)) || counts=(1 10 50)
here=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")
# shellcheck source=../tests/e2e/testhost.sh
source "$here/../tests/e2e/testhost.sh"
trap 'testhost_destroy' EXIT

die() {
  echo "scale_bench: $*" >&2
  exit 1
}
in_host() {
  testhost_run "$@" || die "failed inside the test host: $*"
}
# Proportional set size of every process in the test host, in KiB: the
# containers' own memory, unmoved by other work on this machine (which
# makes MemAvailable useless here), without the kernel's caches and slabs.
pss_kib() {
  testhost_run sh -c 'cat /proc/[0-9]*/smaps_rollup 2>/dev/null' |
    awk '$1 == "Pss:" { sum += $2 } END { print sum }'
}
now() {
  echo "$EPOCHREALTIME"
}
seconds_since() {
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# The drop-in's keys, raised where lower (systemd-sysctl --prefix).
raise_limits() {
  local dropin=$1 key value prefixes=()
  while read -r key value; do
    (($(<"/proc/sys/${key//.//}") < value)) && prefixes+=("--prefix=/${key//.//}")
  done < <(sed -n 's/^\([a-z][a-z0-9_.]*\) *= *\([0-9]*\)$/\1 \2/p' "$dropin")
  ((${#prefixes[@]} == 0)) || /lib/systemd/systemd-sysctl "${prefixes[@]}" "$dropin" ||
    die "systemd-sysctl $dropin failed"
}

helper_dir=
keys_during=
# The units of one kind: sdme containers sN, or bare nspawn units bN whose
# trees sdme-overlay mounts beforehand (not timed), with the generated
# unit's nspawn arguments.
prepare() {
  local kind=$1 count=$2 i name
  for ((i = 1; i <= count; i++)); do
    if [[ $kind == sdme ]]; then
      name=s$i
      testhost_write "/etc/sdme/$name.sdme" <<<$'[Container]\nHostname='"$name"
    else
      name=b$i
      local log
      log=$(testhost_run "$helper_dir/sdme-overlay" mount "$name" --lower=/ --host-clone \
        --opaque=/etc/systemd/system --opaque=/etc/systemd/network --opaque=/var/log \
        --hostname="$name" 2>&1) ||
        die "sdme-overlay mount $name failed: $log"
      testhost_write "/etc/systemd/system/$name.service" <<EOF
[Service]
Type=notify
Slice=machine.slice
Delegate=yes
KillMode=mixed
ExecStart=/usr/bin/systemd-nspawn --quiet --keep-unit --settings=no --link-journal=try-guest --resolv-conf=auto --machine=$name --directory=/var/lib/sdme/containers/$name/merged --notify-ready=yes --boot --hostname=$name
EOF
    fi
  done
  in_host systemctl daemon-reload
}

clean_up() {
  local kind=$1 count=$2 i
  for ((i = 1; i <= count; i++)); do
    if [[ $kind == sdme ]]; then
      in_host rm -f "/etc/sdme/s$i.sdme"
    else
      in_host "$helper_dir/sdme-overlay" umount "b$i"
      in_host rm -f "/etc/systemd/system/b$i.service"
    fi
  done
  in_host rm -rf /var/lib/sdme/containers
  in_host systemctl daemon-reload
}

measure() {
  local kind=$1 count=$2 prefix units=() i
  prefix=$([[ $kind == sdme ]] && echo s || echo b)
  for ((i = 1; i <= count; i++)); do units+=("$prefix$i.service"); done
  prepare "$kind" "$count"
  sleep 2
  local pss_before started start_seconds pss_after
  pss_before=$(pss_kib)
  started=$(now)
  in_host systemctl start "${units[@]}"
  start_seconds=$(seconds_since "$started")
  # Let the containers settle after READY before weighing them.
  sleep 5
  pss_after=$(pss_kib)
  keys_during=$(awk '{ printf "%s%s", sep, $0; sep = "; " }' /proc/key-users)
  started=$(now)
  in_host systemctl stop "${units[@]}"
  local stop_seconds
  stop_seconds=$(seconds_since "$started")
  clean_up "$kind" "$count"
  local pss_mib=$(((pss_after - pss_before) / 1024))
  printf '| %-19s | %3d | %7s | %6s | %7d | %10.1f |\n' \
    "$([[ $kind == sdme ]] && echo sdme || echo "bare systemd-nspawn")" "$count" "$start_seconds" \
    "$stop_seconds" "$pss_mib" "$(awk -v m="$pss_mib" -v n="$count" 'BEGIN { print m / n }')"
}

((EUID == 0)) || die "needs root"
testhost_base_rootfs || die "cannot build the test host's root file system"
testhost_create || die "cannot create the test host"
testhost_install "$build_dir" || die "cannot install $build_dir"
# The install manifest names files as the test host sees them.
dropin=$TESTHOST_ROOT$(grep '/sysctl.d/10-sdme.conf$' "$build_dir/install_manifest.txt" | head -n 1)
[[ -f $dropin ]] || die "no sysctl.d/10-sdme.conf was installed"
raise_limits "$dropin"
helper_dir=$(dirname "$(grep '/sdme-overlay$' "$build_dir/install_manifest.txt" | head -n 1)")
testhost_boot 180 || die "the test host does not boot"

echo "$(nproc) CPUs, $(awk '$1 == "MemTotal:" { print int($2 / 1048576) }' /proc/meminfo) GiB, $(uname -r), fs.inotify.max_user_instances=$(</proc/sys/fs/inotify/max_user_instances)"
echo
echo "| units               |   N | start s | stop s | PSS MiB | PSS / unit |"
echo "|---------------------|-----|---------|--------|---------|------------|"
for count in "${counts[@]}"; do
  measure sdme "$count"
  measure bare "$count"
done
echo
echo "/proc/key-users with the last containers running: $keys_during"
testhost_poweroff 120
