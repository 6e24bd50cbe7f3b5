#!/usr/bin/env bash
# Start or stop a lab host's own dockerd. Runs INSIDE the host's namespaces (called by
# host-start.sh, and through nsenter by host-docker.sh), where /run and /var/lib/docker are
# the host's own.
# Usage: host-dockerd.sh hostN start|stop|status
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

name="$1"
action="$2"
index="$(host_index "$name")"

ping_docker() { curl -sf --max-time 2 --unix-socket /run/docker.sock http://docker/_ping; }
running_pid() {
  local pid
  pid="$(pidfile_pid /run/docker.pid)" && pid_alive "$pid" && echo "$pid"
}

case "$action" in
  start)
    if running_pid >/dev/null; then
      wait_for 30 "dockerd on $name" ping_docker
      exit 0
    fi
    rm -f /run/docker.pid
    # Containers go under the lab cgroup too (--cgroup-parent), so lab:down finds them.
    (
      cgroup_enter "$name" "$BASHPID"
      exec setsid dockerd --pidfile /run/docker.pid -H unix:///run/docker.sock \
        --data-root /var/lib/docker --exec-root /run/docker \
        --cgroup-parent "/$LAB_CGROUP/$name" --log-level warn
    ) </dev/null >>"$LAB_LOGS/$name-dockerd.log" 2>&1 9>&- &
    wait_for 30 "dockerd on $name" ping_docker
    ;;
  stop)
    pid="$(running_pid)" || exit 0
    kill -TERM "$pid"
    # dockerd stops its containers first (up to their stop timeout).
    for ((i = 0; i < 300; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && kill -KILL "$pid"
    rm -f /run/docker.pid
    ;;
  status)
    ping_docker >/dev/null && echo running || { echo stopped; exit 1; }
    ;;
  *)
    die "usage: host-dockerd.sh hostN start|stop|status"
    ;;
esac
: "$index"
