#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 600), one after
# the other, with seed corpora made from fixtures/ and rules/. Needs the
# nightly toolchain and cargo-fuzz. Corpora and crash artifacts stay under
# fuzz/corpus and fuzz/artifacts (git-ignored); copy a crash input into
# tests/fuzz_regressions/<target>/ so `cargo test` replays it.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail

SECONDS_PER_TARGET=${1:-600}
shift || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/fuzz"
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(analyse_typescript analyse_swift analyse_kotlin load_rules_and_config load_report)

seed() {
    local target=$1; shift
    mkdir -p "corpus/$target"
    find "$ROOT/fixtures" "$ROOT/rules" "$ROOT/tests/fuzz_regressions/$target" -type f \( "$@" \) \
        -exec cp -n {} "corpus/$target/" \; 2>/dev/null || true
}
seed analyse_typescript -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.mjs'
seed analyse_swift -name '*.swift'
seed analyse_kotlin -name '*.kt' -o -name '*.kts'
seed load_rules_and_config -name '*.yaml' -o -name '*.toml'
seed load_report -name '*.json'
cp -n "$ROOT"/tests/fuzz_regressions/load_rules_and_config/* corpus/load_rules_and_config/ 2>/dev/null || true

for target in "${TARGETS[@]}"; do
    echo "== $target: ${SECONDS_PER_TARGET}s"
    started=$(mktemp)
    # -s none: tree-sitter's C is not instrumented by the Rust sanitizers
    # anyway, and uninstrumented builds run several times more inputs.
    cargo +nightly fuzz run -O -s none "$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 2>&1 | grep -E "^(stat::|#[0-9]+ *DONE|==|SUMMARY|artifact_prefix|Test unit written|Done)" || true
    found=$(find "artifacts/$target" -type f -newer "$started" 2>/dev/null || true)
    rm -f "$started"
    if [ -n "$found" ]; then
        echo "$target: new crash or timeout inputs:"
        echo "$found"
    fi
done
