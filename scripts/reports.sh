#!/usr/bin/env bash
# Writes every report format of every fixture and of the benchmark corpora
# into OUT, so two builds can be compared byte for byte:
#
#   scripts/reports.sh target/reports-before           # release build of this tree
#   BIN=/path/to/egress-scan scripts/reports.sh target/reports-after
#   diff -r target/reports-before target/reports-after
#
# Corpora under target/bench-corpus (made by scripts/bench.sh) are included
# when present. Reports never enter the repository: write them under target/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: scripts/reports.sh OUT_DIR}
if [ -z "${BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    BIN=$ROOT/target/release/egress-scan
fi
mkdir -p "$OUT"
targets=()
for f in "$ROOT"/fixtures/*/; do targets+=("fixtures/$(basename "$f")"); done
for c in target/bench-corpus/synth-10000 target/bench-corpus/real/src; do
    [ -d "$ROOT/$c" ] && targets+=("$c")
done
cd "$ROOT"
for t in "${targets[@]}"; do
    name=${t//\//_}
    for fmt in json sarif markdown table; do
        # Exit status 1 (findings at/above --fail-on) is part of the result.
        set +e
        "$BIN" "$t" -f "$fmt" --no-cache --no-progress --fail-on high >"$OUT/$name.$fmt" 2>"$OUT/$name.$fmt.stderr"
        echo "exit $?" >>"$OUT/$name.$fmt.stderr"
        set -e
    done
    "$BIN" "$t" -f json --no-cache --no-progress --include-tests >"$OUT/$name.tests.json" 2>/dev/null || true
done
echo "reports of ${#targets[@]} trees written to $OUT"
