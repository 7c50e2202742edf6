# Sourced by build.sh here and by ../node/build.sh: `kube_ldflags`, the linker flags that stamp
# Kubernetes binaries with the release of versions.env (as `kubectl version` and a node's
# kubelet version show it). Run from tests/cluster.
minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
build_date="$(date -u -d "@$(stat -c %Y go.sum)" +%Y-%m-%dT%H:%M:%SZ)"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done
