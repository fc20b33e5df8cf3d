#!/usr/bin/env bash
# Builds the site for http://127.0.0.1:PORT/, serves it as a CDN would
# (tests/tools/static_server.py) and runs Debian's LinkChecker over it from
# the home page and the sitemap: any broken internal link or #fragment fails.
#
#   tests/tools/linkcheck.sh [ALUMNI_BINARY] [PORT]
#
# LinkChecker, run as root, drops to the user `nobody`: everything it reads
# is put in a world-readable temporary folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
alumni=${1:-target/release/alumni}
port=${2:-8765}
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
"$alumni" build --base-url "http://127.0.0.1:$port/" --out "$work/public" >/dev/null
cp tests/tools/linkcheckerrc "$work/linkcheckerrc"
chmod -R a+rX "$work"
python3 tests/tools/static_server.py "$work/public" "$port" &
server=$!
for _ in $(seq 50); do
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then break; fi
  sleep 0.1
done
status=0
linkchecker -f "$work/linkcheckerrc" --no-robots --no-status -o text \
  "http://127.0.0.1:$port/" "http://127.0.0.1:$port/sitemap.xml" > "$work/report.txt" 2>&1 || status=$?
# The report's statistics line, then every problem when there is one.
grep -E "links in .* URLs checked" "$work/report.txt" || true
if [ "$status" -ne 0 ]; then
  cat "$work/report.txt"
  echo "linkchecker: broken links or anchors (exit $status)"
  exit 1
fi
