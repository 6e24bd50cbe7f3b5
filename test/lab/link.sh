#!/usr/bin/env bash
# Cut a lab host off the network or reconnect it (its veth on the bridge side):
#   test/lab/link.sh host2 down|up
# Unlike stopping sshd, this also stalls SSH connections that are already open.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[[ $# == 2 && ("$2" == up || "$2" == down) ]] || die "usage: link.sh hostN down|up"
need_root
index="$(host_index "$1")"
exec ip link set "$(host_veth "$index")" "$2"
