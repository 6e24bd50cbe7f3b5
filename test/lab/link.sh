#!/usr/bin/env bash
# Cut a lab host off the network or reconnect it (its veth on the bridge side):
#   test/lab/link.sh host2 down|up
# Unlike stopping sshd, this also stalls SSH connections that are already open.
# On `up` the neighbour entries on both sides are dropped, so an address that failed to
# resolve while the link was down answers at once instead of "No route to host" for a while.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[[ $# == 2 && ("$2" == up || "$2" == down) ]] || die "usage: link.sh hostN down|up"
need_root
index="$(host_index "$1")"
ip link set "$(host_veth "$index")" "$2"
if [[ "$2" == up ]]; then
  ip neigh del "$(host_ip "$index")" dev "$LAB_BRIDGE" 2>/dev/null || true
  ip -n "$(host_netns "$index")" neigh flush dev eth0 2>/dev/null || true
fi
