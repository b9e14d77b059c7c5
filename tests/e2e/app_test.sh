#!/bin/bash
# End-to-end test of application images (issue 10), in a booted Debian 12
# test host with a network of its own (--private-network):
#   - an app image built here from Debian's static busybox (app_image.sh),
#     served as an OCI layout directory and from Debian's docker-registry
#     on the test host's loopback;
#   - `AppImage=` alone runs it: one systemctl start imports the image,
#     boots the container and serves the image's page to the test host;
#   - the app runs as the image's user 1000 with the image's environment,
#     AppExec=, AppEnvironment=, AppUser=, AppWorkingDirectory= and AppBind=
#     override the image, and its output is in the host unit's journal;
#   - an app that exits 3 leaves the host unit failed with status 3, and
#     Restart=on-failure restarts a failed app;
#   - a Security=hardened container runs the app pulled from the registry;
#   - AppPod= puts only the app in a pod's network namespace;
#   - every start and stop is timed, and stops are clean and leave nothing
#     mounted.
#
# Usage: app_test.sh BUILD_DIR
# Exit status: 0 all checks passed, 1 some failed, 77 cannot run here.
# shellcheck source-path=SCRIPTDIR source=e2e_test.sh
source "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")/e2e_test.sh"
# shellcheck source-path=SCRIPTDIR source=app_image.sh
source "$here/app_image.sh"

for tool in umoci skopeo; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install $tool)"
done
[[ -x $app_busybox ]] || skip "$app_busybox is not installed (apt-get install busybox-static)"

# A start imports the image the first time; the test host's disk is fast.
start_limit_ms=20000
stop_limit_ms=5000
# From systemctl start returning to the app's first answer.
answer_limit_ms=10000
layout_dir=/srv/images/web
image_tag=web
registry_image=apps/web

drop_files() {
  local layout=$TESTHOST_WORK/web-layout
  build_app_image "$layout" "$image_tag" || return
  install_app_image "$layout" "$layout_dir" || return
  # The README's three lines, less [Install], so the test starts it.
  testhost_write /etc/sdme/web.sdme <<EOF || return
[Container]
AppImage=$layout_dir
EOF
  testhost_write /etc/sdme/custom.sdme <<EOF || return
# The same image, shared, with the administrator's overrides.
[Container]
AppImage=$layout_dir
AppExec=-p 8081 -h /srv/www
AppEnvironment=GREETING="hello from the .sdme file" EXTRA=1
AppUser=0:0
AppWorkingDirectory=/srv/data
AppBind=/srv/app-pages:/srv/www/bound:ro
EOF
  testhost_write /srv/app-pages/page.html <<<"a page of the host's" || return
  testhost_write /etc/sdme/three.sdme <<EOF || return
[Container]
AppImage=$layout_dir
AppEntrypoint=/bin/sh -c "echo the app exits now; exit 3"
EOF
  # Fails its first run, serves from its second: the marker file is in the
  # app's own writable layer, which outlives the restart.
  testhost_write /etc/sdme/flaky.sdme <<EOF || return
[Container]
AppImage=$layout_dir
AppEntrypoint=/bin/sh -c "if [ -e /tmp/ran-once ]; then exec httpd -f -v -p 8084 -h /srv/www; fi; touch /tmp/ran-once; echo first run fails; exit 4"

[Service]
Restart=on-failure
RestartSec=100ms
EOF
  testhost_write /etc/sdme/locked.sdme <<EOF || return
# The image from the registry, in the hardened tier: a user namespace and
# a loopback-only network of the container's own.
[Container]
Rootfs=/srv/base
Security=hardened
AppImage=127.0.0.1:$app_registry_port/$registry_image:$image_tag
AppExec=-p 8082 -h /srv/www
EOF
  testhost_write /etc/sdme/podded.sdme <<EOF || return
# Only the app joins pod duo; the container keeps the host's network.
[Container]
AppImage=$layout_dir
AppExec=-p 8083 -h /srv/www
AppPod=duo
EOF
}

# wait_for_answer PORT PATH [NETNS]: the app's first 200, within
# $answer_limit_ms of now; the time in $elapsed_ms.
wait_for_answer() {
  local port=$1 path=$2 netns=${3:-} started
  started=$(now_ms)
  until http_get "$port" "$path" "" "$netns" >/dev/null; do
    if (($(now_ms) - started > answer_limit_ms)); then
      echo "no answer from 127.0.0.1:$port/$path${netns:+ in $netns} within $answer_limit_ms ms;" \
        "the last attempt:"
      http_get "$port" "$path" "" "$netns"
      return 1
    fi
    sleep 0.1
  done
  elapsed_ms=$(($(now_ms) - started))
}

check_three_lines_serve_a_page() {
  diagnose_units=(web.service "sdme-import@*.service")
  local started
  started=$(now_ms)
  start_within_limit web.service || return
  wait_for_answer 8080 / || return
  note "first answer $(($(now_ms) - started)) ms after systemctl start web began (import included)"
  expect_equal "the page" "hello from the app image" "$output" || return
  expect_running_machine web
}

check_user_and_environment() {
  diagnose_units=(web.service)
  http_get 8080 cgi-bin/whoami || return
  expect_equal "what the app's CGI says" $'uid=1000\ngreeting=hello from the image' "$output" ||
    return
  # The app is a service of the container's own systemd.
  in_container web systemctl show --property=ActiveState --value sdme-app.service || return
  expect_equal "sdme-app.service in the container" active "$output"
}

check_logs_reach_the_host_unit() {
  diagnose_units=(web.service)
  # busybox httpd -v logs "ADDRESS:PORT: response:200" on stderr for each
  # request it answered: those made above.
  expect_in_journal "response:200" --unit web.service
}

check_stop() {
  diagnose_units=(web.service)
  stop_within_limit web.service
}

check_overrides() {
  diagnose_units=(custom.service)
  start_within_limit custom.service || return
  wait_for_answer 8081 cgi-bin/whoami || return
  expect_equal "what the app's CGI says" $'uid=0\ngreeting=hello from the .sdme file' "$output" ||
    return
  # AppBind=: the host's directory, read-only, in the app's tree.
  http_get 8081 bound/page.html || return
  expect_equal "the bound page" "a page of the host's" "$output" || return
  if in_container custom sh -c 'touch /sdme/app/root/srv/www/bound/x 2>&1' >/dev/null ||
    [[ $output != *"Read-only file system"* ]]; then
    echo "AppBind=...:ro did not refuse a write with EROFS: '$output'"
    return 1
  fi
  # AppWorkingDirectory=: the image lacks it, so it was made in the app's
  # own layer, and the app's unit runs there.
  in_container custom systemctl show --property=WorkingDirectory --value sdme-app.service ||
    return
  expect_equal "the app's working directory" /srv/data "$output" || return
  in_host test -d /var/lib/sdme/containers/custom/app/upper/srv/data || return
  # Shared: both files name one image, imported once.
  in_host sh -c 'ls -d /var/lib/sdme/rootfs/app-web-*' || return
  expect_equal "rootfs directories of the image" 1 "$(wc -l <<<"$output")" || return
  stop_within_limit custom.service
}

check_exit_status_reaches_the_host() {
  diagnose_units=(three.service)
  local started state
  started=$(now_ms)
  # The app exits while the container boots, so the start itself may
  # already report the failure; what counts is what systemd recorded.
  in_host_status systemctl start three.service
  while :; do
    in_host systemctl show --property=ActiveState --value three.service || return
    state=$output
    [[ $state == failed || $state == inactive ]] && break
    if (($(now_ms) - started > start_limit_ms)); then
      echo "three.service is still $state $start_limit_ms ms after its start"
      return 1
    fi
    sleep 0.2
  done
  note "three.service ended $(($(now_ms) - started)) ms after its start began"
  expect_unit_properties three.service ActiveState=failed Result=exit-code ExecMainStatus=3 ||
    return
  expect_in_journal "the app exits now" --unit three.service || return
  expect_nothing_mounted_under /var/lib/sdme/containers/three
}

check_restart_on_failure() {
  diagnose_units=(flaky.service)
  local started
  started=$(now_ms)
  # The first run may fail the start itself; Restart= follows either way.
  in_host_status systemctl start flaky.service
  wait_for_answer 8084 / || return
  note "flaky.service answered $(($(now_ms) - started)) ms after its start began, one restart included"
  expect_unit_properties flaky.service ActiveState=active NRestarts=1 || return
  expect_in_journal "first run fails" --unit flaky.service || return
  stop_within_limit flaky.service
}

check_hardened_from_registry() {
  diagnose_units=(locked.service "sdme-import@*.service")
  start_test_registry || return
  push_to_test_registry "$TESTHOST_WORK/web-layout" "$image_tag" "$registry_image" || return
  start_within_limit locked.service || return
  in_host machinectl show locked --property=Leader --value || return
  local leader=$output
  wait_for_answer 8082 cgi-bin/whoami "/proc/$leader/ns/net" || return
  expect_equal "what the app's CGI says" $'uid=1000\ngreeting=hello from the image' "$output" ||
    return
  # The container's root, and so the app's user, is an unprivileged host UID.
  # (The test host has no ps: the real UID from /proc, of every httpd.)
  # shellcheck disable=SC2016 # expanded by the inner sh
  in_host sh -c 'for status in /proc/[0-9]*/status; do
      grep -q "^Name:[[:space:]]*busybox" "$status" 2>/dev/null &&
        awk "/^Uid:/ { print \$2 }" "$status"
    done | sort -u' || return
  local uid=${output//[[:space:]]/}
  if [[ ! $uid =~ ^[0-9]+$ ]] || ((uid < 524288)); then
    echo "the app runs as host UID '$uid', not one of the container's shifted range"
    return 1
  fi
  note "the hardened app runs as host UID $uid"
  stop_within_limit locked.service
}

check_app_pod() {
  diagnose_units=(podded.service sdme-pod@duo.service)
  start_within_limit podded.service || return
  expect_unit_state sdme-pod@duo.service active || return
  wait_for_answer 8083 / /run/sdme/pods/duo/netns || return
  # The test host's own network (which the container shares) has no app.
  if http_get 8083 / >/dev/null; then
    echo "the app answered on the test host's loopback: it is not in the pod alone"
    return 1
  fi
  stop_within_limit podded.service || return
  expect_unit_state sdme-pod@duo.service inactive
}

# --- The test ------------------------------------------------------------

prepare_test_host drop_files
TESTHOST_NSPAWN_OPTIONS=(--private-network --bind-ro="$TESTHOST_BASE:/srv/base")

echo "1..9"
boot_test_host
run_check "AppImage= alone: one systemctl start imports the image and the app serves its page" check_three_lines_serve_a_page
run_check "the app runs as the image's user 1000 with the image's environment" check_user_and_environment
run_check "the app's output is in the host unit's journal" check_logs_reach_the_host_unit
run_check "systemctl stop stops the app and the container cleanly, in seconds" check_stop
run_check "AppExec=, AppEnvironment=, AppUser=, AppWorkingDirectory= and AppBind= override the image; it is imported once" check_overrides
run_check "an app that exits 3 fails the host unit with exit status 3" check_exit_status_reaches_the_host
run_check "Restart=on-failure restarts a failed app, whose own layer keeps its files" check_restart_on_failure
run_check "a Security=hardened container runs the app pulled from a registry" check_hardened_from_registry
run_check "AppPod= puts the app alone in the pod's network namespace" check_app_pod

finish_test
