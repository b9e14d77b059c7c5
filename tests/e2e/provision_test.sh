#!/bin/bash
# End-to-end provisioning and security test (issue 8), in a booted Debian 12
# test host (see testhost.sh) whose tree has openssh-server installed but
# not enabled:
#   - a host clone with SSH=yes on its own SSHPort= is logged into with a
#     key and with the password from a root-only RootPasswordFile=, then
#     restarted twice and logged into again; its host key is its own, not
#     the host's, and stays the same;
#   - another logs in with a password handed over as a systemd credential,
#     a third with the password of a RootPasswordHash=;
#   - no password is anywhere to be found: journal, /run, systemctl show,
#     process command lines and environments, the upper layers;
#   - a RootPasswordFile= others can read fails the start, saying so;
#   - Security=hardened on a lower layer that cannot be ID-mapped (the test
#     host's own root, an overlay) fails the start at once, saying why;
#   - a Security=strict container runs with its root mapped to an
#     unprivileged host UID, seccomp and no_new_privs on, only lo, the
#     tier's capability bounding set, and stops cleanly;
#   - MemoryMax= in [Service] holds the whole container.
# Every start and stop is timed and what systemd recorded is checked.
#
# Usage: provision_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"

command -v ssh-keygen >/dev/null ||
  skip "ssh-keygen is not installed here (apt-get install openssh-client)"
command -v openssl >/dev/null || skip "openssl is not installed here (apt-get install openssl)"

# The passwords: random, so finding one anywhere means it leaked.
password=Pw-$(tr -d '-' </proc/sys/kernel/random/uuid)
credential_password=Cred-$(tr -d '-' </proc/sys/kernel/random/uuid)
hash_password=Hash-$(tr -d '-' </proc/sys/kernel/random/uuid)
ssh_port=2222
credential_port=2223
hash_port=2224
# A container start includes its boot; a stop answered by its init is quick.
start_limit_ms=20000
stop_limit_ms=5000
# The strict tier's capability bounding set: Docker's defaults without
# CAP_NET_RAW (dropped by hardened beneath it), plus CAP_SYS_ADMIN.
strict_capabilities=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID
  CAP_SETUID CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_SYS_ADMIN CAP_MKNOD
  CAP_AUDIT_WRITE CAP_SETFCAP)
declare -A capability_bit=([CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_FOWNER]=3 [CAP_FSETID]=4
  [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8 [CAP_NET_BIND_SERVICE]=10
  [CAP_SYS_CHROOT]=18 [CAP_SYS_ADMIN]=21 [CAP_MKNOD]=27 [CAP_AUDIT_WRITE]=29 [CAP_SETFCAP]=31)
memory_limit=$((32 * 1024 * 1024))


# ssh_login PORT EXPECTED_HOSTNAME [PASSWORD_FILE]: a login on a container
# that shares the test host's network (checks.sh's ssh_login_at).
ssh_login() {
  ssh_login_at 127.0.0.1 "$@"
}

# The container's ed25519 host key, as ssh-keyscan sees it.
host_key=
scan_host_key() {
  local port=$1
  in_host ssh-keyscan -t ed25519 -p "$port" 127.0.0.1 || return
  host_key=$(awk '$2 == "ssh-ed25519" { print $3 }' <<<"$output")
  [[ -n $host_key ]] && return 0
  echo "ssh-keyscan on port $port gave no ed25519 key:"
  echo "$output"
  return 1
}

drop_files() {
  write_test_ssh_key || return
  printf '%s\n' "$password" | testhost_write /root/e2e-password 0600 || return
  printf '%s\n' "$credential_password" |
    testhost_write /root/e2e-credential-password 0600 || return
  printf '%s\n' "$password" | testhost_write /etc/sdme/secrets/sshweb.password 0600 || return
  printf '%s\n' "$credential_password" |
    testhost_write /etc/sdme/secrets/credweb.password 0600 || return
  printf '%s\n' "$password" | testhost_write /etc/sdme/secrets/open.password 0644 || return
  printf '%s\n' "$hash_password" | testhost_write /root/e2e-hash-password 0600 || return
  local hash
  hash=$(printf '%s\n' "$hash_password" | openssl passwd -6 -stdin) || return
  printf '%s\n' "# Only the hash is in the file, and so in the unit." "[Container]" "SSH=yes" \
    "SSHPort=$hash_port" "SSHPasswordLogin=yes" "RootPasswordHash=$hash" |
    testhost_write /etc/sdme/hashweb.sdme || return
  testhost_write /etc/sdme/hardclone.sdme <<'EOF' || return
# The hardened tier on a clone of the test host, whose root is an overlay.
[Container]
Security=hardened
EOF
  testhost_write /etc/sdme/sshweb.sdme <<EOF || return
# A host clone to log into: keys and a password from a root-only file.
[Container]
SSH=yes
SSHPort=$ssh_port
SSHPasswordLogin=yes
SSHAuthorizedKeys=/etc/sdme/keys/e2e.pub
RootPasswordFile=/etc/sdme/secrets/sshweb.password
EOF
  testhost_write /etc/sdme/credweb.sdme <<EOF || return
# The password handed over as a systemd credential, under systemd's own name.
[Service]
LoadCredential=passwd.plaintext-password.root:/etc/sdme/secrets/credweb.password

[Container]
SSH=yes
SSHPort=$credential_port
SSHPasswordLogin=yes
EOF
  testhost_write /etc/sdme/openpw.sdme <<'EOF' || return
[Container]
Exec=/bin/true
RootPasswordFile=/etc/sdme/secrets/open.password
EOF
  testhost_write /etc/sdme/locked.sdme <<'EOF' || return
# The strict tier, on a root file system whose file system allows ID-mapped
# mounts (the test host's own root is an overlay, which does not).
[Container]
Rootfs=/srv/base
Security=strict
EOF
  local hog='/bin/sh -c '\''x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived'\'
  testhost_write /etc/sdme/limited.sdme <<EOF || return
# A program that wants more memory than the unit allows.
[Service]
MemoryMax=32M
MemorySwapMax=0

[Container]
Exec=$hog
EOF
  testhost_write /etc/sdme/unlimited.sdme <<EOF || return
# The same program without the limit: it must finish.
[Container]
Exec=$hog
EOF
}

# --- The checks ----------------------------------------------------------

check_ssh_start() {
  diagnose_units=(sshweb.service)
  in_host systemctl daemon-reload || return
  start_within_limit sshweb.service || return
  expect_running_machine sshweb
}

check_key_login() {
  diagnose_units=(sshweb.service)
  ssh_login "$ssh_port" sshweb
}

check_password_login() {
  diagnose_units=(sshweb.service)
  ssh_login "$ssh_port" sshweb /root/e2e-password || return
  in_host cat /var/lib/sdme/containers/sshweb/merged/etc/shadow || return
  local hash
  hash=$(awk -F: '$1 == "root" { print $2 }' <<<"$output")
  [[ $hash == '$y$'* ]] && return 0
  echo "root's entry in the container's /etc/shadow is not a yescrypt hash: '$hash'"
  return 1
}

first_host_key=
first_machine_id=
check_own_host_key() {
  diagnose_units=(sshweb.service)
  scan_host_key "$ssh_port" || return
  first_host_key=$host_key
  in_host cat /etc/ssh/ssh_host_ed25519_key.pub || return
  local host_own
  host_own=$(awk '{ print $2 }' <<<"$output")
  if [[ $host_own == "$first_host_key" ]]; then
    echo "the container serves the test host's own host key $host_own"
    return 1
  fi
  # Generated in the container's upper layer, where the host's are hidden.
  in_host test -s /var/lib/sdme/containers/sshweb/upper/etc/ssh/ssh_host_ed25519_key || return
  # A machine ID of its own too, kept in its upper layer.
  in_host cat /etc/machine-id /var/lib/sdme/containers/sshweb/upper/etc/machine-id || return
  local host_id container_id
  host_id=$(sed -n 1p <<<"$output")
  container_id=$(sed -n 2p <<<"$output")
  first_machine_id=$container_id
  if [[ ! $container_id =~ ^[0-9a-f]{32}$ || $container_id == "$host_id" ]]; then
    echo "the container's machine ID '$container_id' is not one of its own (the host's: $host_id)"
    return 1
  fi
}

check_restarts() {
  diagnose_units=(sshweb.service)
  local round shadow_before shadow_after
  in_host stat -c '%Y %s' /var/lib/sdme/containers/sshweb/upper/etc/shadow || return
  shadow_before=$output
  for round in 1 2; do
    timed_systemctl restart sshweb.service || return
    expect_unit_state sshweb.service active || return
    expect_elapsed_below "restart $round of sshweb.service" $((start_limit_ms + stop_limit_ms)) ||
      return
    ssh_login "$ssh_port" sshweb || return
    ssh_login "$ssh_port" sshweb /root/e2e-password || return
    scan_host_key "$ssh_port" || return
    expect_equal "host key after restart $round" "$first_host_key" "$host_key" || return
    in_container sshweb cat /etc/machine-id || return
    expect_equal "machine ID after restart $round" "$first_machine_id" "$output" || return
  done
  # The same password again changes nothing: not even the file's time.
  in_host stat -c '%Y %s' /var/lib/sdme/containers/sshweb/upper/etc/shadow || return
  shadow_after=$output
  expect_equal "mtime and size of the upper layer's /etc/shadow after two restarts" \
    "$shadow_before" "$shadow_after"
}

check_hash_login() {
  diagnose_units=(hashweb.service)
  start_within_limit hashweb.service || return
  ssh_login "$hash_port" hashweb /root/e2e-hash-password || return
  stop_within_limit hashweb.service
}

check_credential_login() {
  diagnose_units=(credweb.service)
  start_within_limit credweb.service || return
  ssh_login "$credential_port" credweb /root/e2e-credential-password
}

# find_secret SECRET WHERE COMMAND...: COMMAND's output must not hold SECRET.
find_secret() {
  local secret=$1 where=$2
  shift 2
  in_host_status "$@"
  if grep -q -F -- "$secret" <<<"$output$errors"; then
    echo "the password is in $where:"
    grep -F -- "$secret" <<<"$output$errors" | head -n 5
    return 1
  fi
  return 0
}

check_no_plaintext_anywhere() {
  diagnose_units=(sshweb.service credweb.service)
  local secret failed=0 leader
  in_host machinectl show sshweb --property=Leader --value || return
  leader=$output
  for secret in "$password" "$credential_password" "$hash_password"; do
    find_secret "$secret" "the journal" journalctl --no-pager --output=export || failed=1
    find_secret "$secret" "systemctl show" systemctl show sshweb.service credweb.service \
      openpw.service || failed=1
    find_secret "$secret" "a process's command line or environment" \
      sh -c 'cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | tr "\0" "\n"' || failed=1
    find_secret "$secret" "the upper layers" \
      grep -r -l -s -F -- "$secret" /var/lib/sdme/containers || failed=1
    find_secret "$secret" "the container's /run" \
      grep -r -l -s -D skip -F -- "$secret" "/proc/$leader/root/run" || failed=1
  done
  # The credential's own copy is systemd's, in a root-only in-memory store
  # that exists while the unit runs (systemd.exec(5) "Credentials"); outside
  # it, nothing in /run may hold either password.
  find_secret "$password" "/run" grep -r -l -s -D skip -F -- "$password" /run || failed=1
  find_secret "$credential_password" "/run outside credweb's credential store" \
    grep -r -l -s -D skip --exclude-dir=credweb.service -F -- "$credential_password" /run ||
    failed=1
  return "$failed"
}

check_open_password_file_refused() {
  diagnose_units=(openpw.service)
  in_host_fails systemctl start openpw.service || return
  expect_unit_properties openpw.service ActiveState=failed Result=exit-code || return
  expect_in_journal "/etc/sdme/secrets/open.password" --unit openpw.service || return
  expect_in_journal "chmod 0600" --unit openpw.service || return
  expect_nothing_mounted_under /var/lib/sdme/containers/openpw
}

# The test host's own root is an overlay, which cannot be ID-mapped: the
# start must fail at once, saying why, and leave nothing behind.
check_hardened_clone_on_overlay_refused() {
  diagnose_units=(hardclone.service)
  timed_systemctl start hardclone.service && {
    echo "hardclone.service started on a lower layer that cannot be ID-mapped"
    return 1
  }
  expect_elapsed_below "the failed start of hardclone.service" "$start_limit_ms" || return
  expect_unit_properties hardclone.service ActiveState=failed Result=exit-code || return
  expect_in_journal "does not support ID-mapped mounts" --unit hardclone.service || return
  expect_nothing_mounted_under /var/lib/sdme/containers/hardclone
}

check_ssh_stops() {
  diagnose_units=(sshweb.service credweb.service)
  stop_within_limit sshweb.service || return
  stop_within_limit credweb.service
}

locked_leader=
check_strict_start() {
  diagnose_units=(locked.service)
  start_within_limit locked.service || return
  expect_running_machine locked || return
  in_host machinectl show locked --property=Leader --value || return
  locked_leader=$output
  [[ $locked_leader =~ ^[1-9][0-9]*$ ]] && return 0
  echo "no leader PID for locked: '$locked_leader'"
  return 1
}

# The value of FIELD in the strict container's init's /proc/PID/status.
leader_status() {
  in_host awk -v field="$1:" '$1 == field { print $2 }' "/proc/$locked_leader/status"
}

check_strict_user_namespace() {
  diagnose_units=(locked.service)
  leader_status Uid || return
  local uid=$output
  if ((uid < 524288 || uid % 65536 != 0)); then
    echo "the container's root is host UID $uid, not the first of a range of its own"
    return 1
  fi
  note "the strict container's root is host UID $uid"
  in_host cat "/proc/$locked_leader/uid_map" || return
  expect_equal "uid_map of the container's init" "0 $uid 65536" "$(tr -s ' ' <<<"${output# }" |
    sed 's/^ //')" || return
  # Nothing was chowned: the upper layer stays small.
  in_host du -s -k /var/lib/sdme/containers/locked/upper || return
  local kib=${output%%[[:space:]]*}
  note "the strict container's upper layer holds $kib KiB after its boot"
  ((kib < 20480)) && return 0
  echo "the upper layer holds $kib KiB: the lower layer was copied up (chowned)"
  return 1
}

check_strict_seccomp_and_no_new_privileges() {
  diagnose_units=(locked.service)
  leader_status Seccomp || return
  expect_equal "Seccomp of the container's init" 2 "$output" || return
  leader_status NoNewPrivs || return
  expect_equal "NoNewPrivs of the container's init" 1 "$output"
}

check_strict_only_loopback() {
  diagnose_units=(locked.service)
  in_host nsenter --target "$locked_leader" --net cat /proc/net/dev || return
  local interfaces
  interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' <<<"$output" | paste -sd' ')
  expect_equal "network interfaces of the strict container" lo "$interfaces"
}

check_strict_capabilities() {
  diagnose_units=(locked.service)
  leader_status CapBnd || return
  local actual=$((16#$output)) expected=0 name
  for name in "${strict_capabilities[@]}"; do
    expected=$((expected | (1 << ${capability_bit[$name]})))
  done
  ((actual == expected)) && return 0
  printf 'the bounding set is %#x, the tier promises %#x (%s)\n' "$actual" "$expected" \
    "${strict_capabilities[*]}"
  return 1
}

check_strict_apparmor_notice() {
  diagnose_units=(locked.service)
  if [[ $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y ]]; then
    note "AppArmor is on here: the profile is checked by the start itself"
    return 0
  fi
  expect_in_journal "AppArmor is off" --unit locked.service
}

check_strict_stop() {
  diagnose_units=(locked.service)
  stop_within_limit locked.service
}

# run_to_end UNIT: starts UNIT, an Exec= container, and waits up to 30 s for
# it to end by itself; how long it ran is in $elapsed_ms.
run_to_end() {
  local unit=$1 started deadline
  started=$(now_ms)
  deadline=$((started + 30000))
  in_host_status systemctl start "$unit"
  while (($(now_ms) < deadline)); do
    in_host systemctl show --property=ActiveState --value "$unit" || return
    if [[ $output == inactive || $output == failed ]]; then
      elapsed_ms=$(($(now_ms) - started))
      note "$unit ended by itself $elapsed_ms ms after its start"
      return 0
    fi
    sleep 0.2
  done
  echo "$unit still runs 30 s after its start"
  return 1
}

check_memory_limit() {
  diagnose_units=(limited.service unlimited.service)
  local hierarchy
  if in_host_status test -e /sys/fs/cgroup/cgroup.controllers; then
    hierarchy=unified
  elif in_host_status test -d /sys/fs/cgroup/memory; then
    hierarchy=legacy
  else
    note "SKIP memory limit: the test host's cgroups have no memory controller"
    return 0
  fi
  note "the test host's cgroup hierarchy is $hierarchy"
  expect_unit_properties limited.service MemoryMax="$memory_limit" || return
  # systemd-nspawn gives a container under the legacy hierarchy its memory
  # controller read-only: the test host's systemd records the limit but
  # cannot set it. On a host whose systemd runs sdme, it can.
  if [[ $hierarchy == legacy ]]; then
    in_host findmnt --noheadings --output OPTIONS /sys/fs/cgroup/memory || return
    if [[ ,$output, == *,ro,* ]]; then
      note "SKIP memory limit enforcement: the test host's memory cgroup is read-only" \
        "(legacy cgroups as systemd-nspawn mounts them), so its systemd cannot apply" \
        "MemoryMax=; systemd did record MemoryMax=$memory_limit"
      return 0
    fi
  fi
  # Without the limit the program finishes: the limit is what stops it.
  run_to_end unlimited.service || return
  expect_unit_properties unlimited.service Result=success || return
  expect_in_journal survived --unit unlimited.service || return
  run_to_end limited.service || return
  if journal_contains survived --unit limited.service; then
    echo "the program finished under MemoryMax=$memory_limit: it was not held to it"
    return 1
  fi
  # systemd reads the kernel's OOM kills from memory.events, which only the
  # unified hierarchy has; under the legacy one the unit fails by the
  # program's SIGKILL.
  if [[ $hierarchy == unified ]]; then
    expect_unit_properties limited.service ActiveState=failed Result=oom-kill || return
  else
    expect_unit_properties limited.service ActiveState=failed || return
  fi
  expect_nothing_mounted_under /var/lib/sdme/containers/limited
}

# --- The test ------------------------------------------------------------

prepare_test_host drop_files
TESTHOST_NSPAWN_OPTIONS=(--bind-ro="$TESTHOST_BASE:/srv/base")

echo "1..19"
boot_test_host
run_check "a host clone with SSH=yes, SSHPort=$ssh_port starts as a registered machine" check_ssh_start
run_check "root logs in over ssh with the SSHAuthorizedKeys= key" check_key_login
run_check "root logs in with the RootPasswordFile= password, stored as a yescrypt hash" check_password_login
run_check "the container's host key and machine ID are its own, kept in its upper layer, not the host's" check_own_host_key
run_check "after two restarts: key and password logins work, same host key and machine ID, /etc/shadow untouched" check_restarts
run_check "root logs in with a password from LoadCredential=passwd.plaintext-password.root" check_credential_login
run_check "root logs in with the password of a RootPasswordHash=, handed over as passwd.hashed-password.root" check_hash_login
run_check "no password is in the journal, /run, systemctl show, command lines or the upper layers" check_no_plaintext_anywhere
run_check "a RootPasswordFile= others can read fails the start with a message that names it" check_open_password_file_refused
run_check "both ssh containers stop in under $stop_limit_ms ms with Result=success, nothing mounted" check_ssh_stops
run_check "Security=hardened on a lower layer that cannot be ID-mapped (an overlay) fails the start at once, saying why" check_hardened_clone_on_overlay_refused
run_check "a Security=strict container starts as a registered machine" check_strict_start
run_check "its root is an unprivileged host UID of its own range, nothing chowned" check_strict_user_namespace
run_check "its init runs with a seccomp filter and no_new_privs" check_strict_seccomp_and_no_new_privileges
run_check "it has only lo" check_strict_only_loopback
run_check "its capability bounding set is the tier's" check_strict_capabilities
run_check "where AppArmor is off, its journal says the profile is not applied" check_strict_apparmor_notice
run_check "it stops in under $stop_limit_ms ms with Result=success, nothing mounted" check_strict_stop
run_check "MemoryMax= in [Service] holds the whole container: a program that finishes without it is killed with it" check_memory_limit

finish_test
