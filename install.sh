#!/usr/bin/env bash
# Build k0smotron from source and install it into ${PREFIX:-$HOME/.local}/bin, with shell
# completions under ${PREFIX}/share. Running it again replaces the previous install.
set -euo pipefail

prefix="${PREFIX:-$HOME/.local}"
here="$(cd "$(dirname "$0")" && pwd)"

if ! command -v cargo >/dev/null 2>&1; then
  echo "install.sh: cargo is not on PATH; install Rust (https://rustup.rs) and run this again" >&2
  exit 1
fi

cargo build --release --locked --manifest-path "$here/Cargo.toml" --bin k0smotron
install -d "$prefix/bin"
install -m 0755 "$here/target/release/k0smotron" "$prefix/bin/k0smotron"
install -d "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 0644 "$here/completions/k0smotron.bash" "$prefix/share/bash-completion/completions/k0smotron"
install -m 0644 "$here/completions/_k0smotron" "$prefix/share/zsh/site-functions/_k0smotron"
install -m 0644 "$here/completions/k0smotron.fish" "$prefix/share/fish/vendor_completions.d/k0smotron.fish"

echo "installed $prefix/bin/k0smotron ($("$prefix/bin/k0smotron" --version))"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "$prefix/bin is not on your PATH; add it with: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
