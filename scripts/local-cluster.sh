#!/usr/bin/env bash
# Runs a local Actors cluster on loopback.
#   local-cluster.sh start N [--acceptors K]
#                               build once (Release), start N nodes, wait for all Up + a leader, print endpoints;
#                               nodes 1..K are the acceptors (K defaults to min(N, 5)), nodes K+1..N learners
#   local-cluster.sh add        start node N+1 as a learner joined to the running cluster; wait until it is Up
#                               and follows a leader
#   local-cluster.sh stop       stop every node of the cluster (by PID)
#   local-cluster.sh kill I     SIGKILL node I
#   local-cluster.sh restart I  start node I again on its data; wait until it is Up and follows a leader
#   local-cluster.sh launch I   start node I again on its data and return at once (the caller waits)
#   local-cluster.sh status     PID and paxos status of each node
# Node i: id i (--node-id i), Akka.Remote port REMOTE_BASE+i (4053, ...), command port CMD_BASE+i (9110, ...),
# data in DATA/node-i, log in DATA/node-i/node.log. DATA/cluster.env records NODES, ACCEPTORS and NETNS.
# Environment: ACTORS_REMOTE_BASE (4052), ACTORS_CMD_BASE (9109), ACTORS_DATA (data), ACTORS_WAIT (120 s),
# ACTORS_CONFIG (extra HOCON file, passed to every node with --config), ACTORS_CONFIGURATION (build configuration, Release),
# ACTORS_NETNS (at start: run node i in the network namespace NAME-i at 10.77.0.i, made by scripts/netns.sh up NAME N;
# its command port then listens on that namespace's loopback, and the CLI is run inside it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REMOTE_BASE="${ACTORS_REMOTE_BASE:-4052}"
CMD_BASE="${ACTORS_CMD_BASE:-9109}"
DATA="${ACTORS_DATA:-$ROOT/data}"
WAIT="${ACTORS_WAIT:-120}"
CONFIGURATION="${ACTORS_CONFIGURATION:-Release}"
HOST_DLL="$ROOT/src/Actors.Host/bin/$CONFIGURATION/net10.0/Actors.Host.dll"
CMD="$ROOT/scripts/actors-cmd"
MAX_NODES=20
NETNS="${ACTORS_NETNS:-}"
[[ "$NETNS" =~ ^[A-Za-z0-9_.-]{0,40}$ ]] || { echo "local-cluster: bad ACTORS_NETNS '$NETNS'" >&2; exit 2; }
EXTRA_CONFIG=""
if [ -n "${ACTORS_CONFIG:-}" ]; then
  [ -f "$ACTORS_CONFIG" ] || { echo "local-cluster: ACTORS_CONFIG: no file $ACTORS_CONFIG" >&2; exit 2; }
  EXTRA_CONFIG="$(cd "$(dirname "$ACTORS_CONFIG")" && pwd)/$(basename "$ACTORS_CONFIG")"
fi

die() { echo "local-cluster: $*" >&2; exit 2; }

build() {
  echo "building ($CONFIGURATION)..."
  dotnet build "$ROOT/src/Actors.Host/Actors.Host.csproj" -c "$CONFIGURATION" -nologo -v q >"$DATA/build.log" 2>&1 \
    || { cat "$DATA/build.log" >&2; die "build failed"; }
  dotnet build "$ROOT/src/Actors.Cmd/Actors.Cmd.csproj" -c Release -nologo -v q >>"$DATA/build.log" 2>&1 \
    || { cat "$DATA/build.log" >&2; die "build failed"; }
}

load_env() {
  [ -f "$DATA/cluster.env" ] || die "no cluster here ($DATA/cluster.env missing); run: $0 start N"
  # shellcheck disable=SC1091
  . "$DATA/cluster.env"
  # A cluster.env of an earlier version has no ACCEPTORS (every node was one) nor NETNS.
  ACCEPTORS="${ACCEPTORS:-$NODES}"
  NETNS="${NETNS:-}"
}

save_env() { printf 'NODES=%d\nACCEPTORS=%d\nNETNS=%q\n' "$1" "$2" "$NETNS" >"$DATA/cluster.env"; }

host_of() { if [ -n "$NETNS" ]; then echo "10.77.0.$1"; else echo "127.0.0.1"; fi; }

# Runs the command after it in node I's network namespace, or here without namespaces.
in_node() { local i=$1; shift; if [ -n "$NETNS" ]; then ip netns exec "$NETNS-$i" "$@"; else "$@"; fi; }

cli() { local i=$1; shift; in_node "$i" "$CMD" "127.0.0.1:$((CMD_BASE + i))" "$@"; }

cluster_size() { load_env; echo "$NODES"; }

acceptor_count() { load_env; echo "$ACCEPTORS"; }

endpoints() { # N -> host:port list
  local n=$1 list="" i
  for ((i = 1; i <= n; i++)); do list+="${list:+,}$(host_of "$i"):$((REMOTE_BASE + i))"; done
  echo "$list"
}

pid_of() { local f="$DATA/node-$1/pid"; [ -f "$f" ] && cat "$f" || true; }

alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

start_node() { # I K: node I of a cluster whose acceptors are nodes 1..K (I > K: a learner)
  local i=$1 k=$2 dir="$DATA/node-$1"
  if alive "$i"; then echo "node $i already running (pid $(pid_of "$i"))"; return; fi
  mkdir -p "$dir"
  local members; members=$(endpoints "$k")
  local extra=()
  [ -n "$EXTRA_CONFIG" ] && extra=(--config "$EXTRA_CONFIG")
  local launcher=()
  [ -n "$NETNS" ] && launcher=(ip netns exec "$NETNS-$i") # ip execs the host: the PID is the node's
  nohup "${launcher[@]}" dotnet "$HOST_DLL" --host "$(host_of "$i")" --port $((REMOTE_BASE + i)) --cmd-port $((CMD_BASE + i)) \
    --seeds "$members" --members "$members" --node-id "$i" --data-dir "$dir" "${extra[@]}" >>"$dir/node.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
}

wait_ready() { # N: until some node sees all N Up and a leader
  local n=$1 deadline=$((SECONDS + WAIT)) i out ups
  while ((SECONDS < deadline)); do
    for ((i = 1; i <= n; i++)); do
      alive "$i" || continue
      out=$(cli "$i" --json paxos status 2>/dev/null || true)
      ups=$(grep -o '"status":"up"' <<<"$out" | wc -l || true)
      # Members and learners are listed with their cluster status; a learner is listed once it has joined.
      if [ "$ups" -ge "$n" ] && grep -q '"leader":[0-9]' <<<"$out" && grep -q '"role":"leader"\|"role":"follower"\|"role":"learner"' <<<"$out"; then
        return 0
      fi
    done
    sleep 1
  done
  return 1
}

print_endpoints() { # N K
  local n=$1 k=$2 i state kind
  for ((i = 1; i <= n; i++)); do
    if alive "$i"; then state="pid $(pid_of "$i")"; else state="down"; fi
    if ((i <= k)); then kind="acceptor"; else kind="learner"; fi
    printf 'node %d (%s): remote akka.tcp://actors@%s:%d  commands 127.0.0.1:%d%s  data %s  (%s)\n' \
      "$i" "$kind" "$(host_of "$i")" $((REMOTE_BASE + i)) $((CMD_BASE + i)) "${NETNS:+ in namespace $NETNS-$i}" "$DATA/node-$i" "$state"
  done
}

cmd_start() { # N [--acceptors K]
  local n=3 k="" i
  if [ $# -gt 0 ] && [[ "$1" != --* ]]; then n=$1; shift; fi
  while [ $# -gt 0 ]; do
    case "$1" in
      --acceptors) [ $# -ge 2 ] || die "--acceptors needs a count"; k=$2; shift 2 ;;
      --acceptors=*) k=${1#--acceptors=}; shift ;;
      *) die "start: unknown option $1 (usage: start N [--acceptors K])" ;;
    esac
  done
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= MAX_NODES)) || die "start needs a node count from 1 to $MAX_NODES"
  if [ -z "$k" ]; then k=$((n < 5 ? n : 5)); fi
  [[ "$k" =~ ^[0-9]+$ ]] && ((k >= 1 && k <= n)) || die "--acceptors needs a count from 1 to the node count ($n)"
  mkdir -p "$DATA"
  if [ -f "$DATA/cluster.env" ]; then
    local old; old=$(cluster_size)
    for ((i = 1; i <= old; i++)); do alive "$i" && die "node $i is running; run: $0 stop"; done
  fi
  if [ -n "$NETNS" ]; then
    for ((i = 1; i <= n; i++)); do ip netns pids "$NETNS-$i" >/dev/null 2>&1 || die "no network namespace $NETNS-$i (scripts/netns.sh up $NETNS $n)"; done
  fi
  save_env "$n" "$k"
  build
  for ((i = 1; i <= n; i++)); do start_node "$i" "$k"; done
  echo "started $n nodes ($k acceptors, $((n - k)) learners); waiting for all Up and a leader (up to ${WAIT}s)..."
  if ! wait_ready "$n"; then
    print_endpoints "$n" "$k"
    die "cluster not ready after ${WAIT}s; see $DATA/node-*/node.log"
  fi
  echo "cluster ready"
  print_endpoints "$n" "$k"
  echo "try: ${NETNS:+ip netns exec $NETNS-1 }scripts/actors-cmd 127.0.0.1:$((CMD_BASE + 1)) kv put a 1"
}

cmd_add() {
  local n k i j
  load_env
  n=$NODES k=$ACCEPTORS i=$((NODES + 1))
  ((i <= MAX_NODES)) || die "a local cluster has at most $MAX_NODES nodes"
  local up=0
  for ((j = 1; j <= k; j++)); do alive "$j" && up=$((up + 1)); done
  ((up > 0)) || die "no acceptor of the cluster is running; run: $0 start N"
  [ -f "$HOST_DLL" ] || build
  start_node "$i" "$k"
  save_env "$i" "$k"
  echo "node $i (learner) started (pid $(pid_of "$i")); waiting until it is Up and follows a leader..."
  wait_member_up "$i" || die "node $i not Up after ${WAIT}s; see $DATA/node-$i/node.log"
  print_endpoints "$i" "$k" | tail -n 1
  echo "node $i is Up"
}

cmd_stop() {
  local n i p
  n=$(cluster_size)
  for ((i = 1; i <= n; i++)); do
    p=$(pid_of "$i")
    # A process stopped with SIGSTOP ignores SIGTERM until it is continued.
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; kill -CONT "$p" 2>/dev/null || true; fi
  done
  for ((i = 1; i <= n; i++)); do
    p=$(pid_of "$i")
    [ -n "$p" ] || continue
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p" 2>/dev/null || true; fi
    rm -f "$DATA/node-$i/pid"
    echo "node $i stopped"
  done
}

cmd_kill() {
  local i=${1:?kill needs a node number} n p
  n=$(cluster_size)
  ((i >= 1 && i <= n)) || die "no node $i (cluster of $n)"
  p=$(pid_of "$i")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || die "node $i is not running"
  kill -KILL "$p"
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  rm -f "$DATA/node-$i/pid"
  echo "node $i killed (pid $p)"
}

wait_member_up() { # I: until node I is Up in the cluster and follows a leader
  local i=$1 deadline=$((SECONDS + WAIT)) out
  while ((SECONDS < deadline)); do
    alive "$i" || return 1
    out=$(cli "$i" --json paxos status 2>/dev/null || true)
    if grep -q '"self":true,"leader":[a-z]*,"status":"up"' <<<"$out" && grep -q '"leader":[0-9]' <<<"$out"; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

cmd_launch() {
  local i=${1:?${2:-launch} needs a node number}
  load_env
  ((i >= 1 && i <= NODES)) || die "no node $i (cluster of $NODES)"
  [ -f "$HOST_DLL" ] || build
  start_node "$i" "$ACCEPTORS"
  echo "node $i started (pid $(pid_of "$i"))"
}

cmd_restart() {
  local i=${1:?restart needs a node number}
  cmd_launch "$i" restart
  echo "waiting until node $i is Up and follows a leader..."
  wait_member_up "$i" || die "node $i not Up after ${WAIT}s; see $DATA/node-$i/node.log"
  echo "node $i is Up"
}

cmd_status() {
  local n i
  load_env
  n=$NODES
  print_endpoints "$n" "$ACCEPTORS"
  for ((i = 1; i <= n; i++)); do
    alive "$i" || continue
    echo "--- node $i"
    cli "$i" paxos status || true
  done
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  add) cmd_add ;;
  stop) cmd_stop ;;
  kill) cmd_kill "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  launch) cmd_launch "${2:-}" ;;
  status) cmd_status ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
