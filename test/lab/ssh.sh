#!/usr/bin/env bash
# Run a command on a lab host over SSH with the lab key, e.g.
#   test/lab/ssh.sh host1 docker ps
# Without a command: an interactive shell.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
(($#)) || die "usage: ssh.sh hostN [COMMAND...]"
index="$(host_index "$1")"
shift
exec ssh -i "$LAB_SSH_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
  -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
  -o ConnectTimeout=5 "root@$(host_ip "$index")" "$@"
