#!/usr/bin/env bash
# Load-tests `formtest tutor --classroom --plain` (on 127.0.0.1 only) with a
# class of 30, 300 and 3,000 students from formtest-classload, each from a
# loopback address of its own (127.1.0.1 and on) at RATE requests a second,
# then one greedy student sending flat out beside 30 steady ones. For each
# it prints the class's requests/s, status counts and latency, the tutor's
# CPU (percent of one core) and RSS.
#
# wrk cannot stand in for many students: Linux gives every connection to
# 127.0.0.0/8 the source 127.0.0.1 (`ip route get 127.0.0.5`), which the
# tutor exempts as its own. wrk is run last, from 127.0.0.1, for the
# classroom server's raw requests/s.
# Usage: bash server/baseline/wrk/classroom.sh [seconds per run] [rate]
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${1:-10}
rate=${2:-2}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/formtest" ./cmd/formtest
go build -o "$dir/classload" ./cmd/formtest-classload
mkdir -p "$dir/state/formtest"
# Resume at the template stage, where the form goes into the session.
echo '{"version":1,"current":"template","done":[]}' > "$dir/state/formtest/tutor.json"
port=5090
XDG_STATE_HOME="$dir/state" "$dir/formtest" tutor --classroom --plain --store cookie --addr "127.0.0.1:$port" > "$dir/tutor.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
measure() { # label, then classload's arguments
  local label=$1; shift
  local t0; t0=$(ticks)
  local out; out=$("$dir/classload" -url "http://127.0.0.1:$port" -d "${secs}s" "$@")
  local t1; t1=$(ticks)
  echo "== $label"
  echo "$out"
  echo "tutor CPU $(echo "scale=1; 100 * ($t1 - $t0) / $hz / $secs" | bc)% of a core; RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
}
for n in 30 300 3000; do
  measure "$n students at $rate requests/s each" -clients "$n" -rate "$rate"
done
measure "1 greedy student (flat out) beside 29 steady ones" -clients 30 -greedy 1 -rate "$rate"
echo "== wrk -t1 -c32 from 127.0.0.1 (exempt: the tutor's own address), GET /"
wrk -t1 -c32 -d"${secs}s" "http://127.0.0.1:$port/" | grep -E 'Requests/sec|Latency|Non-2xx'
echo "tutor peak RSS $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
