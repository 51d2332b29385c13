#!/usr/bin/env bash
# Fault runs against formtest serve, loopback only, bounded in time:
#   1. Redis killed under load: wrk posts for 10 s at 50 connections while
#      Redis is stopped at 3 s and started again at 6 s. Prints the answers
#      (302/503/500), serve's ERROR lines and its other log lines about the
#      store.
#   2. A flood of anonymous posts on Redis (10 s at 100 connections): how
#      many keys it leaves and how long they live.
#
#   bash server/baseline/wrk/outage.sh [formtest binary]
#
# Needs wrk, redis-server and redis-cli. serve runs on CPU 0, wrk on CPU 1.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin=${1:-}
dir=$(mktemp -d)
port=6398
trap 'kill $(jobs -p) 2>/dev/null || true; redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
if [ -z "$bin" ]; then
  go build -o "$dir/formtest" ./cmd/formtest
  bin=$dir/formtest
fi
lua=$PWD/server/baseline/wrk/post.lua
redis() { redis-server --port $port --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize yes >/dev/null; }
up() { for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return; sleep 0.1; done; }

echo "== Redis stopped at 3 s and started again at 6 s of a 10 s load"
redis
taskset -c 0 "$bin" serve --quiet --addr 127.0.0.1:5191 --store redis://127.0.0.1:$port/0 2>"$dir/outage.log" &
pid=$!
up http://127.0.0.1:5191/
cat >"$dir/count.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "name=Jay&email=kpatel%40codingdojo.com"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() codes = {} end
function response(status) codes[status] = (codes[status] or 0) + 1 end
function done()
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("  status %d: %d\n", k, v)) end
end
LUA
(sleep 3; redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true; sleep 3; redis) &
taskset -c 1 wrk -t2 -c50 -d10s -s "$dir/count.lua" http://127.0.0.1:5191/users | grep -E 'Requests/sec|status'
sleep 1
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "  serve's log: $(grep -c 'level=ERROR' "$dir/outage.log" || true) ERROR lines, $(wc -l <"$dir/outage.log") lines in all:"
awk 'NR <= 12 { print "    " substr($0, 1, 220) }' "$dir/outage.log"

echo "== 10 s flood of anonymous posts on Redis"
redis-cli -p $port flushall >/dev/null
taskset -c 0 "$bin" serve --quiet --addr 127.0.0.1:5192 --store redis://127.0.0.1:$port/0 2>/dev/null &
pid=$!
up http://127.0.0.1:5192/
taskset -c 1 wrk -t2 -c100 -d10s -s "$lua" http://127.0.0.1:5192/users | grep -E 'Requests/sec'
kill "$pid"; wait "$pid" 2>/dev/null || true
keys=$(redis-cli -p $port dbsize)
key=$(redis-cli -p $port randomkey)
echo "  keys left: $keys, $(redis-cli -p $port info memory | awk -F: '/^used_memory_human/ {print $2}' | tr -d '\r') used; one of them lives $(redis-cli -p $port ttl "$key") s more"
