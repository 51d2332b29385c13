#!/usr/bin/env bash
# Loads two formtest builds at the same time, each serving POST /users on
# its own SQLite file (synchronous=FULL) with logging on, so that whatever
# else the machine does slows both alike. Both servers share CPU 0; two wrk
# (c=100 each) run on CPU 1. Each round prints, for each build, requests/s,
# the 99th-percentile latency, the answers that were not 2xx or 3xx (503s:
# lost posts) and the CPU time spent per request (from /proc/PID/stat).
#
#   bash server/baseline/wrk/stores-paired.sh A-BINARY B-BINARY [seconds] [rounds]
#
# To compare with the build before issue 10:
#   git archive ad97b60 | (mkdir -p /tmp/old && tar -x -C /tmp/old)
#   (cd /tmp/old && go build -o /tmp/old/formtest ./cmd/formtest)
#   go build -o /tmp/new-formtest ./cmd/formtest
#   bash server/baseline/wrk/stores-paired.sh /tmp/old/formtest /tmp/new-formtest 10 3
set -euo pipefail
cd "$(dirname "$0")/../../.."
a=$1 b=$2 secs=${3:-10} rounds=${4:-3}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
lua=$PWD/server/baseline/wrk/post.lua
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
taskset -c 0 "$a" serve --addr 127.0.0.1:5281 --store "sqlite:$dir/a.db" 2>"$dir/a.log" &
pa=$!
taskset -c 0 "$b" serve --addr 127.0.0.1:5282 --store "sqlite:$dir/b.db" 2>"$dir/b.log" &
pb=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null http://127.0.0.1:5281/ && curl -sf -o /dev/null http://127.0.0.1:5282/ && break
  sleep 0.1
done
printf '%-6s %5s %9s %9s %7s %14s\n' build round req/s p99 failed 'µs CPU/req'
for round in $(seq "$rounds"); do
  a0=$(ticks $pa); b0=$(ticks $pb)
  taskset -c 1 wrk -t1 -c100 -d"${secs}s" --latency -s "$lua" http://127.0.0.1:5281/users >"$dir/a.wrk" &
  wa=$!
  taskset -c 1 wrk -t1 -c100 -d"${secs}s" --latency -s "$lua" http://127.0.0.1:5282/users >"$dir/b.wrk" &
  wb=$!
  wait $wa $wb
  a1=$(ticks $pa); b1=$(ticks $pb)
  for x in a b; do
    if [ $x = a ]; then t=$((a1 - a0)); else t=$((b1 - b0)); fi
    n=$(awk '/requests in/ {print $1}' "$dir/$x.wrk")
    printf '%-6s %5d %9s %9s %7s %14.0f\n' $x "$round" "$(awk '/Requests\/sec/ {print $2}' "$dir/$x.wrk")" \
      "$(awk '$1 == "99%" {print $2}' "$dir/$x.wrk")" "$(awk '/Non-2xx/ {print $NF}' "$dir/$x.wrk" | grep . || echo 0)" \
      "$(echo "$t * 1000000 / $hz / $n" | bc -l)"
  done
done
