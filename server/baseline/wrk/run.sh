#!/usr/bin/env bash
# Load-tests formtest serve --quiet against the baseline server with wrk,
# on loopback only, and prints requests/s per route and each server's peak
# RSS. Usage: bash server/baseline/wrk/run.sh [seconds]   (needs wrk)
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${1:-10}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/formtest" ./cmd/formtest
go build -o "$dir/baseline" ./cmd/formtest-baseline
"$dir/formtest" serve --quiet --addr 127.0.0.1:5080 2>/dev/null &
ft=$!
"$dir/baseline" -addr 127.0.0.1:5081 2>/dev/null &
bl=$!
sleep 1
cookie=$(curl -s -o /dev/null -D - -d 'name=Jay&email=kpatel%40codingdojo.com' http://127.0.0.1:5080/users | sed -n 's/^Set-Cookie: \(session=[^;]*\).*/\1/p')
lua=server/baseline/wrk/post.lua
printf '%-10s %-12s %12s\n' server route requests/s
for port in 5080 5081; do
  name=formtest; [ $port = 5081 ] && name=baseline
  for route in "GET /" "POST /users" "GET /show"; do
    set -- $route
    args=(-t2 -c32 -d"${secs}s" --latency)
    [ "$1" = POST ] && args+=(-s "$lua")
    [ "$2" = /show ] && args+=(-H "Cookie: $cookie")
    rps=$(wrk "${args[@]}" "http://127.0.0.1:$port$2" | awk '/Requests\/sec/ {print $2}')
    printf '%-10s %-12s %12s\n' "$name" "$route" "$rps"
  done
done
for p in $ft $bl; do
  name=formtest; [ $p = $bl ] && name=baseline
  echo "$name peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$p/status)"
done
