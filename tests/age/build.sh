#!/usr/bin/env bash
# Builds Go age's `age` and `age-keygen` (the tools of go.mod) into OUT_DIR. The Rust harness
# calls this on first use and caches the result under target/age/.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:?usage: build.sh OUT_DIR}"
mkdir -p "$out"
CGO_ENABLED=0 GOFLAGS= GOBIN="$(cd "$out" && pwd)" go install -trimpath tool
"$out/age" --version
