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

# shellcheck source-path=SCRIPTDIR source=checks.sh
source "$here/checks.sh"

# What the test drops into the host, and what it expects to see.
marker=$(tr -d '-' </proc/sys/kernel/random/uuid)
missing_rootfs=/nonexistent/sdme-e2e-rootfs
missing_rootfs_message="lower directory $missing_rootfs does not exist; import a root file system there, or point Rootfs= at one that exists"
broken_line=4

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
