# Pinned versions of the tools built from the Go module proxy (scripts/setup.sh builds them into
# /var/cache/sextant/bin as NAME-VERSION; the lab uses them from there).
# shellcheck shell=bash disable=SC2034
TEMPORAL_VERSION=v1.5.1      # later tags have a go.mod `replace`, which `go install` refuses
KAMAL_PROXY_VERSION=v0.9.2
TRAEFIK_VERSION=v2.10.7      # Kamal 1.x runs traefik:v2.10; only the lab needs it (`sextant upgrade`)
