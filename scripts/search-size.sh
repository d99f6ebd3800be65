#!/usr/bin/env bash
# How big the search index is next to the pages it indexes (issue 5, point 4).
#
# Generates the 1,000-article benchmark corpus with the shared generator, builds it with the
# release binary and prints the total bytes of HTML, the bytes of search-index.js and their
# ratio. Usage:
#
#   scripts/search-size.sh [N]            # N articles, default 1000
#
# Environment: GLIA_SHARED (default: ../shared beside the repository) holds bench/gen_corpus.py;
# GLIA_BIN (default: target/release/glia, built with `cargo build --release` if missing);
# KEEP=1 keeps the generated corpus and output (their folder is printed).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-1000}"
shared="${GLIA_SHARED:-$repo/../shared}"
gen="$shared/bench/gen_corpus.py"
[ -f "$gen" ] || { echo "error: $gen not found (set GLIA_SHARED to the shared folder)" >&2; exit 1; }

bin="${GLIA_BIN:-$repo/target/release/glia}"
if [ -z "${GLIA_BIN:-}" ]; then
  (cd "$repo" && cargo build --release --quiet)
fi
[ -x "$bin" ] || { echo "error: $bin is not an executable" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/glia-search-size-XXXXXX")"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$work"' EXIT; fi

python3 "$gen" --n "$n" --out "$work/corpus" --layouts glia >/dev/null
"$bin" build --root "$work/corpus/glia" --output "$work/public" >&2

html_bytes=$(find "$work/public" -type f -name '*.html' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
html_files=$(find "$work/public" -type f -name '*.html' | wc -l)
index_bytes=$(stat -c %s "$work/public/search-index.js")
index_gzip=$(gzip -9 -c "$work/public/search-index.js" | wc -c)
html_gzip=$(find "$work/public" -type f -name '*.html' -exec cat {} + | gzip -9 -c | wc -c)

awk -v n="$n" -v hb="$html_bytes" -v hf="$html_files" -v ib="$index_bytes" -v ig="$index_gzip" -v hg="$html_gzip" 'BEGIN {
  printf "articles:             %d\n", n
  printf "HTML files:           %d\n", hf
  printf "total HTML bytes:     %d (%.1f MiB)\n", hb, hb / 1048576
  printf "search-index.js:      %d bytes (%.1f MiB), %d bytes gzip -9\n", ib, ib / 1048576, ig
  printf "index / HTML:         %.3f (%.1f%%)\n", ib / hb, 100 * ib / hb
  printf "index / HTML, gzip:   %.3f (all HTML concatenated, gzip -9: %d bytes)\n", ig / hg, hg
}'
[ "${KEEP:-0}" = 1 ] && echo "kept: $work" >&2
exit 0
