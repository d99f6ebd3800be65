#!/usr/bin/env bash
# Builds each site with two glia binaries and fails if anything differs: the output tree
# (diff -r), the exit status or the messages (output folder and build time masked). For refactors that promise byte-identical output.
#
#   scripts/same-output.sh OLD_GLIA NEW_GLIA SITE_ROOT...
#
# SOURCE_DATE_EPOCH is fixed (unless set) so build dates match. Outputs go to a temporary
# folder, which is kept (and named) when something differs.
set -u

if [ $# -lt 3 ]; then
    echo "usage: $0 OLD_GLIA NEW_GLIA SITE_ROOT..." >&2
    exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
shift 2
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"

work=$(mktemp -d "${TMPDIR:-/tmp}/same-output.XXXXXX")
status=0
i=0
for root in "$@"; do
    i=$((i + 1))
    mkdir -p "$work/$i/old" "$work/$i/new"
    for side in old new; do
        bin=$old
        [ "$side" = new ] && bin=$new
        "$bin" build --root "$root" --output "$work/$i/$side/out" \
            >"$work/$i/$side.stdout" 2>"$work/$i/$side.stderr" </dev/null
        echo $? >"$work/$i/$side.status"
        # The messages name the output folder and the build time, which differ by design.
        for f in stdout stderr; do
            sed -E -i "s#$work/$i/$side/#OUT/#g; s/ in [0-9.]+ s / in N s /g" "$work/$i/$side.$f"
        done
    done
    same=yes
    for f in status stdout stderr; do
        if ! cmp -s "$work/$i/old.$f" "$work/$i/new.$f"; then
            echo "DIFFERENT $f: $root" >&2
            diff "$work/$i/old.$f" "$work/$i/new.$f" | head -20 >&2
            same=no
        fi
    done
    if [ -d "$work/$i/old/out" ] || [ -d "$work/$i/new/out" ]; then
        if ! diff -r "$work/$i/old/out" "$work/$i/new/out" >"$work/$i/diff" 2>&1; then
            echo "DIFFERENT output: $root" >&2
            head -20 "$work/$i/diff" >&2
            same=no
        fi
    fi
    files=$(find "$work/$i/new/out" -type f 2>/dev/null | wc -l)
    if [ $same = yes ]; then
        echo "same: $root ($files files, exit $(cat "$work/$i/new.status"))"
        rm -rf "${work:?}/$i"
    else
        status=1
    fi
done
if [ $status = 0 ]; then
    rm -rf "$work"
else
    echo "outputs kept in $work" >&2
fi
exit $status
