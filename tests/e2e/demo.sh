#!/bin/bash
# The README's demo: boots a throwaway Debian 12 test host (see
# testhost.sh), installs the built project into it, drops
# man/examples/hello.sdme into its /etc/sdme and starts the container,
# printing each command and what it shows. Everything is torn down at the
# end, also after a failure or Ctrl+C.
#
# Usage: demo.sh BUILD_DIR     (as root; the first run builds a cached root
#                               file system with debootstrap, about a minute)
set -u
set -o pipefail

if (($# != 1)); then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir=$(realpath -- "$1") || exit 2
here=$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")
example=$here/../../man/examples/hello.sdme
# shellcheck source-path=SCRIPTDIR source=testhost.sh
source "$here/testhost.sh"

if ((EUID != 0)); then
  echo "demo.sh must run as root: it mounts an overlay and boots a container" >&2
  exit 1
fi

# Seconds to wait for the test host to boot and to power off.
boot_timeout=120
poweroff_timeout=90
trap testhost_destroy EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

fail() {
  echo "demo.sh: $*" >&2
  exit 1
}

# Prints a command as typed in the test host's shell, then runs it there.
in_test_host() {
  echo
  echo "$TESTHOST_HOSTNAME# $*"
  testhost_run "$@" || fail "'$*' failed inside the test host (exit status $?)"
}

started=$SECONDS
echo "== Preparing a test host: a booted Debian 12 with systemd $(
  systemd-nspawn --version | awk 'NR == 1 { print $2 }'), installing $build_dir into it"
testhost_base_rootfs || fail "cannot build the test host's root file system"
testhost_create || fail "cannot create the test host"
testhost_install "$build_dir" || fail "cannot install $build_dir into the test host"
testhost_boot "$boot_timeout" || fail "the test host does not boot"
echo "   ready after $((SECONDS - started)) s"

echo
echo "== An admin drops a .sdme file into /etc/sdme ..."
testhost_write /etc/sdme/hello.sdme <"$example" || fail "cannot copy $example into the test host"
in_test_host cat /etc/sdme/hello.sdme

echo
echo "== ... and systemd turns it into a service"
in_test_host systemctl daemon-reload
in_test_host systemctl start hello
in_test_host systemctl is-active hello
in_test_host machinectl list

echo
echo "== Inside the container"
in_test_host systemd-run --machine=hello --pipe --wait --quiet cat /etc/os-release
in_test_host systemd-run --machine=hello --pipe --wait --quiet hostname

echo
echo "== Stopping it"
in_test_host systemctl stop hello
testhost_poweroff "$poweroff_timeout" || fail "the test host does not power off cleanly"
echo
echo "== Done in $((SECONDS - started)) s; removing the test host"
