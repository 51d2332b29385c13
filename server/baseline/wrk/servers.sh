# Sourced by run.sh and paired.sh, from the repository's root: builds
# formtest and the baseline, starts formtest serve --quiet on :5080 and the
# baseline on :5081, both pinned to CPU 0, and sets
#   dir     a scratch directory, removed on exit with the servers
#   ft, bl  the two servers' PIDs
#   cookie  a session cookie for GET /show, as "session=..."
#   lua     the wrk script that posts the form
#   median  a function: the median of the numbers on stdin
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/formtest" ./cmd/formtest
go build -o "$dir/baseline" ./cmd/formtest-baseline
taskset -c 0 "$dir/formtest" serve --quiet --addr 127.0.0.1:5080 2>/dev/null &
ft=$!
taskset -c 0 "$dir/baseline" -addr 127.0.0.1:5081 2>/dev/null &
bl=$!
for _ in $(seq 50); do
  curl -sf -o /dev/null http://127.0.0.1:5080/ && curl -sf -o /dev/null http://127.0.0.1:5081/ && break
  sleep 0.1
done
cookie=$(curl -s -o /dev/null -D - -d 'name=Jay&email=kpatel%40codingdojo.com' http://127.0.0.1:5080/users | sed -n 's/^Set-Cookie: \(session=[^;]*\).*/\1/p')
lua=server/baseline/wrk/post.lua
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
