# shellcheck shell=bash
# Test hosts for sdme's end-to-end tests. The machine that runs the tests may
# not boot with systemd, so everything sdme does at boot is tested inside a
# "test host": a Debian 12 root filesystem, built once with debootstrap and
# cached, booted by systemd-nspawn as a throwaway machine whose PID 1 is real
# systemd. The cached base is never written to: each test host is an overlay
# on it, and all of its changes land in a work directory that is deleted at
# the end.
#
# Source this file, then:
#   testhost_base_path               print where the cached base is (or will be)
#   testhost_base_rootfs             build or reuse the cached base; sets TESTHOST_BASE
#   testhost_create                  overlay a fresh host on the base; sets TESTHOST_WORK,
#                                    TESTHOST_ROOT (its root, seen from here)
#   testhost_install BUILD_DIR       `cmake --install` the project into the host's root
#   testhost_write PATH [MODE]       write stdin to PATH inside the host's root
#   testhost_boot [TIMEOUT]          boot it; returns once systemd says running or degraded
#   testhost_run CMD...              run CMD inside the booted host; stdout, stderr and
#                                    exit code are CMD's own
#   testhost_poweroff [TIMEOUT]      shut it down cleanly; the next testhost_boot boots the
#                                    same disk again, so this is how a test reboots it
#   testhost_destroy                 stop, unmount and delete everything; safe to call from
#                                    an EXIT trap at any point, even after a failure
#
# Functions report errors on stderr, prefixed with "testhost:", and return
# non-zero; they never exit the caller's shell. testhost_boot starts
# systemd-nspawn as a background job of the calling shell, so boot, poweroff
# and destroy must be called from that same shell (not from a $(...) or a
# pipeline).
#
# Environment:
#   SDME_TEST_CACHE       where cached base root filesystems live
#                         (default /var/cache/sdme-test)
#   SDME_TEST_WORK_PARENT where work directories are made (default /var/tmp); it
#                         must not be on overlayfs, which refuses an overlay upper
#                         directory on an overlay
#   SDME_TEST_KEEP        if set to 1, testhost_destroy keeps the (unmounted) work
#                         directory for a post-mortem and prints its path
#
# TESTHOST_NSPAWN_OPTIONS, an array the caller may set before testhost_boot,
# adds systemd-nspawn options (a --bind-ro= of a directory on a real file
# system, say).

# What the base contains. The cache directory's name carries a hash of this,
# so changing the list builds a new base instead of reusing a stale one.
TESTHOST_SUITE=bookworm
# systemd and what nspawn and machinectl need, plus the shared libraries
# sdme's helpers link against that minbase lacks (sdme-import's), and sshd
# with the clients that log into containers (installed, not enabled: see
# testhost__configure), and ip and ping for the network test.
TESTHOST_PACKAGES=(systemd dbus systemd-sysv systemd-container libarchive13 libcurl4
  openssh-server sshpass iproute2 iputils-ping)
TESTHOST_HOSTNAME=sdme-testhost
# The PATH and environment commands run with inside the host; nothing from
# the caller's environment leaks in.
TESTHOST_ENV=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
  LANG=C.UTF-8 TERM=dumb SYSTEMD_PAGER=cat SYSTEMD_COLORS=0 SYSTEMD_LOG_COLOR=0)

TESTHOST_BASE=
TESTHOST_NSPAWN_OPTIONS=()
TESTHOST_WORK=
TESTHOST_ROOT=
TESTHOST_NSPAWN_PID=
TESTHOST_LEADER=
TESTHOST_SHELL_PID=
TESTHOST_BOOT_LOG=
TESTHOST_BOOTS=0

testhost__error() {
  echo "testhost: $*" >&2
}

# Prints the last lines of a log file, indented, for a failure message.
testhost__show_tail() {
  local file=$1 lines=${2:-40}
  [[ -f $file ]] || return 0
  echo "--- last $lines lines of $file:" >&2
  tail -n "$lines" "$file" | sed 's/^/    /' >&2
  echo "---" >&2
}

# Prints "DEVICE:INODE" of a directory, following symlinks (so that
# /proc/PID/root can be compared with a path).
testhost__identity() {
  stat -L -c '%d:%i' "$1" 2>/dev/null
}

# The packages debootstrap adds to minbase, comma-separated.
testhost__include() {
  local IFS=,
  echo "${TESTHOST_PACKAGES[*]}"
}

# Prints where the cached base for the current package list lives (whether
# or not it has been built).
testhost_base_path() {
  local hash
  hash=$(printf 'suite=%s\nvariant=minbase\ninclude=%s\n' "$TESTHOST_SUITE" \
    "$(testhost__include)" | sha256sum | cut -c1-12)
  echo "${SDME_TEST_CACHE:-/var/cache/sdme-test}/$TESTHOST_SUITE-$hash"
}

testhost_base_rootfs() {
  local cache=${SDME_TEST_CACHE:-/var/cache/sdme-test}
  local include name
  include=$(testhost__include)
  TESTHOST_BASE=$(testhost_base_path)
  name=${TESTHOST_BASE##*/}
  # The base only ever appears under its final name by a rename after a
  # successful build, so if it exists it is complete.
  [[ -d $TESTHOST_BASE ]] && return 0

  command -v debootstrap >/dev/null || {
    testhost__error "debootstrap is not installed; install it (apt-get install debootstrap) to build the test host's root filesystem"
    return 1
  }
  mkdir -p "$cache" || return 1
  local lock_fd
  exec {lock_fd}>"$cache/.lock" || return 1
  # Another run may be building the same base; wait for it rather than
  # building twice.
  if ! flock --wait 1200 "$lock_fd"; then
    testhost__error "timed out waiting for $cache/.lock (another run building the base?)"
    exec {lock_fd}>&-
    return 1
  fi
  if [[ -d $TESTHOST_BASE ]]; then
    exec {lock_fd}>&-
    return 0
  fi
  # Holding the lock, any leftover temporary directory is from a build that
  # died; it must never be used, so remove it.
  # A debootstrap that was killed can leave /proc or /dev mounted in it.
  local stale
  for stale in "$cache/.$name".*; do
    [[ -e $stale ]] || continue
    testhost__unmount_below "$stale" && rm -rf --one-file-system -- "$stale"
  done

  local temporary log=$cache/$name.log start=$SECONDS
  temporary=$(mktemp -d "$cache/.$name.XXXXXX") || { exec {lock_fd}>&-; return 1; }
  # mktemp makes the directory 0700; as the host's / that would lock every
  # non-root service (dbus) out of the whole file system.
  chmod 0755 "$temporary"
  echo "testhost: building $TESTHOST_BASE with debootstrap (about a minute; log: $log)" >&2
  if ! debootstrap --variant=minbase --include="$include" "$TESTHOST_SUITE" "$temporary" \
      >"$log" 2>&1; then
    testhost__error "debootstrap failed; nothing was cached"
    testhost__show_tail "$log"
    testhost__unmount_below "$temporary" && rm -rf --one-file-system -- "$temporary"
    exec {lock_fd}>&-
    return 1
  fi
  if [[ ! -x $temporary/lib/systemd/systemd ]]; then
    testhost__error "debootstrap succeeded but $temporary has no /lib/systemd/systemd; nothing was cached"
    rm -rf --one-file-system -- "$temporary"
    exec {lock_fd}>&-
    return 1
  fi
  mv -T -- "$temporary" "$TESTHOST_BASE" || { exec {lock_fd}>&-; return 1; }
  echo "testhost: built $TESTHOST_BASE in $((SECONDS - start)) s" >&2
  exec {lock_fd}>&-
}

# Writes stdin to PATH inside the test host's root, creating parent
# directories. The file mode is explicit so the caller's umask cannot make
# files unreadable to the host's non-root services.
testhost_write() {
  local path=$1 mode=${2:-0644}
  [[ -n $TESTHOST_ROOT ]] || { testhost__error "no test host (call testhost_create first)"; return 1; }
  [[ $path == /* ]] || { testhost__error "testhost_write needs an absolute path, got '$path'"; return 1; }
  install -d -m 0755 "$TESTHOST_ROOT$(dirname "$path")" || return 1
  install -m "$mode" /dev/stdin "$TESTHOST_ROOT$path"
}

testhost_create() {
  [[ -n $TESTHOST_BASE && -d $TESTHOST_BASE ]] || {
    testhost__error "no base root filesystem (call testhost_base_rootfs first)"
    return 1
  }
  [[ -z $TESTHOST_WORK ]] || { testhost__error "a test host already exists at $TESTHOST_WORK"; return 1; }
  local parent=${SDME_TEST_WORK_PARENT:-/var/tmp}
  # overlayfs mount options cannot carry these characters.
  if [[ $TESTHOST_BASE$parent == *[,:[:space:]]* ]]; then
    testhost__error "paths with ',', ':' or spaces cannot be used in overlay options: '$TESTHOST_BASE', '$parent'"
    return 1
  fi
  if [[ $(stat -f -c %T "$parent") == overlayfs ]]; then
    testhost__error "$parent is on overlayfs, which cannot hold an overlay's upper directory; set SDME_TEST_WORK_PARENT to a directory on ext4, xfs, btrfs or tmpfs"
    return 1
  fi
  TESTHOST_WORK=$(mktemp -d "$parent/sdme-testhost.XXXXXX") || return 1
  chmod 0755 "$TESTHOST_WORK"
  # upper/ and overlay-work/ hold the host's changes to its root; state/ is
  # a plain directory bound to the host's /var/lib/sdme, because the
  # containers sdme makes in there put their own overlay upper directories
  # in it, and an upper directory cannot live on overlayfs.
  mkdir -m 0755 "$TESTHOST_WORK/upper" "$TESTHOST_WORK/overlay-work" "$TESTHOST_WORK/root" \
    "$TESTHOST_WORK/state" || return 1
  if ! mount -t overlay sdme-testhost \
      -o "lowerdir=$TESTHOST_BASE,upperdir=$TESTHOST_WORK/upper,workdir=$TESTHOST_WORK/overlay-work" \
      "$TESTHOST_WORK/root"; then
    testhost__error "cannot mount the overlay for the test host at $TESTHOST_WORK/root"
    return 1
  fi
  TESTHOST_ROOT=$TESTHOST_WORK/root
  testhost__configure
}

# What the minimal image needs to boot cleanly and quietly as a unique host.
testhost__configure() {
  echo "$TESTHOST_HOSTNAME" | testhost_write /etc/hostname || return 1
  # The cached base carries the machine id debootstrap made; every test host
  # gets its own so journals and machined never confuse two of them.
  local machine_id
  machine_id=$(tr -d '-' </proc/sys/kernel/random/uuid) || return 1
  echo "$machine_id" | testhost_write /etc/machine-id 0444 || return 1
  # debootstrap copied the build machine's file; start empty so a test can
  # tell that nspawn's --resolv-conf=auto filled it at boot.
  rm -f "$TESTHOST_ROOT/etc/resolv.conf"
  : | testhost_write /etc/resolv.conf || return 1
  # Timers that would make the host download package lists or scrub disks
  # in the middle of a test.
  local timer
  for timer in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
      fstrim.timer; do
    rm -f "$TESTHOST_ROOT/etc/systemd/system/timers.target.wants/$timer"
    ln -sfn /dev/null "$TESTHOST_ROOT/etc/systemd/system/$timer" || return 1
  done
  # The packages enabled sshd on the host itself; sdme's SSH= is what turns
  # it on in a container, from a tree where it is installed but off.
  rm -f "$TESTHOST_ROOT/etc/systemd/system/multi-user.target.wants/ssh.service" \
    "$TESTHOST_ROOT/etc/systemd/system/sshd.service"
  mkdir -p "$TESTHOST_ROOT/var/lib/sdme"
}

testhost_install() {
  local build_dir=$1
  [[ -n $TESTHOST_ROOT ]] || { testhost__error "no test host (call testhost_create first)"; return 1; }
  [[ -f $build_dir/cmake_install.cmake ]] || {
    testhost__error "'$build_dir' is not a configured CMake build directory (no cmake_install.cmake)"
    return 1
  }
  local log=$TESTHOST_WORK/install.log
  if ! DESTDIR=$TESTHOST_ROOT cmake --install "$build_dir" >"$log" 2>&1; then
    testhost__error "cmake --install $build_dir into the test host failed"
    testhost__show_tail "$log"
    return 1
  fi
}

# Finds the container's PID 1 as seen from here: the process in a child PID
# namespace of ours whose PID there is 1 and which descends from our
# systemd-nspawn. Prints nothing if there is none (yet).
testhost__find_leader() {
  local status pid nspid parent
  for status in /proc/[0-9]*/status; do
    nspid=$(sed -n 's/^NSpid:[[:space:]]*//p' "$status" 2>/dev/null) || continue
    # "HOSTPID 1": exactly one level below us, PID 1 there.
    [[ $nspid =~ ^([0-9]+)[[:space:]]+1$ ]] || continue
    pid=${BASH_REMATCH[1]}
    # Walk up the parents: it must be ours, not another nspawn's.
    parent=$pid
    while [[ -n $parent && $parent -gt 1 ]]; do
      if [[ $parent == "$TESTHOST_NSPAWN_PID" ]]; then
        echo "$pid"
        return 0
      fi
      parent=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$parent/status" 2>/dev/null)
    done
  done
}

# True once LEADER is the test host's systemd: it has executed systemd and
# its root directory is the test host's root, not still ours (before
# nspawn's pivot_root, entering it would run commands on this machine).
testhost__leader_is_ready() {
  local leader=$1
  [[ -n $leader && -d /proc/$leader ]] || return 1
  [[ $(cat "/proc/$leader/comm" 2>/dev/null) == systemd ]] || return 1
  [[ $(testhost__identity "/proc/$leader/root") == "$(testhost__identity "$TESTHOST_ROOT")" ]]
}

testhost__nspawn_alive() {
  [[ -n $TESTHOST_NSPAWN_PID ]] && kill -0 "$TESTHOST_NSPAWN_PID" 2>/dev/null &&
    [[ $(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$TESTHOST_NSPAWN_PID/status" 2>/dev/null) != Z ]]
}

# nspawn keeps per-machine state in this machine's /run; a name of its own
# lets test hosts boot side by side.
testhost__machine_name() {
  echo "$TESTHOST_HOSTNAME-${TESTHOST_WORK##*.}"
}

testhost_boot() {
  local timeout=${1:-120}
  [[ -n $TESTHOST_ROOT ]] || { testhost__error "no test host (call testhost_create first)"; return 1; }
  if testhost__nspawn_alive; then
    testhost__error "the test host is already running (systemd-nspawn PID $TESTHOST_NSPAWN_PID)"
    return 1
  fi
  command -v systemd-nspawn >/dev/null || {
    testhost__error "systemd-nspawn is not installed (apt-get install systemd-container)"
    return 1
  }
  TESTHOST_BOOTS=$((TESTHOST_BOOTS + 1))
  TESTHOST_BOOT_LOG=$TESTHOST_WORK/boot-$TESTHOST_BOOTS.log
  TESTHOST_LEADER=
  TESTHOST_SHELL_PID=$BASHPID
  # --keep-unit and --register=no: this machine's PID 1 is not systemd, so
  # there is no unit to move into and no machined to register with.
  # --console=passive: the console goes to the log, and the host never
  # waits for input. --resolv-conf=auto copies this machine's resolver
  # configuration in at every boot.
  systemd-nspawn --keep-unit --register=no --console=passive --boot \
    --directory="$TESTHOST_ROOT" --machine="$(testhost__machine_name)" \
    --resolv-conf=auto --link-journal=no \
    --bind="$TESTHOST_WORK/state:/var/lib/sdme" "${TESTHOST_NSPAWN_OPTIONS[@]}" \
    </dev/null >"$TESTHOST_BOOT_LOG" 2>&1 &
  TESTHOST_NSPAWN_PID=$!

  local deadline=$((SECONDS + timeout)) state
  while ((SECONDS < deadline)); do
    if ! testhost__nspawn_alive; then
      local rc=0
      wait "$TESTHOST_NSPAWN_PID" || rc=$?
      testhost__error "systemd-nspawn exited with status $rc while the test host was booting"
      testhost__show_tail "$TESTHOST_BOOT_LOG"
      TESTHOST_NSPAWN_PID=
      return 1
    fi
    if [[ -z $TESTHOST_LEADER ]]; then
      TESTHOST_LEADER=$(testhost__find_leader)
    fi
    if testhost__leader_is_ready "$TESTHOST_LEADER"; then
      # --wait blocks until start-up is over; before systemd listens on
      # its socket it fails at once, so retry until the deadline.
      state=$(timeout $((deadline - SECONDS + 1)) nsenter --target "$TESTHOST_LEADER" --all \
        --root --wd /usr/bin/env -i "${TESTHOST_ENV[@]}" systemctl is-system-running --wait \
        2>/dev/null)
      case $state in
        running) return 0 ;;
        degraded)
          echo "testhost: the test host booted degraded; failed units:" >&2
          testhost_run systemctl --failed --no-legend >&2
          return 0
          ;;
      esac
    fi
    sleep 0.2
  done
  testhost__error "the test host did not finish booting within $timeout s (leader PID: '${TESTHOST_LEADER:-not found}')"
  if testhost__leader_is_ready "$TESTHOST_LEADER"; then
    echo "testhost: systemd inside says '$(testhost_run systemctl is-system-running 2>&1)'; its jobs:" >&2
    testhost_run systemctl list-jobs --no-pager >&2
  fi
  testhost__show_tail "$TESTHOST_BOOT_LOG"
  return 1
}

testhost_run() {
  [[ $# -gt 0 ]] || { testhost__error "testhost_run needs a command"; return 2; }
  # Every call re-checks that the leader is still our test host's systemd,
  # so a command is never run on the wrong machine (this one, or a
  # recycled PID).
  if ! testhost__nspawn_alive || ! testhost__leader_is_ready "$TESTHOST_LEADER"; then
    testhost__error "the test host is not running; refusing to run: $*"
    return 255
  fi
  nsenter --target "$TESTHOST_LEADER" --all --root --wd \
    /usr/bin/env -i "${TESTHOST_ENV[@]}" "$@"
}

# Waits up to TIMEOUT seconds for our systemd-nspawn to exit and returns its
# exit status, or 124 if it is still running.
testhost__wait_nspawn() {
  local timeout=$1 deadline=$((SECONDS + $1)) rc=0
  if [[ $BASHPID != "$TESTHOST_SHELL_PID" ]]; then
    testhost__error "testhost functions that stop the host must run in the shell that booted it"
    return 2
  fi
  while testhost__nspawn_alive && ((SECONDS < deadline)); do
    sleep 0.2
  done
  testhost__nspawn_alive && return 124
  wait "$TESTHOST_NSPAWN_PID" || rc=$?
  TESTHOST_NSPAWN_PID=
  TESTHOST_LEADER=
  return "$rc"
}

testhost_poweroff() {
  local timeout=${1:-90} rc=0
  # What `systemctl poweroff` does, without asking logind first: logind
  # replies after the shutdown has begun, and its bus connection drops
  # ("Connection reset by peer"). --no-block: return once the job is queued.
  if ! testhost_run systemctl start --no-block --job-mode=replace-irreversibly poweroff.target; then
    testhost__error "systemctl poweroff failed inside the test host"
    return 1
  fi
  testhost__wait_nspawn "$timeout" || rc=$?
  case $rc in
    0) return 0 ;;
    124) testhost__error "the test host did not power off within $timeout s" ;;
    133) testhost__error "the test host rebooted instead of powering off (systemd-nspawn exited 133)" ;;
    *) testhost__error "systemd-nspawn exited with status $rc after poweroff (expected 0)" ;;
  esac
  testhost__show_tail "$TESTHOST_BOOT_LOG"
  return 1
}

# Unmounts everything mounted below DIRECTORY, deepest first. Fails, naming
# what is left, if something stays mounted: the caller must then not delete
# DIRECTORY, or it would delete through the mount.
testhost__unmount_below() {
  local directory=$1 target
  local -a mounts
  for _ in 1 2 3 4 5; do
    mapfile -t mounts < <(findmnt --raw --noheadings --output TARGET |
      awk -v prefix="$directory/" 'index($0, prefix) == 1' | sort -r)
    ((${#mounts[@]} == 0)) && return 0
    for target in "${mounts[@]}"; do
      umount "$target" 2>/dev/null
    done
    sleep 0.2
  done
  testhost__error "could not unmount everything below $directory; left it in place:"
  printf '    %s\n' "${mounts[@]}" >&2
  return 1
}

testhost_destroy() {
  local rc=0
  [[ -n $TESTHOST_WORK ]] || return 0
  if testhost__nspawn_alive; then
    # SIGTERM makes nspawn shut the host down cleanly; give it a moment,
    # then kill the host's PID 1, which takes its whole PID namespace along.
    kill -TERM "$TESTHOST_NSPAWN_PID" 2>/dev/null
    if ! testhost__wait_nspawn 30; then
      [[ -n $TESTHOST_LEADER ]] && kill -KILL "$TESTHOST_LEADER" 2>/dev/null
      kill -KILL "$TESTHOST_NSPAWN_PID" 2>/dev/null
      testhost__wait_nspawn 10
    fi
  fi
  # Anything still rooted in the host (a command that escaped the PID
  # namespace) would keep its mounts busy.
  local link pid
  for link in /proc/[0-9]*/root; do
    [[ $(readlink "$link" 2>/dev/null) == "$TESTHOST_WORK"/* ]] || continue
    pid=${link#/proc/}
    pid=${pid%/root}
    echo "testhost: killing leftover process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))" >&2
    kill -KILL "$pid" 2>/dev/null
  done
  testhost__unmount_below "$TESTHOST_WORK" || return 1
  if [[ ${SDME_TEST_KEEP:-0} == 1 ]]; then
    echo "testhost: kept $TESTHOST_WORK (SDME_TEST_KEEP=1)" >&2
  else
    rm -rf --one-file-system -- "$TESTHOST_WORK" || rc=1
  fi
  TESTHOST_WORK=
  TESTHOST_ROOT=
  return "$rc"
}
