# Lab images, made locally (nothing can be pulled here) in the deployer's engine and pushed
# to the lab registry:
#   sextant-lab/busybox:1   rootfs = busybox-static + its applet links (base for fixture apps)
#   basecamp/kamal-proxy    rootfs = the static kamal-proxy binary on PATH, /tmp and a HOME
#   traefik:v2.10           rootfs = the static traefik binary (hosts as Kamal 1.x left them)
# Each image carries a label with the hash of what it was made from; it is re-made only when
# that changes, and pushed only when the registry's digest differs.
# shellcheck shell=bash
# Needs lib.sh sourced first.

image_source() {
  deployer_docker image inspect -f '{{index .Config.Labels "sextant-lab.source"}}' "$1" 2>/dev/null || true
}

make_base_image() {
  local src root
  src="$(sha256sum /bin/busybox | cut -c1-16)"
  [[ "$(image_source "$LAB_BASE_IMAGE_LOCAL")" == "$src" ]] && return 0
  log "making image $LAB_BASE_IMAGE_LOCAL"
  root="$(mktemp -d)"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/www}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  chroot "$root" /bin/busybox --install -s
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | deployer_docker import \
    --change "LABEL sextant-lab.source=$src" \
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' - "$LAB_BASE_IMAGE_LOCAL" >/dev/null
  rm -rf "$root"
}

# An image whose rootfs is one static binary (at BIN_PATH) plus /tmp, /etc/passwd and the
# directories DIRS (space-separated); further arguments are `docker import --change` lines.
# Usage: make_binary_image LOCAL_NAME BINARY BIN_PATH DIRS CHANGE...
make_binary_image() {
  local local_name="$1" binary="$2" bin_path="$3" dirs="$4" src root d
  shift 4
  src="$(sha256sum "$binary" | cut -c1-16)"
  [[ "$(image_source "$local_name")" == "$src" ]] && return 0
  log "making image $local_name"
  root="$(mktemp -d)"
  mkdir -p "$root"/{tmp,etc} "$root$(dirname "$bin_path")"
  for d in $dirs; do mkdir -p "$root$d"; done
  chmod 1777 "$root/tmp"
  cp "$binary" "$root$bin_path"
  printf 'root:x:0:0:root:/root:/bin/false\n' >"$root/etc/passwd"
  local changes=(--change "LABEL sextant-lab.source=$src")
  for d in "$@"; do changes+=(--change "$d"); done
  tar -C "$root" -c . | deployer_docker import "${changes[@]}" - "$local_name" >/dev/null
  rm -rf "$root"
}

make_proxy_image() {
  make_binary_image "sextant-lab/kamal-proxy:$KAMAL_PROXY_VERSION" "$KAMAL_PROXY_BIN" /usr/local/bin/kamal-proxy \
    /home/kamal-proxy/.config/kamal-proxy \
    'ENV PATH=/usr/local/bin:/usr/bin:/bin' 'ENV HOME=/home/kamal-proxy' 'WORKDIR /home/kamal-proxy' \
    'EXPOSE 80 443' 'CMD ["kamal-proxy", "run"]'
}

# Traefik as Docker Hub's image has it: the title label (what Kamal's Traefik cleanup and
# `sextant upgrade` filter on) and arguments straight to the traefik binary.
make_traefik_image() {
  make_binary_image "sextant-lab/traefik:$TRAEFIK_VERSION" "$TRAEFIK_BIN" /usr/local/bin/traefik '' \
    'LABEL org.opencontainers.image.title=Traefik' "LABEL org.opencontainers.image.version=$TRAEFIK_VERSION" \
    'EXPOSE 80' 'ENTRYPOINT ["/usr/local/bin/traefik"]'
}

# Digest of NAME:TAG in the lab registry, or nothing.
registry_digest() {
  local repo="$1" tag="$2"
  curl -sfI --cacert "$LAB_DIR/registry/ca.crt" -K - \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "https://$LAB_REGISTRY/v2/$repo/manifests/$tag" <<<"user = \"$LAB_REGISTRY_USER:$(registry_password)\"" 2>/dev/null \
    | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p' || true
}

# Tag LOCAL as REGISTRY/REPO:TAG and push it unless the registry already holds that image.
push_image() {
  local local_name="$1" repo="$2" tag="$3" remote want have
  remote="$LAB_REGISTRY/$repo:$tag"
  deployer_docker tag "$local_name" "$remote"
  have="$(registry_digest "$repo" "$tag")"
  want="$(deployer_docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$remote" \
    | sed -n "s|^$LAB_REGISTRY/$repo@||p" | head -n1 || true)"
  [[ -n "$have" && "$have" == "$want" ]] && return 0
  log "pushing $remote"
  registry_password | deployer_docker login -u "$LAB_REGISTRY_USER" --password-stdin "$LAB_REGISTRY" >/dev/null 2>&1 \
    || die "docker login to $LAB_REGISTRY failed (see $LAB_LOGS/registry.log)"
  deployer_docker push "$remote" >/dev/null
}

ensure_images() {
  make_base_image
  make_proxy_image
  make_traefik_image
  push_image "$LAB_BASE_IMAGE_LOCAL" sextant-lab/busybox 1
  push_image "sextant-lab/kamal-proxy:$KAMAL_PROXY_VERSION" "$LAB_PROXY_REPOSITORY" "$KAMAL_PROXY_VERSION"
  push_image "sextant-lab/traefik:$TRAEFIK_VERSION" traefik "${TRAEFIK_VERSION%.*}"
}
