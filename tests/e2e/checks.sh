# Checks against a booted test host, shared by the end-to-end tests: skip
# and bail-out conventions, commands run inside the host or a container in
# it, expectations that describe what they saw when they fail, and
# run_check, which prints one TAP line per check with the failing output
# and the units' status and journal under a "not ok". Source it after
# testhost.sh; it installs an EXIT trap that destroys the test host.
# shellcheck shell=bash

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

# Timings go to the TAP stream as comments, also from inside a check, whose
# own output run_check keeps for a failure report.
exec {tap_fd}>&1
note() {
  echo "# $*" >&"$tap_fd"
}

now_ms() {
  echo $(($(date +%s%N) / 1000000))
}

# expect_unit_properties UNIT PROPERTY=VALUE...: what `systemctl show`
# says, each property checked even when another one is wrong.
expect_unit_properties() {
  local unit=$1 expected failed=0
  shift
  for expected in "$@"; do
    in_host systemctl show --property="${expected%%=*}" --value "$unit" || return
    expect_equal "${expected%%=*} of $unit" "${expected#*=}" "$output" || failed=1
  done
  return "$failed"
}

# Set by timed_systemctl: how long the last command took.
elapsed_ms=0

# timed_systemctl VERB UNIT: systemctl VERB UNIT, its time in $elapsed_ms
# and noted in the TAP stream.
timed_systemctl() {
  local verb=$1 unit=$2 started status=0
  started=$(now_ms)
  in_host systemctl "$verb" "$unit" || status=$?
  elapsed_ms=$(($(now_ms) - started))
  note "systemctl $verb $unit took $elapsed_ms ms"
  return "$status"
}

expect_elapsed_below() {
  local what=$1 limit_ms=$2
  ((elapsed_ms <= limit_ms)) && return 0
  echo "$what took $elapsed_ms ms, more than $limit_ms ms"
  return 1
}

# start_within_limit UNIT: starts UNIT, which must become active within the
# test's $start_limit_ms.
start_within_limit() {
  local unit=$1
  timed_systemctl start "$unit" || return
  expect_unit_state "$unit" active || return
  expect_elapsed_below "start of $unit" "$start_limit_ms"
}

# stop_within_limit UNIT: stops the container UNIT within the test's
# $stop_limit_ms, cleanly (Result=success), leaving nothing mounted.
stop_within_limit() {
  local unit=$1
  timed_systemctl stop "$unit" || return
  expect_unit_properties "$unit" ActiveState=inactive Result=success || return
  expect_elapsed_below "stop of $unit" "$stop_limit_ms" || return
  expect_nothing_mounted_under "/var/lib/sdme/containers/${unit%.service}"
}

# A new key pair for logging into containers: the private key in the test
# host's /root/e2e-key (which ssh_login_at uses), the public one in
# /etc/sdme/keys/e2e.pub for SSHAuthorizedKeys=.
write_test_ssh_key() {
  local key_dir=$TESTHOST_WORK/e2e-key
  mkdir -p "$key_dir" && rm -f "$key_dir"/id &&
    ssh-keygen -q -t ed25519 -N '' -C e2e@sdme-testhost -f "$key_dir/id" || return
  testhost_write /root/e2e-key 0600 <"$key_dir/id" || return
  testhost_write /etc/sdme/keys/e2e.pub <"$key_dir/id.pub"
}

# ssh_login_at ADDRESS PORT EXPECTED_HOSTNAME [PASSWORD_FILE]: logs in as
# root on ADDRESS:PORT from the test host with the test key /root/e2e-key,
# or with the password in PASSWORD_FILE (a file in the test host, so the
# password is on no command line), and checks the host name. sshd comes up
# a moment after the container is READY, so the first attempts may find
# nothing listening.
ssh_login_at() {
  local address=$1 port=$2 hostname=$3 password_file=${4:-} how=key attempt
  local options=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
    -o ConnectTimeout=5 -p "$port")
  local command
  if [[ -n $password_file ]]; then
    how=password
    command=(sshpass -f "$password_file" ssh "${options[@]}" -o PubkeyAuthentication=no
      -o PreferredAuthentications=password "root@$address" hostname)
  else
    command=(ssh "${options[@]}" -o BatchMode=yes -o PasswordAuthentication=no
      -i /root/e2e-key "root@$address" hostname)
  fi
  for attempt in $(seq 1 30); do
    in_host_status "${command[@]}" && break
    sleep 0.5
  done
  in_host "${command[@]}" || return
  expect_equal "host name seen over ssh ($how, $address port $port)" "$hostname" "$output"
}

# --- The test host's life ------------------------------------------------

# prepare_test_host [WRITE_FILES]: the cached base (built the first time),
# a test host on it with this build installed, and WRITE_FILES, the test's
# function that writes its files into the test host. Starts the clock
# finish_test reports.
prepare_test_host() {
  started=$SECONDS
  testhost_base_rootfs || bail_out "cannot build the test host's root file system"
  testhost_create || bail_out "cannot create the test host"
  testhost_install "$build_dir" || bail_out "cannot install $build_dir into the test host"
  if (($# > 0)); then
    "$1" || bail_out "cannot write the test's files into the test host"
  fi
  echo "# test host: $TESTHOST_WORK"
}

boot_test_host() {
  local boot_started=$SECONDS
  testhost_boot "$boot_timeout" || bail_out "the test host does not boot"
  echo "# booted in $((SECONDS - boot_started)) s"
}

# Powers the test host off, reports, and exits with the checks' verdict.
finish_test() {
  testhost_poweroff "$poweroff_timeout" ||
    bail_out "the test host does not power off cleanly after the checks"
  echo "# $checks_failed of $checks_run checks failed; $((SECONDS - started)) s in all"
  ((checks_failed == 0))
  exit
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
  grep -E 'sdme-(generator|overlay|dns|import)' "$TESTHOST_BOOT_LOG" 2>/dev/null | tail -n 20 | sed 's/^/  /'
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

