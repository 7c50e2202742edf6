#!/bin/sh
# k0s in the k0s test image (busybox sh, as the real image has no bash). `k0s controller`
# and `k0s worker` keep running until stopped, as k0s does; every other command is answered
# by the test harness, which finds the pod by its address and answers as k0s would (see the
# harness's k0s.rs). The harness listens on the node's bridge address, which is also the
# pod's DNS server.
case "${1:-}" in
controller | worker)
  trap 'exit 0' TERM INT
  echo "k0s stand-in: $1 running"
  while :; do sleep 1 & wait $!; done
  ;;
backup)
  # `k0s backup --save-path -`: real k0s copies its live SQLite database with VACUUM INTO and
  # writes a tar.gz of it, its PKI and its configuration to standard output. No database
  # runs here: the stand-in archives the file as it lies (a test puts one there), under the
  # entry name k0s gives the copy.
  [ "${2:-}" = --save-path ] && [ "${3:-}" = - ] || { echo "k0s stand-in: backup takes --save-path - only" >&2; exit 1; }
  db=/var/lib/k0s/db/state.db
  [ -e "$db" ] || { echo "Error: failed to create backup on step \`sqlite db path $db\`: no such file" >&2; exit 1; }
  d="$(mktemp -d)"
  trap 'rm -rf "$d"' EXIT
  cp "$db" "$d/kine-state-backup.db"
  tar czf - -C "$d" kine-state-backup.db
  exit 0
  ;;
esac
harness="$(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf)"
answer="$(
  {
    printf '\n\n%s\n' "$#"
    for arg in "$@"; do printf '%s' "$arg" | base64 -w0; echo; done
  } | nc "$harness" 10099
)" || { echo "k0s stand-in: the harness at $harness:10099 did not answer" >&2; exit 1; }
code="$(printf '%s\n' "$answer" | sed -n 1p)"
printf '%s' "$(printf '%s\n' "$answer" | sed -n 2p)" | base64 -d
printf '%s' "$(printf '%s\n' "$answer" | sed -n 3p)" | base64 -d >&2
exit "${code:-1}"
