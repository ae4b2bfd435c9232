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
#   MONOREPO_GITDIRS="/path/a.git /path/b.git" scripts/bench.sh
#                                    # also a multi-language tree: the
#                                    # real-world corpus plus the HEAD of
#                                    # each git directory (issue 16)
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

# Monorepo corpus: the real-world corpus under packages/npm and each git
# directory's HEAD under apps/<name> (blobs over 2 MB and absent ones
# skipped), rebuilt when the list changes.
if [ -n "${MONOREPO_GITDIRS:-}" ]; then
    if [ "$(cat "$CORPUS/monorepo.list" 2>/dev/null)" != "$MONOREPO_GITDIRS" ]; then
        rm -rf "$CORPUS/monorepo"
        mkdir -p "$CORPUS/monorepo/packages"
        cp -r "$CORPUS/real/src" "$CORPUS/monorepo/packages/npm"
        for git_dir in $MONOREPO_GITDIRS; do
            python3 - "$git_dir" "$CORPUS/monorepo/apps/$(basename "${git_dir%.git}")" <<'PY'
import os, subprocess, sys
git, dest = sys.argv[1], sys.argv[2]
listing = subprocess.run(["git", "--git-dir", git, "ls-tree", "-r", "-l", "-z", "HEAD"],
                         capture_output=True, check=True).stdout
entries = []
for record in listing.split(b"\0"):
    if not record:
        continue
    meta, path = record.split(b"\t", 1)
    mode, kind, oid, size = meta.split()
    if kind == b"blob" and mode != b"120000" and size.isdigit() and int(size) <= 2_000_000:
        entries.append((oid.decode(), path.decode(errors="replace")))
cat = subprocess.Popen(["git", "--git-dir", git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for oid, path in entries:
    cat.stdin.write((oid + "\n").encode())
    cat.stdin.flush()
    header = cat.stdout.readline().split()
    if len(header) < 3 or header[1] == b"missing":
        continue
    data = cat.stdout.read(int(header[2]))
    cat.stdout.read(1)
    out = os.path.join(dest, path)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
cat.stdin.close()
cat.wait()
PY
        done
        echo "$MONOREPO_GITDIRS" > "$CORPUS/monorepo.list"
    fi
    CORPORA="$CORPORA monorepo"
fi
exec python3 scripts/bench_run.py "$BIN" "$TOOLS/node_modules/.bin/ast-grep" "${SEMGREP_BIN:-none}" $CORPORA
