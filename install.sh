#!/usr/bin/env bash
# Install k0smotron into ${PREFIX:-$HOME/.local}: the binary, a kubectl-k0smotron link (so
# `kubectl k0smotron ...` works), the man pages, and the completion script for your shell
# ($SHELL: bash, zsh or fish) where that shell looks for it per user.
#
#   ./install.sh                 build (cargo build --release) and install
#   ./install.sh --binary PATH   install an already built binary
#   ./install.sh --uninstall     remove exactly what an earlier run installed
#
# Every file written is listed in $PREFIX/share/k0smotron/installed; a file that exists and
# is not in that list is never overwritten (the run says so and leaves it). Running it
# again replaces what it installed before.
set -euo pipefail

prefix="${PREFIX:-$HOME/.local}"
here="$(cd "$(dirname "$0")" && pwd)"
manifest="$prefix/share/k0smotron/installed"
binary=""
uninstall=false

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --uninstall) uninstall=true; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

ours() { [ -f "$manifest" ] && grep -qxF "$1" "$manifest"; }

if $uninstall; then
  if [ ! -f "$manifest" ]; then
    echo "install.sh: nothing to remove ($manifest does not exist)"
    exit 0
  fi
  while IFS= read -r file; do
    if [ -e "$file" ] || [ -L "$file" ]; then
      rm -f "$file" && echo "removed $file"
    fi
  done < "$manifest"
  rm -f "$manifest"
  rmdir "$prefix/share/k0smotron" 2>/dev/null || true
  exit 0
fi

if [ -z "$binary" ]; then
  if ! command -v cargo >/dev/null 2>&1; then
    echo "install.sh: cargo is not on PATH; install Rust (https://rustup.rs) and run this again" >&2
    exit 1
  fi
  cargo build --release --locked --manifest-path "$here/Cargo.toml" --bin k0smotron
  binary="$here/target/release/k0smotron"
fi
[ -x "$binary" ] || { echo "install.sh: $binary is not an executable" >&2; exit 1; }

mkdir -p "$(dirname "$manifest")"
new_manifest="$(mktemp)"
trap 'rm -f "$new_manifest"' EXIT
[ -f "$manifest" ] && cp "$manifest" "$new_manifest"

# put MODE SOURCE DEST: install a file unless DEST is someone else's.
put() {
  local mode="$1" source="$2" dest="$3"
  if { [ -e "$dest" ] || [ -L "$dest" ]; } && ! ours "$dest"; then
    echo "skipped $dest: it exists and was not installed by install.sh"
    return
  fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" "$source" "$dest"
  grep -qxF "$dest" "$new_manifest" || echo "$dest" >> "$new_manifest"
}

put 0755 "$binary" "$prefix/bin/k0smotron"
link="$prefix/bin/kubectl-k0smotron"
if { [ -e "$link" ] || [ -L "$link" ]; } && ! ours "$link"; then
  echo "skipped $link: it exists and was not installed by install.sh"
else
  ln -sfn k0smotron "$link"
  grep -qxF "$link" "$new_manifest" || echo "$link" >> "$new_manifest"
fi
for page in "$here"/docs/man/*.1; do
  put 0644 "$page" "$prefix/share/man/man1/$(basename "$page")"
done

shell_name="$(basename "${SHELL:-}")"
case "$shell_name" in
  bash) put 0644 "$here/completions/k0smotron.bash" "${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion/completions/k0smotron" ;;
  zsh)
    put 0644 "$here/completions/_k0smotron" "$prefix/share/zsh/site-functions/_k0smotron"
    echo "zsh: add $prefix/share/zsh/site-functions to fpath (before compinit) if it is not there" ;;
  fish) put 0644 "$here/completions/k0smotron.fish" "${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions/k0smotron.fish" ;;
  *) echo "no completion installed for shell '${shell_name:-unknown}'; \`k0smotron completion SHELL\` prints one" ;;
esac

mv "$new_manifest" "$manifest"
trap - EXIT
echo "installed $prefix/bin/k0smotron ($("$prefix/bin/k0smotron" --version)) and kubectl-k0smotron"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "$prefix/bin is not on your PATH; add it with: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
