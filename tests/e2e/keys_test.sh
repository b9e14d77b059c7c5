#!/bin/bash
# End-to-end checks of keys that used to be proven only as text in the
# generated unit (issue 9, "Prove the keys"), in a booted Debian 12 test
# host (see testhost.sh):
#   - PrivateUsers=pick: the container's root is a UID range of its own,
#     seen from inside as a full mapping of 0, with its files its root's;
#   - Ephemeral=yes: what the container wrote is gone after a stop, and its
#     upper layer never held it;
#   - ReadOnly=yes: a write to the root file system is refused, and the
#     unit records the program's own exit status for it.
#
# Usage: keys_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"

start_limit_ms=20000
stop_limit_ms=5000
marker=$(tr -d '-' </proc/sys/kernel/random/uuid)


drop_files() {
  testhost_write /etc/sdme/mapped.sdme <<'EOF' || return
# A user namespace on a lower layer that can be ID-mapped (the test host's
# own root is an overlay, which cannot).
[Container]
Rootfs=/srv/base
PrivateUsers=pick
EOF
  testhost_write /etc/sdme/eph.sdme <<'EOF' || return
[Container]
Ephemeral=yes
EOF
  testhost_write /etc/sdme/ro.sdme <<'EOF' || return
# Exits 7 when the write is refused, 0 when it is not.
[Container]
ReadOnly=yes
Exec=/bin/sh -c "if touch /etc/sdme-read-only-test; then exit 0; else exit 7; fi"
EOF
}

# --- The checks ----------------------------------------------------------

check_private_users() {
  diagnose_units=(mapped.service)
  in_host systemctl daemon-reload || return
  start_within_limit mapped.service || return
  in_container mapped cat /proc/self/uid_map || return
  local inside
  inside=$(awk '{ print $1, $3 }' <<<"$output")
  expect_equal "the uid_map seen inside (first UID, count)" "0 65536" "$inside" || return
  local base
  base=$(awk '{ print $2 }' <<<"$output")
  if ((base < 524288 || base % 65536 != 0)); then
    echo "the container's root is host UID $base, not the first of a range of its own"
    return 1
  fi
  note "the container's root is host UID $base"
  # Its files are its root's, as it sees them, without a chown on disk.
  in_container mapped stat -c '%u:%g %n' /etc/shadow /etc/hostname /root || return
  local owners
  owners=$(awk '{ print $1 }' <<<"$output" | sort -u | paste -sd' ')
  [[ $owners == 0:0 || $owners == "0:0 0:42" || $owners == "0:42 0:0" ]] || {
    echo "owners inside the container are not its root's:"
    echo "$output"
    return 1
  }
  in_host stat -c '%u' /srv/base/etc/shadow || return
  expect_equal "owner of the lower layer's /etc/shadow on disk" 0 "$output" || return
  stop_within_limit mapped.service
}

check_ephemeral() {
  diagnose_units=(eph.service)
  start_within_limit eph.service || return
  in_container eph sh -c "echo $marker >/root/ephemeral-marker" || return
  in_host test -d /var/lib/sdme/containers/eph/ephemeral/upper || return
  stop_within_limit eph.service || return
  in_host_status test -e /var/lib/sdme/containers/eph/ephemeral && {
    echo "the ephemeral layer is still there after the stop"
    return 1
  }
  in_host_status grep -r -l -s -F -- "$marker" /var/lib/sdme/containers/eph && {
    echo "what the ephemeral container wrote is in its directory after the stop:"
    echo "$output"
    return 1
  }
  start_within_limit eph.service || return
  in_container eph test -e /root/ephemeral-marker && {
    echo "the ephemeral container starts again with what it wrote before"
    return 1
  }
  stop_within_limit eph.service
}

check_read_only() {
  diagnose_units=(ro.service)
  local started deadline
  started=$(now_ms)
  deadline=$((started + 20000))
  in_host_status systemctl start ro.service
  while (($(now_ms) < deadline)); do
    in_host systemctl show --property=ActiveState --value ro.service || return
    [[ $output == inactive || $output == failed ]] && break
    sleep 0.2
  done
  elapsed_ms=$(($(now_ms) - started))
  note "ro.service ended by itself $elapsed_ms ms after its start"
  expect_unit_properties ro.service ActiveState=failed Result=exit-code ExecMainStatus=7 || return
  in_host_status test -e /var/lib/sdme/containers/ro/upper/etc/sdme-read-only-test && {
    echo "the write reached the upper layer"
    return 1
  }
  expect_nothing_mounted_under /var/lib/sdme/containers/ro
}

# --- The test ------------------------------------------------------------

prepare_test_host drop_files
TESTHOST_NSPAWN_OPTIONS=(--bind-ro="$TESTHOST_BASE:/srv/base")

echo "1..3"
boot_test_host
run_check "PrivateUsers=pick: root is a range of its own, its files its root's, nothing chowned on disk" check_private_users
run_check "Ephemeral=yes: what the container wrote is gone after a stop and never reached its directory" check_ephemeral
run_check "ReadOnly=yes: a write is refused, and the unit records the program's exit status 7" check_read_only

finish_test
