# shellcheck shell=bash
# An application image and a registry to pull it from, for the end-to-end
# tests of app containers. Source it after testhost.sh and checks.sh, then:
#
#   build_app_image LAYOUT_DIR TAG
#       builds, on this machine, an OCI image layout at LAYOUT_DIR (which
#       must not exist yet) holding one image tagged TAG: Debian's static
#       busybox serving /srv/www with its httpd as user 1000 (see below)
#   install_app_image LAYOUT_DIR HOST_PATH
#       copies the layout into the test host's root at HOST_PATH (absolute,
#       must not exist yet), where sdme inside the host can read it
#   start_test_registry
#       starts Debian's docker-registry inside the booted test host, on
#       127.0.0.1:$app_registry_port of the test host's own network (with
#       --private-network, nothing else is there); returns once GET /v2/
#       answers 200
#   push_to_test_registry LAYOUT_DIR TAG NAME
#       pushes LAYOUT_DIR's image TAG to the registry as NAME:TAG (skopeo,
#       run here in the test host's network namespace)
#   http_get PORT PATH [ACCEPT] [NETNS]
#       GET http://127.0.0.1:PORT/PATH from inside the test host (from the
#       network namespace file NETNS there, when given); the response body
#       in $output, the status code in $http_status; fails unless the
#       status is 200, describing what answered
#   registry_get PATH [ACCEPT]
#       http_get of the registry's PATH
#   stop_test_registry
#       stops the registry (it also goes away with the test host)
#
# Like checks.sh's steps, each function describes a failure on stdout and
# returns non-zero; none exits the caller's shell.
#
# The registry runs inside the test host as a transient systemd service
# (app-test-registry.service), from a copy of this machine's binary in the
# host's /usr/local/lib/sdme-e2e (Debian 12 on both sides: it needs only
# libc). Being one of the host's own processes, it cannot outlive the test
# host, whatever way the test ends. Its configuration, storage and log are
# in the host's /var/lib/sdme-e2e-registry, that is, under $TESTHOST_WORK,
# and are deleted with the test host.
#
# The image (config): Entrypoint ["/bin/busybox","httpd","-f","-v"], Cmd
# ["-p","8080","-h","/srv/www"], Env ["PATH=/bin","GREETING=hello from the
# image"], User "1000", WorkingDir "/srv/www", StopSignal "SIGTERM", linux
# amd64. Its one layer: /bin/busybox and applet links (sh httpd id cat env
# sleep ls; Debian's busybox has no printenv: use env), /etc/passwd and
# /etc/group with root and app (1000:1000), /home/app owned by app,
# /srv/www/index.html ("hello from the app image") and the CGI script
# /srv/www/cgi-bin/whoami, which prints "uid=<its uid>" and
# "greeting=$GREETING". busybox httpd starts CGI scripts with its own
# environment plus the CGI variables (it never clears it), so GREETING is
# the server's, as set by the image or by whoever starts the container.
# busybox httpd sets no handler for SIGTERM: as a PID namespace's PID 1 it
# ignores the StopSignal (checked: only SIGKILL stops it there), so a
# container must run it under an init (systemd-nspawn --as-pid2, say) to
# stop on SIGTERM.

app_registry_port=5000
app_registry_unit=app-test-registry.service
# Inside the test host.
app_registry_dir=/var/lib/sdme-e2e-registry
app_registry_program=/usr/local/lib/sdme-e2e/docker-registry
# On this machine.
app_busybox=/bin/busybox
app_registry_source=/usr/bin/docker-registry
http_status=

# What each of the image's /bin links names.
app_image_applets=(sh httpd id cat env sleep ls)
app_image_index_html='hello from the app image'

# app_image__run WHAT CMD...: runs CMD; if it fails, prints WHAT, the
# command and its output.
app_image__run() {
  local what=$1 log status=0
  shift
  log=$(mktemp) || return 1
  "$@" >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    echo "$what failed (exit status $status): $*"
    sed 's/^/  /' "$log"
  fi
  rm -f "$log"
  return "$status"
}

# Fills the directory ROOTFS with the image's files.
app_image__populate() {
  local rootfs=$1 applet
  [[ -x $app_busybox ]] || {
    echo "$app_busybox is missing (apt-get install busybox-static)"
    return 1
  }
  local applets
  applets=$("$app_busybox" --list) || {
    echo "$app_busybox --list failed"
    return 1
  }
  install -d -m 0755 "$rootfs/bin" "$rootfs/etc" "$rootfs/home" "$rootfs/srv/www/cgi-bin" \
    "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/run" || return
  install -d -m 0700 "$rootfs/root" || return
  install -d -m 1777 "$rootfs/tmp" || return
  install -d -m 0755 -o 1000 -g 1000 "$rootfs/home/app" || return
  install -m 0755 "$app_busybox" "$rootfs/bin/busybox" || return
  for applet in "${app_image_applets[@]}"; do
    if ! grep -qx -- "$applet" <<<"$applets"; then
      echo "$app_busybox has no applet $applet"
      return 1
    fi
    ln -s busybox "$rootfs/bin/$applet" || return
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'app:x:1000:1000:app:/home/app:/bin/sh' |
    install -m 0644 /dev/stdin "$rootfs/etc/passwd" || return
  printf '%s\n' 'root:x:0:' 'app:x:1000:' | install -m 0644 /dev/stdin "$rootfs/etc/group" || return
  printf '%s\n' "$app_image_index_html" |
    install -m 0644 /dev/stdin "$rootfs/srv/www/index.html" || return
  # busybox httpd runs CGI scripts with its own environment (it adds the
  # CGI variables and never clears the rest), so $GREETING here is the
  # server's.
  install -m 0755 /dev/stdin "$rootfs/srv/www/cgi-bin/whoami" <<'EOF' || return
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "uid=$(id -u)"
echo "greeting=$GREETING"
EOF
}

build_app_image() {
  local layout=$1 tag=$2 status=0
  if [[ -z $layout || -z $tag ]]; then
    echo "usage: build_app_image LAYOUT_DIR TAG"
    return 2
  fi
  if [[ -e $layout ]]; then
    echo "build_app_image: $layout already exists"
    return 1
  fi
  command -v umoci >/dev/null || {
    echo "umoci is not installed (apt-get install umoci)"
    return 1
  }
  local scratch
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/app-image.XXXXXX") || return 1
  app_image__build "$layout" "$tag" "$scratch" || status=$?
  rm -rf --one-file-system -- "$scratch"
  return "$status"
}

# The steps of build_app_image, with SCRATCH for umoci's bundle.
app_image__build() {
  local layout=$1 tag=$2 scratch=$3
  local image=$layout:$tag bundle=$scratch/bundle
  app_image__run "umoci init" umoci init --layout "$layout" || return
  app_image__run "umoci new" umoci new --image "$image" || return
  # As root, umoci unpacks and repacks owners as they are (/home/app is
  # 1000:1000 in the layer).
  app_image__run "umoci unpack" umoci unpack --image "$image" "$bundle" || return
  app_image__populate "$bundle/rootfs" || return
  app_image__run "umoci repack" umoci repack --image "$image" "$bundle" || return
  app_image__run "umoci config" umoci config --image "$image" \
    --clear=config.env --clear=config.entrypoint --clear=config.cmd \
    --config.entrypoint=/bin/busybox --config.entrypoint=httpd \
    --config.entrypoint=-f --config.entrypoint=-v \
    --config.cmd=-p --config.cmd=8080 --config.cmd=-h --config.cmd=/srv/www \
    --config.env=PATH=/bin --config.env="GREETING=hello from the image" \
    --config.user=1000 --config.workingdir=/srv/www --config.stopsignal=SIGTERM \
    --architecture=amd64 --os=linux || return
  # Drops the blobs of the intermediate manifests and configs.
  app_image__run "umoci gc" umoci gc --layout "$layout" || return
  # umoci makes its blobs 0600; anyone may read an image.
  chmod -R a+rX "$layout" || return
  app_image__check_index "$layout" "$tag"
}

# The layout must hold exactly one manifest, named TAG. umoci writes
# index.json on one line; each manifest descriptor has one "digest".
app_image__check_index() {
  local layout=$1 tag=$2 index digests names
  index=$(<"$layout/index.json") || return
  digests=$(grep -o '"digest" *:' <<<"$index" | wc -l)
  names=$(grep -o '"org.opencontainers.image.ref.name" *: *"[^"]*"' <<<"$index" |
    sed 's/.*"\([^"]*\)"$/\1/')
  [[ $digests == 1 && $names == "$tag" ]] && return 0
  echo "$layout/index.json should hold one manifest, named $tag; it holds $digests, named:"
  printf '%s\n' "$names" | sed 's/^/  /'
  echo "index.json: $index"
  return 1
}

install_app_image() {
  local layout=$1 path=$2
  [[ -n $TESTHOST_ROOT ]] || { echo "no test host (call testhost_create first)"; return 1; }
  [[ -f $layout/index.json ]] || { echo "$layout is not an OCI image layout (no index.json)"; return 1; }
  [[ $path == /* ]] || { echo "install_app_image needs an absolute path, got '$path'"; return 1; }
  if [[ -e $TESTHOST_ROOT$path ]]; then
    echo "$path already exists in the test host"
    return 1
  fi
  install -d -m 0755 "$TESTHOST_ROOT$(dirname -- "$path")" || return
  app_image__run "copying $layout into the test host" \
    cp -a --no-preserve=ownership -- "$layout" "$TESTHOST_ROOT$path"
}

# --- The registry in the test host -----------------------------------------

# Runs CMD here, in the test host's network namespace, after checking that
# the host is running (testhost_run's check).
app_image__in_host_network() {
  testhost_run true >/dev/null 2>&1 || {
    echo "the test host is not running"
    return 1
  }
  nsenter --net="/proc/$TESTHOST_LEADER/ns/net" -- "$@"
}

# http_get PORT PATH [ACCEPT] [NETNS]: see the top of this file.
http_get() {
  local port=$1 path=${2#/} accept=${3:-*/*} netns=${4:-} response head
  http_status=
  output=
  # The test host has no curl: bash's /dev/tcp, HTTP/1.0 so the server
  # closes the connection after the body.
  # shellcheck disable=SC2016 # expanded by the inner bash
  local command=(bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /%s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nAccept: %s\r\n\r\n" "$2" "$1" "$3" >&3
    cat <&3' http-get "$port" "$path" "$accept")
  [[ -n $netns ]] && command=(nsenter --net="$netns" "${command[@]}")
  response=$(testhost_run timeout 20 "${command[@]}" 2>&1) || {
    echo "GET /$path from 127.0.0.1:$port${netns:+ in $netns} inside the test host failed:"
    printf '%s\n' "$response" | sed 's/^/  /'
    return 1
  }
  head=${response%%$'\r\n\r\n'*}
  output=${response#*$'\r\n\r\n'}
  http_status=$(sed -n '1s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p' <<<"$head")
  [[ $http_status == 200 ]] && return 0
  echo "GET /$path from 127.0.0.1:$port${netns:+ in $netns} (Accept: $accept) answered '${head%%$'\r'*}':"
  printf '%s\n' "$output" | head -n 20 | sed 's/^/  /'
  return 1
}

registry_get() {
  http_get "$app_registry_port" "$@"
}

start_test_registry() {
  [[ -n $TESTHOST_ROOT ]] || { echo "no test host (call testhost_create first)"; return 1; }
  [[ -x $app_registry_source ]] || {
    echo "$app_registry_source is missing (apt-get install docker-registry)"
    return 1
  }
  local config=$app_registry_dir/registry.yml
  install -d -m 0755 "$TESTHOST_ROOT${app_registry_program%/*}" \
    "$TESTHOST_ROOT$app_registry_dir/storage" || return
  install -m 0755 "$app_registry_source" "$TESTHOST_ROOT$app_registry_program" || return
  testhost_write "$config" <<EOF || return
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $app_registry_dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$app_registry_port
EOF
  # --collect: a registry that failed leaves no failed unit behind to make
  # the next start fail for its name.
  app_image__run "starting the registry in the test host" \
    testhost_run systemd-run --unit="$app_registry_unit" --collect \
    --property=StandardOutput="append:$app_registry_dir/registry.log" \
    --property=StandardError="append:$app_registry_dir/registry.log" \
    "$app_registry_program" serve "$config" || return
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    registry_get v2/ >/dev/null 2>&1 && return 0
    if ! testhost_run systemctl is-active --quiet "$app_registry_unit"; then
      echo "the registry stopped while starting; its log ($TESTHOST_ROOT$app_registry_dir/registry.log):"
      tail -n 20 "$TESTHOST_ROOT$app_registry_dir/registry.log" 2>&1 | sed 's/^/  /'
      return 1
    fi
    sleep 0.2
  done
  echo "the registry does not answer GET /v2/ on 127.0.0.1:$app_registry_port within 30 s:"
  registry_get v2/
  tail -n 20 "$TESTHOST_ROOT$app_registry_dir/registry.log" 2>&1 | sed 's/^/  /'
  return 1
}

stop_test_registry() {
  testhost_run systemctl is-active --quiet "$app_registry_unit" 2>/dev/null || return 0
  app_image__run "stopping the registry" testhost_run systemctl stop "$app_registry_unit"
}

push_to_test_registry() {
  local layout=$1 tag=$2 name=$3
  if [[ -z $layout || -z $tag || -z $name ]]; then
    echo "usage: push_to_test_registry LAYOUT_DIR TAG NAME"
    return 2
  fi
  command -v skopeo >/dev/null || {
    echo "skopeo is not installed (apt-get install skopeo)"
    return 1
  }
  # --dest-tls-verify=false: the registry speaks plain http.
  app_image__run "pushing $layout:$tag to the test registry as $name:$tag" \
    app_image__in_host_network skopeo --insecure-policy copy --quiet --dest-tls-verify=false \
    "oci:$layout:$tag" "docker://127.0.0.1:$app_registry_port/$name:$tag"
}
