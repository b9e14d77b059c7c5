#!/bin/bash
# End-to-end network test (issue 9), in a booted Debian 12 test host (see
# testhost.sh) with a network namespace of its own (--private-network), so
# no bridge, address or firewall rule touches the machine running the test:
#   - before the test host runs systemd-networkd, a Network=veth container
#     starts, runs its own networkd (enabled by sdme-provision in its upper
#     layer), and its start says in the journal that the host's end of the
#     link gets no address, and that the tree has no systemd-resolved;
#     then a Network=bridge: container on a bridge made by hand gets no notice
#     about the host's networkd: a bridge is the administrator's;
#   - with the host's networkd running, two host clones in Network=zone:lab
#     get addresses by DHCP on host0 from the host's bridge vz-lab, ping
#     each other, and machinectl list shows their addresses;
#   - a Network=bridge:br0 container joins a bridge made by the test host's
#     networkd from a .netdev, as sdme.sdme(5) shows, and gets an address
#     from the DHCP server networkd runs on it;
#   - Port=tcp:2200:22 on a Network=veth container with SSH=yes: ssh to the
#     test host's address on port 2200 logs into the container; after the
#     container stops, nothing answers there;
#   - the veth container moved back to the host's network: the links
#     sdme-provision made (and its record of them) are gone, and networkd
#     does not run in it.
# Every start and stop is timed and what systemd recorded is checked.
#
# Usage: network_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"

command -v ssh-keygen >/dev/null ||
  skip "ssh-keygen is not installed here (apt-get install openssh-client)"

start_limit_ms=20000
stop_limit_ms=5000
# From the container's start to a DHCP lease on host0.
address_limit_ms=20000
forwarded_port=2200
# br0's address (as in sdme.sdme(5)'s example), where Port= is reached.
host_address=10.0.3.1

drop_files() {
  write_test_ssh_key || return
  testhost_write /etc/sdme/solo.sdme <<'EOF' || return
# A host clone with a link to the host, started before the host runs networkd.
[Container]
Network=veth
EOF
  local member
  for member in lab1 lab2; do
    testhost_write /etc/sdme/$member.sdme <<'EOF' || return
# A host clone in the zone lab: one bridge, vz-lab, for all its members.
[Container]
Network=zone:lab
EOF
  done
  testhost_write /etc/sdme/manual.sdme <<'EOF' || return
# A host clone on a bridge made by hand, while the host runs no networkd.
[Container]
Network=bridge:sdmebr0
EOF
  testhost_write /etc/sdme/bridged.sdme <<'EOF' || return
# A host clone on the administrator's bridge br0.
[Container]
Network=bridge:br0
EOF
  # The bridge as sdme.sdme(5) shows it: networkd makes it and serves
  # DHCP on it.
  testhost_write /etc/systemd/network/50-br0.netdev <<'EOF' || return
[NetDev]
Name=br0
Kind=bridge
EOF
  testhost_write /etc/systemd/network/50-br0.network <<'EOF' || return
[Match]
Name=br0

[Network]
Address=10.0.3.1/24
DHCPServer=yes
IPMasquerade=ipv4
ConfigureWithoutCarrier=yes
EOF
  testhost_write /etc/sdme/web.sdme <<EOF || return
# sshd in a container with its own link; the host forwards a port to it.
[Container]
Network=veth
Port=tcp:$forwarded_port:22
SSH=yes
SSHAuthorizedKeys=/etc/sdme/keys/e2e.pub
EOF
}

# ipv4_address WHERE INTERFACE: the first IPv4 address of INTERFACE, in
# $address; WHERE is "host" or a container's name.
address=
ipv4_address() {
  local where=$1 interface=$2
  if [[ $where == host ]]; then
    in_host ip -4 -o address show dev "$interface" || return
  else
    in_container "$where" ip -4 -o address show dev "$interface" || return
  fi
  address=$(awk '{ sub(/\/.*/, "", $4); print $4; exit }' <<<"$output")
  [[ -n $address ]]
}

# wait_for_lease NAME STARTED_MS: waits until container NAME has an IPv4
# address on host0, at most $address_limit_ms after STARTED_MS; the address
# is in $address.
wait_for_lease() {
  local name=$1 started=$2
  while ! ipv4_address "$name" host0 >/dev/null 2>&1; do
    if (($(now_ms) - started > address_limit_ms)); then
      echo "$name has no IPv4 address on host0 ${address_limit_ms} ms after its start:"
      in_container "$name" networkctl --no-pager status host0
      return 1
    fi
    sleep 0.2
  done
  elapsed_ms=$(($(now_ms) - started))
  note "$name has $address on host0 $elapsed_ms ms after its start began"
}

check_link_without_host_networkd() {
  diagnose_units=(solo.service)
  in_host systemctl daemon-reload || return
  expect_unit_state systemd-networkd.service inactive || return
  start_within_limit solo.service || return
  expect_in_journal "Network=veth: systemd-networkd is not running on the host, so the host's end of the link (ve-solo) gets no address" --unit solo.service || return
  expect_in_journal "Network=veth: the container has no systemd-resolved.service" --unit solo.service || return
  # The container's own networkd runs all the same, from the link
  # sdme-provision made in the upper layer.
  in_container solo systemctl is-active systemd-networkd.service || return
  expect_equal "systemd-networkd in solo" active "$output" || return
  in_host readlink /var/lib/sdme/containers/solo/upper/etc/systemd/system/multi-user.target.wants/systemd-networkd.service || return
  expect_equal "the upper layer's link enabling networkd" /usr/lib/systemd/system/systemd-networkd.service "$output" || return
  in_host grep -c -F systemd-networkd.service /var/lib/sdme/containers/solo/upper/etc/systemd/system/.sdme-network-units || return
  stop_within_limit solo.service || return
  # A bridge is the administrator's: its start says nothing about the
  # host's networkd, which is not running now either.
  in_host ip link add sdmebr0 type bridge || return
  in_host ip link set sdmebr0 up || return
  start_within_limit manual.service || return
  expect_in_journal "Network=bridge:sdmebr0: the container has no systemd-resolved.service" --unit manual.service || return
  if journal_contains "systemd-networkd is not running" --unit manual.service; then
    echo "manual's start (Network=bridge:) has a notice about the host's networkd"
    return 1
  fi
  stop_within_limit manual.service || return
  in_host ip link delete sdmebr0
}

check_link_taken_back() {
  diagnose_units=(solo.service)
  # solo back on the host's network: what sdme enabled for its link goes.
  drop_file /etc/sdme/solo.sdme <<'EOF' || return
[Container]
EOF
  in_host systemctl daemon-reload || return
  start_within_limit solo.service || return
  local upper=/var/lib/sdme/containers/solo/upper/etc/systemd/system
  in_host_fails test -e "$upper/multi-user.target.wants/systemd-networkd.service" || return
  in_host_fails test -e "$upper/.sdme-network-units" || return
  in_container solo sh -c 'systemctl is-active systemd-networkd.service || true' || return
  expect_equal "systemd-networkd in solo on the host's network" inactive "$output" || return
  stop_within_limit solo.service
}

lab1_address=
lab2_address=
check_zone_members_get_addresses() {
  diagnose_units=(lab1.service lab2.service systemd-networkd.service)
  in_host systemctl start systemd-networkd.service || return
  local started
  started=$(now_ms)
  start_within_limit lab1.service || return
  wait_for_lease lab1 "$started" || return
  lab1_address=$address
  started=$(now_ms)
  start_within_limit lab2.service || return
  wait_for_lease lab2 "$started" || return
  lab2_address=$address
  # Both from the DHCP server of the host's bridge, in its subnet.
  in_host ip -4 -o address show dev vz-lab || return
  note "the host's bridge: $(awk '{ printf "%s ", $4 }' <<<"$output")"
  [[ $lab1_address != "$lab2_address" ]] || {
    echo "both members have $lab1_address"
    return 1
  }
  # The start did not wait for a fix: no notice about the host's networkd.
  if journal_contains "systemd-networkd is not running on the host" --unit lab1.service; then
    echo "lab1's start says the host runs no networkd, but it does"
    return 1
  fi
}

check_zone_members_ping() {
  diagnose_units=(lab1.service lab2.service)
  in_container lab1 ping -c 1 -W 2 "$lab2_address" || return
  in_container lab2 ping -c 1 -W 2 "$lab1_address"
}

check_machinectl_shows_addresses() {
  diagnose_units=(lab1.service lab2.service)
  in_host machinectl list --no-legend --no-pager --full || return
  local listed=$output failed=0 name expected
  for name in lab1 lab2; do
    expected=$lab1_address
    [[ $name == lab2 ]] && expected=$lab2_address
    if ! awk -v name="$name" -v address="$expected" \
      '$1 == name && index($0, address) { found = 1 } END { exit !found }' <<<"$listed"; then
      echo "machinectl list shows no $expected for $name:"
      echo "$listed"
      failed=1
    fi
  done
  ((failed == 0)) || return
  stop_within_limit lab1.service || return
  stop_within_limit lab2.service
}

check_bridge_member_gets_an_address() {
  diagnose_units=(bridged.service systemd-networkd.service)
  local started
  started=$(now_ms)
  start_within_limit bridged.service || return
  wait_for_lease bridged "$started" || return
  [[ $address == 10.0.3.* ]] || {
    echo "bridged has $address, not an address of br0's 10.0.3.0/24"
    return 1
  }
  in_container bridged ping -c 1 -W 2 10.0.3.1 || return
  stop_within_limit bridged.service
}

check_port_forwarding() {
  diagnose_units=(web.service)
  local started
  started=$(now_ms)
  start_within_limit web.service || return
  wait_for_lease web "$started" || return
  # nspawn forwards connections to any of the host's addresses other than
  # loopback: here br0's, which stays when web's own link goes.
  ssh_login_at "$host_address" "$forwarded_port" web || return
  stop_within_limit web.service || return
  # The forwarding went with the container: the host itself refuses now
  # (ssh exits 255 for any failure to connect; the message tells which).
  local command=(ssh -o ConnectTimeout=3 -o BatchMode=yes -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -i /root/e2e-key -p "$forwarded_port" "root@$host_address" true)
  local status=0
  in_host_status "${command[@]}" || status=$?
  if ((status != 255)) || [[ $errors != *"Connection refused"* ]]; then
    echo "after web stopped, port $forwarded_port of $host_address did not refuse the connection:"
    describe_command "$status" "${command[@]}"
    return 1
  fi
}

# --- The test ------------------------------------------------------------

prepare_test_host drop_files
# A network of its own, where the bridges, addresses and NAT rules live.
TESTHOST_NSPAWN_OPTIONS=(--private-network)

echo "1..7"
boot_test_host
run_check "without networkd on the host: a veth container's networkd runs and its start says what is missing; a bridge's says nothing of the host" check_link_without_host_networkd
run_check "two Network=zone:lab containers get DHCP addresses on host0 from the host's networkd" check_zone_members_get_addresses
run_check "the zone's members ping each other" check_zone_members_ping
run_check "machinectl list shows the members' addresses; both stop cleanly" check_machinectl_shows_addresses
run_check "Network=bridge:br0 joins the administrator's networkd bridge and gets an address from its DHCP server" check_bridge_member_gets_an_address
run_check "Port=tcp:$forwarded_port:22 forwards the host's port to the container's sshd, and stops with it" check_port_forwarding
run_check "a container moved back to the host's network: the links sdme made for its link are gone, networkd is off" check_link_taken_back

finish_test
