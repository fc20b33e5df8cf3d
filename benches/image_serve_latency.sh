#!/usr/bin/env bash
# Page-edit latency of `alumni serve` with 200 photos on the site, next to
# the same site without them, in one run. Measures; asserts nothing.
#
#   benches/image_serve_latency.sh [PHOTOS] [EDITS]   (defaults: 200 photos, 20 edits)
#
# Uses the sites of benches/image_bench.py (run it first with the same
# --photos): the repository's own site with PHOTOS news bundles, with and
# without their photos. The photo site's image cache is removed first, so
# the edits are timed while serve's background thread makes every variant
# of 200 photos of 12 megapixels: what a staff member meets on a fresh
# checkout. Needs a release build (cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
photos=${1:-200}
edits=${2:-20}
work=/dev/shm/alumni-image-bench
[ -d /dev/shm ] || work=/tmp/alumni-image-bench
probe=../shared/bench/serve_latency.py
for site in real-$photos real-bare-$photos; do
  [ -d "$work/$site" ] || { echo "no $work/$site: run benches/image_bench.py --photos $photos first" >&2; exit 1; }
done
rm -rf "$work/real-$photos/.alumni-cache"

for site in real-$photos real-bare-$photos; do
  echo "== page edit, alumni serve, $site ($edits edits)"
  python3 "$probe" --url "http://127.0.0.1:1112/news/photo-001/" \
    --file "$work/$site/content/news/photo-001/index.md" --edits "$edits" --gap 1 --settle 2 \
    -- ./target/release/alumni serve --root "$work/$site" --port 1112
done
