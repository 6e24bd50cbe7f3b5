# Shared settings and helpers for the test lab. Sourced by up.sh, down.sh and the small tools.
# Every fixed choice (addresses, ports, directories) lives here.
# shellcheck shell=bash disable=SC2034

# --- Fixed choices -------------------------------------------------------------------------
# Network: one bridge on the machine; host i is 10.77.0.(10+i). The lab never uses 10.77.0.x
# addresses outside this bridge and sends no traffic anywhere but loopback and lab addresses.
LAB_BRIDGE=sxlab0
LAB_BRIDGE_IP=10.77.0.1
LAB_PREFIX=24
LAB_HOST_IP_BASE=10          # host i -> 10.77.0.$((LAB_HOST_IP_BASE + i))
LAB_MAX_HOSTS=50
LAB_NETNS_PREFIX=sxlab-      # network namespace of host i: sxlab-host<i>
LAB_VETH_PREFIX=sxlab-h      # bridge side of host i's veth: sxlab-h<i>; inside it is eth0
# The deployer's engine gets a bridge of its own (BuildKit's RUN steps need one), on a
# separate subnet. It has no NAT: builds here have no internet anyway.
LAB_DEPLOYER_BRIDGE=sxlab-docker
LAB_DEPLOYER_BRIDGE_CIDR=10.77.1.1/24

# Registry (Debian docker-registry, TLS with a self-signed cert for the bridge IP, htpasswd).
LAB_REGISTRY_PORT=5443
LAB_REGISTRY="$LAB_BRIDGE_IP:$LAB_REGISTRY_PORT"
LAB_REGISTRY_USER=sextant

# Temporal dev server (loopback only; the Web UI on the next port).
LAB_TEMPORAL_IP=127.0.0.1
LAB_TEMPORAL_PORT=7233
LAB_TEMPORAL_UI_PORT=8233

# Pinned tool versions, built by scripts/setup.sh into a cache outside the repo.
LAB_TOOLS_BIN=/var/cache/sextant/bin
# shellcheck source=../../scripts/versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/versions.sh"
TEMPORAL_BIN="$LAB_TOOLS_BIN/temporal-$TEMPORAL_VERSION"
KAMAL_PROXY_BIN="$LAB_TOOLS_BIN/kamal-proxy-$KAMAL_PROXY_VERSION"
TRAEFIK_BIN="$LAB_TOOLS_BIN/traefik-$TRAEFIK_VERSION"

# Images made locally (nothing can be pulled from the internet).
LAB_BASE_IMAGE_LOCAL=sextant-lab/busybox:1
LAB_BASE_IMAGE="$LAB_REGISTRY/sextant-lab/busybox:1"
LAB_PROXY_REPOSITORY=basecamp/kamal-proxy
LAB_PROXY_IMAGE="$LAB_REGISTRY/$LAB_PROXY_REPOSITORY:$KAMAL_PROXY_VERSION"
# Traefik as Kamal 0.16/1.x ran it, tagged like Docker Hub's traefik:v2.10.
LAB_TRAEFIK_IMAGE="$LAB_REGISTRY/traefik:${TRAEFIK_VERSION%.*}"

# Directories.
#  LAB_DIR   persistent across lab:down/up (what keeps warm runs fast and host keys stable):
#            SSH keys, host keys, registry cert/password/storage, the deployer engine's
#            data-root, logs of the last run.
#  LAB_STATE per run, removed by lab:down: each host's /root and /var/lib/docker, Temporal's
#            SQLite file, pid files. Tests may put SEXTANT_HOME etc. under it (lab.json
#            "stateDir"); lab:down kills processes whose command line or SEXTANT_HOME mentions
#            a lab directory.
#  LAB_RUN   sockets and pid files of the machine-level daemons, removed by lab:down.
LAB_DIR=/var/lib/sextant-lab
LAB_STATE="$LAB_DIR/run"
LAB_RUN=/run/sextant-lab
LAB_LOGS="$LAB_DIR/logs"
LAB_SSH_KEY="$LAB_DIR/ssh/id_ed25519"
LAB_KNOWN_HOSTS="$LAB_DIR/ssh/known_hosts"
LAB_CERTS_D="/etc/docker/certs.d/$LAB_REGISTRY"

# The deployer's own Docker engine (Debian's dockerd; build with Debian's client, which has
# BuildKit built in).
DEPLOYER_DATA_ROOT="$LAB_DIR/deployer-docker"
DEPLOYER_EXEC_ROOT="$LAB_RUN/deployer-exec"
DEPLOYER_PIDFILE="$LAB_RUN/deployer-docker.pid"
DEPLOYER_SOCK="$LAB_RUN/deployer-docker.sock"
DEPLOYER_DOCKER_HOST="unix://$DEPLOYER_SOCK"
DOCKER_CLI=/usr/bin/docker

# cgroup v1: every lab process lives under this parent (pids and freezer hierarchies), and
# every engine puts its containers under it, so lab:down finds all of them.
LAB_CGROUP=sextant-lab
LAB_CGROUP_CTRLS="pids freezer"

LAB_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB_JSON="$LAB_REPO/test/lab/lab.json"
LAB_REPO_STATE="$LAB_REPO/test/lab/state"

export PATH="/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# --- Helpers ---------------------------------------------------------------------------------
log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

host_name() { echo "host$1"; }
host_ip() { echo "10.77.0.$((LAB_HOST_IP_BASE + $1))"; }
host_netns() { echo "${LAB_NETNS_PREFIX}host$1"; }
host_veth() { echo "${LAB_VETH_PREFIX}$1"; }
host_state() { echo "$LAB_STATE/hosts/host$1"; }   # per run
host_keep() { echo "$LAB_DIR/hosts/host$1"; }      # persistent (host key, sshd config)
# "host3" or "3" -> 3
host_index() {
  local n="${1#host}"
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= LAB_MAX_HOSTS)) || die "unknown host '$1' (expected host1..host$LAB_MAX_HOSTS)"
  echo "$n"
}
# PID of a running host's start script (holds its mount and UTS namespaces), or nothing.
host_pid() {
  local f pid
  f="$(host_state "$1")/pid"
  [[ -s "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -r "/proc/$pid/cmdline" ]] && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == *"host-start.sh host$1 "* ]] || return 1
  echo "$pid"
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
pidfile_pid() { [[ -s "$1" ]] && cat "$1"; }

# Wait until a command succeeds: wait_for SECONDS DESCRIPTION CMD...
wait_for() {
  local secs="$1" what="$2" i
  shift 2
  for ((i = 0; i < secs * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "timed out after ${secs}s waiting for $what"
  return 1
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

deployer_docker() { DOCKER_HOST="$DEPLOYER_DOCKER_HOST" DOCKER_CONFIG="$LAB_DIR/docker-config" "$DOCKER_CLI" "$@"; }

cgroup_v1() { [[ -f "/sys/fs/cgroup/$1/cgroup.procs" ]]; }

# Put a process into the lab cgroup NAME (e.g. host1, deployer) of each tracked controller.
cgroup_enter() {
  local name="$1" pid="$2" c
  for c in $LAB_CGROUP_CTRLS; do
    cgroup_v1 "$c" || continue
    mkdir -p "/sys/fs/cgroup/$c/$LAB_CGROUP/$name"
    echo "$pid" >"/sys/fs/cgroup/$c/$LAB_CGROUP/$name/cgroup.procs"
  done
}

# All PIDs in a lab cgroup subtree (or the whole lab with no name).
cgroup_pids() {
  local dir="/sys/fs/cgroup/pids/$LAB_CGROUP${1:+/$1}"
  [[ -d "$dir" ]] || return 0
  find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null || true
}

# SIGKILL everything in a lab cgroup subtree (thawing it first), then remove the cgroups in
# every controller (engines create <parent>/<container id> in each one).
cgroup_kill() {
  local name="${1:-}" sub="$LAB_CGROUP${1:+/$1}" i pids d
  if [[ -d "/sys/fs/cgroup/freezer/$sub" ]]; then
    find "/sys/fs/cgroup/freezer/$sub" -name freezer.state -exec sh -c 'echo THAWED >"$1"' _ {} \; 2>/dev/null || true
  fi
  for ((i = 0; i < 50; i++)); do
    pids="$(cgroup_pids "$name")"
    [[ -z "$pids" ]] && break
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    sleep 0.1
  done
  for d in /sys/fs/cgroup/*/"$sub"; do
    [[ -d "$d" ]] || continue
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# Unmount everything mounted below a path in this mount namespace, deepest first.
umount_below() {
  local m
  awk -v p="$1" '$2 == p || index($2, p "/") == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

registry_password() { cat "$LAB_DIR/registry/password"; }

need_root() { [[ "$(id -u)" == 0 ]] || die "the lab needs root (network namespaces, dockerd)"; }

# One lab:up or lab:down at a time.
lab_lock() {
  mkdir -p "$LAB_DIR"
  exec 9>"$LAB_DIR/.lock"
  flock -w 300 9 || die "another lab:up/lab:down is running (lock $LAB_DIR/.lock)"
}
