#!/usr/bin/env bash
# lab:down — remove everything lab:up made except the persistent caches in LAB_DIR (SSH and
# host keys, registry certificate/password/storage, the deployer engine's images, logs) and
# the Go binaries in /var/cache/sextant/bin: every host (processes, containers, namespaces,
# veth, per-run files), the registry, Temporal (and its per-run database), the deployer's
# dockerd, any process whose command line or SEXTANT_HOME mentions a lab directory, the
# bridge, the firewall rule, mounts, /etc/docker/certs.d/<registry>, lab.json.
# Safe to run any number of times, and after a crash.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=teardown.sh
source "$here/teardown.sh"

need_root
lab_lock

# Processes (other than this script and its callers) that belong to the lab.
lab_processes() {
  local keep=" " p=$$ f pid cmd
  while [[ "$p" =~ ^[0-9]+$ ]] && ((p > 1)); do
    keep+="$p "
    p="$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)"
  done
  for f in /proc/[0-9]*; do
    pid="${f#/proc/}"
    [[ "$keep" == *" $pid "* ]] && continue
    cmd="$(tr '\0' ' ' 2>/dev/null <"$f/cmdline")" || continue
    [[ -n "$cmd" ]] || continue
    if [[ "$cmd" == *"$LAB_DIR"* || "$cmd" == *"$LAB_RUN"* || "$cmd" == *"/$LAB_CGROUP/"* || "$cmd" == *"$LAB_REPO_STATE"* ]] \
      || tr '\0' '\n' 2>/dev/null <"$f/environ" | grep -E >/dev/null "^SEXTANT_HOME=($LAB_DIR|$LAB_RUN|$LAB_REPO_STATE)(/|$)"; then
      echo "$pid"
    fi
  done
}

# In parallel. Temporal's database is per run and the registry's storage survives a kill, so
# they get a short grace period; the deployer's engine (persistent images) a long one.
for i in $(present_hosts); do
  teardown_host "$i" &
done
stop_pidfile "$LAB_RUN/temporal.pid" 1 &
stop_pidfile "$LAB_RUN/registry.pid" 1 &
teardown_deployer 15
wait

pids="$(lab_processes)"
if [[ -n "$pids" ]]; then
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for ((n = 0; n < 30; n++)); do
    alive=""
    for p in $pids; do pid_alive "$p" && alive+="$p "; done
    [[ -z "$alive" ]] && break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  [[ -n "$alive" ]] && kill -KILL $alive 2>/dev/null || true
fi
cgroup_kill

umount_below "$LAB_RUN"
umount_below "$LAB_DIR"
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$LAB_NETNS_PREFIX" || true); do
  ip netns del "$ns" 2>/dev/null || true
done
for link in $(ip -o link show 2>/dev/null | sed -n "s/^[0-9]\+: \(${LAB_VETH_PREFIX}[0-9]\+\)@.*/\1/p"); do
  ip link del "$link" 2>/dev/null || true
done
ip link del "$LAB_BRIDGE" 2>/dev/null || true
ip link del "$LAB_DEPLOYER_BRIDGE" 2>/dev/null || true
while iptables -D FORWARD -i "$LAB_BRIDGE" -o "$LAB_BRIDGE" -m comment --comment sextant-lab -j ACCEPT 2>/dev/null; do :; done

rm -rf "$LAB_STATE" "$LAB_RUN" "$LAB_CERTS_D" "$LAB_JSON" "$LAB_REPO_STATE"
rmdir /etc/docker/certs.d 2>/dev/null || true
log "down"
