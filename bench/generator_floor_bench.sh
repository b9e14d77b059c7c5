#!/bin/bash
# How far the generator is from the I/O floor: sdme-generator on N copies of
# one 12-line .sdme file, against `cp -r` of the same input directory and
# podman's quadlet on N equivalent .container files, all on tmpfs.
#
#   bench/generator_floor_bench.sh BUILD_DIR [COUNT...]    (default 1000 10000)
#
# RUNS (default 7) runs of each tool per count, interleaved; each figure is
# the median. CPU time is perf's task-clock (user + system, every thread);
# wall time is perf's elapsed time. Peak memory is the maximum resident set
# size from /usr/bin/time, median of the same runs. A second table splits
# the CPU time per file into user and system time (perf's rusage figures),
# with `cp -r` of the generator's own output (units and links) beside it:
# the cost of writing that much, with no reading or translating.
#
# Quadlet comes from the podman package of Debian trixie (QUADLET_SUITE),
# fetched with `apt-get download` through this machine's own apt mirrors
# (its sources with the suite replaced) and unpacked into QUADLET_CACHE
# (default /var/cache/sdme-bench); QUADLET=PATH uses another binary, and
# QUADLET=none leaves it out.
set -euo pipefail

BUILD_DIR=${1:?usage: $0 BUILD_DIR [COUNT...]}
shift
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(1000 10000)
RUNS=${RUNS:-7}
BENCH_DIR=${BENCH_DIR:-/dev/shm/sdme-floor-bench}
QUADLET_SUITE=${QUADLET_SUITE:-trixie}
QUADLET_CACHE=${QUADLET_CACHE:-/var/cache/sdme-bench}

GENERATOR=$(realpath "$BUILD_DIR/generator/sdme-generator")
[ -x "$GENERATOR" ] || { echo "$0: no $GENERATOR; build the sdme-generator target" >&2; exit 1; }
for tool in perf /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$0: needs $tool (apt-get install linux-perf time)" >&2; exit 1; }
done

# Fetches quadlet once: a temporary apt configuration whose sources are this
# machine's, with its release's suites renamed to QUADLET_SUITE.
fetch_quadlet() {
  local binary=$QUADLET_CACHE/$QUADLET_SUITE/usr/libexec/podman/quadlet
  if [ -x "$binary" ]; then echo "$binary"; return; fi
  local codename
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  local apt_dir
  apt_dir=$(mktemp -d)
  mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    sed -E "/^(Suites:|deb )/ s/\\b$codename\\b/$QUADLET_SUITE/g" "$file" \
      >"$apt_dir/sources.list.d/$(basename "$file")"
  done
  local apt_options=(-q -o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=root")
  (cd "$apt_dir" && apt-get "${apt_options[@]}" update >&2 && apt-get "${apt_options[@]}" download podman >&2)
  mkdir -p "$QUADLET_CACHE/$QUADLET_SUITE"
  dpkg-deb -x "$apt_dir"/podman_*.deb "$QUADLET_CACHE/$QUADLET_SUITE"
  dpkg-deb -f "$apt_dir"/podman_*.deb Version >"$QUADLET_CACHE/$QUADLET_SUITE/podman-version"
  rm -rf "$apt_dir"
  echo "$binary"
}

QUADLET=${QUADLET:-}
if [ "$QUADLET" != none ]; then
  [ -n "$QUADLET" ] || QUADLET=$(fetch_quadlet)
  QUADLET_VERSION=$(cat "$(dirname "$QUADLET")/../../../podman-version" 2>/dev/null || echo "?")
fi

SDME_FILE='[Unit]
Description=Benchmark container
[Container]
Rootfs=debian12
Bind=/srv/data:/data
BindReadOnly=/srv/config:/etc/app
Environment=APP_MODE=production
Network=veth
Capability=CAP_NET_ADMIN
NoNewPrivileges=yes
[Install]
WantedBy=machines.target'

# The same container for quadlet: its private network is podman's bridge.
QUADLET_FILE='[Unit]
Description=Benchmark container
[Container]
Rootfs=/var/lib/sdme/rootfs/debian12
Volume=/srv/data:/data
Volume=/srv/config:/etc/app:ro
Environment=APP_MODE=production
Network=bridge
AddCapability=CAP_NET_ADMIN
NoNewPrivileges=true
[Install]
WantedBy=machines.target'

rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"
trap 'rm -rf "$BENCH_DIR"' EXIT

# Runs one tool once into a fresh, empty output directory; appends
# "CPU_MS WALL_MS PEAK_KIB" to $BENCH_DIR/NAME.txt.
measure() {
  local name=$1 out=$2
  shift 2
  rm -rf "$out"
  [ "$name" = cp ] || mkdir "$out"
  perf stat -e task-clock -o "$BENCH_DIR/perf.txt" -- "$@" >/dev/null 2>"$BENCH_DIR/stderr.txt" ||
    { echo "$0: $name failed:" >&2; tail -5 "$BENCH_DIR/stderr.txt" >&2; exit 1; }
  local cpu wall user system
  cpu=$(awk '/task-clock/ { gsub(",", "", $1); print $1 }' "$BENCH_DIR/perf.txt")
  wall=$(awk '/seconds time elapsed/ { print $1 * 1000 }' "$BENCH_DIR/perf.txt")
  user=$(awk '/seconds user/ { print $1 * 1000 }' "$BENCH_DIR/perf.txt")
  system=$(awk '/seconds sys/ { print $1 * 1000 }' "$BENCH_DIR/perf.txt")
  rm -rf "$out"
  [ "$name" = cp ] || mkdir "$out"
  /usr/bin/time -f %M -o "$BENCH_DIR/time.txt" -- "$@" >/dev/null 2>&1
  echo "$cpu $wall $(tail -1 "$BENCH_DIR/time.txt") $user $system" >>"$BENCH_DIR/$name.txt"
  rm -rf "$out"
}

# The median of column $2 of file $1.
median() {
  sort -g -k"$2,$2" "$1" | awk -v column="$2" '{ values[NR] = $column }
    END { print (NR % 2) ? values[(NR + 1) / 2] : (values[NR / 2] + values[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
per_file() { awk -v ms="$1" -v n="$2" 'BEGIN { printf "%.1f", ms * 1000 / n }'; }
mib() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }

echo "# $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "# sdme-generator: $GENERATOR"
[ "$QUADLET" != none ] && echo "# quadlet: $QUADLET (podman $QUADLET_VERSION)"
echo "# RUNS=$RUNS, medians; CPU = user + system time of all threads"
echo
echo "| files | sdme / cp -r (CPU) | quadlet / cp -r (CPU) | sdme / cp -r (wall) | quadlet / cp -r (wall) | cp -r µs/file (CPU) | sdme µs/file (CPU) | quadlet µs/file (CPU) | sdme peak MiB | quadlet peak MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
split_rows=()
for count in "${COUNTS[@]}"; do
  input=$BENCH_DIR/in-$count
  mkdir -p "$input/sdme" "$input/quadlet" "$BENCH_DIR/empty"
  for ((i = 0; i < count; i++)); do
    printf '%s\n' "$SDME_FILE" >"$input/sdme/web$i.sdme"
    printf '%s\n' "$QUADLET_FILE" >"$input/quadlet/web$i.container"
  done
  rm -f "$BENCH_DIR"/{cp,cpout,sdme,quadlet}.txt
  # The generator's own output, copied: what writing those units and links
  # costs by itself, without reading or translating anything.
  rm -rf "$BENCH_DIR/generated"
  mkdir "$BENCH_DIR/generated"
  SDME_UNIT_PATH=$input/sdme SDME_PRESET_PATH=$BENCH_DIR/empty "$GENERATOR" "$BENCH_DIR/generated"
  for ((run = 0; run < RUNS; run++)); do
    measure cp "$BENCH_DIR/out" cp -r "$input/sdme" "$BENCH_DIR/out"
    measure cpout "$BENCH_DIR/out" cp -r "$BENCH_DIR/generated" "$BENCH_DIR/out"
    SDME_UNIT_PATH=$input/sdme SDME_PRESET_PATH=$BENCH_DIR/empty \
      measure sdme "$BENCH_DIR/out" "$GENERATOR" "$BENCH_DIR/out"
    [ "$QUADLET" = none ] ||
      QUADLET_UNIT_DIRS=$input/quadlet measure quadlet "$BENCH_DIR/out" "$QUADLET" -no-kmsg-log "$BENCH_DIR/out"
  done
  cp_cpu=$(median "$BENCH_DIR/cp.txt" 1) cp_wall=$(median "$BENCH_DIR/cp.txt" 2)
  sdme_cpu=$(median "$BENCH_DIR/sdme.txt" 1) sdme_wall=$(median "$BENCH_DIR/sdme.txt" 2)
  sdme_peak=$(median "$BENCH_DIR/sdme.txt" 3)
  quadlet_cells=("–" "–" "–" "–")
  if [ "$QUADLET" != none ]; then
    quadlet_cpu=$(median "$BENCH_DIR/quadlet.txt" 1) quadlet_wall=$(median "$BENCH_DIR/quadlet.txt" 2)
    quadlet_cells=("$(ratio "$quadlet_cpu" "$cp_cpu")" "$(ratio "$quadlet_wall" "$cp_wall")"
      "$(per_file "$quadlet_cpu" "$count")" "$(mib "$(median "$BENCH_DIR/quadlet.txt" 3)")")
  fi
  split_cells="$(per_file "$(median "$BENCH_DIR/cp.txt" 4)" "$count") / $(per_file "$(median "$BENCH_DIR/cp.txt" 5)" "$count") | $(per_file "$(median "$BENCH_DIR/cpout.txt" 4)" "$count") / $(per_file "$(median "$BENCH_DIR/cpout.txt" 5)" "$count") | $(per_file "$(median "$BENCH_DIR/sdme.txt" 4)" "$count") / $(per_file "$(median "$BENCH_DIR/sdme.txt" 5)" "$count")"
  [ "$QUADLET" = none ] && split_cells+=" | –" || split_cells+=" | $(per_file "$(median "$BENCH_DIR/quadlet.txt" 4)" "$count") / $(per_file "$(median "$BENCH_DIR/quadlet.txt" 5)" "$count")"
  split_rows+=("| $count | $split_cells |")
  echo "| $count | $(ratio "$sdme_cpu" "$cp_cpu") | ${quadlet_cells[0]} | $(ratio "$sdme_wall" "$cp_wall") | ${quadlet_cells[1]} | $(per_file "$cp_cpu" "$count") | $(per_file "$sdme_cpu" "$count") | ${quadlet_cells[2]} | $(mib "$sdme_peak") | ${quadlet_cells[3]} |"
  rm -rf "$input"
done
echo
echo "| files | cp -r input: user / system µs per file | cp -r sdme's output | sdme | quadlet |"
echo "|---|---|---|---|---|"
printf '%s\n' "${split_rows[@]}"
echo
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
