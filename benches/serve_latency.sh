#!/usr/bin/env bash
# Edit-to-served latency of `alumni serve` next to `hugo server`, on the same
# generated corpus, in one run. Measures; asserts nothing.
#
#   benches/serve_latency.sh [PAGES] [EDITS]      (defaults: 10000 pages, 20 edits)
#
# Needs: a release build (cargo build --release), python3, Debian's hugo.
# Corpora go to /dev/shm (tmpfs), so the disk's noise stays out.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-10000}
edits=${2:-20}
shared=../shared/bench
work=/dev/shm/alumni-bench-serve-$pages
rm -rf "$work"
mkdir -p "$work"
python3 "$shared/gen_corpus.py" --pages "$pages" --out "$work/ours" --flavor ours >/dev/null
cp -r benches/site/. "$work/ours/"
python3 "$shared/gen_corpus.py" --pages "$pages" --out "$work/hugo" --flavor hugo >/dev/null

page=$(ls "$work/ours/content/news" | grep -v '^_index' | sed -n 1p)
slug=${page%.md}

echo "== page edit, alumni serve ($pages pages, $edits edits)"
python3 "$shared/serve_latency.py" --url "http://127.0.0.1:1112/news/$slug/" \
  --file "$work/ours/content/news/$page" --edits "$edits" --gap 1 --settle 2 \
  -- ./target/release/alumni serve --root "$work/ours" --port 1112

echo "== page edit, hugo server ($pages pages, $edits edits)"
python3 "$shared/serve_latency.py" --url "http://127.0.0.1:1313/news/$slug/" \
  --file "$work/hugo/content/news/$page" --edits "$edits" --gap 1 --settle 2 --timeout 60 \
  -- hugo server --source "$work/hugo" --port 1313 --bind 127.0.0.1 --cacheDir "$work/hugo-cache" --disableLiveReload

echo "== template edit, alumni serve: time until the page shows the edited template"
python3 benches/template_latency.py --url "http://127.0.0.1:1112/news/$slug/" \
  --template "$work/ours/themes/bench/templates/page.html" --edits "$edits" \
  -- ./target/release/alumni serve --root "$work/ours" --port 1112

echo "== template edit, hugo server"
python3 benches/template_latency.py --url "http://127.0.0.1:1313/news/$slug/" \
  --template "$work/hugo/layouts/_default/single.html" --edits "$edits" --timeout 60 \
  -- hugo server --source "$work/hugo" --port 1313 --bind 127.0.0.1 --cacheDir "$work/hugo-cache" --disableLiveReload
rm -rf "$work"
