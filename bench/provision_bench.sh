#!/bin/bash
# What Step 4 adds to a container start: sdme-overlay's ID-mapped lower
# layer (--private-users=pick) against a plain overlay, and sdme-provision
# (machine ID; sshd and root's keys; root's password as a file, a hash or
# a credential; networkd and resolved for a link to the host), each on a
# fresh upper layer (the first start) and again
# on the provisioned one (every later start), beside the cost of
# systemd-nspawn itself running /bin/true on the same kind of overlay.
# Runs on this machine directly, no test host. Not run in CI; the figures
# are in bench/README.md.
#
# Usage: bench/provision_bench.sh BUILD_DIR [RUNS]
# Needs root. RUNS (default 30) rounds, each running every step once, after
# one untimed round that warms the page cache; prints the median and 90th
# percentile of each step. LOWER=PATH replaces the lower layer, by default
# the newest cached Debian tree of the end-to-end tests
# (/var/cache/sdme-test/bookworm-*, which has openssh-server). Everything
# lives in a scratch directory under /var/tmp, removed at the end.
set -u
set -o pipefail
export LC_ALL=C

(($# >= 1 && $# <= 2)) || {
  echo "usage: $0 BUILD_DIR [RUNS]" >&2
  exit 2
}
build_dir=$(realpath -- "$1") || exit 2
runs=${2:-30}
[[ $runs =~ ^[1-9][0-9]*$ ]] || {
  echo "provision_bench: RUNS must be a positive number, not '$runs'" >&2
  exit 2
}
overlay=$build_dir/libexec/sdme-overlay
provision=$build_dir/libexec/sdme-provision

die() {
  echo "provision_bench: $*" >&2
  exit 1
}

scratch=
log=
propagate_before=
# Unmounts every overlay under the scratch directory, then removes it; a
# mount that will not go keeps the directory (rm must never reach the lower
# layer through a merged tree).
clean_up() {
  [[ -n $scratch && -d $scratch ]] || return 0
  local merged target
  for merged in "$scratch"/state/containers/*/merged; do
    mountpoint -q "$merged" || continue
    "$overlay" umount "$(basename "$(dirname "$merged")")" >/dev/null 2>&1 || umount "$merged"
  done
  # Anything still mounted below, innermost first.
  while read -r target; do
    umount "$target" || umount -l "$target"
  done < <(findmnt -rn -o TARGET | grep -F "$scratch/" | sort -r)
  if findmnt -rn -o TARGET | grep -qF "$scratch/"; then
    echo "provision_bench: $scratch still has mounts; left in place" >&2
  else
    rm -rf --one-file-system "$scratch"
  fi
  # nspawn's propagation directory is named after the tree's last component.
  if [[ -z $propagate_before && -d /run/systemd/nspawn/propagate/merged ]]; then
    rmdir /run/systemd/nspawn/propagate/merged 2>/dev/null
  fi
  return 0
}
trap clean_up EXIT
trap 'exit 130' INT TERM

# Runs the command and sets $elapsed to its wall time in µs. Output goes
# to the log; a failure ends the run.
elapsed=0
timed() {
  local start=${EPOCHREALTIME/./} end
  "$@" >>"$log" 2>&1 || die "failed: $*; the log ends:"$'\n'"$(tail -n 5 "$log" | sed 's/^/  /')"
  end=${EPOCHREALTIME/./}
  elapsed=$((10#$end - 10#$start))
}

# Keeps $elapsed as a sample of STEP, except in the warm-up round.
recording=no
record() {
  if [[ $recording == yes ]]; then printf '%s\t%s\n' "$1" "$elapsed" >>"$samples"; fi
}

# Median and 90th percentile (nearest rank) of STEP's samples, in ms.
table_row() {
  local step=$1 label=$2
  awk -F '\t' -v step="$step" '$1 == step { print $2 }' "$samples" | sort -n |
    awk -v label="$label" '
      { v[NR] = $1 }
      END {
        median = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        rank = int(0.9 * NR); if (rank < 0.9 * NR) rank++
        printf "| %-58s | %4d | %9.1f | %6.1f |\n", label, NR, median / 1000, v[rank] / 1000
      }'
}

mount_overlay() {
  "$overlay" mount "$@" --lower="$lower" >>"$log" 2>&1 || die "sdme-overlay mount $* failed"
}
unmount_overlay() {
  "$overlay" umount "$1" >>"$log" 2>&1 || die "sdme-overlay umount $1 failed"
}
# A container with no upper layer yet: what its first start finds.
fresh_overlay() {
  local name=$1
  shift
  if mountpoint -q "$SDME_STATE_DIR/containers/$name/merged"; then unmount_overlay "$name"; fi
  rm -rf --one-file-system "${SDME_STATE_DIR:?}/containers/$name"
  mount_overlay "$name" "$@"
}

# An unmount and mount between two starts, untimed.
remount_overlay() {
  local name=$1
  shift
  unmount_overlay "$name"
  mount_overlay "$name" "$@"
}

# sdme-provision's arguments for each configuration measured; the
# credential is in the environment, as systemd passes it.
# shellcheck disable=SC2034 # `chosen` names the caller's array
provision_arguments() {
  local -n chosen=$1
  unset CREDENTIALS_DIRECTORY
  case $2 in
    machine-id) chosen=() ;;
    keys) chosen=("${ssh_arguments[@]}") ;;
    password) chosen=("${ssh_arguments[@]}" "--root-password-file=$password_file") ;;
    hash) chosen=("${ssh_arguments[@]}" "--root-password-file=$hash_file") ;;
    credential)
      chosen=("${ssh_arguments[@]}")
      export CREDENTIALS_DIRECTORY=$credentials
      ;;
    network) chosen=(--network-link=zone:lab) ;;
  esac
}
configurations=(machine-id keys password hash credential network)

# One round: every step once, so a burst of other work on this shared
# machine falls on all of them alike.
one_round() {
  local kind mount_us configuration arguments=()
  # The overlay of an existing container, as every later start and stop
  # mount and unmount it.
  for kind in plain pick; do
    arguments=()
    [[ $kind == plain ]] || arguments=(--private-users=pick)
    timed "$overlay" mount "overlay-$kind" --lower="$lower" "${arguments[@]}"
    record "mount $kind"
    mount_us=$elapsed
    timed "$overlay" umount "overlay-$kind"
    record "umount $kind"
    elapsed=$((mount_us + elapsed))
    record "mount+umount $kind"
  done
  # What the disk alone takes now: tells a slow umount from a busy disk.
  timed sync -f "$SDME_STATE_DIR"
  record sync
  # sdme-provision on a fresh upper layer (the first start), then after an
  # unmount and mount on the tree it provisioned (every later start).
  for configuration in "${configurations[@]}"; do
    provision_arguments arguments "$configuration"
    fresh_overlay "provision-$configuration"
    timed "$provision" "provision-$configuration" "${arguments[@]}"
    record "$configuration first"
    remount_overlay "provision-$configuration"
    timed "$provision" "provision-$configuration" "${arguments[@]}"
    record "$configuration later"
  done
  unset CREDENTIALS_DIRECTORY
  # The floor: systemd-nspawn running /bin/true in such a tree.
  timed systemd-nspawn "${nspawn_arguments[@]}" -D "$SDME_STATE_DIR/containers/nspawn-plain/merged" /bin/true
  record "nspawn plain"
  timed systemd-nspawn "${nspawn_arguments[@]}" --private-users=pick --private-users-ownership=auto \
    -D "$SDME_STATE_DIR/containers/nspawn-pick/merged" /bin/true
  record "nspawn pick"
}
nspawn_arguments=(--quiet --register=no --keep-unit --as-pid2)

((EUID == 0)) || die "needs root"
[[ -x $overlay && -x $provision ]] || die "no sdme-overlay or sdme-provision in $build_dir/libexec"
command -v systemd-nspawn >/dev/null || die "no systemd-nspawn"
if [[ -n ${LOWER:-} ]]; then
  lower=$(realpath -- "$LOWER") || die "no lower layer $LOWER"
else
  lower=$(find /var/cache/sdme-test -maxdepth 1 -type d -name 'bookworm-*' -printf '%T@ %p\n' 2>/dev/null |
    sort -n | tail -n 1 | cut -d ' ' -f 2-)
  [[ -n $lower ]] || die "no /var/cache/sdme-test/bookworm-* tree; run the end-to-end tests once, or set LOWER="
fi
[[ -x $lower/usr/sbin/sshd ]] || die "$lower has no sshd (openssh-server)"
[[ -d /run/systemd/nspawn/propagate/merged ]] && propagate_before=yes

scratch=$(mktemp -d /var/tmp/sdme-provision-bench.XXXXXX) || die "cannot make a scratch directory"
export SDME_STATE_DIR=$scratch/state
mkdir -p "$SDME_STATE_DIR" "$scratch/input/credentials"
log=$scratch/log
samples=$scratch/samples
# The inputs a unit with RootPasswordFile=, SSHAuthorizedKeys= and SSH=yes passes.
password_file=$scratch/input/root-password
keys_file=$scratch/input/authorized_keys
(
  umask 077
  echo 'correct horse battery staple' >"$password_file"
  echo 'correct horse battery staple' >"$scratch/input/credentials/passwd.plaintext-password.root"
)
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRoaXMgaXMgbm90IGEgcmVhbCBrZXkgYXQgYWxsIQ bench@sdme' >"$keys_file"
ssh_arguments=(--ssh --ssh-port=2222 "--authorized-keys=$keys_file")
credentials=$scratch/input/credentials
# The same password as a hash, taken from a provisioned tree.
mount_overlay hash-source
"$provision" hash-source "--root-password-file=$password_file" >>"$log" 2>&1 ||
  die "sdme-provision hash-source failed"
hash=$(awk -F: '$1 == "root" { print $2 }' "$SDME_STATE_DIR/containers/hash-source/merged/etc/shadow")
[[ $hash == "\$y\$"* ]] || die "no yescrypt hash for root in the provisioned /etc/shadow"
unmount_overlay hash-source
hash_file=$scratch/input/root-password-hash
(
  umask 077
  echo "$hash" >"$hash_file"
)

mount_overlay overlay-plain
unmount_overlay overlay-plain
mount_overlay overlay-pick --private-users=pick
unmount_overlay overlay-pick
mount_overlay nspawn-plain
mount_overlay nspawn-pick --private-users=pick
one_round
recording=yes
for ((round = 0; round < runs; round++)); do one_round; done

echo "$(nproc) CPUs, $(uname -r), lower layer $lower, $(uptime | sed 's/.*load/load/')"
echo
echo "| step                                                       | runs | median ms | p90 ms |"
echo "|------------------------------------------------------------|------|-----------|--------|"
table_row "mount plain" "sdme-overlay mount"
table_row "umount plain" "sdme-overlay umount"
table_row "mount+umount plain" "sdme-overlay mount + umount"
table_row "mount pick" "sdme-overlay mount --private-users=pick"
table_row "umount pick" "sdme-overlay umount (ID-mapped)"
table_row "mount+umount pick" "sdme-overlay mount + umount, --private-users=pick"
table_row sync "sync -f of the state directory's file system"
table_row "machine-id first" "sdme-provision, machine ID only: first start"
table_row "machine-id later" "sdme-provision, machine ID only: later starts"
table_row "keys first" "sdme-provision, SSH + keys, no password: first start"
table_row "keys later" "sdme-provision, SSH + keys, no password: later starts"
table_row "password first" "sdme-provision, SSH + keys + password file: first start"
table_row "password later" "sdme-provision, SSH + keys + password file: later starts"
table_row "hash first" "sdme-provision, SSH + keys + hash file: first start"
table_row "hash later" "sdme-provision, SSH + keys + hash file: later starts"
table_row "credential first" "sdme-provision, SSH + keys + credential: first start"
table_row "credential later" "sdme-provision, SSH + keys + credential: later starts"
table_row "network first" "sdme-provision --network-link=zone:lab: first start"
table_row "network later" "sdme-provision --network-link=zone:lab: later starts"
table_row "nspawn plain" "systemd-nspawn --as-pid2 /bin/true"
table_row "nspawn pick" "systemd-nspawn --private-users=pick --as-pid2 /bin/true"
