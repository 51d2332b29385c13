#!/usr/bin/env bash
# Loads formtest serve --quiet and the baseline server at the same time, so
# that whatever else the machine is doing slows both alike. Both servers
# share CPU 0; two wrk (c=32 each) run on CPU 1. For each route it prints
# the median over ROUNDS runs of each server's requests/s and of the CPU
# time each spent per request (from /proc/PID/stat), and the ratio
# baseline CPU / formtest CPU: 1.0 means formtest costs the same per
# request, 0.9 that it costs 11% more. A first warm-up run is not counted.
# Usage: bash server/baseline/wrk/paired.sh [seconds per run] [rounds]
# Needs wrk, taskset and bc (Debian: wrk, util-linux, bc).
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${1:-5}
rounds=${2:-5}
. server/baseline/wrk/servers.sh
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
printf '%-12s %10s %10s %12s %12s %9s\n' route 'ft req/s' 'bl req/s' 'ft µs CPU/req' 'bl µs CPU/req' 'bl/ft CPU'
for route in "GET /" "POST /users" "GET /show"; do
  set -- $route
  args=(-t1 -c32 -d"${secs}s")
  [ "$1" = POST ] && args+=(-s "$lua")
  [ "$2" = /show ] && args+=(-H "Cookie: $cookie")
  for f in frps brps fcpu bcpu ratio; do : > "$dir/$f"; done
  for round in $(seq 0 "$rounds"); do
    f0=$(ticks $ft); b0=$(ticks $bl)
    taskset -c 1 wrk "${args[@]}" "http://127.0.0.1:5080$2" > "$dir/outf" &
    wf=$!
    taskset -c 1 wrk "${args[@]}" "http://127.0.0.1:5081$2" > "$dir/outb" &
    wb=$!
    wait $wf $wb
    f1=$(ticks $ft); b1=$(ticks $bl)
    [ "$round" = 0 ] && continue # warm-up
    nf=$(awk '/requests in/ {print $1}' "$dir/outf"); nb=$(awk '/requests in/ {print $1}' "$dir/outb")
    awk '/Requests\/sec/ {print $2}' "$dir/outf" >> "$dir/frps"
    awk '/Requests\/sec/ {print $2}' "$dir/outb" >> "$dir/brps"
    cf=$(echo "($f1 - $f0) * 1000000 / $hz / $nf" | bc -l); cb=$(echo "($b1 - $b0) * 1000000 / $hz / $nb" | bc -l)
    echo "$cf" >> "$dir/fcpu"; echo "$cb" >> "$dir/bcpu"; echo "$cb / $cf" | bc -l >> "$dir/ratio"
  done
  printf '%-12s %10.0f %10.0f %12.2f %12.2f %9.3f\n' "$route" "$(median < "$dir/frps")" "$(median < "$dir/brps")" \
    "$(median < "$dir/fcpu")" "$(median < "$dir/bcpu")" "$(median < "$dir/ratio")"
done
