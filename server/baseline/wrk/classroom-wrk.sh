#!/usr/bin/env bash
# The per-computer budget under wrk: one student's machine runs wrk flat
# out at the classroom tutor while 29 others are served at RATE requests a
# second each (formtest-classload, from loopback addresses of their own).
#
# wrk cannot bind a source address, and on loopback Linux gives it
# 127.0.0.1, the tutor's own (exempt). So the greedy student gets a
# machine of its own: a network namespace joined to this one by a veth
# pair, 10.77.0.2 on its side and 10.77.0.1 on ours, which is how a
# laptop on the classroom's network reaches the teacher's. Needs root
# (ip netns); it removes the namespace and the link when it ends.
# Usage: sudo bash server/baseline/wrk/classroom-wrk.sh [seconds] [rate] [wrk connections]
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${1:-10}
rate=${2:-2}
conns=${3:-32}
dir=$(mktemp -d)
ns=formtest-greedy-$$
cleanup() {
  kill "${pid:-}" 2>/dev/null || true
  ip link del ft-host 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns"
ip link add ft-host type veth peer name ft-student
ip link set ft-student netns "$ns"
ip addr add 10.77.0.1/24 dev ft-host
ip link set ft-host up
ip netns exec "$ns" ip addr add 10.77.0.2/24 dev ft-student
ip netns exec "$ns" ip link set ft-student up
ip netns exec "$ns" ip link set lo up

go build -o "$dir/formtest" ./cmd/formtest
go build -o "$dir/classload" ./cmd/formtest-classload
mkdir -p "$dir/state/formtest"
echo '{"version":1,"current":"template","done":[]}' > "$dir/state/formtest/tutor.json"
port=5096
# Every interface: the class's addresses are not exempt, only loopback is.
XDG_STATE_HOME="$dir/state" "$dir/formtest" tutor --classroom --plain --store cookie --addr "0.0.0.0:$port" > "$dir/tutor.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
hz=$(getconf CLK_TCK)
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
"$dir/classload" -url "http://127.0.0.1:$port" -d "${secs}s" -clients 29 -rate "$rate" > "$dir/class.txt" &
class=$!
echo "== wrk -t1 -c$conns -d${secs}s from 10.77.0.2 (a machine of its own), GET /"
ip netns exec "$ns" wrk -t1 -c"$conns" -d"${secs}s" "http://10.77.0.1:$port/" > "$dir/wrk.txt"
grep -E 'Requests/sec|Latency|Non-2xx|requests in' "$dir/wrk.txt"
awk -v secs="$secs" '/requests in/ {n = $1} /Non-2xx/ {r = $NF} END {printf "served %d, refused with 429: %d (its budget: 30 at once and 5 a second, %d in %d s)\n", n - r, r, 30 + 5 * secs, secs}' "$dir/wrk.txt"
wait "$class" || true
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
echo "== 29 steady students beside it"
cat "$dir/class.txt"
echo "tutor CPU $(echo "scale=1; 100 * ($t1 - $t0) / $hz / $secs" | bc)% of a core; RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
