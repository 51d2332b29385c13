#!/usr/bin/env bash
# Measures the full-screen class view (`formtest tutor --classroom`, in a
# tmux window of 120x40, on 127.0.0.1) while formtest-classload plays a
# class of N students, each from a loopback address of its own, at RATE
# requests a second: the tutor's CPU and RSS, and the time from a key
# press (g, then G: the selection jumps to the first row, then the last)
# to the frame that shows it, as tmux sees it (send-keys, then
# capture-pane every few milliseconds until the marker moved). tmux's own
# round trips are in the figure, so it is an upper bound.
# Usage: bash server/baseline/wrk/classview.sh [students] [seconds] [rate] [presses]
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-300}
secs=${2:-15}
rate=${3:-2}
presses=${4:-20}
dir=$(mktemp -d)
sess=formtest-classview-$$
trap 'tmux kill-session -t "$sess" 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/formtest" ./cmd/formtest
go build -o "$dir/classload" ./cmd/formtest-classload
mkdir -p "$dir/state/formtest"
echo '{"version":1,"current":"template","done":[]}' > "$dir/state/formtest/tutor.json"
port=5091
tmux new-session -d -s "$sess" -x 120 -y 40 "XDG_STATE_HOME=$dir/state $dir/formtest tutor --classroom --store cookie --addr 127.0.0.1:$port"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
# Keys typed while the program is still starting can be lost: wait for the
# join screen's help line, then close it for the class view.
for _ in $(seq 100); do tmux capture-pane -p -t "$sess" | grep -q 'enter to the class' && break; sleep 0.1; done
tmux send-keys -t "$sess" Enter
for _ in $(seq 100); do tmux capture-pane -p -t "$sess" | grep -q 'client  browser' && break; sleep 0.1; done
pid=$(pgrep -f "^$dir/formtest tutor" | head -1)
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(ticks)
"$dir/classload" -url "http://127.0.0.1:$port" -d "${secs}s" -clients "$n" -rate "$rate" > "$dir/load.txt" &
load=$!
sleep 3 # the class has arrived
lat=()
for i in $(seq "$presses"); do
  for k in g G; do
    before=$(tmux capture-pane -p -t "$sess" | grep -n '^› ' | cut -d: -f1 || true)
    s=$(date +%s%N)
    tmux send-keys -t "$sess" "$k"
    while :; do
      now=$(tmux capture-pane -p -t "$sess" | grep -n '^› ' | cut -d: -f1 || true)
      [ -n "$now" ] && [ "$now" != "$before" ] && break
      [ $(( ($(date +%s%N) - s) / 1000000 )) -gt 2000 ] && break
    done
    lat+=($(( ($(date +%s%N) - s) / 1000 )))
  done
done
wait "$load" 2>/dev/null || true # gone already after a long run of presses
t1=$(ticks)
echo "== $n students at $rate requests/s each, class view on screen"
cat "$dir/load.txt"
sorted=($(printf '%s\n' "${lat[@]}" | sort -n))
c=${#sorted[@]}
echo "key press to frame (via tmux): median $((sorted[c/2]/1000)).$(( (sorted[c/2]%1000)/100 )) ms, max $((sorted[c-1]/1000)).$(( (sorted[c-1]%1000)/100 )) ms over $c presses"
echo "tutor CPU $(echo "scale=1; 100 * ($t1 - $t0) / $hz / $secs" | bc)% of a core; RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status), peak $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
tmux capture-pane -p -t "$sess" | head -8
