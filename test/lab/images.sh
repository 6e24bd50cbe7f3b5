# Lab images, made locally (nothing can be pulled here) in the deployer's engine and pushed
# to the lab registry:
#   sextant-lab/busybox:1   rootfs = busybox-static + its applet links (base for fixture apps)
#   basecamp/kamal-proxy    rootfs = the static kamal-proxy binary on PATH, /tmp and a HOME
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

make_proxy_image() {
  local local_name="sextant-lab/kamal-proxy:$KAMAL_PROXY_VERSION" src root
  src="$(sha256sum "$KAMAL_PROXY_BIN" | cut -c1-16)"
  [[ "$(image_source "$local_name")" == "$src" ]] && return 0
  log "making image $local_name"
  root="$(mktemp -d)"
  mkdir -p "$root"/{usr/local/bin,tmp,etc,home/kamal-proxy/.config/kamal-proxy}
  chmod 1777 "$root/tmp"
  cp "$KAMAL_PROXY_BIN" "$root/usr/local/bin/kamal-proxy"
  printf 'root:x:0:0:root:/root:/bin/false\n' >"$root/etc/passwd"
  tar -C "$root" -c . | deployer_docker import \
    --change "LABEL sextant-lab.source=$src" \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'ENV HOME=/home/kamal-proxy' \
    --change 'WORKDIR /home/kamal-proxy' \
    --change 'EXPOSE 80 443' \
    --change 'CMD ["kamal-proxy", "run"]' - "$local_name" >/dev/null
  rm -rf "$root"
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
  push_image "$LAB_BASE_IMAGE_LOCAL" sextant-lab/busybox 1
  push_image "sextant-lab/kamal-proxy:$KAMAL_PROXY_VERSION" "$LAB_PROXY_REPOSITORY" "$KAMAL_PROXY_VERSION"
}
