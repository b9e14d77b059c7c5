#!/bin/bash
# Import speed, side by side with the tools people would otherwise use:
# a Debian root file system tarball (gzip, xz, zstd) unpacked by
# sdme-import, bsdtar -x and GNU tar -x, and the same tree copied by
# sdme-import and cp -a. Every tool reads from the page cache and writes
# to the same file system; each figure is the best of RUNS runs. sdme-import
# syncs the tree before it commits it (a power cut must not leave a rootfs
# of empty files), so the other tools are also shown followed by sync -f on
# their output, the comparable cost. Prints a Markdown table.
#
# Usage: import_bench.sh BUILD_DIR [ROOTFS_DIR]
#   ROOTFS_DIR defaults to the end-to-end tests' cached Debian tree.
#   RUNS (default 3) and BENCH_DIR (default /var/tmp/sdme-bench) from the
#   environment.
set -euo pipefail

build_dir=$(realpath -- "$1")
here=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")
if (($# > 1)); then
  rootfs=$(realpath -- "$2")
else
  # shellcheck source=../tests/e2e/testhost.sh
  source "$here/../tests/e2e/testhost.sh"
  testhost_base_rootfs >&2
  rootfs=$TESTHOST_BASE
fi
runs=${RUNS:-3}
bench=${BENCH_DIR:-/var/tmp/sdme-bench}
import=$build_dir/libexec/sdme-import
[[ -x $import ]] || { echo "build sdme-import first: $import" >&2; exit 1; }

mkdir -p "$bench/inputs"
tarball=$bench/inputs/rootfs.tar
if [[ ! -f $tarball ]]; then
  tar --numeric-owner --xattrs --acls -C "$rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi
for compressor in "gzip -6" "xz -T1 -6" "zstd -q -3"; do
  suffix=${compressor%% *}
  [[ -f $tarball.$suffix ]] && continue
  $compressor -c "$tarball" >"$tarball.$suffix.tmp"
  mv "$tarball.$suffix.tmp" "$tarball.$suffix"
done

# best_of COMMAND...: the fastest wall time of $runs runs, in seconds.
# The output directory is emptied (and the disk synced) before each run,
# outside the timing.
out=$bench/out
best_of() {
  local best= run start end elapsed
  for ((run = 0; run < runs; run++)); do
    rm -rf "$out" "$bench/state"
    mkdir -p "$out"
    sync
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    end=$(date +%s%N)
    elapsed=$((end - start))
    if [[ -z $best ]] || ((elapsed < best)); then best=$elapsed; fi
  done
  # Nanoseconds to seconds with two decimals.
  printf '%d.%02d' $((best / 1000000000)) $((best % 1000000000 / 10000000))
}

with_sync() { "$@" && sync -f "$out"; }
sdme_import() {
  SDME_STATE_DIR=$bench/state "$import" --no-boot --install-packages=no "$1" bench
}

echo "Input: $(du -sh --apparent-size "$rootfs" | cut -f1) tree, $(find "$rootfs" | wc -l) entries; best of $runs runs, seconds."
echo
echo "| input | sdme-import | bsdtar -x | bsdtar -x + sync | tar -x | tar -x + sync |"
echo "|---|---|---|---|---|---|"
for suffix in gzip xz zstd; do
  file=$tarball.$suffix
  printf '| %s (%s) | %s | %s | %s | %s | %s |\n' "$suffix" "$(du -h "$file" | cut -f1)" \
    "$(best_of sdme_import "$file")" \
    "$(best_of bsdtar -x -f "$file" -C "$out" --numeric-owner --xattrs --acls)" \
    "$(best_of with_sync bsdtar -x -f "$file" -C "$out" --numeric-owner --xattrs --acls)" \
    "$(best_of tar -x -f "$file" -C "$out" --numeric-owner --xattrs --acls)" \
    "$(best_of with_sync tar -x -f "$file" -C "$out" --numeric-owner --xattrs --acls)"
done
echo
echo "| input | sdme-import | cp -a | cp -a + sync |"
echo "|---|---|---|---|"
printf '| directory | %s | %s | %s |\n' \
  "$(best_of sdme_import "$rootfs")" \
  "$(best_of cp -a "$rootfs/." "$out/")" \
  "$(best_of with_sync cp -a "$rootfs/." "$out/")"
if command -v importctl >/dev/null || busctl status org.freedesktop.import1 >/dev/null 2>&1; then
  echo
  echo "(systemd-importd is present: compare with machinectl import-tar by hand)"
else
  echo
  echo "systemd-importd is not reachable here (PID 1 is not systemd), so machinectl import-tar is not measured."
fi
rm -rf "$out" "$bench/state"
