#!/usr/bin/env bash
# Load-tests formtest serve --quiet against the baseline server with wrk
# (c=32), on loopback only. The servers run on CPU 0 and wrk on CPU 1, so
# they do not fight over a core; each route is run ROUNDS times, the two
# servers taking turns, and the median requests/s is printed with the
# ratio formtest/baseline, then each server's peak RSS.
# Usage: bash server/baseline/wrk/run.sh [seconds per run] [rounds]
# Needs wrk and taskset (Debian: wrk, util-linux).
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${1:-5}
rounds=${2:-3}
. server/baseline/wrk/servers.sh
printf '%-12s %14s %14s %7s\n' route formtest baseline ratio
for route in "GET /" "POST /users" "GET /show"; do
  set -- $route
  args=(-t1 -c32 -d"${secs}s")
  [ "$1" = POST ] && args+=(-s "$lua")
  [ "$2" = /show ] && args+=(-H "Cookie: $cookie")
  : > "$dir/5080"; : > "$dir/5081"
  for _ in $(seq "$rounds"); do
    for port in 5080 5081; do
      taskset -c 1 wrk "${args[@]}" "http://127.0.0.1:$port$2" | awk '/Requests\/sec/ {print $2}' >> "$dir/$port"
    done
  done
  f=$(median < "$dir/5080"); b=$(median < "$dir/5081")
  printf '%-12s %14s %14s %7.3f\n' "$route" "$f" "$b" "$(echo "$f / $b" | bc -l)"
done
echo "formtest peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$ft/status)"
echo "baseline peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$bl/status)"
