#!/bin/bash
# End-to-end boot test: installs the built project into a booted Debian 12
# test host (see testhost.sh) and checks, with the real systemd there, what
# becomes of .sdme files at daemon-reload, at start and stop, and across a
# reboot. Prints one "ok N - ..." or "not ok N - ..." line per check, with
# the failed commands and the units' status and journal under a failure.
#
# Usage: boot_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
set -u
set -o pipefail

if (($# != 1)); then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir=$(realpath -- "$1") || exit 2
here=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")
# shellcheck source-path=SCRIPTDIR source=testhost.sh
source "$here/testhost.sh"

skip() {
  echo "1..0 # SKIP $*"
  exit 77
}
((EUID == 0)) || skip "needs root: it mounts overlays and boots a container"
command -v systemd-nspawn >/dev/null ||
  skip "systemd-nspawn is not installed (apt-get install systemd-container)"
[[ -d $(testhost_base_path) ]] || command -v debootstrap >/dev/null ||
  skip "debootstrap is not installed (apt-get install debootstrap) and no test host root file system is cached"

# Seconds to wait for the test host to boot and to power off.
boot_timeout=120
poweroff_timeout=90
# How long one command inside the test host may take before it counts as hung.
command_timeout=60
# What the test drops into the host, and what it expects to see.
marker=$(tr -d '-' </proc/sys/kernel/random/uuid)
missing_rootfs=/nonexistent/sdme-e2e-rootfs
missing_rootfs_message="lower directory $missing_rootfs does not exist; import a root file system there, or point Rootfs= at one that exists"
broken_line=4

on_exit() {
  local status=$?
  if ! testhost_destroy; then
    echo "# cleaning up the test host failed (see above)"
    ((status == 0)) && status=1
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

bail_out() {
  echo "Bail out! $*"
  exit 1
}

# --- Steps used inside checks -------------------------------------------
# Each returns non-zero on failure after describing it on stdout (which
# run_check shows under "not ok"); none of them ever drops an exit status.

# in_host CMD...: runs CMD inside the test host with a time limit. Its
# stdout is left in $output, its stderr in $errors.
output=
errors=
in_host_status() {
  local errors_file status=0
  errors_file=$(mktemp) || return 255
  output=$(testhost_run timeout --kill-after=5 "$command_timeout" "$@" 2>"$errors_file") ||
    status=$?
  errors=$(<"$errors_file")
  rm -f "$errors_file"
  return "$status"
}

describe_command() {
  local status=$1
  shift
  echo "command: $*"
  echo "exit status: $status"
  [[ -n $output ]] && printf 'stdout:\n%s\n' "$output" | sed '2,$s/^/  /'
  [[ -n $errors ]] && printf 'stderr:\n%s\n' "$errors" | sed '2,$s/^/  /'
  return 0
}

in_host() {
  local status=0
  in_host_status "$@" || status=$?
  if ((status != 0)); then
    echo "a command failed inside the test host:"
    describe_command "$status" "$@"
  fi
  return "$status"
}

# Like in_host, for a command that must fail. A status that means the
# command could not run or hung (timeout, not found, test host gone) is not
# the failure asked for.
in_host_fails() {
  local status=0
  in_host_status "$@" || status=$?
  case $status in
    0)
      echo "a command succeeded inside the test host, but it must fail:"
      describe_command "$status" "$@"
      return 1
      ;;
    124 | 125 | 126 | 127 | 137 | 255)
      echo "a command did not run to completion inside the test host:"
      describe_command "$status" "$@"
      return 1
      ;;
  esac
  return 0
}

expect_equal() {
  local what=$1 expected=$2 actual=$3
  [[ $actual == "$expected" ]] && return 0
  echo "$what: expected '$expected', got '$actual'"
  return 1
}

# expect_unit_state UNIT ACTIVE_STATE [LOAD_STATE]: checks both, because
# systemctl says "inactive" also for a unit that does not exist, and
# because its exit status only says "not active" (inactive and failed
# differ).
expect_unit_state() {
  local unit=$1 expected_active=$2 expected_load=${3:-loaded} status=0
  in_host systemctl show --property=LoadState --value "$unit" || return
  expect_equal "load state of $unit" "$expected_load" "$output" || return
  in_host_status systemctl is-active "$unit" || status=$?
  if ((status != 0 && status != 3)); then
    echo "systemctl is-active $unit did not report a state:"
    describe_command "$status" systemctl is-active "$unit"
    return 1
  fi
  expect_equal "state of $unit" "$expected_active" "$output"
}

# Runs CMD inside the container NAME, which runs inside the test host.
in_container() {
  local name=$1
  shift
  in_host machinectl show "$name" --property=Leader --value || return
  local leader=$output
  if [[ ! $leader =~ ^[1-9][0-9]*$ ]]; then
    echo "machinectl gave no leader PID for $name: '$leader'"
    return 1
  fi
  in_host nsenter --target "$leader" --all --root --wd "$@"
}

# Fails if anything is mounted at or below DIRECTORY inside the test host.
expect_nothing_mounted_under() {
  local directory=$1
  in_host findmnt --raw --noheadings --output TARGET || return
  local mounted
  mounted=$(awk -v dir="$directory" '$0 == dir || index($0, dir "/") == 1' <<<"$output")
  [[ -z $mounted ]] && return 0
  echo "still mounted under $directory:"
  echo "$mounted"
  return 1
}

expect_running_machine() {
  local name=$1
  in_host machinectl list --no-legend || return
  awk -v name="$name" '$1 == name { found = 1 } END { exit !found }' <<<"$output" && return 0
  echo "$name is not in machinectl list:"
  echo "$output"
  return 1
}

# The journal of the current boot, as plain messages.
journal_contains() {
  local text=$1
  shift
  in_host journalctl --boot --no-pager --output=short-monotonic "$@" || return
  grep -q -F -- "$text" <<<"$output"
}

# Journald takes a moment to store what it was sent; wait for it.
expect_in_journal() {
  local text=$1
  shift
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    journal_contains "$text" "$@" && return 0
    ((attempt < 10)) && sleep 0.5
  done
  echo "not in the journal of the current boot (journalctl --boot${*:+ $*}):"
  echo "  $text"
  return 1
}

drop_file() {
  testhost_write "$1" || {
    echo "cannot write $1 into the test host"
    return 1
  }
}

# --- Running checks ------------------------------------------------------

declare -i checks_run=0 checks_failed=0
# Set by a check: the units whose status and journal explain its failure.
diagnose_units=()

diagnose() {
  local unit
  for unit in "${diagnose_units[@]}"; do
    echo "systemctl status $unit:"
    testhost_run systemctl status --no-pager --full --lines=0 "$unit" 2>&1 | sed 's/^/  /'
    echo "journalctl --boot --unit $unit (last 30 lines):"
    testhost_run journalctl --boot --no-pager --lines=30 --unit "$unit" 2>&1 | sed 's/^/  /'
  done
  echo "failed units in the test host:"
  testhost_run systemctl --failed --no-legend --no-pager 2>&1 | sed 's/^/  /'
  echo "generated units (/run/systemd/generator):"
  testhost_run ls -lR /run/systemd/generator 2>&1 | grep -E 'sdme|\.service|wants' | sed 's/^/  /'
  echo "sdme lines on the test host's console ($TESTHOST_BOOT_LOG):"
  grep -E 'sdme-(generator|overlay|dns)' "$TESTHOST_BOOT_LOG" 2>/dev/null | tail -n 20 | sed 's/^/  /'
}

# run_check DESCRIPTION FUNCTION: runs FUNCTION in this shell (it may set
# variables), keeping what it prints for the report.
run_check() {
  local description=$1 function=$2 log status=0
  checks_run+=1
  diagnose_units=()
  log=$(mktemp) || bail_out "cannot make a temporary file"
  "$function" >"$log" 2>&1 || status=$?
  if ((status == 0)); then
    echo "ok $checks_run - $description"
  else
    checks_failed+=1
    echo "not ok $checks_run - $description"
    { cat "$log"; diagnose; } | sed 's/^/# /'
  fi
  rm -f "$log"
}

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

check_stop() {
  diagnose_units=(web.service)
  in_host systemctl stop web.service || return
  expect_unit_state web.service inactive || return
  expect_nothing_mounted_under /var/lib/sdme/containers/web
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

started=$SECONDS
testhost_base_rootfs || bail_out "cannot build the test host's root file system"
testhost_create || bail_out "cannot create the test host"
testhost_install "$build_dir" || bail_out "cannot install $build_dir into the test host"
echo "# test host: $TESTHOST_WORK"

echo "1..9"
boot_started=$SECONDS
testhost_boot "$boot_timeout" || bail_out "the test host does not boot"
echo "# booted in $((SECONDS - boot_started)) s"
run_check "a .sdme file in /etc/sdme becomes a unit that starts a registered machine" check_start
run_check "the container sees its Bind= directory, its Hostname= and the host's nameservers in a regular /etc/resolv.conf" check_inside_container
run_check "stopping the container leaves it inactive, not failed, with nothing mounted" check_stop
run_check "a broken file next to good ones: daemon-reload works, good units start, the broken one has no unit and its file:line error is logged" check_broken_file
run_check "a missing Rootfs= fails the start with sdme-overlay's message and leaves nothing mounted or made" check_missing_rootfs
run_check "sdme-generator --dry-run prints a good file's unit and fails on a broken one with file:line on stderr" check_dry_run
mask_before_reboot

testhost_poweroff "$poweroff_timeout" || bail_out "the test host does not power off cleanly"
boot_started=$SECONDS
testhost_boot "$boot_timeout" || bail_out "the test host does not boot again"
echo "# booted again in $((SECONDS - boot_started)) s"
run_check "after a reboot, a file with [Install] WantedBy=machines.target is running without systemctl enable" check_enabled_by_install
run_check "after a reboot, a vendor file disabled by a preset is not running, one with no preset rule is" check_vendor_presets
run_check "after a reboot, systemctl mask wins over [Install]" check_mask_wins

testhost_poweroff "$poweroff_timeout" || bail_out "the test host does not power off cleanly after the checks"
echo "# $checks_failed of $checks_run checks failed; $((SECONDS - started)) s in all"
((checks_failed == 0))
