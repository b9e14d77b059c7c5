#!/bin/bash
# End-to-end import test: a Debian root file system tarball is served over
# HTTP on the loopback address, and containers in a booted test host name
# it with Import=. Checks that one systemctl start imports and boots, that
# containers sharing the rootfs share one import, that a removed rootfs is
# imported again at the next start, that the URL's credentials reach
# sdme-import without being written into a unit or below /run/sdme, and
# that a bad checksum fails the start and leaves nothing behind. Same
# output conventions as boot_test.sh.
#
# Usage: import_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"

http_server=$build_dir/tests/support/sdme-test-http-server
[[ -x $http_server ]] || skip "$http_server is not built"
command -v zstd >/dev/null || skip "zstd is not installed (apt-get install zstd)"

# The import unpacks a whole Debian tree; give it longer than one command.
import_timeout=300
tarball=debian.tar.zst
server_pid=
server_log=

stop_server() {
  [[ -n $server_pid ]] || return 0
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=
}
trap 'stop_server; on_exit' EXIT

# Serves DIRECTORY on 127.0.0.1; the test host shares the host's network,
# so it reaches the server at the same address.
start_server() {
  local directory=$1 port_file attempt
  port_file=$TESTHOST_WORK/http-port
  server_log=$TESTHOST_WORK/http.log
  "$http_server" --root "$directory" --port-file "$port_file" >"$server_log" 2>&1 &
  server_pid=$!
  for attempt in $(seq 50); do
    [[ -s $port_file ]] && break
    sleep 0.1
  done
  [[ -s $port_file ]] || return 1
  server_url="http://127.0.0.1:$(<"$port_file")"
}

# How many times the tarball was requested.
tarball_requests() {
  grep -c -F -- "GET /$tarball" "$server_log"
}

# --- The checks ----------------------------------------------------------

# The server ignores credentials; they are there to show where they do not go.
credentials=e2e-user:e2e-secret

write_importing_container() {
  local name=$1 rootfs=$2 extra=${3:-}
  drop_file "/etc/sdme/$name.sdme" <<EOF
[Unit]
Description=sdme end-to-end test: $name imports $rootfs

[Container]
Rootfs=$rootfs
Import=${server_url/:\/\//://$credentials@}/$tarball
Boot=yes
$extra
EOF
}

check_import_on_start() {
  diagnose_units=(first.service sdme-import@debian.service)
  write_importing_container first debian || return
  write_importing_container second debian || return
  in_host systemctl daemon-reload || return
  command_timeout=$import_timeout in_host systemctl start first.service || return
  expect_unit_state first.service active || return
  expect_running_machine first || return
  expect_unit_state sdme-import@debian.service active || return
  in_host systemctl show --property=StatusText --value sdme-import@debian.service || return
  expect_equal "status of sdme-import@debian.service" "Imported debian" "$output" || return
  in_container first cat /etc/debian_version || return
  expect_equal "requests for the tarball" 1 "$(tarball_requests)"
}

# The generator names the .sdme files in a drop-in for sdme-import@debian,
# and sdme-import reads Import= from them again: the URL with its
# credentials is in no unit, drop-in or file under /run/sdme, all of which
# any user may read, nor in sdme-import's messages.
check_credentials_stay_in_the_sdme_files() {
  diagnose_units=(sdme-import@debian.service)
  in_host systemctl cat sdme-import@debian.service first.service second.service || return
  local units=$output
  expect_equal "SDME_IMPORT_FILES= in the drop-in" 1 \
    "$(grep -c -x -F 'Environment=SDME_IMPORT_FILES=/etc/sdme/first.sdme:/etc/sdme/second.sdme' <<<"$units")" ||
    return
  expect_equal "lines of the units that hold the credentials" 0 \
    "$(grep -c -F -- "${credentials#*:}" <<<"$units")" || return
  in_host_status grep -r -s -l -F -- "${credentials#*:}" /run/systemd/generator /run/sdme
  expect_equal "files under /run that hold the credentials" "" "$output" || return
  in_host journalctl --boot --no-pager --output=cat --unit sdme-import@debian.service || return
  expect_equal "journal lines of sdme-import@debian that hold the credentials" 0 \
    "$(grep -c -F -- "${credentials#*:}" <<<"$output")"
}

check_shared_import() {
  diagnose_units=(second.service sdme-import@debian.service)
  in_host systemctl start second.service || return
  expect_unit_state second.service active || return
  expect_running_machine second || return
  expect_equal "requests for the tarball after a second container started" 1 \
    "$(tarball_requests)" || return
  in_host journalctl --boot --no-pager --output=cat --unit sdme-import@debian.service || return
  expect_equal "imports logged" 1 "$(grep -c -F 'Imported debian' <<<"$output")"
}

check_reimport_after_removal() {
  diagnose_units=(first.service sdme-import@debian.service)
  in_host systemctl stop first.service second.service || return
  # Nothing needs the import any more: StopWhenUnneeded= stopped it, so its
  # condition is checked again at the next start.
  expect_unit_state sdme-import@debian.service inactive || return
  in_host rm -rf /var/lib/sdme/rootfs/debian /var/lib/sdme/containers/first \
    /var/lib/sdme/containers/second || return
  # Both at once: one transaction, one job for the shared import.
  command_timeout=$import_timeout in_host systemctl start first.service second.service || return
  expect_unit_state first.service active || return
  expect_unit_state second.service active || return
  expect_equal "requests for the tarball after the rootfs was removed" 2 "$(tarball_requests)"
}

check_bad_checksum() {
  diagnose_units=(badsum.service sdme-import@badsum.service)
  local zeros
  zeros=$(printf '0%.0s' $(seq 64))
  write_importing_container badsum badsum "ImportChecksum=sha256:$zeros" || return
  in_host systemctl daemon-reload || return
  command_timeout=$import_timeout in_host_fails systemctl start badsum.service || return
  expect_unit_state sdme-import@badsum.service failed || return
  expect_in_journal "checksum mismatch: expected sha256:$zeros" --unit sdme-import@badsum.service ||
    return
  in_host find /var/lib/sdme/rootfs -maxdepth 1 -name '*badsum*' ! -name .badsum.lock || return
  expect_equal "what the failed import left in /var/lib/sdme/rootfs" "" "$output"
}

# --- The test ------------------------------------------------------------

prepare_test_host
mkdir -p "$TESTHOST_WORK/serve" || bail_out "cannot make the served directory"
# The test host's own cached root file system is a Debian tree that boots.
tar --numeric-owner --xattrs --acls -C "$TESTHOST_BASE" -cf - . |
  zstd -q -T0 -3 -o "$TESTHOST_WORK/serve/$tarball" ||
  bail_out "cannot make $tarball from $TESTHOST_BASE"
echo "# $tarball: $(du -h "$TESTHOST_WORK/serve/$tarball" | cut -f1)"
start_server "$TESTHOST_WORK/serve" || bail_out "the HTTP server does not start (see $server_log)"

echo "1..5"
boot_test_host
run_check "a container whose Import= names a tarball on loopback HTTP starts with one systemctl start" check_import_on_start
run_check "the URL's credentials are in no unit, drop-in, runtime file or import message" check_credentials_stay_in_the_sdme_files
run_check "a second container sharing the rootfs starts without a second import" check_shared_import
run_check "after both stop and the rootfs is removed, starting both at once imports it again, once" check_reimport_after_removal
run_check "a bad ImportChecksum= fails the start, logs the mismatch and leaves no rootfs behind" check_bad_checksum

finish_test
