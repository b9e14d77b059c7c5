# shellcheck shell=bash
# The start of every end-to-end test: its one argument, the build directory
# (in $build_dir), this directory (in $here), and the test host and checks
# (testhost.sh, checks.sh). Source it with the test's own arguments:
#
#   source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"
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
