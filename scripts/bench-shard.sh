#!/usr/bin/env bash
# What one `scan --shard K/N` job costs next to a full scan (not a timed
# test). Every shard parses and analyses the whole project (cross-file facts
# stay exact) and reports only its own files, so a shard should cost about
# as much as the full scan.
#
# Builds target/bench-shard/repo from COPIES copies of every fixture (never
# committed) and times, best of RUNS: the full scan, and shard 1/N.
#
# Usage: scripts/bench-shard.sh [COPIES] [N] [THREADS]
set -euo pipefail

COPIES=${1:-100}
N=${2:-4}
THREADS=${3:-2}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${EGRESS_SCAN:-$ROOT/target/release/egress-scan}
REPO=$ROOT/target/bench-shard/repo

if [ ! -x "$BIN" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi
rm -rf "$REPO"
mkdir -p "$REPO"
for i in $(seq 1 "$COPIES"); do
    for f in "$ROOT"/fixtures/*/; do
        cp -r "$f" "$REPO/p$i-$(basename "$f")"
    done
done

best() {
    local best=""
    for _ in $(seq 1 "$RUNS"); do
        local s e t
        s=$(date +%s.%N)
        "$BIN" scan "$REPO" -j "$THREADS" -f json "$@" > /dev/null
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    done
    echo "$best"
}

files=$(find "$REPO" -type f | wc -l)
full=$(best)
shard=$(best --shard "1/$N")
printf 'files %d  full %.2fs  shard 1/%d %.2fs  ratio %.2f\n' "$files" "$full" "$N" "$shard" \
    "$(echo "$shard / $full" | bc -l)"
