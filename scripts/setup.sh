#!/usr/bin/env bash
# Install everything Sextant's development and test lab need, idempotently:
#   - Debian packages (docker.io, sshd, docker-registry, busybox-static, ...)
#   - the Temporal CLI, kamal-proxy and Traefik (for the lab), built from the Go module proxy at pinned versions and
#     cached outside the repo in /var/cache/sextant/bin (a fresh machine pays the build once)
#   - node_modules, when missing or older than package-lock.json
# Prints one line per step it takes; silent when everything is already in place.
# Usage: scripts/setup.sh [--no-npm]
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

TOOLS_BIN=/var/cache/sextant/bin
# shellcheck source=versions.sh
source scripts/versions.sh
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

# `go install MODULE@version` fails for both: kamal-proxy's module proxy @v/list request (of
# the deprecation check) is refused, and Traefik's go.mod has `replace` directives. Downloading
# the module and building inside it works. Static (CGO off): the images hold only the binary.
# Usage: build_in_module NAME MODULE VERSION PACKAGE HOW-LONG
build_in_module() {
  local name="$1" module="$2" version="$3" package="$4" out="$TOOLS_BIN/$1-$3" dir
  [[ -x "$out" ]] && return 0
  need_go "$name"
  step "building $name $version ($5, once)"
  dir="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || die "go mod download of $module@$version gave no directory"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags='-s -w' -o "$out.tmp" "$package") \
    || { rm -f "$out.tmp"; die "building $name failed"; }
  mv "$out.tmp" "$out"
}

mkdir -p "$TOOLS_BIN"
build_temporal
build_in_module kamal-proxy github.com/basecamp/kamal-proxy "$KAMAL_PROXY_VERSION" ./cmd/kamal-proxy "about half a minute"
build_in_module traefik github.com/traefik/traefik/v2 "$TRAEFIK_VERSION" ./cmd/traefik "about four minutes"

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
