#!/bin/bash
# End-to-end pod test (issue 9), in a booted Debian 12 test host (see
# testhost.sh):
#   - two host clones with Pod=duo start; sdme-pod@duo.service starts with
#     them and holds /run/sdme/pods/duo/netns;
#   - the pod's namespace has only lo;
#   - one member's server on 127.0.0.1 answers the other member;
#   - a host-network container outside the pod, and the test host itself,
#     cannot reach it;
#   - after both members stop, sdme-pod@duo.service is inactive and the
#     namespace's file and directory are gone.
# Every start and stop is timed and what systemd recorded is checked. The
# server and client are Perl (perl-base and its IO::Socket::INET are in
# every Debian): the test host has no netcat, socat or Python.
#
# Usage: pod_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"

port=7777
start_limit_ms=20000
stop_limit_ms=5000
namespace_file=/run/sdme/pods/duo/netns

drop_files() {
  # The host clones see the test host's /usr/local/bin.
  testhost_write /usr/local/bin/pod-server 0755 <<EOF || return
#!/usr/bin/perl
# Answers every connection to 127.0.0.1:$port with one line.
use IO::Socket::INET;
my \$server = IO::Socket::INET->new(LocalAddr => "127.0.0.1:$port", Listen => 5, ReuseAddr => 1)
  or die "cannot listen on 127.0.0.1:$port: \$!\n";
\$| = 1;
print "listening on 127.0.0.1:$port\n";
while (my \$client = \$server->accept) { print \$client "hello from the pod\n"; close \$client; }
EOF
  testhost_write /usr/local/bin/pod-client 0755 <<EOF || return
#!/usr/bin/perl
# Prints the line the server on 127.0.0.1:$port answers with.
use IO::Socket::INET;
my \$socket = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 3)
  or die "cannot connect to 127.0.0.1:$port: \$!\n";
print scalar <\$socket>;
EOF
  testhost_write /etc/sdme/server.sdme <<'EOF' || return
# A pod member that listens on the pod's loopback.
[Container]
Pod=duo
Exec=/usr/local/bin/pod-server
EOF
  testhost_write /etc/sdme/client.sdme <<'EOF' || return
# A pod member the test connects from.
[Container]
Pod=duo
Exec=/bin/sleep infinity
EOF
  testhost_write /etc/sdme/outsider.sdme <<'EOF' || return
# Not in the pod: the test host's network.
[Container]
Exec=/bin/sleep infinity
EOF
}

check_members_start() {
  diagnose_units=(server.service client.service sdme-pod@duo.service)
  in_host systemctl daemon-reload || return
  expect_unit_state sdme-pod@duo.service inactive || return
  start_within_limit server.service || return
  start_within_limit client.service || return
  expect_unit_state sdme-pod@duo.service active || return
  expect_running_machine server || return
  expect_running_machine client || return
  in_host findmnt --noheadings --output FSTYPE "$namespace_file" || return
  expect_equal "file system mounted on $namespace_file" nsfs "$output"
}

check_only_loopback() {
  diagnose_units=(sdme-pod@duo.service)
  in_host nsenter --net="$namespace_file" cat /proc/net/dev || return
  local interfaces
  interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' <<<"$output")
  expect_equal "interfaces in the pod's network namespace" lo "$interfaces" || return
  # The member sees the same namespace.
  in_container client cat /proc/net/dev || return
  interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' <<<"$output")
  expect_equal "interfaces the client member sees" lo "$interfaces"
}

check_members_talk() {
  diagnose_units=(server.service client.service)
  # The server comes up a moment after its container is running.
  local attempt
  for attempt in $(seq 1 20); do
    in_container client /usr/local/bin/pod-client >/dev/null 2>&1 && break
    sleep 0.5
  done
  in_container client /usr/local/bin/pod-client || return
  expect_equal "what the client member read from 127.0.0.1:$port" "hello from the pod" "$output"
}

check_outsiders_cannot_reach() {
  diagnose_units=(outsider.service)
  start_within_limit outsider.service || return
  in_host machinectl show outsider --property=Leader --value || return
  local leader=$output
  in_host_fails nsenter --target "$leader" --all --root --wd /usr/local/bin/pod-client || return
  in_host_fails /usr/local/bin/pod-client || return
  stop_within_limit outsider.service
}

check_pod_goes_away() {
  diagnose_units=(server.service client.service sdme-pod@duo.service)
  stop_within_limit server.service || return
  # One member left: the pod stays.
  expect_unit_state sdme-pod@duo.service active || return
  in_host test -e "$namespace_file" || return
  stop_within_limit client.service || return
  expect_unit_properties sdme-pod@duo.service ActiveState=inactive Result=success || return
  in_host_fails test -e "$namespace_file" || return
  in_host_fails test -e /run/sdme/pods/duo || return
  expect_nothing_mounted_under /run/sdme/pods
}

# --- The test ------------------------------------------------------------

prepare_test_host drop_files
# A network of its own: systemd-nspawn gives the test host CAP_NET_ADMIN only
# then, which sdme-pod needs to bring the pod's lo up (as root on a real
# host has it); and nothing the test does can touch this machine's network.
TESTHOST_NSPAWN_OPTIONS=(--private-network)

echo "1..5"
boot_test_host
run_check "two host clones with Pod=duo start, with sdme-pod@duo.service holding $namespace_file" check_members_start
run_check "the pod's network namespace has only lo, which the members see" check_only_loopback
run_check "one member reaches the other's server on 127.0.0.1:$port" check_members_talk
run_check "a container outside the pod and the test host itself cannot reach it" check_outsiders_cannot_reach
run_check "after the last member stops, sdme-pod@duo.service is inactive and the namespace is gone" check_pod_goes_away

finish_test
