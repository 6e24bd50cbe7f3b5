#!/usr/bin/env bash
# lab:up — stand up the test lab, or repair it: every part that already runs and answers is
# reused, every part that is missing or broken (e.g. after a crash) is cleaned and started
# again. Writes test/lab/lab.json. Settings: lib.sh.
# Usage: npm run lab:up -- [--hosts N] [--fresh] [--namespaces A,B]
#   --hosts N  number of hosts; hosts beyond N are removed. Default: 2, or as many as are
#              already up (so a plain lab:up never takes hosts away from a running test)
#   --fresh    run lab:down first (hosts start empty)
#   --namespaces  Temporal namespaces to have besides `default` (npm test's lanes), each with
#              Sextant's search attributes
set -eEuo pipefail
trap 'printf "lab: error: %s:%s: %s failed\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=teardown.sh
source "$here/teardown.sh"
# shellcheck source=images.sh
source "$here/images.sh"

hosts=""
fresh=0
namespaces=default
while (($#)); do
  case "$1" in
    --hosts) hosts="${2:-}"; shift 2 ;;
    --hosts=*) hosts="${1#--hosts=}"; shift ;;
    --fresh) fresh=1; shift ;;
    --namespaces) namespaces="default,${2:-}"; shift 2 ;;
    --namespaces=*) namespaces="default,${1#--namespaces=}"; shift ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (usage: lab:up -- [--hosts N] [--fresh] [--namespaces A,B])" ;;
  esac
done
if [[ -z "$hosts" ]]; then
  hosts=2
  if ((!fresh)); then
    for i in $(present_hosts); do
      if ((i > hosts)); then hosts=$i; fi
    done
  fi
fi
[[ "$hosts" =~ ^[0-9]+$ ]] && ((hosts >= 1 && hosts <= LAB_MAX_HOSTS)) || die "--hosts must be 1..$LAB_MAX_HOSTS"

need_root
started=$(date +%s%N)
((fresh)) && bash "$here/down.sh"
lab_lock
bash "$LAB_REPO/scripts/setup.sh" --no-npm
mkdir -p "$LAB_DIR" "$LAB_STATE/hosts" "$LAB_RUN" "$LAB_LOGS" "$LAB_DIR/ssh" "$LAB_DIR/registry" "$LAB_DIR/docker-config"

# Start CMD detached, in lab cgroup CG, output to LOG (the previous one kept as LOG.prev).
spawn() {
  local cg="$1" lf="$2"
  shift 2
  [[ -f "$lf" ]] && mv -f "$lf" "$lf.prev"
  (
    cgroup_enter "$cg" "$BASHPID"
    exec setsid "$@"
  ) </dev/null >>"$lf" 2>&1 9>&- &
  SPAWNED=$!
}

# --- Keys, certificate, password (made once, kept in LAB_DIR) ------------------------------------
ensure_secrets() {
  local i keep reg="$LAB_DIR/registry"
  [[ -f "$LAB_SSH_KEY" ]] || ssh-keygen -q -t ed25519 -N '' -C sextant-lab -f "$LAB_SSH_KEY"
  : >"$LAB_KNOWN_HOSTS.tmp"
  for ((i = 1; i <= hosts; i++)); do
    keep="$(host_keep "$i")"
    mkdir -p "$keep"
    [[ -f "$keep/ssh_host_ed25519_key" ]] || ssh-keygen -q -t ed25519 -N '' -C "host$i" -f "$keep/ssh_host_ed25519_key"
    echo "$(host_ip "$i") $(cut -d' ' -f1,2 "$keep/ssh_host_ed25519_key.pub")" >>"$LAB_KNOWN_HOSTS.tmp"
  done
  mv -f "$LAB_KNOWN_HOSTS.tmp" "$LAB_KNOWN_HOSTS"

  if [[ ! -f "$reg/ca.crt" || ! -f "$reg/registry.key" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=sextant-lab-registry" \
      -addext "subjectAltName=IP:$LAB_BRIDGE_IP" \
      -keyout "$reg/registry.key" -out "$reg/ca.crt" 2>/dev/null
  fi
  [[ -s "$reg/password" ]] || (umask 077 && openssl rand -hex 16 >"$reg/password")
  if [[ ! -s "$reg/htpasswd" || "$reg/password" -nt "$reg/htpasswd" ]]; then
    htpasswd -Bbn "$LAB_REGISTRY_USER" "$(registry_password)" >"$reg/htpasswd" 2>/dev/null
  fi
  cat >"$reg/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $reg/data
  delete:
    enabled: true
http:
  addr: $LAB_REGISTRY
  tls:
    certificate: $reg/ca.crt
    key: $reg/registry.key
auth:
  htpasswd:
    realm: sextant-lab
    path: $reg/htpasswd
EOF
  # /etc is shared by the machine and every host, so all engines trust the registry.
  mkdir -p "$LAB_CERTS_D"
  cmp -s "$reg/ca.crt" "$LAB_CERTS_D/ca.crt" || cp "$reg/ca.crt" "$LAB_CERTS_D/ca.crt"
}

# --- Network --------------------------------------------------------------------------------------
bridge() { # NAME ADDRESS/PREFIX
  ip link show "$1" >/dev/null 2>&1 || ip link add "$1" type bridge
  [[ "$(ip -o addr show dev "$1")" == *" $2 "* ]] || ip addr add "$2" dev "$1"
  ip link set "$1" up
}
ensure_bridge() {
  bridge "$LAB_BRIDGE" "$LAB_BRIDGE_IP/$LAB_PREFIX"
  bridge "$LAB_DEPLOYER_BRIDGE" "$LAB_DEPLOYER_BRIDGE_CIDR"
  # Host-to-host traffic crosses the bridge and, with bridge netfilter on, the machine's
  # FORWARD chain, whose policy a dockerd may have set to DROP. Machine<->host and
  # host->registry traffic is INPUT/OUTPUT and needs nothing.
  iptables -C FORWARD -i "$LAB_BRIDGE" -o "$LAB_BRIDGE" -m comment --comment sextant-lab -j ACCEPT 2>/dev/null \
    || iptables -I FORWARD -i "$LAB_BRIDGE" -o "$LAB_BRIDGE" -m comment --comment sextant-lab -j ACCEPT
}

# --- The deployer's engine --------------------------------------------------------------------------
deployer_ping() { curl -sf --max-time 2 --unix-socket "$DEPLOYER_SOCK" http://docker/_ping; }
ensure_deployer() {
  deployer_ping >/dev/null 2>&1 && return 0
  teardown_deployer 5
  log "starting the deployer's dockerd"
  mkdir -p "$DEPLOYER_DATA_ROOT"
  # Its own bridge, and --iptables=false: it only builds and pushes, so it leaves the
  # machine's firewall (and FORWARD policy) alone.
  spawn deployer "$LAB_LOGS/deployer-dockerd.log" dockerd \
    --data-root "$DEPLOYER_DATA_ROOT" --exec-root "$DEPLOYER_EXEC_ROOT" --pidfile "$DEPLOYER_PIDFILE" \
    -H "$DEPLOYER_DOCKER_HOST" --cgroup-parent "/$LAB_CGROUP/deployer" \
    --bridge "$LAB_DEPLOYER_BRIDGE" --iptables=false --log-level warn
  wait_for 30 "the deployer's dockerd" deployer_ping || { tail -n 20 "$LAB_LOGS/deployer-dockerd.log" >&2; return 1; }
}

# --- Registry ------------------------------------------------------------------------------------------
registry_ok() {
  curl -sf --max-time 2 --cacert "$LAB_DIR/registry/ca.crt" -K - "https://$LAB_REGISTRY/v2/" \
    <<<"user = \"$LAB_REGISTRY_USER:$(registry_password)\"" >/dev/null
}
ensure_registry() {
  registry_ok && return 0
  stop_pidfile "$LAB_RUN/registry.pid" 3
  cgroup_kill registry
  log "starting the registry on $LAB_REGISTRY"
  spawn registry "$LAB_LOGS/registry.log" docker-registry serve "$LAB_DIR/registry/config.yml"
  echo "$SPAWNED" >"$LAB_RUN/registry.pid"
  wait_for 15 "the registry" registry_ok || { tail -n 20 "$LAB_LOGS/registry.log" >&2; return 1; }
}

# --- Temporal ---------------------------------------------------------------------------------------------
temporal_ok() {
  "$TEMPORAL_BIN" operator cluster health --address "$LAB_TEMPORAL_IP:$LAB_TEMPORAL_PORT" 2>/dev/null | grep SERVING >/dev/null
}
# The storage and dynamic settings of the agent's dev server (temporal-dev.yml), so that tests and
# the benchmark run on a server that behaves as users' does; one argument per line.
server_settings() {
  (cd "$here/../.." && node -e 'const c = require("yaml").parse(require("fs").readFileSync("temporal-dev.yml", "utf8"));
    for (const [k, v] of Object.entries(c.sqlite_pragmas)) console.log(`--sqlite-pragma\n${k}=${v}`);
    for (const [k, v] of Object.entries(c.dynamic_config)) console.log(`--dynamic-config-value\n${k}=${JSON.stringify(v)}`);')
}
start_temporal() {
  tcp_open "$LAB_TEMPORAL_IP" "$LAB_TEMPORAL_PORT" && temporal_ok && return 0
  stop_pidfile "$LAB_RUN/temporal.pid" 5
  cgroup_kill temporal
  log "starting Temporal on $LAB_TEMPORAL_IP:$LAB_TEMPORAL_PORT (UI :$LAB_TEMPORAL_UI_PORT)"
  local text settings
  text="$(server_settings)" || return 1
  mapfile -t settings <<<"$text"
  spawn temporal "$LAB_LOGS/temporal.log" "$TEMPORAL_BIN" server start-dev \
    --ip "$LAB_TEMPORAL_IP" --port "$LAB_TEMPORAL_PORT" --ui-port "$LAB_TEMPORAL_UI_PORT" \
    --db-filename "$LAB_STATE/temporal.db" --namespace default --log-level warn "${settings[@]}"
  echo "$SPAWNED" >"$LAB_RUN/temporal.pid"
}
wait_temporal() {
  wait_for 90 "Temporal" temporal_ok || { tail -n 20 "$LAB_LOGS/temporal.log" >&2; return 1; }
}
# A namespace besides `default`, made once; usable when the frontend's namespace cache has it.
ensure_namespace() {
  local ns="$1" address="$LAB_TEMPORAL_IP:$LAB_TEMPORAL_PORT"
  "$TEMPORAL_BIN" operator namespace describe --address "$address" --namespace "$ns" >/dev/null 2>&1 && return 0
  log "creating Temporal namespace $ns"
  "$TEMPORAL_BIN" operator namespace create --address "$address" --namespace "$ns" --retention 24h >/dev/null || return 1
  wait_for 30 "namespace $ns" "$TEMPORAL_BIN" workflow list --address "$address" --namespace "$ns" --limit 1
}
# The search attributes temporal-dev.yml declares (`sextant history` queries them), registered
# on the lab's `default` namespace as the agent's own dev server has them; only missing ones.
register_search_attributes() {
  local ns="${1:-default}" address="$LAB_TEMPORAL_IP:$LAB_TEMPORAL_PORT" have name type
  have="$("$TEMPORAL_BIN" operator search-attribute list --address "$address" --namespace "$ns")" || return 1
  while read -r name type; do
    grep -qw -- "$name" <<<"$have" && continue
    log "registering search attribute $name ($type) on namespace $ns"
    "$TEMPORAL_BIN" operator search-attribute create --address "$address" --namespace "$ns" --name "$name" --type "$type" >/dev/null || return 1
  done < <(cd "$here/../.." && node -e 'const c = require("yaml").parse(require("fs").readFileSync("temporal-dev.yml", "utf8"));
    for (const [k, t] of Object.entries(c.search_attributes)) console.log(k, t);')
}

# --- Hosts ------------------------------------------------------------------------------------------------------
host_ok() {
  local i="$1" pid
  pid="$(host_pid "$i")" || return 1
  [[ -f "$(host_state "$i")/ready" ]] || return 1
  ip link set "$(host_veth "$i")" up 2>/dev/null || return 1   # a test may have left it down
  wait_for 1 "ssh on host$i" tcp_open "$(host_ip "$i")" 22 2>/dev/null || return 1
  nsenter -t "$pid" -m -n -- bash "$here/host-dockerd.sh" "host$i" status >/dev/null 2>&1
}

ensure_host() {
  local i="$1" d ns veth ip pid n f
  host_ok "$i" && return 0
  d="$(host_state "$i")"
  ns="$(host_netns "$i")"
  veth="$(host_veth "$i")"
  ip="$(host_ip "$i")"
  teardown_host "$i"
  log "starting host$i ($ip)"
  for f in "$LAB_LOGS/host$i-dockerd.log" "$LAB_LOGS/host$i-sshd.log"; do
    if [[ -f "$f" ]]; then mv -f "$f" "$f.prev"; fi
  done
  mkdir -p "$d/root/.ssh" "$d/docker" /var/lib/docker
  chmod 700 "$d/root" "$d/root/.ssh"
  cp "$LAB_SSH_KEY.pub" "$d/root/.ssh/authorized_keys"
  chmod 600 "$d/root/.ssh/authorized_keys"
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$LAB_BRIDGE" up
  ip -n "$ns" addr add "$ip/$LAB_PREFIX" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" route add default via "$LAB_BRIDGE_IP"
  spawn "host$i" "$LAB_LOGS/host$i.log" \
    ip netns exec "$ns" unshare --mount --uts --propagation private bash "$here/host-start.sh" "host$i" "$d"
  pid=$SPAWNED
  for ((n = 0; n < 600; n++)); do
    if [[ -f "$d/ready" ]]; then
      ip neigh del "$ip" dev "$LAB_BRIDGE" 2>/dev/null || true
      wait_for 10 "ssh on host$i from the machine" tcp_open "$ip" 22 && return 0
      break
    fi
    pid_alive "$pid" || break
    sleep 0.1
  done
  log "host$i did not come up; last lines of $LAB_LOGS/host$i.log and host$i-dockerd.log:"
  tail -n 15 "$LAB_LOGS/host$i.log" "$LAB_LOGS/host$i-dockerd.log" >&2 || true
  return 1
}

# --- Run ----------------------------------------------------------------------------------------------------
ensure_secrets
ensure_bridge
start_temporal

# Hosts beyond --hosts from an earlier, larger lab.
for i in $(present_hosts); do
  ((i > hosts)) && { log "removing host$i"; teardown_host "$i"; }
done

jobs_pids=()
jobs_names=()
for ((i = 1; i <= hosts; i++)); do
  ensure_host "$i" &
  jobs_pids+=($!)
  jobs_names+=("host$i")
done
(set -e; ensure_deployer; ensure_registry; ensure_images) &
jobs_pids+=($!)
jobs_names+=("engine, registry and images")

failed=()
for n in "${!jobs_pids[@]}"; do
  wait "${jobs_pids[$n]}" || failed+=("${jobs_names[$n]}")
done
lab_namespaces() {
  local ns
  for ns in $(tr ',' ' ' <<<"$namespaces" | xargs -n1 | sort -u); do
    ensure_namespace "$ns" && register_search_attributes "$ns" || return 1
  done
}
{ wait_temporal && lab_namespaces; } || failed+=("temporal")
((${#failed[@]} == 0)) || die "lab:up failed: ${failed[*]} (logs in $LAB_LOGS)"

export LAB_HOST_IP_BASE LAB_BRIDGE_IP LAB_BRIDGE LAB_PREFIX LAB_DIR LAB_STATE LAB_LOGS LAB_SSH_KEY \
  LAB_KNOWN_HOSTS LAB_NETNS_PREFIX LAB_REGISTRY LAB_REGISTRY_USER LAB_TEMPORAL_IP LAB_TEMPORAL_PORT \
  LAB_TEMPORAL_UI_PORT TEMPORAL_BIN DEPLOYER_DOCKER_HOST DOCKER_CLI LAB_PROXY_REPOSITORY \
  KAMAL_PROXY_VERSION LAB_PROXY_IMAGE LAB_TRAEFIK_IMAGE LAB_BASE_IMAGE LAB_BASE_IMAGE_LOCAL
LAB_HOSTS="$hosts" node "$here/lab-json.js" >"$LAB_JSON.tmp"
mv -f "$LAB_JSON.tmp" "$LAB_JSON"

elapsed=$((($(date +%s%N) - started) / 1000000))
log "up in $((elapsed / 1000)).$((elapsed % 1000 / 100))s: $hosts host(s) $(host_ip 1)..$(host_ip "$hosts"), registry $LAB_REGISTRY, Temporal $LAB_TEMPORAL_IP:$LAB_TEMPORAL_PORT (UI http://$LAB_TEMPORAL_IP:$LAB_TEMPORAL_UI_PORT); $LAB_JSON"
