#!/usr/bin/env bash
# Fault-injection run against a local cluster of real host processes, checked for linearizability.
#   chaos.sh [--nodes 5] [--minutes M | --seconds S] [--seed N] [--clients 10] [--keys 4] [--out DIR]
#            [--configuration Release|Failpoints] [--remote-base 24300] [--cmd-base 29300] [--session-ttl SECONDS]
# Starts the cluster (Akka.Remote ports REMOTE_BASE+i, command ports CMD_BASE+i; data under DIR/cluster), runs closed-loop
# clients while injecting seeded faults (kill -9 of one node or of all at once, partitions, isolated leader, bridge,
# slow and lossy links, SIGSTOP; process and network faults overlap), then checks the history. Writes DIR/history.jsonl, DIR/seed.txt and DIR/summary.txt (DIR defaults to
# data/chaos-SEED). Environment such as ACTORS_FAILPOINT is passed on to the nodes.
# Exit code 0 when no violation was found, 1 on a linearizability violation or a lost acknowledged write,
# 2 on a usage or setup error.
set -euo pipefail

# The body is one block, read whole before it runs: editing this file during a long run cannot change the run.
{

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/src/Actors.Chaos/Actors.Chaos.csproj"
DLL="$ROOT/src/Actors.Chaos/bin/Release/net10.0/Actors.Chaos.dll"

# The out dir is needed here too, to stop a cluster the program could not stop itself (it crashed or was killed).
OUT=""
SEED=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --out) OUT="${args[$((i + 1))]:-}" ;;
    --seed) SEED="${args[$((i + 1))]:-}" ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
if [ -z "$SEED" ]; then
  SEED=$(( (RANDOM << 15 | RANDOM) % 1000000 ))
  set -- "$@" --seed "$SEED"
fi

cleanup() {
  local rc=$? data=""
  if [ -n "$OUT" ]; then data="$OUT/cluster"; elif [ -n "$SEED" ]; then data="$ROOT/data/chaos-$SEED/cluster"; fi
  if [ -n "$data" ] && [ -f "$data/cluster.env" ]; then
    ACTORS_DATA="$data" "$ROOT/scripts/local-cluster.sh" stop >/dev/null 2>&1 || true
  fi
  exit $rc
}
trap cleanup EXIT

echo "building Actors.Chaos (Release)..."
dotnet build "$PROJECT" -c Release -nologo -v q >/tmp/chaos-build.$$.log 2>&1 \
  || { cat /tmp/chaos-build.$$.log >&2; rm -f /tmp/chaos-build.$$.log; echo "chaos: build failed" >&2; exit 2; }
rm -f /tmp/chaos-build.$$.log

set +e
ACTORS_ROOT="$ROOT" dotnet "$DLL" "$@"
rc=$?
set -e
exit $rc
}
