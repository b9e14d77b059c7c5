#!/bin/bash
# How long an application container takes to start: `systemctl start` of a
# container with AppImage= until READY and until the app's first HTTP 200,
# against a plain sdme host clone and a bare `systemd-nspawn --boot` unit on
# the same kind of tree, all inside a booted Debian 12 test host with a
# network of its own (tests/e2e/testhost.sh, --private-network). The app is
# the end-to-end tests' static-busybox httpd image (tests/e2e/app_image.sh),
# as an OCI layout at /srv/images/web in the test host. Then the helpers of
# the app container's unit, each run by hand 20 times on its mounted
# overlay. Not run in CI; the figures are in bench/README.md.
#
# Usage: bench/app_bench.sh BUILD_DIR [ROUNDS]
# Needs root, umoci and busybox-static (to build the image). ROUNDS
# defaults to 10; each round starts and stops the three units once, one
# after the other (a different one first each round), so bursts of other
# work on the machine fall on all alike.
set -u
set -o pipefail

(($# >= 1 && $# <= 2)) || {
  echo "usage: $0 BUILD_DIR [ROUNDS]" >&2
  exit 2
}
build_dir=$(realpath -- "$1") || exit 2
rounds=${2:-10}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || {
  echo "app_bench: ROUNDS must be a positive number, got '$rounds'" >&2
  exit 2
}
here=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/testhost.sh
source "$here/../tests/e2e/testhost.sh"
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/app_image.sh
source "$here/../tests/e2e/app_image.sh"
trap 'testhost_destroy' EXIT

# How often the helpers are run by hand.
helper_runs=20
layout_dir=/srv/images/web
app_port=8080
# The three units: the app container, a plain host clone, and the bare
# nspawn unit on a host clone tree of its own.
app=web
plain=noapp
bare=bare

die() {
  echo "app_bench: $*" >&2
  exit 1
}
in_host() {
  testhost_run "$@" || die "failed inside the test host: $*"
}

# Run inside the test host by start_round UNIT [PORT]: starts UNIT, then
# with PORT polls http://127.0.0.1:PORT/ every 20 ms (bash's /dev/tcp: the
# test host has no curl) until it answers 200. Prints the wall-clock times
# (EPOCHREALTIME) of the start, of READY (systemctl start returning) and of
# the first 200 (empty without PORT).
# shellcheck disable=SC2016 # expanded by the inner bash
start_round_script='
unit=$1 port=${2:-}
started=$EPOCHREALTIME
systemctl start "$unit" || exit 1
ready=$EPOCHREALTIME
answered=
if [[ -n $port ]]; then
  deadline=$((${started%.*} + 30))
  while :; do
    line=
    { printf "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 &&
        IFS= read -r -t 2 line <&3; } 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$port"
    if [[ $line == "HTTP/1."?" 200"* ]]; then
      answered=$EPOCHREALTIME
      break
    fi
    if ((${EPOCHREALTIME%.*} >= deadline)); then
      echo "no HTTP 200 from 127.0.0.1:$port within 30 s of the start: ${line:-no answer}" >&2
      exit 2
    fi
    sleep 0.02
  done
fi
echo "$started $ready $answered"'

# Run inside the test host by the breakdown UNIT MACHINE: KEY=VALUE lines
# with the host unit's monotonic timestamps (its start, the fork of
# systemd-nspawn after the helpers, READY), those of the systemd in the
# container (its start, the end of its start-up) and, prefixed "app_", that
# of sdme-app.service's start (0 when there is none), in microseconds. One
# clock: there is no time namespace on either level.
# shellcheck disable=SC2016 # expanded by the inner bash
breakdown_script='
unit=$1 machine=$2
systemctl show "$unit" -p InactiveExitTimestampMonotonic \
  -p ExecMainStartTimestampMonotonic -p ActiveEnterTimestampMonotonic || exit 1
leader=$(machinectl show "$machine" -p Leader --value) || exit 1
in_container() {
  nsenter --target "$leader" --all --root --wd "$@"
}
in_container systemctl show -p UserspaceTimestampMonotonic -p FinishTimestampMonotonic || exit 1
in_container systemctl show sdme-app.service -p ExecMainStartTimestampMonotonic |
  sed "s/^/app_/" || exit 1'

# Run inside the test host by repeat RUNS COMMAND...: runs COMMAND RUNS
# times, prints the wall time of each run in ms, one a line.
# shellcheck disable=SC2016 # expanded by the inner bash
repeat_script='
runs=$1
shift
for ((i = 0; i < runs; i++)); do
  started=$EPOCHREALTIME
  "$@" >/dev/null || exit 1
  ended=$EPOCHREALTIME
  awk -v a="$started" -v b="$ended" "BEGIN { printf \"%.1f\\n\", (b - a) * 1000 }"
done'

# Milliseconds between two EPOCHREALTIME values.
ms_between() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
}

# The words of the generated unit's line KEY= (the first whose command
# contains PATTERN), without the key and the "+" prefix, in the array
# $words. The generator quotes only words that need it; these have none.
unit_line_words() {
  local unit=$1 key=$2 pattern=$3 line
  line=$(in_host systemctl cat "$unit" | grep "^$key=" | grep -F -- "$pattern" | head -n 1)
  [[ -n $line ]] || die "$unit has no $key= line with $pattern"
  line=${line#"$key="}
  line=${line#+}
  [[ $line != *[\"\'\\%]* ]] || die "$unit's $key= line has quoting or specifiers: $line"
  read -r -a words <<<"$line"
}

# stop_round UNIT MACHINE: stops UNIT, prints the stop's wall time in ms,
# and makes sure all of it is gone before the next start: the unit
# inactive, the machine unregistered, and, for an sdme unit, its overlay
# unmounted (the bare unit's overlay stays mounted for the next round).
stop_round() {
  local unit=$1 machine=$2 times state i
  # shellcheck disable=SC2016 # expanded by the inner bash
  times=$(in_host bash -c 'started=$EPOCHREALTIME; systemctl stop "$1" || exit 1;
    echo "$started $EPOCHREALTIME"' stop "$unit") || exit 1
  read -r -a times <<<"$times"
  for ((i = 0; i < 100; i++)); do
    state=$(testhost_run systemctl show "$unit" --value -p ActiveState)
    if [[ $state == inactive ]] && ! testhost_run machinectl show "$machine" >/dev/null 2>&1 &&
      { [[ $unit == "$bare.service" ]] ||
        ! testhost_run mountpoint -q "/var/lib/sdme/containers/$machine/merged"; }; then
      ms_between "${times[0]}" "${times[1]}"
      return 0
    fi
    [[ $state == failed ]] && die "$unit failed while stopping"
    sleep 0.1
  done
  die "$unit has not fully stopped 10 s after systemctl stop returned (ActiveState=$state)"
}

# Per case, one value a round, space-separated.
declare -A results=()
record() {
  results[$1]+="$2 "
}

# run_case UNIT MACHINE [PORT]: one round of one unit.
run_case() {
  local unit=$1 machine=$2 port=${3:-} times
  times=$(in_host bash -c "$start_round_script" start-round "$unit" "$port") || exit 1
  read -r -a times <<<"$times"
  declare -A at=()
  local key value
  while IFS='=' read -r key value; do
    [[ $value =~ ^[0-9]+$ ]] && at[$key]=$value
  done < <(testhost_run bash -c "$breakdown_script" breakdown "$unit" "$machine")
  for key in InactiveExitTimestampMonotonic ExecMainStartTimestampMonotonic \
    ActiveEnterTimestampMonotonic UserspaceTimestampMonotonic FinishTimestampMonotonic \
    app_ExecMainStartTimestampMonotonic; do
    [[ -n ${at[$key]:-} ]] || die "no $key for $unit"
  done
  # ms from the unit's start (InactiveExit).
  local begin=${at[InactiveExitTimestampMonotonic]}
  record "$machine.ready" "$(ms_between "${times[0]}" "${times[1]}")"
  [[ -n $port ]] && record "$machine.answer" "$(ms_between "${times[0]}" "${times[2]}")"
  record "$machine.pre" $(((at[ExecMainStartTimestampMonotonic] - begin) / 1000))
  record "$machine.systemd" $(((at[UserspaceTimestampMonotonic] - begin) / 1000))
  record "$machine.finish" $(((at[FinishTimestampMonotonic] - begin) / 1000))
  record "$machine.active" $(((at[ActiveEnterTimestampMonotonic] - begin) / 1000))
  [[ -n $port ]] && record "$machine.app" $(((at[app_ExecMainStartTimestampMonotonic] - begin) / 1000))
  local stop_ms
  stop_ms=$(stop_round "$unit" "$machine") || exit 1
  record "$machine.stop" "$stop_ms"
}

# Median, min and max of numbers (one a line), as "MEDIAN MIN MAX".
summary() {
  sort -n | awk '{ v[NR] = $1 }
    END {
      if (NR == 0) exit 1
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%g %g %g\n", m, v[1], v[NR]
    }'
}
stats_of() {
  local values
  read -r -a values <<<"${results[$1]}"
  printf '%s\n' "${values[@]}" | summary
}
median_of() {
  local stats
  read -r -a stats <<<"$(stats_of "$1")"
  echo "${stats[0]}"
}
row() {
  local label=$1 key=$2 stats
  read -r -a stats <<<"$(stats_of "$key")"
  printf '| %s | %s | %s – %s |\n' "$label" "${stats[0]}" "${stats[1]}" "${stats[2]}"
}

((EUID == 0)) || die "needs root"
command -v umoci >/dev/null || die "umoci is not installed (apt-get install umoci)"
[[ -x $app_busybox ]] || die "$app_busybox is not installed (apt-get install busybox-static)"
testhost_base_rootfs || die "cannot build the test host's root file system"
testhost_create || die "cannot create the test host"
build_app_image "$TESTHOST_WORK/web-layout" web || die "cannot build the app image"
install_app_image "$TESTHOST_WORK/web-layout" "$layout_dir" || die "cannot install the app image"
testhost_install "$build_dir" || die "cannot install $build_dir"
# The install manifest names files as the test host sees them.
helper_dir=$(dirname "$(grep '/sdme-overlay$' "$build_dir/install_manifest.txt" | head -n 1)")
testhost_write "/etc/sdme/$plain.sdme" <<<'[Container]' || die "cannot write $plain.sdme"
testhost_write "/etc/sdme/$app.sdme" <<<$'[Container]\nAppImage='"$layout_dir" ||
  die "cannot write $app.sdme"
TESTHOST_NSPAWN_OPTIONS=(--private-network)
testhost_boot 180 || die "the test host does not boot"

# The bare unit: the generated nspawn line of the plain container, for a
# tree of its own that sdme-overlay mounts now with the plain unit's
# arguments. The plain unit's other helpers run on it once too, so it
# boots what the plain container boots (its own machine ID, resolv.conf):
# the rounds then differ only by the helpers' run time.
words=()
unit_line_words "$plain.service" ExecStart /systemd-nspawn
bare_exec=$(printf '%s\n' "${words[@]}" | sed "s/\\<$plain\\>/$bare/g" | paste -s -d ' ')
for helper in sdme-overlay sdme-dns sdme-provision sdme-app; do
  unit_line_words "$plain.service" ExecStartPre "/$helper "
  mapfile -t words < <(printf '%s\n' "${words[@]}" | sed "s/\\<$plain\\>/$bare/g")
  in_host "${words[@]}" >/dev/null
done
testhost_write "/etc/systemd/system/$bare.service" <<EOF || die "cannot write $bare.service"
[Service]
Type=notify
Slice=machine.slice
Delegate=yes
KillMode=mixed
ExecStart=$bare_exec
EOF
in_host systemctl daemon-reload

echo "$(nproc) CPUs, $(awk '$1 == "MemTotal:" { print int($2 / 1048576) }' /proc/meminfo) GiB," \
  "$(uname -r), load average $(cut -d ' ' -f 1-3 /proc/loadavg) before the rounds"
echo "bare unit: ExecStart=$bare_exec"
echo

# One untimed start and stop of each: the first start of the app container
# imports the image (sdme-import@), and every tree's first boot writes what
# later boots find in place.
for unit in "$bare" "$plain" "$app"; do
  in_host systemctl start "$unit.service"
  stop_round "$unit.service" "$unit" >/dev/null
done

# Each round starts with the next of the three, so none always follows the
# same one; a second's pause lets the test host settle after each stop.
cases=("$bare" "$plain" "$app")
for ((round = 1; round <= rounds; round++)); do
  for ((i = 0; i < 3; i++)); do
    machine=${cases[(round - 1 + i) % 3]}
    if [[ $machine == "$app" ]]; then
      run_case "$machine.service" "$machine" "$app_port"
    else
      run_case "$machine.service" "$machine"
    fi
    sleep 1
  done
  echo "round $round/$rounds done" >&2
done

# The helpers of the app container's unit, by hand, on its overlay:
# mounted and unmounted with the unit's own arguments; sdme-dns,
# sdme-provision and sdme-app each run as at a later start (their files in
# place).
unit_line_words "$app.service" ExecStartPre "/sdme-overlay "
mount_words=("${words[@]}")
helper_rows=()
# shellcheck disable=SC2016 # expanded by the inner bash
mapfile -t mount_times < <(in_host bash -c '
  for ((i = 0; i < $1; i++)); do
    started=$EPOCHREALTIME
    log=$("${@:3}" 2>&1) || { echo "$log" >&2; exit 1; }
    mounted=$EPOCHREALTIME
    log=$("$2" umount '"$app"' 2>&1) || { echo "$log" >&2; exit 1; }
    ended=$EPOCHREALTIME
    awk -v a="$started" -v b="$mounted" -v c="$ended" \
      "BEGIN { printf \"%.1f %.1f\\n\", (b - a) * 1000, (c - b) * 1000 }"
  done' repeat-mount "$helper_runs" "$helper_dir/sdme-overlay" "${mount_words[@]}")
((${#mount_times[@]} == helper_runs)) || die "timing sdme-overlay failed"
for field in 1 2; do
  read -r -a stats <<<"$(printf '%s\n' "${mount_times[@]}" | cut -d ' ' -f "$field" | summary)"
  helper_rows+=("| \`sdme-overlay $([[ $field == 1 ]] && echo mount || echo umount)\` | ${stats[0]} | ${stats[1]} – ${stats[2]} |")
done
in_host "${mount_words[@]}" >/dev/null
for helper in sdme-dns sdme-provision sdme-app; do
  unit_line_words "$app.service" ExecStartPre "/$helper "
  mapfile -t helper_times < <(in_host bash -c "$repeat_script" repeat "$helper_runs" "${words[@]}")
  ((${#helper_times[@]} == helper_runs)) || die "timing $helper failed"
  read -r -a stats <<<"$(printf '%s\n' "${helper_times[@]}" | summary)"
  shown=${words[*]}
  helper_rows+=("| \`${shown#"$helper_dir/"}\` | ${stats[0]} | ${stats[1]} – ${stats[2]} |")
done
in_host "$helper_dir/sdme-overlay" umount "$app" >/dev/null

echo "$rounds rounds; median and min – max in ms"
echo
echo "| what | median | min – max |"
echo "|---|---|---|"
row "bare \`systemd-nspawn --boot\`: start to READY" "$bare.ready"
row "sdme, no app: start to READY" "$plain.ready"
row "sdme, \`AppImage=\`: start to READY" "$app.ready"
row "sdme, \`AppImage=\`: start to the app's first HTTP 200" "$app.answer"
row "bare: stop" "$bare.stop"
row "sdme, no app: stop" "$plain.stop"
row "sdme, \`AppImage=\`: stop" "$app.stop"
echo
awk -v a="$(median_of "$app.answer")" -v p="$(median_of "$plain.ready")" \
  -v b="$(median_of "$bare.ready")" 'BEGIN {
    printf "(sdme app, first response) / (bare READY): %.2f\n", a / b
    printf "(sdme without app, READY) / (bare READY): %.2f\n", p / b
  }'
echo
echo "Where a start's time goes, medians in ms from the unit's start (its"
echo "InactiveExit timestamp): systemd-nspawn forked (the helpers done), the"
echo "container's systemd started, its start-up finished, READY on the host"
echo "unit, sdme-app.service started in the container:"
echo
echo "| unit | nspawn forked | systemd in it started | its start-up finished | READY | app started |"
echo "|---|---|---|---|---|---|"
for machine in "$bare" "$plain" "$app"; do
  printf '| %s | %s | %s | %s | %s | %s |\n' "$machine" "$(median_of "$machine.pre")" \
    "$(median_of "$machine.systemd")" "$(median_of "$machine.finish")" \
    "$(median_of "$machine.active")" \
    "$([[ $machine == "$app" ]] && median_of "$machine.app" || echo –)"
done
echo
echo "The app container's helpers run by hand $helper_runs times on its mounted overlay, ms:"
echo
echo "| helper | median | min – max |"
echo "|---|---|---|"
printf '%s\n' "${helper_rows[@]}"
echo
echo "load average $(cut -d ' ' -f 1-3 /proc/loadavg) after the rounds"
testhost_poweroff 120
