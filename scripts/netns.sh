#!/usr/bin/env bash
# Network namespaces for a local cluster whose faults cut every kind of traffic (cluster gossip, failure detector,
# sharding, Paxos), not only what the project's own transport carries. Needs root (ip netns).
#   netns.sh up NAME N        namespaces NAME-1..NAME-N, node i at 10.77.0.i/24 (loopback up too), all on a bridge
#                             in a namespace NAME-hub; nothing is added to the namespace the script runs in
#   netns.sh cut NAME A B     partition: nodes in the list A (e.g. 1,2) and in the list B (3,4,5) stop reaching each
#                             other, both ways (blackhole routes in each node's namespace)
#   netns.sh heal NAME N      removes every cut among nodes 1..N
#   netns.sh down NAME N      kills what still runs in the namespaces NAME-1..NAME-N (by PID) and deletes them and
#                             NAME-hub (their links go with them)
#   netns.sh clean PREFIX     the same for every set of namespaces PREFIX<pid>-* whose creating process <pid> is gone
#                             (a test that was killed before it could clean up)
#   netns.sh address I        the address of node I (10.77.0.I)
# local-cluster.sh runs node i in NAME-i when ACTORS_NETNS=NAME.
set -euo pipefail

die() { echo "netns: $*" >&2; exit 2; }

address() { echo "10.77.0.$1"; }

need_root() {
  [ "$(id -u)" -eq 0 ] || die "network namespaces need root (ip netns); run as root or without namespaces"
  command -v ip >/dev/null || die "the ip command (iproute2) is missing"
}

check_name() { [[ "$1" =~ ^[A-Za-z0-9_.-]{1,40}$ ]] || die "bad namespace name '$1'"; }

check_count() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 200)) || die "bad node count '$1'"; }

cmd_up() {
  local name=$1 n=$2
  check_name "$name"; check_count "$n"; need_root
  # Half a setup is taken down again. (Not under 'if': bash would ignore set -e inside.)
  local rc=0
  set +e
  (set -e; build "$name" "$n")
  rc=$?
  set -e
  if ((rc != 0)); then cmd_down "$name" "$n"; die "could not set up the namespaces $name-*"; fi
}

build() {
  set -e
  local name=$1 n=$2 i hub="$1-hub"
  ip netns add "$hub"
  ip -n "$hub" link set lo up
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" link set br0 up
  for ((i = 1; i <= n; i++)); do
    ip netns add "$name-$i"
    ip -n "$name-$i" link set lo up
    # Both ends are made inside the namespaces, so no name is ever taken in the namespace the script runs in.
    ip -n "$hub" link add "v$i" type veth peer name eth0 netns "$name-$i"
    ip -n "$hub" link set "v$i" master br0 up
    ip -n "$name-$i" addr add "$(address "$i")/24" dev eth0
    ip -n "$name-$i" link set eth0 up
  done
}

list() { tr ',' ' ' <<<"$1"; }

cmd_cut() {
  local name=$1 a=$2 b=$3 i j
  check_name "$name"; need_root
  for i in $(list "$a"); do
    for j in $(list "$b"); do
      ip -n "$name-$i" route replace blackhole "$(address "$j")/32"
      ip -n "$name-$j" route replace blackhole "$(address "$i")/32"
    done
  done
}

cmd_heal() {
  local name=$1 n=$2 i j
  check_name "$name"; check_count "$n"; need_root
  for ((i = 1; i <= n; i++)); do
    for ((j = 1; j <= n; j++)); do
      ip -n "$name-$i" route del blackhole "$(address "$j")/32" 2>/dev/null || true
    done
  done
}

cmd_down() {
  local name=$1 n=$2 i p
  check_name "$name"; check_count "$n"; need_root
  for ((i = 1; i <= n; i++)); do
    for p in $(ip netns pids "$name-$i" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$name-$i" 2>/dev/null || true
  done
  ip netns del "$name-hub" 2>/dev/null || true
}

cmd_clean() {
  local prefix=$1 ns name pid n
  check_name "$prefix"; need_root
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^${prefix}[0-9]+-hub$" || true); do
    name=${ns%-hub}
    pid=${name#"$prefix"}
    kill -0 "$pid" 2>/dev/null && continue # its test still runs
    n=$(ip netns list | awk '{print $1}' | grep -cE "^${name}-[0-9]+$" || true)
    echo "netns: removing $name-* (left by process $pid)"
    cmd_down "$name" "$((n > 0 ? n : 1))"
  done
}

case "${1:-}" in
  up) cmd_up "${2:?up needs a name}" "${3:?up needs a node count}" ;;
  cut) cmd_cut "${2:?cut needs a name}" "${3:?cut needs two node lists}" "${4:?cut needs two node lists}" ;;
  heal) cmd_heal "${2:?heal needs a name}" "${3:?heal needs a node count}" ;;
  down) cmd_down "${2:?down needs a name}" "${3:?down needs a node count}" ;;
  clean) cmd_clean "${2:?clean needs a prefix}" ;;
  address) address "${2:?address needs a node number}" ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
