#!/usr/bin/env bash
# Install everything Sextant's development and test lab need, idempotently:
#   - Debian packages (docker.io, sshd, docker-registry, busybox-static, ...)
#   - the Temporal CLI and kamal-proxy, built from the Go module proxy at pinned versions and
#     cached outside the repo in /var/cache/sextant/bin (a fresh machine pays the build once)
#   - node_modules, when missing or older than package-lock.json
# Prints one line per step it takes; silent when everything is already in place.
# Usage: scripts/setup.sh [--no-npm]
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

TOOLS_BIN=/var/cache/sextant/bin
TEMPORAL_VERSION=v1.5.1      # later tags have a go.mod `replace`, which `go install` refuses
KAMAL_PROXY_VERSION=v0.9.2
APT_PACKAGES="docker.io openssh-server openssh-client docker-registry apache2-utils busybox-static openssl iptables iproute2 ca-certificates"

npm_step=1
for arg in "$@"; do
  case "$arg" in
    --no-npm) npm_step=0 ;;
    *) echo "usage: $0 [--no-npm]" >&2; exit 2 ;;
  esac
done

step() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- Debian packages -----------------------------------------------------------------------
missing=()
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ "$(id -u)" == 0 ]] || die "missing packages (${missing[*]}); run as root to install them"
  step "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Go tools (built once, cached by version) ------------------------------------------------
need_go() {
  command -v go >/dev/null || die "Go is needed to build $1 (expected /usr/local/go/bin/go)"
}

# Build into a temporary file in the cache dir and rename, so an interrupted build never
# leaves a half-written binary under the final name.
build_temporal() {
  local out="$TOOLS_BIN/temporal-$TEMPORAL_VERSION" tmp
  [[ -x "$out" ]] && return 0
  need_go temporal
  step "building Temporal CLI $TEMPORAL_VERSION (several minutes, once)"
  tmp="$(mktemp -d "$TOOLS_BIN/.build-temporal.XXXXXX")"
  GOBIN="$tmp" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION" \
    || { rm -rf "$tmp"; die "building temporal failed"; }
  mv "$tmp/temporal" "$out"
  rm -rf "$tmp"
}

# `go install kamal-proxy@version` fails: the module proxy answers 403 to the @v/list request
# of its deprecation check. Downloading the module and building inside it works.
build_kamal_proxy() {
  local out="$TOOLS_BIN/kamal-proxy-$KAMAL_PROXY_VERSION" dir
  [[ -x "$out" ]] && return 0
  need_go kamal-proxy
  step "building kamal-proxy $KAMAL_PROXY_VERSION (about half a minute, once)"
  dir="$(go mod download -json "github.com/basecamp/kamal-proxy@$KAMAL_PROXY_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || die "go mod download of kamal-proxy gave no directory"
  (cd "$dir" && CGO_ENABLED=0 go build -o "$out.tmp" ./cmd/kamal-proxy) \
    || { rm -f "$out.tmp"; die "building kamal-proxy failed"; }
  mv "$out.tmp" "$out"
}

mkdir -p "$TOOLS_BIN"
build_temporal
build_kamal_proxy

# --- node_modules -----------------------------------------------------------------------------
# npm rewrites node_modules/.package-lock.json on every install, so a package-lock.json newer
# than it means node_modules is stale.
if ((npm_step)); then
  if [[ ! -f node_modules/.package-lock.json ]] \
    || { [[ -f package-lock.json ]] && [[ package-lock.json -nt node_modules/.package-lock.json ]]; }; then
    if [[ -f package-lock.json ]]; then
      step "npm ci"
      npm ci --no-audit --no-fund --loglevel=error
    else
      step "npm install"
      npm install --no-audit --no-fund --loglevel=error
    fi
  fi
fi
