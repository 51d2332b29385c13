#!/usr/bin/env bash
# Loads formtest serve on each session store with wrk, POSTing the form, as
# in issue 10's load runs: loopback only, bounded by the duration.
#
#   bash server/baseline/wrk/stores.sh [seconds] [connections] [formtest binary]
#
# Without a binary it builds ./cmd/formtest. serve logs every exchange (no
# --quiet), runs on CPU 0 and wrk on CPU 1. For each store it prints
# requests/s, the 99th-percentile latency, how many answers were not 2xx or
# 3xx, and what serve's log says: exchanges answered 503 and 500, ERROR
# lines, and requests whose client left (499) when the load stopped.
# Redis runs only when redis-server is on PATH. STORES="sqlite-full redis"
# picks some of the stores (sqlite-full, sqlite-normal, redis).
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${1:-30}
conns=${2:-100}
bin=${3:-}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
if [ -z "$bin" ]; then
  go build -o "$dir/formtest" ./cmd/formtest
  bin=$dir/formtest
fi
lua=$PWD/server/baseline/wrk/post.lua

stores=("sqlite-full sqlite:$dir/full.db" "sqlite-normal sqlite:$dir/normal.db?sync=normal")
if command -v redis-server >/dev/null; then
  redis-server --port 6399 --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" >/dev/null
  trap 'kill $(jobs -p) 2>/dev/null || true; kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; rm -rf "$dir"' EXIT
  stores+=("redis redis://127.0.0.1:6399/0")
fi

printf '%-14s %9s %9s %8s %7s %7s %7s %7s\n' store req/s p99 non2xx3xx log503 log500 ERRORs 499s
port=5180
for entry in "${stores[@]}"; do
  name=${entry%% *}
  spec=${entry#* }
  if [ -n "${STORES:-}" ] && [[ " $STORES " != *" $name "* ]]; then continue; fi
  port=$((port + 1))
  taskset -c 0 "$bin" serve --addr 127.0.0.1:$port --store "$spec" 2>"$dir/$name.log" &
  pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$port/ && break; sleep 0.1; done
  taskset -c 1 wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$lua" http://127.0.0.1:$port/users >"$dir/$name.wrk"
  sleep 1
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rps=$(awk '/Requests\/sec/ {print $2}' "$dir/$name.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/$name.wrk")
  non=$(awk '/Non-2xx or 3xx/ {print $NF}' "$dir/$name.wrk")
  printf '%-14s %9s %9s %8s %7s %7s %7s %7s\n' "$name" "$rps" "$p99" "${non:-0}" \
    "$(grep -c -- '-> 503' "$dir/$name.log" || true)" "$(grep -c -- '-> 500' "$dir/$name.log" || true)" \
    "$(grep -c 'level=ERROR' "$dir/$name.log" || true)" "$(grep -c -- '-> 499' "$dir/$name.log" || true)"
done
