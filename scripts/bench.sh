#!/usr/bin/env bash
# Benchmarks, side by side with peers, measured in one run on this machine.
#   bench.sh kv [--seconds N] [--clients 1,16,64,256] [--systems actors,etcd,akka-remote]
#               [--workload write,read,mixed] [--path direct,client] [other Actors.Bench options]
# kv: closed-loop clients writing (and with --workload mixed or read, reading) 256-byte values on random keys of a
# local 3-node Actors cluster (reached directly and through ActorsClient), a 3-member etcd cluster and a raw
# Akka.Remote ping-pong, all on 127.0.0.1. Prints one table with ratios and writes it to
# bench-results/kv-<timestamp>.md. Installs Debian's etcd-server when etcd is missing.
#   bench.sh ring [--keys N] [--vnodes N] [--epsilon E] [--nodes 3,10,100] [--seconds N]
# ring: the project's consistent hash ring against Akka.Routing.ConsistentHash and hash mod n, in this process: lookups
# per second, peak/average keys per node (also with bounded loads) and keys moved on a join and a leave against the
# ideal. Prints one table and writes it to bench-results/ring-<timestamp>.md.
#   bench.sh restart [--rounds 3] [--keys 200] [--systems actors,etcd]
# restart: a local 3-node Actors cluster and a 3-member etcd cluster, each holding the keys, killed with SIGKILL all at
# once and started again, three times each: seconds from the start to the first acknowledged write and keys lost,
# with the ratio of the medians. Writes bench-results/restart-<timestamp>.md.
# Exit code 0 when every system was measured, 1 when one could not be started or measured, 2 on bad usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/src/Actors.Bench/Actors.Bench.csproj"
DLL="$ROOT/src/Actors.Bench/bin/Release/net10.0/Actors.Bench.dll"
# Ports of the Actors nodes, passed to Actors.Bench and used again below to stop a cluster left behind.
REMOTE_BASE=24250
CMD_BASE=29250

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

ensure_etcd() {
  command -v etcd >/dev/null 2>&1 && return 0
  echo "installing etcd-server..."
  if ! apt-get install -y etcd-server >/dev/null 2>&1; then
    apt-get update >/dev/null 2>&1 || true
    apt-get install -y etcd-server >/dev/null 2>&1 || echo "bench: could not install etcd-server; etcd will not be measured" >&2
  fi
}

# Stops whatever Actors.Bench started if it did not get to do it itself (killed, crashed).
cleanup() {
  local rc=$? f pid
  if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    if [ -f "$WORK/actors/cluster.env" ]; then
      ACTORS_REMOTE_BASE=$REMOTE_BASE ACTORS_CMD_BASE=$CMD_BASE ACTORS_DATA="$WORK/actors" \
        "$ROOT/scripts/local-cluster.sh" stop >/dev/null 2>&1 || true
    fi
    for f in "$WORK"/etcd/*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f")
      if [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = etcd ]; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    if [ "$rc" -eq 0 ]; then rm -rf "$WORK"; else echo "bench: logs kept in $WORK" >&2; fi
  fi
  exit "$rc"
}

MODE="${1:-}"
case "$MODE" in
  kv | restart) ;;
  ring)
    echo "building Actors.Bench (Release)..."
    dotnet build "$PROJECT" -c Release -nologo -v q >/dev/null || { echo "bench: build failed" >&2; exit 2; }
    exec dotnet "$DLL" "$@" --root "$ROOT"
    ;;
  *) usage ;;
esac
shift

case " $* " in
  *" --systems "*) [[ " $* " =~ --systems\ [^\ ]*etcd ]] && ensure_etcd ;;
  *) ensure_etcd ;;
esac

echo "building Actors.Bench (Release)..."
log=$(mktemp)
if ! dotnet build "$PROJECT" -c Release -nologo -v q >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; echo "bench: build failed" >&2; exit 2
fi
rm -f "$log"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/actors-bench.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT TERM

set +e
dotnet "$DLL" "$MODE" --root "$ROOT" --work-dir "$WORK" --remote-base "$REMOTE_BASE" --cmd-base "$CMD_BASE" "$@"
rc=$?
set -e
exit "$rc"
