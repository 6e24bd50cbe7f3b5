#!/usr/bin/env bash
# Stop or start a lab host's dockerd (fault tests), inside that host's namespaces:
#   test/lab/host-docker.sh host2 stop|start|status
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
[[ $# == 2 ]] || die "usage: host-docker.sh hostN stop|start|status"
need_root
index="$(host_index "$1")"
pid="$(host_pid "$index")" || die "host$index is not running (npm run lab:up)"
exec nsenter -t "$pid" -m -n -u -- bash "$here/host-dockerd.sh" "host$index" "$2"
