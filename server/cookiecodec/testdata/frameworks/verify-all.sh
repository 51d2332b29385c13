#!/bin/sh
# Check every cookie in the given JSON files with the real library of its format.
#
#   sh verify-all.sh cookies.json [more.json ...]
#
# Runs each verify-* script whose formats appear in the input; prints their
# lines and exits 1 if any of them failed or if a format in the input has no
# verifier. NODE_PATH defaults to /tmp/fxnode/node_modules (see README.md).
set -u
here=$(dirname "$0")
: "${NODE_PATH:=/tmp/fxnode/node_modules}"
export NODE_PATH
[ $# -ge 1 ] || { echo "usage: verify-all.sh FILE.json [FILE.json ...]" >&2; exit 2; }

formats=$(/usr/bin/python3 -c '
import json, sys
seen = set()
for p in sys.argv[1:]:
    for e in json.load(open(p, encoding="utf-8")):
        seen.add(e.get("format"))
print(" ".join(sorted(str(f) for f in seen)))
' "$@") || exit 2

status=0
ran=""
for f in $formats; do
  case $f in
    django|django-db|flask) v="/usr/bin/python3 $here/verify-python.py" ;;
    express-cookie-session|express-session|jwt) v="node $here/verify-node.js" ;;
    rails) v="ruby $here/verify-rails.rb" ;;
    laravel) v="php $here/verify-laravel.php" ;;
    *) echo "FAIL no verifier here for format '$f'"; status=1; continue ;;
  esac
  case " $ran " in *" $v "*) continue ;; esac
  ran="$ran $v"
  echo "== $v"
  $v "$@" || status=1
done
exit $status
