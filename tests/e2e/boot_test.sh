#!/bin/bash
# End-to-end boot test: installs the built project into a booted Debian 12
# test host (see testhost.sh) and checks, with the real systemd there, what
# becomes of .sdme files at daemon-reload, at start and stop, and across a
# reboot. Every stop, of a booted container, of Exec= programs and of the
# whole test host, is timed and its result as systemd recorded it checked.
# Prints one "ok N - ..." or "not ok N - ..." line per check, with the
# failed commands and the units' status and journal under a failure, and
# the measured times as "# ..." comments.
#
# Usage: boot_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"

# What the test drops into the host, and what it expects to see.
marker=$(tr -d '-' </proc/sys/kernel/random/uuid)
missing_rootfs=/nonexistent/sdme-e2e-rootfs
missing_rootfs_message="lower directory $missing_rootfs does not exist; import a root file system there, or point Rootfs= at one that exists"
broken_line=4
# A stop that works takes well under a second; anything near these limits
# means a program waited for a timeout.
stop_limit_ms=5000
poweroff_limit_ms=10000
# The Exec= containers (see drop_exec_files) that must stop cleanly.
exec_stopping=(exec-sleep exec-shell exec-noterm)
# Running while the test host powers off.
running_at_poweroff=(exec-sleep exec-shell exec-noterm web)

# --- The checks ----------------------------------------------------------

check_start() {
  diagnose_units=(web.service)
  drop_file /srv/e2e/marker <<<"$marker" || return
  drop_file /etc/sdme/web.sdme <<'EOF' || return
# A host clone with its own hostname and a directory from the host.
[Unit]
Description=sdme end-to-end test: web

[Container]
Hostname=web-e2e
Bind=/srv/e2e:/srv/e2e-in-container
EOF
  in_host systemctl daemon-reload || return
  in_host systemctl start web.service || return
  expect_unit_state web.service active || return
  expect_running_machine web
}

# Three independent things; each is checked even when another one fails.
check_inside_container() {
  diagnose_units=(web.service)
  local failed=0
  if in_container web cat /srv/e2e-in-container/marker; then
    expect_equal "marker file seen through Bind=" "$marker" "$output" || failed=1
  else
    failed=1
  fi
  if in_container web cat /proc/sys/kernel/hostname; then
    expect_equal "hostname inside the container" web-e2e "$output" || failed=1
  else
    failed=1
  fi
  check_resolv_conf web || failed=1
  return "$failed"
}

# The container's /etc/resolv.conf is a regular file with the test host's
# nameservers.
check_resolv_conf() {
  local name=$1
  in_container "$name" stat --format=%F /etc/resolv.conf || return
  expect_equal "type of /etc/resolv.conf inside $name" "regular file" "$output" || return
  in_host grep '^nameserver' /etc/resolv.conf || {
    echo "the test host itself has no nameserver in /etc/resolv.conf, so there is nothing to compare"
    return 1
  }
  local host_nameservers=$output
  in_container "$name" grep '^nameserver' /etc/resolv.conf || return
  expect_equal "nameserver lines inside $name" "$host_nameservers" "$output"
}

# --- Timed stops ---------------------------------------------------------

# Set by stop_timed and wait_until_stopped: how long the last one took.
elapsed_ms=0

stop_timed() {
  local unit=$1 started status=0
  started=$(now_ms)
  in_host systemctl stop "$unit" || status=$?
  elapsed_ms=$(($(now_ms) - started))
  note "stop of $unit took $elapsed_ms ms"
  return "$status"
}

# wait_until_stopped UNIT STARTED_MS: waits up to $stop_limit_ms for UNIT to
# leave the active state by itself; elapsed_ms counts from STARTED_MS.
wait_until_stopped() {
  local unit=$1 started=$2 deadline
  deadline=$(($(now_ms) + stop_limit_ms))
  while (($(now_ms) < deadline)); do
    in_host systemctl show --property=ActiveState --value "$unit" || return
    case $output in
      inactive | failed)
        elapsed_ms=$(($(now_ms) - started))
        note "$unit ended by itself $elapsed_ms ms after its start"
        return 0
        ;;
    esac
    sleep 0.1
  done
  echo "$unit is still '$output' $stop_limit_ms ms after its start"
  return 1
}

expect_elapsed_between() {
  local what=$1 minimum_ms=$2 maximum_ms=$3
  ((elapsed_ms >= minimum_ms && elapsed_ms <= maximum_ms)) && return 0
  echo "$what took $elapsed_ms ms, expected $minimum_ms to $maximum_ms ms"
  return 1
}

# last_run_in_journal BOOT UNIT: what the journal of BOOT (0 is the current
# one, -1 the one before) says about the last time UNIT ran, from systemd's
# last "Started UNIT" line on; left in $output.
last_run_in_journal() {
  local boot=$1 unit=$2
  in_host journalctl --boot="$boot" --no-pager --output=cat --unit "$unit" || return
  output=$(awk -v started="Started $unit " 'index($0, started) == 1 { run = "" }
    { run = run $0 "\n" } END { printf "%s", run }' <<<"$output")
}

# The journal shows UNIT's last run ending in a clean stop: deactivated
# without a failure or a SIGKILL. Journald takes a moment to store the
# lines, so this waits for them.
expect_clean_run_in_journal() {
  local boot=$1 unit=$2 attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    last_run_in_journal "$boot" "$unit" || return
    if grep -q -F "$unit: Deactivated successfully." <<<"$output"; then
      grep -q -E "Failed with result|Killing process" <<<"$output" || return 0
      break
    fi
    ((attempt < 10)) && sleep 0.5
  done
  echo "the journal (journalctl --boot=$boot) does not show a clean stop of $unit:"
  echo "$output"
  return 1
}

# A stop that the container's program (or init) answers: quick, a success,
# and nothing left mounted. A stopped unit that did not fail may be unloaded
# at once, and `systemctl show` then gives a fresh unit's defaults; only
# ActiveState and Result say something there (a failed unit stays loaded),
# so the journal is the record of how it ended.
expect_clean_stop() {
  local unit=$1
  stop_timed "$unit" || return
  expect_unit_properties "$unit" ActiveState=inactive Result=success || return
  expect_elapsed_between "stop of $unit" 0 "$stop_limit_ms" || return
  expect_clean_run_in_journal 0 "$unit" || return
  expect_nothing_mounted_under "/var/lib/sdme/containers/${unit%.service}"
}

check_stop() {
  diagnose_units=(web.service)
  expect_clean_stop web.service || return
  expect_unit_state web.service inactive
}

# --- Exec= containers ----------------------------------------------------

drop_exec_files() {
  drop_file /etc/sdme/exec-sleep.sdme <<'EOF' || return
# A plain program, which SIGTERM ends.
[Container]
Exec=/bin/sleep infinity
EOF
  drop_file /etc/sdme/exec-shell.sdme <<'EOF' || return
# A shell that replaces itself with the program, the usual wrapper.
[Container]
Exec=/bin/sh -c "echo started; exec sleep infinity"
EOF
  drop_file /etc/sdme/exec-noterm.sdme <<'EOF' || return
# A shell that ignores SIGTERM; the SIGHUP after it ends the shell.
[Container]
Exec=/bin/sh -c "trap '' TERM; while :; do sleep 1; done"
EOF
  drop_file /etc/sdme/exec-stubborn.sdme <<'EOF' || return
# Ignores SIGTERM and SIGHUP: only SIGKILL ends it, once TimeoutStopSec=
# runs out.
[Container]
Exec=/bin/sh -c "trap '' TERM HUP; exec sleep infinity"

[Service]
TimeoutStopSec=3
EOF
  drop_file /etc/sdme/exec-exit3.sdme <<'EOF' || return
# Exits by itself with status 3, which systemd must see.
[Container]
Exec=/bin/sh -c "sleep 1; exit 3"
EOF
}

check_exec_start() {
  diagnose_units=("${exec_stopping[@]/%/.service}" exec-stubborn.service)
  drop_exec_files || return
  in_host systemctl daemon-reload || return
  local name
  for name in "${exec_stopping[@]}" exec-stubborn; do
    in_host systemctl start "$name.service" || return
    expect_unit_state "$name.service" active || return
    expect_running_machine "$name" || return
  done
}

check_exec_sleep_stop() {
  diagnose_units=(exec-sleep.service)
  expect_clean_stop exec-sleep.service
}

check_exec_shell_stop() {
  diagnose_units=(exec-shell.service)
  expect_clean_stop exec-shell.service
}

check_exec_noterm_stop() {
  diagnose_units=(exec-noterm.service)
  expect_clean_stop exec-noterm.service
}

# The honest failure: systemd kills it at TimeoutStopSec=3 and says so, and
# the overlay is unmounted all the same.
check_exec_stubborn_stop() {
  diagnose_units=(exec-stubborn.service)
  stop_timed exec-stubborn.service || return
  expect_unit_properties exec-stubborn.service ActiveState=failed Result=timeout \
    ExecMainCode=2 ExecMainStatus=9 || return
  expect_elapsed_between "stop of exec-stubborn.service" 3000 $((3000 + stop_limit_ms)) || return
  expect_in_journal "exec-stubborn.service: State 'stop-sigterm' timed out. Killing." \
    --unit exec-stubborn.service || return
  expect_nothing_mounted_under /var/lib/sdme/containers/exec-stubborn || return
  in_host systemctl reset-failed exec-stubborn.service
}

# Status 3 reaches systemd as the service's own (ExecMainCode=1 is
# CLD_EXITED), once the program's second of sleep is over.
check_exec_exit_status() {
  diagnose_units=(exec-exit3.service)
  local started
  started=$(now_ms)
  in_host systemctl start exec-exit3.service || return
  wait_until_stopped exec-exit3.service "$started" || return
  expect_unit_properties exec-exit3.service ActiveState=failed Result=exit-code \
    ExecMainCode=1 ExecMainStatus=3 || return
  expect_elapsed_between "exec-exit3.service from start to exit" 1000 $((1000 + stop_limit_ms)) ||
    return
  expect_nothing_mounted_under /var/lib/sdme/containers/exec-exit3 || return
  in_host systemctl reset-failed exec-exit3.service
}

check_start_before_poweroff() {
  diagnose_units=("${running_at_poweroff[@]/%/.service}")
  local name
  for name in "${running_at_poweroff[@]}"; do
    in_host systemctl start "$name.service" || return
    expect_unit_state "$name.service" active || return
  done
}

# Measured at the top level, where the test host was booted.
poweroff_ms=0
poweroff_timed() {
  local started
  started=$(now_ms)
  testhost_poweroff "$poweroff_timeout" || return
  poweroff_ms=$(($(now_ms) - started))
  note "powering off the test host with ${#running_at_poweroff[@]} containers running took $poweroff_ms ms"
}

check_poweroff_with_containers() {
  diagnose_units=("${running_at_poweroff[@]/%/.service}")
  local name failed=0
  if ((poweroff_ms > poweroff_limit_ms)); then
    echo "powering off took $poweroff_ms ms, more than $poweroff_limit_ms ms"
    failed=1
  fi
  for name in "${running_at_poweroff[@]}"; do
    expect_clean_run_in_journal -1 "$name.service" || failed=1
  done
  return "$failed"
}

# Everything the reboot checks need is dropped in now, in the first boot,
# so that the broken file is next to good ones at daemon-reload and at the
# next boot.
drop_files_for_reboot() {
  drop_file /etc/sdme/autostart.sdme <<'EOF' || return
# Enabled by its own [Install]: the generator writes the link, nobody runs
# systemctl enable.
[Unit]
Description=sdme end-to-end test: started at boot

[Install]
WantedBy=machines.target
EOF
  drop_file /usr/lib/sdme/vendoron.sdme <<'EOF' || return
# A vendor file no preset rule matches: enabled by default.
[Install]
WantedBy=machines.target
EOF
  drop_file /usr/lib/sdme/vendoroff.sdme <<'EOF' || return
# A vendor file a preset disables.
[Install]
WantedBy=machines.target
EOF
  drop_file /etc/systemd/system-preset/50-e2e.preset <<'EOF' || return
disable vendoroff.service
EOF
  drop_file /etc/sdme/masked.sdme <<'EOF' || return
# Enabled by [Install], then masked by the admin: the mask must win.
[Install]
WantedBy=machines.target
EOF
  drop_file /etc/sdme/norootfs.sdme <<EOF || return
# Its root file system does not exist: starting it must fail cleanly.
[Container]
Rootfs=$missing_rootfs
EOF
  # The unknown key must stay on line $broken_line.
  drop_file /etc/sdme/broken.sdme <<'EOF' || return
# Deliberately broken: the key on line 4 does not exist.
[Container]
Hostname=broken
NoSuchKey=yes
EOF
}

check_broken_file() {
  diagnose_units=(web.service)
  drop_files_for_reboot || return
  in_host systemctl daemon-reload || return
  local unit
  for unit in web autostart vendoron vendoroff masked norootfs; do
    in_host systemctl cat "$unit.service" || return
  done
  in_host_fails systemctl cat broken.service || return
  in_host systemctl start web.service || return
  expect_unit_state web.service active || return
  in_host systemctl stop web.service || return
  # Last, so that a failure here says the rest worked. A generator logs to
  # /dev/kmsg, which a container does not have; there it sends its line to
  # journald without waiting, as journald runs at every daemon-reload.
  expect_in_journal "/etc/sdme/broken.sdme:$broken_line: unknown key"
}

check_missing_rootfs() {
  diagnose_units=(norootfs.service)
  in_host_fails systemctl start norootfs.service || return
  expect_in_journal "$missing_rootfs_message" --unit norootfs.service || return
  expect_unit_state norootfs.service failed || return
  expect_nothing_mounted_under /var/lib/sdme/containers/norootfs || return
  in_host_status test -e /var/lib/sdme/containers/norootfs
  case $? in
    0)
      in_host find /var/lib/sdme/containers/norootfs
      echo "a failed start left /var/lib/sdme/containers/norootfs behind:"
      echo "$output"
      return 1
      ;;
    1) ;;
    *)
      echo "cannot tell whether /var/lib/sdme/containers/norootfs exists"
      return 1
      ;;
  esac
  # Nothing later should trip over this deliberate failure.
  in_host systemctl reset-failed norootfs.service
}

# Where `cmake --install` put the generator, as a path inside the test host.
generator_path() {
  local manifest=$build_dir/install_manifest.txt path
  path=$(grep '/sdme-generator$' "$manifest" 2>/dev/null | head -n 1)
  if [[ -z $path ]]; then
    echo "sdme-generator is not in $manifest"
    return 1
  fi
  echo "${path#"$TESTHOST_ROOT"}"
}

check_dry_run() {
  local generator
  generator=$(generator_path) || {
    echo "$generator"
    return 1
  }
  in_host "$generator" --dry-run /etc/sdme/web.sdme || return
  local required
  for required in "ExecStart=" "--machine=web" "SourcePath=/etc/sdme/web.sdme"; do
    if ! grep -q -F -- "$required" <<<"$output"; then
      echo "the --dry-run output of web.sdme has no '$required':"
      echo "$output"
      return 1
    fi
  done
  in_host_fails "$generator" --dry-run /etc/sdme/broken.sdme || return
  if ! grep -q -F "/etc/sdme/broken.sdme:$broken_line: " <<<"$errors"; then
    echo "stderr of --dry-run on broken.sdme does not name /etc/sdme/broken.sdme:$broken_line:"
    describe_command 1 "$generator" --dry-run /etc/sdme/broken.sdme
    return 1
  fi
}

mask_error=
mask_before_reboot() {
  local log
  log=$(in_host systemctl mask masked.service) || mask_error=$log
}

check_enabled_by_install() {
  diagnose_units=(autostart.service web.service)
  expect_unit_state autostart.service active || return
  expect_running_machine autostart || return
  # The link is the generator's, in /run: nothing in /etc enabled it.
  in_host_status test -e /etc/systemd/system/machines.target.wants/autostart.service
  if (($? != 1)); then
    echo "/etc/systemd/system/machines.target.wants/autostart.service exists or cannot be checked"
    return 1
  fi
  # And a file without [Install] does not start by itself.
  expect_unit_state web.service inactive
}

check_vendor_presets() {
  diagnose_units=(vendoron.service vendoroff.service)
  expect_unit_state vendoron.service active || return
  expect_unit_state vendoroff.service inactive
}

check_mask_wins() {
  diagnose_units=(masked.service)
  if [[ -n $mask_error ]]; then
    echo "systemctl mask masked.service failed before the reboot:"
    echo "$mask_error"
    return 1
  fi
  in_host_status systemctl is-enabled masked.service
  expect_equal "systemctl is-enabled masked.service" masked "$output" || return
  expect_unit_state masked.service inactive masked
}

# --- The test ------------------------------------------------------------

prepare_test_host

echo "1..17"
boot_test_host
run_check "a .sdme file in /etc/sdme becomes a unit that starts a registered machine" check_start
run_check "the container sees its Bind= directory, its Hostname= and the host's nameservers in a regular /etc/resolv.conf" check_inside_container
run_check "stopping the container takes under $stop_limit_ms ms and leaves it inactive with Result=success, nothing mounted" check_stop
run_check "Exec= containers (a program, a shell with exec, shells ignoring SIGTERM or SIGTERM and SIGHUP) start as registered machines" check_exec_start
run_check "stopping Exec=/bin/sleep infinity takes under $stop_limit_ms ms, Result=success, nothing mounted" check_exec_sleep_stop
run_check "stopping a shell that execs its program takes under $stop_limit_ms ms, Result=success, nothing mounted" check_exec_shell_stop
run_check "stopping a shell that ignores SIGTERM takes under $stop_limit_ms ms, Result=success, nothing mounted" check_exec_noterm_stop
run_check "a program that ignores SIGTERM and SIGHUP is killed at TimeoutStopSec=3 with Result=timeout, nothing mounted" check_exec_stubborn_stop
run_check "a program that exits by itself with status 3 fails its unit with Result=exit-code and ExecMainStatus=3, nothing mounted" check_exec_exit_status
run_check "a broken file next to good ones: daemon-reload works, good units start, the broken one has no unit and its file:line error is logged" check_broken_file
run_check "a missing Rootfs= fails the start with sdme-overlay's message and leaves nothing mounted or made" check_missing_rootfs
run_check "sdme-generator --dry-run prints a good file's unit and fails on a broken one with file:line on stderr" check_dry_run
mask_before_reboot
run_check "three Exec= containers and a booted one are running before the test host powers off" check_start_before_poweroff

poweroff_timed || bail_out "the test host does not power off cleanly"
boot_started=$SECONDS
testhost_boot "$boot_timeout" || bail_out "the test host does not boot again"
echo "# booted again in $((SECONDS - boot_started)) s"
run_check "the test host powered off in under $poweroff_limit_ms ms with them running, and its journal shows each stopped cleanly" check_poweroff_with_containers
run_check "after a reboot, a file with [Install] WantedBy=machines.target is running without systemctl enable" check_enabled_by_install
run_check "after a reboot, a vendor file disabled by a preset is not running, one with no preset rule is" check_vendor_presets
run_check "after a reboot, systemctl mask wins over [Install]" check_mask_wins

finish_test
