#!/usr/bin/env bash
# Builds the test control plane into OUT_DIR (the Rust harness passes target/cluster/<versions>/bin):
# kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok; and, from the
# module in etcd/, etcd and etcdctl at the version of k0smotron's default etcd image into
# OUT_DIR/etcd-image/.
# Static binaries (CGO_ENABLED=0), as upstream builds them, with version stamps so that
# `kubectl version` shows the real release. The Rust harness calls this on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
source ./versions.env
out="${1:?usage: build.sh OUT_DIR}"
mkdir -p "$out"

kube="$KUBERNETES_VERSION"
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
source ./kube-ldflags.sh

export CGO_ENABLED=0 GOFLAGS=
go build -trimpath -ldflags "$kube_ldflags" -o "$out/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler
go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok
(cd etcd &&
  go build -trimpath -ldflags "-s -w" -o "$out/etcd-image/etcd" go.etcd.io/etcd/server/v3 &&
  go build -trimpath -ldflags "-s -w" -o "$out/etcd-image/etcdctl" go.etcd.io/etcd/etcdctl/v3)
# kwok's Exec resource definition and its stage manifests: the harness installs the first and
# builds its kwok configuration from the second.
kwok_dir="$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
mkdir -p "$out/kwok-manifests"
cp "$kwok_dir/kustomize/crd/bases/kwok.x-k8s.io_execs.yaml" \
  "$kwok_dir/kustomize/stage/node/fast/node-initialize.yaml" \
  "$kwok_dir/kustomize/stage/pod/fast/pod-ready.yaml" \
  "$kwok_dir/kustomize/stage/pod/fast/pod-delete.yaml" "$out/kwok-manifests/"
chmod u+w "$out"/kwok-manifests/*
echo "built kube $kube, etcd $etcd_version, kwok $KWOK_VERSION into $out"
