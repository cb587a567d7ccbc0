#!/usr/bin/env bash
# Runs a local Actors cluster on loopback.
#   local-cluster.sh start N    build once (Release), start N nodes, wait for Up + leader, print endpoints
#   local-cluster.sh stop       stop every node of the cluster (by PID)
#   local-cluster.sh kill I     SIGKILL node I
#   local-cluster.sh restart I  start node I again on its data; wait until it is Up and follows a leader
#   local-cluster.sh launch I   start node I again on its data and return at once (the caller waits)
#   local-cluster.sh status     PID and paxos status of each node
# Node i: Akka.Remote port REMOTE_BASE+i (4053, ...), command port CMD_BASE+i (9110, ...),
# data in DATA/node-i, log in DATA/node-i/node.log.
# Environment: ACTORS_REMOTE_BASE (4052), ACTORS_CMD_BASE (9109), ACTORS_DATA (data), ACTORS_WAIT (120 s),
# ACTORS_CONFIG (extra HOCON file for every node), ACTORS_CONFIGURATION (build configuration, Release).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REMOTE_BASE="${ACTORS_REMOTE_BASE:-4052}"
CMD_BASE="${ACTORS_CMD_BASE:-9109}"
DATA="${ACTORS_DATA:-$ROOT/data}"
WAIT="${ACTORS_WAIT:-120}"
CONFIGURATION="${ACTORS_CONFIGURATION:-Release}"
HOST_DLL="$ROOT/src/Actors.Host/bin/$CONFIGURATION/net10.0/Actors.Host.dll"
CMD="$ROOT/scripts/actors-cmd"

die() { echo "local-cluster: $*" >&2; exit 2; }

build() {
  echo "building ($CONFIGURATION)..."
  dotnet build "$ROOT/src/Actors.Host/Actors.Host.csproj" -c "$CONFIGURATION" -nologo -v q >"$DATA/build.log" 2>&1 \
    || { cat "$DATA/build.log" >&2; die "build failed"; }
  dotnet build "$ROOT/src/Actors.Cmd/Actors.Cmd.csproj" -c Release -nologo -v q >>"$DATA/build.log" 2>&1 \
    || { cat "$DATA/build.log" >&2; die "build failed"; }
}

cluster_size() {
  [ -f "$DATA/cluster.env" ] || die "no cluster here ($DATA/cluster.env missing); run: $0 start N"
  # shellcheck disable=SC1091
  . "$DATA/cluster.env"
  echo "$NODES"
}

endpoints() { # N -> host:port list
  local n=$1 list="" i
  for ((i = 1; i <= n; i++)); do list+="${list:+,}127.0.0.1:$((REMOTE_BASE + i))"; done
  echo "$list"
}

pid_of() { local f="$DATA/node-$1/pid"; [ -f "$f" ] && cat "$f" || true; }

alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

start_node() { # I N
  local i=$1 n=$2 dir="$DATA/node-$1"
  if alive "$i"; then echo "node $i already running (pid $(pid_of "$i"))"; return; fi
  mkdir -p "$dir"
  local members; members=$(endpoints "$n")
  nohup dotnet "$HOST_DLL" --host 127.0.0.1 --port $((REMOTE_BASE + i)) --cmd-port $((CMD_BASE + i)) \
    --seeds "$members" --members "$members" --data-dir "$dir" >>"$dir/node.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
}

wait_ready() { # N: until some node sees all N Up and a leader
  local n=$1 deadline=$((SECONDS + WAIT)) i out ups
  while ((SECONDS < deadline)); do
    for ((i = 1; i <= n; i++)); do
      alive "$i" || continue
      out=$("$CMD" "127.0.0.1:$((CMD_BASE + i))" --json paxos status 2>/dev/null || true)
      ups=$(grep -o '"status":"up"' <<<"$out" | wc -l || true)
      if [ "$ups" -ge "$n" ] && grep -q '"leader":[0-9]' <<<"$out" && grep -q '"role":"leader"\|"role":"follower"' <<<"$out"; then
        return 0
      fi
    done
    sleep 1
  done
  return 1
}

print_endpoints() {
  local n=$1 i state
  for ((i = 1; i <= n; i++)); do
    if alive "$i"; then state="pid $(pid_of "$i")"; else state="down"; fi
    printf 'node %d: remote akka.tcp://actors@127.0.0.1:%d  commands 127.0.0.1:%d  data %s  (%s)\n' \
      "$i" $((REMOTE_BASE + i)) $((CMD_BASE + i)) "$DATA/node-$i" "$state"
  done
}

cmd_start() {
  local n=${1:-3}
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 9)) || die "start needs a node count from 1 to 9"
  mkdir -p "$DATA"
  if [ -f "$DATA/cluster.env" ]; then
    local old; old=$(cluster_size)
    for ((i = 1; i <= old; i++)); do alive "$i" && die "node $i is running; run: $0 stop"; done
  fi
  echo "NODES=$n" >"$DATA/cluster.env"
  build
  for ((i = 1; i <= n; i++)); do start_node "$i" "$n"; done
  echo "started $n nodes; waiting for all Up and a leader (up to ${WAIT}s)..."
  if ! wait_ready "$n"; then
    print_endpoints "$n"
    die "cluster not ready after ${WAIT}s; see $DATA/node-*/node.log"
  fi
  echo "cluster ready"
  print_endpoints "$n"
  echo "try: scripts/actors-cmd 127.0.0.1:$((CMD_BASE + 1)) kv put a 1"
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
    out=$("$CMD" "127.0.0.1:$((CMD_BASE + i))" --json paxos status 2>/dev/null || true)
    if grep -q '"self":true,"leader":[a-z]*,"status":"up"' <<<"$out" && grep -q '"leader":[0-9]' <<<"$out"; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

cmd_launch() {
  local i=${1:?${2:-launch} needs a node number} n
  n=$(cluster_size)
  ((i >= 1 && i <= n)) || die "no node $i (cluster of $n)"
  [ -f "$HOST_DLL" ] || build
  start_node "$i" "$n"
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
  n=$(cluster_size)
  print_endpoints "$n"
  for ((i = 1; i <= n; i++)); do
    alive "$i" || continue
    echo "--- node $i"
    "$CMD" "127.0.0.1:$((CMD_BASE + i))" paxos status || true
  done
}

case "${1:-}" in
  start) cmd_start "${2:-3}" ;;
  stop) cmd_stop ;;
  kill) cmd_kill "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  launch) cmd_launch "${2:-}" ;;
  status) cmd_status ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
