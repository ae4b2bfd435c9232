#!/usr/bin/env bash
# Benchmark of egress-scan against ast-grep and semgrep (issue 7).
#
# One command from a clean clone: builds the release binary, installs the
# anchors (ast-grep from npm, semgrep from PyPI into a venv) and the corpora
# under target/ (never committed), then times every tool on the same files
# with /usr/bin/time -v and prints a table.
#
#   scripts/bench.sh                 # 10k + 50k synthetic + real-world
#   SIZES="10000" scripts/bench.sh   # fewer sizes
#   SEMGREP=0 scripts/bench.sh       # skip semgrep
#
# Corpora: target/bench-corpus/synth-N (scripts/gen_corpus.py, seed 7; the
# planted endpoints and findings are checked exactly, the run fails loudly
# otherwise) and target/bench-corpus/real (pinned npm packages of
# bench/real-world/package-lock.json, copied to plain folders so every tool
# sees the same files: directories egress-scan excludes by default, such as
# dist/ and build/, are renamed with a trailing underscore).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SIZES=${SIZES:-"10000 50000"}
TOOLS=$ROOT/target/bench-tools
CORPUS=$ROOT/target/bench-corpus
mkdir -p "$TOOLS" "$CORPUS"

[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (GNU time) is required" >&2; exit 2; }
cargo build --release --quiet
BIN=$ROOT/target/release/egress-scan

# Anchors.
if [ ! -x "$TOOLS/node_modules/.bin/ast-grep" ]; then
    npm install --prefix "$TOOLS" --no-audit --no-fund --silent @ast-grep/cli@0.51.1
fi
SEMGREP_BIN=""
if [ "${SEMGREP:-1}" != 0 ]; then
    if [ ! -x "$TOOLS/semgrep-venv/bin/semgrep" ]; then
        (python3 -m venv "$TOOLS/semgrep-venv" && "$TOOLS/semgrep-venv/bin/pip" install -q semgrep) \
            || echo "bench: semgrep could not be installed; continuing without it" >&2
    fi
    [ -x "$TOOLS/semgrep-venv/bin/semgrep" ] && SEMGREP_BIN=$TOOLS/semgrep-venv/bin/semgrep
fi

# Synthetic corpora.
for n in $SIZES; do
    # Regenerated when the generator changed: its expected counts may have.
    if [ ! -f "$CORPUS/synth-$n.expected.json" ] || [ scripts/gen_corpus.py -nt "$CORPUS/synth-$n.expected.json" ]; then
        rm -rf "$CORPUS/synth-$n"
        python3 scripts/gen_corpus.py "$CORPUS/synth-$n" "$n" 7 >/dev/null
    fi
done

# Real-world corpus.
if [ ! -d "$CORPUS/real/src" ]; then
    rm -rf "$CORPUS/real"
    mkdir -p "$CORPUS/real/pkg"
    cp bench/real-world/package.json bench/real-world/package-lock.json bench/real-world/.npmrc "$CORPUS/real/pkg/"
    (cd "$CORPUS/real/pkg" && npm ci --silent)
    python3 - "$CORPUS/real/pkg/node_modules" "$CORPUS/real/src" <<'PY'
import os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
excluded = {"node_modules", "bower_components", "dist", "build", ".build", "Pods", "Carthage",
            "DerivedData", "vendor", "coverage", ".next", ".nuxt", "out", "target", ".git"}
exts = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".swift", ".kt", ".kts")
for d, _, files in os.walk(src):
    rel = os.path.relpath(d, src)
    parts = [p + "_" if p in excluded else p for p in rel.split(os.sep) if p != "."]
    for f in files:
        if f.endswith(exts):
            out = os.path.join(dst, *parts)
            os.makedirs(out, exist_ok=True)
            shutil.copyfile(os.path.join(d, f), os.path.join(out, f))
PY
fi

CORPORA=""
for n in $SIZES; do CORPORA="$CORPORA synth-$n"; done
CORPORA="$CORPORA real/src"
exec python3 scripts/bench_run.py "$BIN" "$TOOLS/node_modules/.bin/ast-grep" "${SEMGREP_BIN:-none}" $CORPORA
