#!/usr/bin/env bash
# Runs each fuzz target of alumni for a bounded time, one after the other,
# on one worker, after seeding its corpus from the repository's content and
# test fixtures. Stops at the first crash (libFuzzer's exit code), leaving
# the input under fuzz/artifacts/<target>/.
#
#   fuzz/run.sh [SECONDS] [TARGET...]    (defaults: 60 seconds each, every target)
#
# Needs the nightly toolchain (rustup) and cargo-fuzz (cargo install cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(front_matter markdown resolve_path attachment)
fi

# Seeds: every Markdown file of the site and of the fixtures (front matter
# and bodies with shortcodes, valid and invalid), and request paths, hostile
# ones included. Named by content, so reseeding adds no duplicates.
seed_file() {
  local dir=$1 file=$2
  cp "$file" "$dir/seed-$(sha1sum "$file" | cut -c1-16)"
}
seed() {
  local target=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  case $target in
    front_matter | markdown)
      while IFS= read -r -d '' f; do seed_file "$dir" "$f"; done \
        < <(find content tests/fixtures benches/site -name '*.md' -print0)
      ;;
    attachment)
      while IFS= read -r -d '' f; do seed_file "$dir" "$f"; done \
        < <(find content themes tests/fixtures -type f \( -name '*.svg' -o -name '*.png' \
          -o -name '*.jpg' -o -name '*.pdf' -o -name '*.html' -o -name '*.js' \) -print0)
      ;;
    resolve_path)
      local url n=0
      for url in / /clubs/ /clubs /clubs/biotech/ '/clubs/?x=1' '/en/clubs/biotech/#top' \
        /static/site.css /alter-ego/episode-1/poster.svg /tags/%C3%A9conomie/ /cl%75bs/ \
        /nope/ //etc/passwd /../etc/passwd /%2e%2e/etc/passwd /clubs%2fbiotech/ \
        '/..\..\etc\passwd' /clubs/%00 /%zz /%ff%fe /__alumni/poll?v=1; do
        printf '%s' "$url" >"$dir/seed-url-$n"
        n=$((n + 1))
      done
      ;;
  esac
}

for t in "${targets[@]}"; do
  seed "$t"
  echo "== $t: ${seconds}s"
  cargo +nightly fuzz run --debug-assertions "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -workers=1 -print_final_stats=1
done
