#!/usr/bin/env bash
# Builds the test harness's real node into OUT_DIR (the Rust harness passes
# target/node/<versions>/): containerd with its runc shim and ctr, runc, the CNI plugins, CoreDNS,
# kubelet and kube-proxy (from ../cluster, the control plane's Kubernetes release), and the
# test images as OCI archives in OUT_DIR/images/ (docs/mothership.md says what each holds).
# Static, as upstream builds them; runc needs cgo (its nsenter is C) and libseccomp.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.env"
out="${1:?usage: build.sh OUT_DIR}"
bin="$out/bin"
mkdir -p "$bin" "$out/images"
export GOFLAGS= GOBIN="$bin"
flags=(-trimpath -ldflags "-s -w")

CGO_ENABLED=0 go install "${flags[@]}" -tags no_grpc \
  "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION"
CGO_ENABLED=0 go install "${flags[@]}" \
  "github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD_VERSION" \
  "github.com/containerd/containerd/v2/cmd/ctr@$CONTAINERD_VERSION"
# runc with seccomp (containerd gives every sandbox a seccomp profile), linked statically
# against Debian's libseccomp (libseccomp-dev); without runc's default libpathrs tag, a Rust
# library Debian does not package.
CGO_ENABLED=1 go install -trimpath -tags "seccomp netgo osusergo" \
  -ldflags "-s -w -extldflags -static" "github.com/opencontainers/runc@$RUNC_VERSION"
mkdir -p "$out/cni"
GOBIN="$out/cni" CGO_ENABLED=0 go install "${flags[@]}" \
  "github.com/containernetworking/plugins/plugins/main/bridge@$CNI_PLUGINS_VERSION" \
  "github.com/containernetworking/plugins/plugins/ipam/host-local@$CNI_PLUGINS_VERSION" \
  "github.com/containernetworking/plugins/plugins/main/loopback@$CNI_PLUGINS_VERSION" \
  "github.com/containernetworking/plugins/plugins/meta/portmap@$CNI_PLUGINS_VERSION"
CGO_ENABLED=0 go install "${flags[@]}" "github.com/coredns/coredns@$COREDNS_VERSION"
(cd "$here/../cluster" && source ./versions.env && source ./kube-ldflags.sh &&
  CGO_ENABLED=0 go build -trimpath -ldflags "$kube_ldflags" -o "$bin/" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy)

# What goes into the images: etcd's programs at the etcd image's version, the small Go
# programs of images/, and static busybox and bash from Debian.
parts="$out/parts"
mkdir -p "$parts"
# Two etcd versions: the default image's, and the one `upgrade --etcd-version` goes to.
etcd_programs() {
  mkdir -p "$2"
  (cd "$1" &&
    CGO_ENABLED=0 go build "${flags[@]}" -o "$2/etcd" go.etcd.io/etcd/server/v3 &&
    CGO_ENABLED=0 go build "${flags[@]}" -o "$2/etcdctl" go.etcd.io/etcd/etcdctl/v3 &&
    CGO_ENABLED=0 go build "${flags[@]}" -o "$2/etcdutl" go.etcd.io/etcd/etcdutl/v3)
}
etcd_programs "$here/../cluster/etcd" "$parts/etcd-default"
etcd_programs "$here/etcd-upgrade" "$parts/etcd-upgrade"
(cd "$here/images" && CGO_ENABLED=0 go build "${flags[@]}" -o "$parts/" ./cmd/...)
debs="$(mktemp -d)"
trap 'rm -rf "$debs"' EXIT
(cd "$debs" && apt-get download -q "$BUSYBOX_DEB" "$BASH_DEB" >/dev/null 2>&1) ||
  { echo "build.sh: apt-get download $BUSYBOX_DEB $BASH_DEB failed (Debian's archive must be reachable)" >&2; exit 1; }
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$debs/root"; done
cp "$debs/root/bin/busybox" "$parts/busybox"
cp "$debs/root/bin/bash-static" "$parts/bash"
bash "$here/images/assemble.sh" "$parts" "$out/images"
echo "built the real node (containerd $CONTAINERD_VERSION, runc $RUNC_VERSION, CNI $CNI_PLUGINS_VERSION, CoreDNS $COREDNS_VERSION) into $out"
