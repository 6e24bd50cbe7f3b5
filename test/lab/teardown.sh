# Teardown helpers shared by up.sh (repairing what a crash left behind) and down.sh.
# shellcheck shell=bash
# Needs lib.sh sourced first.

# Remove host i completely: every process in it (containers included), its namespaces, its
# veth and its per-run directory. Safe to call for a host that is half there or not at all.
teardown_host() {
  local i="$1" ns pids pid d n
  ns="$(host_netns "$i")"
  d="$(host_state "$i")"
  cgroup_kill "host$i"
  if [[ -e "/run/netns/$ns" ]]; then
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    # shellcheck disable=SC2086
    [[ -n "$pids" ]] && kill -9 $pids 2>/dev/null || true
  fi
  pid="$(pidfile_pid "$d/pid" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && grep -qs "host-start.sh" "/proc/$pid/cmdline"; then kill -9 "$pid" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$(host_veth "$i")" 2>/dev/null || true
  # A re-created host has a new MAC address: forget the old one.
  ip neigh del "$(host_ip "$i")" dev "$LAB_BRIDGE" 2>/dev/null || true
  if [[ -d "$d" ]]; then
    # The host's mounts die with its mount namespace, which goes away once its last process
    # has exited; until then the directories may still be busy.
    for ((n = 0; n < 50; n++)); do
      rm -rf "$d" 2>/dev/null && break
      sleep 0.1
    done
    [[ -d "$d" ]] && log "could not remove $d"
  fi
  return 0
}

# Indexes of hosts that exist in any form (namespace, veth or state directory).
present_hosts() {
  {
    ip netns list 2>/dev/null | awk '{print $1}' | sed -n "s/^${LAB_NETNS_PREFIX}host\([0-9]\+\)$/\1/p"
    ip -o link show 2>/dev/null | sed -n "s/^[0-9]\+: ${LAB_VETH_PREFIX}\([0-9]\+\)@.*/\1/p"
    if [[ -d "$LAB_STATE/hosts" ]]; then
      find "$LAB_STATE/hosts" -mindepth 1 -maxdepth 1 -printf '%f\n' | sed -n 's/^host\([0-9]\+\)$/\1/p'
    fi
  } | sort -un
}

# Stop a daemon by pid file: TERM, wait up to SECS, then KILL.
stop_pidfile() {
  local f="$1" secs="$2" pid i
  pid="$(pidfile_pid "$f" 2>/dev/null || true)"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

# Kill the deployer's engine and whatever it left (containerd, shims, containers, mounts).
teardown_deployer() {
  stop_pidfile "$DEPLOYER_PIDFILE" "${1:-15}"
  cgroup_kill deployer
  umount_below "$DEPLOYER_EXEC_ROOT"
  umount_below "$DEPLOYER_DATA_ROOT"
  rm -rf "$DEPLOYER_EXEC_ROOT" "$DEPLOYER_SOCK"
}
