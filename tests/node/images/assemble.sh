#!/usr/bin/env bash
# Makes the test images as OCI archives that `ctr images import` takes, one uncompressed
# layer each, under the exact names k0smotron writes: PARTS holds the programs, OUT gets
# <name>.tar. What each image holds mirrors the real one as far as our pods use it (see
# docs/mothership.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
parts="${1:?usage: assemble.sh PARTS OUT}"
out="${2:?usage: assemble.sh PARTS OUT}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$here/images.env"

# A busybox userland: every applet as a link, as Alpine installs them.
userland() {
  local root="$1"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,var/tmp,root,dev,proc,sys,run}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp "$parts/busybox" "$root/bin/busybox"
  local applet
  for applet in $("$parts/busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
  : > "$root/etc/hosts"
  : > "$root/etc/resolv.conf"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# image NAME ROOT CONFIG_JSON: NAME's archive from ROOT, with CONFIG_JSON as its runtime config.
image() {
  local name="$1" root="$2" config="$3" dir="$work/oci-${1//[\/:]/_}"
  mkdir -p "$dir/blobs/sha256"
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$root" -cf "$dir/layer.tar" .
  local layer; layer="$(sha "$dir/layer.tar")"
  mv "$dir/layer.tar" "$dir/blobs/sha256/$layer"
  printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$config" "$layer" > "$dir/config.json"
  local cfg; cfg="$(sha "$dir/config.json")"
  local cfg_size; cfg_size="$(size "$dir/config.json")"
  mv "$dir/config.json" "$dir/blobs/sha256/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cfg" "$cfg_size" "$layer" "$(size "$dir/blobs/sha256/$layer")" > "$dir/manifest.json"
  local man; man="$(sha "$dir/manifest.json")"
  local man_size; man_size="$(size "$dir/manifest.json")"
  mv "$dir/manifest.json" "$dir/blobs/sha256/$man"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$man" "$man_size" "$name" "${name##*:}" > "$dir/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  local file="$out/${name//[\/:]/_}.tar"
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf "$file.tmp" oci-layout index.json blobs
  mv "$file.tmp" "$file"
}

path_env='"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'

# k0s: Alpine (busybox sh, no bash) with musl-utils' getent, the system users the real image
# adds for k0s's components, and KUBECONFIG at k0s's admin kubeconfig as the real image sets
# it; runs as root; the entrypoint runs the pod's arguments. /usr/local/bin holds k0s: the
# stand-in, or with K0S_PROGRAMS (a directory: a real k0s and the programs it runs, for the
# opt-in real-k0s suite) those programs, and then only this image is made.
k0s_image() {
  local root="$work/k0s"
  userland "$root"
  cp "$parts/getent" "$root/usr/bin/getent"
  echo 'nogroup:x:65533:' >> "$root/etc/group"
  local uid=100 user
  for user in etcd kube-apiserver kube-scheduler konnectivity-server; do
    echo "$user:x:$uid:65533::/var/lib/k0s:/sbin/nologin" >> "$root/etc/passwd"
    uid=$((uid + 1))
  done
  if [ -n "${K0S_PROGRAMS:-}" ]; then
    cp "$K0S_PROGRAMS"/* "$root/usr/local/bin/"
    chmod 0755 "$root"/usr/local/bin/*
  else
    install -m 0755 "$here/k0s-stand-in.sh" "$root/usr/local/bin/k0s"
  fi
  install -m 0755 "$here/entrypoint.sh" "$root/entrypoint.sh"
  image "$K0S_IMAGE" "$root" "{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"KUBECONFIG=/var/lib/k0s/pki/admin.conf\"],\"Entrypoint\":[\"/entrypoint.sh\"],\"Cmd\":[\"k0s\",\"controller\",\"--enable-worker\"]}"
}
if [ -n "${K0S_PROGRAMS:-}" ]; then
  k0s_image
  exit 0
fi

# The sandbox image: pause alone.
mkdir -p "$work/pause"
cp "$parts/pause" "$work/pause/pause"
image "$PAUSE_IMAGE" "$work/pause" '{"Entrypoint":["/pause"],"User":"65535:65535"}'

# etcd NAME PROGRAMS: Alpine with bash; etcd, etcdctl and etcdutl (from PROGRAMS) in
# /usr/local/bin; user 1001.
etcd_image() {
  local root="$work/etcd-${2##*/}"
  userland "$root"
  cp "$parts/bash" "$root/bin/bash"
  cp "$2/etcd" "$2/etcdctl" "$2/etcdutl" "$root/usr/local/bin/"
  echo 'etcd:x:1001:1001:etcd:/home/etcd:/bin/sh' >> "$root/etc/passwd"
  echo 'etcd:x:1001:' >> "$root/etc/group"
  mkdir -p "$root/home/etcd" && chown 1001:1001 "$root/home/etcd"
  image "$1" "$root" "{$path_env,\"User\":\"1001\",\"Cmd\":[\"/usr/local/bin/etcd\"]}"
}
etcd_image "$ETCD_IMAGE" "$parts/etcd-default"
etcd_image "$ETCD_UPGRADE_IMAGE" "$parts/etcd-upgrade"
k0s_image
echo "images: $(ls "$out" | tr '\n' ' ')"
