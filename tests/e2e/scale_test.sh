#!/bin/bash
# End-to-end scale test (issue 12): with sdme's sysctl.d drop-in applied,
# 50 host clones started by one `systemctl start` in a booted Debian 12
# test host all reach READY; the time and memory it took are printed; one
# more container, shown a limit of 128 through SDME_PROC_DIR, makes
# sdme-overlay warn in its journal; one `systemctl stop` stops them all
# cleanly with nothing left mounted.
#
# Usage: scale_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"

container_count=50
# Each unit's own TimeoutStartSec= (90 s) bounds the start; this only keeps a
# hung systemctl from hanging the test. Here it takes 20 to 50 s.
start_limit=120
stop_limit=60
containers=()
for ((i = 1; i <= container_count; i++)); do containers+=("s$i"); done
units=("${containers[@]/%/.service}")
# The container that is shown a used-up limit.
extra=s$((container_count + 1))

# --- Steps ---------------------------------------------------------------

# Figures a check measured, printed as TAP comments after its result
# (run_check keeps a check's own output for a failure report).
notes=()
note() {
  notes+=("$*")
}
run_check_with_notes() {
  run_check "$@"
  ((${#notes[@]} == 0)) || printf '# %s\n' "${notes[@]}"
  notes=()
}

# The installed drop-in, as a path on this machine (the install manifest
# names it as the test host sees it).
installed_dropin() {
  local path
  path=$(grep '/sysctl.d/10-sdme.conf$' "$build_dir/install_manifest.txt" 2>/dev/null | head -n 1)
  [[ -n $path && -f $TESTHOST_ROOT$path ]] || return 1
  echo "$TESTHOST_ROOT$path"
}

# "KEY VALUE" for every assignment in a sysctl.d file.
dropin_assignments() {
  sed -n 's/^[[:space:]]*\([a-z][a-z0-9_.]*\)[[:space:]]*=[[:space:]]*\([0-9]*\)[[:space:]]*$/\1 \2/p' "$1"
}

# MemAvailable of the machine the test host runs on, in KiB.
memory_available() {
  awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo
}

# expect_units_state PROPERTY=VALUE...: every unit of "${check_units[@]}"
# has exactly these properties; says which do not.
check_units=()
expect_units_state() {
  local wanted=("$@") properties
  properties=$(printf '%s\n' "${wanted[@]}" | cut -d= -f1 | paste -sd,)
  in_host systemctl show --property="Id,$properties" "${check_units[@]}" || return
  # systemctl show separates units by an empty line.
  local report
  report=$(awk -v wanted="$(printf '%s\n' "${wanted[@]}")" '
    BEGIN { n = split(wanted, w, "\n"); RS = ""; FS = "\n" }
    {
      id = ""; delete seen
      for (i = 1; i <= NF; i++) { if ($i ~ /^Id=/) id = substr($i, 4); seen[$i] = 1 }
      line = $1; for (i = 2; i <= NF; i++) line = line " " $i
      for (j = 1; j <= n; j++) if (!(w[j] in seen)) { print line; break }
      units++
    }
    END { if (units != expected) print "expected " expected " units, systemctl showed " units }
  ' expected="${#check_units[@]}" <<<"$output")
  [[ -z $report ]] && return 0
  echo "units not in the state ${wanted[*]}:"
  echo "$report"
  return 1
}

# --- The checks ----------------------------------------------------------

# As systemd-sysctl does at boot, but on this machine (the test host's
# /proc/sys is read-only, and the limits are the kernel's, shared by every
# machine on it), and only for the keys the drop-in would raise: the kernel
# is shared with other work here, so nothing is lowered.
check_sysctl_dropin() {
  local dropin key value current prefixes=()
  dropin=$(installed_dropin) || {
    echo "cmake --install did not install a sysctl.d/10-sdme.conf (see $build_dir/install_manifest.txt)"
    return 1
  }
  [[ $dropin == "$TESTHOST_ROOT"/usr/lib/sysctl.d/* ]] || {
    echo "the drop-in is installed at ${dropin#"$TESTHOST_ROOT"}, not in /usr/lib/sysctl.d"
    return 1
  }
  while read -r key value; do
    current=$(<"/proc/sys/${key//.//}") || return
    note "$key: $current before, the drop-in says $value"
    ((current < value)) && prefixes+=("--prefix=/${key//.//}")
  done < <(dropin_assignments "$dropin")
  if ((${#prefixes[@]} > 0)); then
    local log
    log=$(/lib/systemd/systemd-sysctl "${prefixes[@]}" "$dropin" 2>&1) || {
      echo "systemd-sysctl ${prefixes[*]} $dropin failed:"
      echo "$log"
      return 1
    }
  fi
  local failed=0 count=0
  while read -r key value; do
    count=$((count + 1))
    current=$(<"/proc/sys/${key//.//}") || return
    if ((current < value)); then
      echo "$key is $current after systemd-sysctl, below the drop-in's $value"
      failed=1
    fi
  done < <(dropin_assignments "$dropin")
  if ((count < 2)); then
    echo "the drop-in sets $count keys; expected at least the two inotify limits:"
    cat "$dropin"
    return 1
  fi
  return "$failed"
}

start_seconds=
memory_before=
check_start_all() {
  diagnose_units=(s1.service "s$container_count.service")
  check_units=("${units[@]}")
  local name
  for name in "${containers[@]}"; do
    drop_file "/etc/sdme/$name.sdme" <<<$'[Container]\nHostname='"$name" || return
  done
  in_host systemctl daemon-reload || return
  memory_before=$(memory_available)
  local started=$EPOCHREALTIME status=0
  output=$(testhost_run timeout --kill-after=5 "$start_limit" systemctl start "${units[@]}" 2>&1) ||
    status=$?
  start_seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  note "systemctl start of $container_count containers: $start_seconds s, exit status $status"
  if ((status != 0)); then
    echo "systemctl start ${units[*]} failed (exit status $status) after $start_seconds s:"
    echo "$output"
    expect_units_state ActiveState=active Result=success
    return 1
  fi
  expect_units_state ActiveState=active SubState=running Result=success || return
  in_host machinectl list --no-legend || return
  local machines
  machines=$(grep -c -E '^s[0-9]+ ' <<<"$output")
  expect_equal "machines registered" "$container_count" "$machines" || return
  # What systemd logs in a container whose limit ran out.
  if journal_contains "Too many open files"; then
    echo "the journal says 'Too many open files':"
    grep -F "Too many open files" <<<"$output" | head -n 5
    return 1
  fi
}

check_memory() {
  local memory_after used
  memory_after=$(memory_available)
  used=$(((memory_before - memory_after) / 1024))
  note "MemAvailable fell by $used MiB for $container_count containers, about $((used / container_count)) MiB each (other work on this machine moves it too)"
  # Proportional set size of every process in the test host: the
  # containers' own share, without the kernel's caches.
  in_host sh -c 'cat /proc/[0-9]*/smaps_rollup 2>/dev/null' || return
  local pss
  pss=$(awk '$1 == "Pss:" { sum += $2 } END { print int(sum / 1024) }' <<<"$output")
  note "processes in the test host: $pss MiB proportional set size with $container_count containers running"
  ((pss > 0)) || {
    echo "no Pss: lines in /proc/*/smaps_rollup inside the test host"
    return 1
  }
}

# sdme-overlay of one more container reads a limit of 128 from a fake
# /proc, counts the 50 running overlays and warns; the start goes on.
check_headroom_warning() {
  diagnose_units=("$extra.service")
  check_units=("$extra.service")
  # Made from inside: the host's /run is a tmpfs that hides the disk below.
  in_host sh -c 'mkdir -p /run/fake-proc/sys/fs/inotify &&
    echo 128 >/run/fake-proc/sys/fs/inotify/max_user_instances &&
    ln -sfn /proc/self /run/fake-proc/self' || return
  drop_file "/etc/sdme/$extra.sdme" <<<$'[Container]\nHostname='"$extra" || return
  drop_file "/etc/systemd/system/$extra.service.d/fake-proc.conf" <<<$'[Service]\nEnvironment=SDME_PROC_DIR=/run/fake-proc' ||
    return
  in_host systemctl daemon-reload || return
  local started=$SECONDS
  in_host systemctl start "$extra.service" || return
  note "$extra started in $((SECONDS - started)) s"
  expect_units_state ActiveState=active Result=success || return
  expect_in_journal "$extra: $container_count other containers are running and fs.inotify.max_user_instances=128 holds about 14 booted containers next to the host: this container may fail to boot with \"Failed to create inotify object: Too many open files\"; raise the limit as \"LIMITS\" in sdme.sdme(5) explains" \
    --unit "$extra.service" --priority=warning || return
  # The 50 others saw the real, raised limit and said nothing.
  if journal_contains "inotify" --identifier=sdme-overlay --unit s1.service; then
    echo "sdme-overlay warned about the inotify limit for s1, started under the raised limit:"
    grep -F inotify <<<"$output"
    return 1
  fi
}

check_stop_all() {
  diagnose_units=(s1.service "$extra.service")
  check_units=("${units[@]}" "$extra.service")
  local started=$EPOCHREALTIME status=0 seconds
  output=$(testhost_run timeout --kill-after=5 "$stop_limit" systemctl stop "${check_units[@]}" 2>&1) ||
    status=$?
  seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  note "systemctl stop of $((container_count + 1)) containers: $seconds s, exit status $status"
  if ((status != 0)); then
    echo "systemctl stop failed (exit status $status) after $seconds s:"
    echo "$output"
    return 1
  fi
  expect_units_state ActiveState=inactive Result=success || return
  expect_nothing_mounted_under /var/lib/sdme/containers
}

# --- The test ------------------------------------------------------------

prepare_test_host

echo "1..5"
run_check_with_notes "the installed sysctl.d drop-in, applied by systemd-sysctl, raises the inotify limits" check_sysctl_dropin
boot_test_host
run_check_with_notes "one systemctl start of $container_count host clones: all active, Result=success, registered, within $start_limit s" check_start_all
run_check_with_notes "memory of $container_count running containers" check_memory
run_check_with_notes "sdme-overlay warns in the unit's journal when the inotify limit holds fewer containers than are running" check_headroom_warning
run_check_with_notes "one systemctl stop of them all: inactive, Result=success, nothing mounted, within $stop_limit s" check_stop_all

finish_test
