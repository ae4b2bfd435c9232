#!/usr/bin/env bash
# Benchmark of `egress-scan diff` against a full scan of one side.
#
# Builds a git repository of N generated TypeScript files (default 5000)
# under target/bench-diff (never committed), commits it, changes 10 files,
# commits again, then times in the same run:
#   full:       egress-scan scan REPO --no-cache  (the head side, from disk)
#   cold diff:  egress-scan diff base head --no-cache
#   whole diff: the same with --whole (every file of both sides parsed)
#   CI diff:    the same diff right after a scan of the base checkout filled
#               the facts cache (what a pull-request job sees when the main
#               branch's job shares its cache): only the changed blobs parse
#   warm diff:  the same diff again (everything cached)
# and prints each diff as a ratio of the full scan. Best of RUNS runs each.
#
# Usage: scripts/bench-diff.sh [FILES] [THREADS]
set -euo pipefail

FILES=${1:-5000}
THREADS=${2:-2}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${EGRESS_SCAN:-$ROOT/target/release/egress-scan}
REPO=$ROOT/target/bench-diff/repo

if [ ! -x "$BIN" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

rm -rf "$REPO"
mkdir -p "$REPO/src"
cd "$REPO"
git init -q

# One in ten files talks to the network (through an exported constant or a
# literal); the rest is ordinary code that the prefilter mostly rejects.
python3 - "$FILES" <<'EOF'
import os, sys
n = int(sys.argv[1])
os.makedirs("src/config", exist_ok=True)
with open("src/config/hosts.ts", "w") as f:
    for i in range(50):
        f.write(f'export const HOST_{i} = "https://svc{i}.example.com";\n')
for i in range(n):
    d = f"src/m{i % 50}"
    os.makedirs(d, exist_ok=True)
    lines = []
    if i % 10 == 0:
        lines.append(f'import {{ HOST_{i % 50} }} from "../config/hosts";')
        lines.append("")
        lines.append(f"export async function load{i}(id: string, token: string) {{")
        lines.append(f"  const res = await fetch(`${{HOST_{i % 50}}}/v1/items/${{id}}`, {{ headers: {{ Authorization: `Bearer ${{token}}` }} }});")
        lines.append("  return res.json();")
        lines.append("}")
    for k in range(12):
        lines.append(f"export function helper{i}_{k}(a: number, b: number): number {{")
        lines.append(f"  const values = [a, b, {k}].map((v) => v * {k + 1});")
        lines.append("  return values.reduce((s, v) => s + v, 0);")
        lines.append("}")
        lines.append("")
    with open(f"{d}/file{i}.ts", "w") as f:
        f.write("\n".join(lines) + "\n")
EOF
git add -A
git commit -qm base
git tag base

# The change: 10 files, a mix of new endpoints, a leak and plain edits.
for i in 0 10 20 30 40 1 2 3 4 5; do
    f=src/m$((i % 50))/file$i.ts
    if [ "$i" = 10 ]; then
        printf 'export async function leak(token: string) {\n  return fetch(`https://api.telegram.org/bot${token}/getMe`);\n}\n' >> "$f"
    elif [ "$i" -lt 10 ]; then
        printf 'export const added%s = fetch("https://new%s.example.org/ping");\n' "$i" "$i" >> "$f"
    else
        printf 'export function extra%s() {\n  return %s;\n}\n' "$i" "$i" >> "$f"
    fi
done
git add -A
git commit -qm head
git tag head
# Packed, as in a fresh clone (a CI checkout).
git gc -q

now() { date +%s.%N; }
best() {
    local best=
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(now)
        "$@" > /dev/null || [ $? -eq 1 ]
        t1=$(now)
        best=$(python3 -c "a='$best'; t=$t1-$t0; print(t if not a else min(float(a), t))")
    done
    echo "$best"
}

export EGRESS_SCAN_CACHE_DIR=$ROOT/target/bench-diff/cache
full=$(best "$BIN" scan "$REPO" -f json -j "$THREADS" --no-cache)
cold=$(best "$BIN" diff base head --repo "$REPO" -f json -j "$THREADS" --no-cache)
whole=$(best "$BIN" diff base head --repo "$REPO" -f json -j "$THREADS" --no-cache --whole)

# CI diff: a fresh cache filled by scanning the base checkout, then one diff.
ci=
for _ in $(seq "$RUNS"); do
    rm -rf "$EGRESS_SCAN_CACHE_DIR"
    git checkout -q base
    "$BIN" scan "$REPO" -f json -j "$THREADS" > /dev/null || true
    git checkout -q head
    t=$(RUNS=1 best "$BIN" diff base head --repo "$REPO" -f json -j "$THREADS")
    ci=$(python3 -c "a='$ci'; print($t if not a else min(float(a), $t))")
done
warm=$(best "$BIN" diff base head --repo "$REPO" -f json -j "$THREADS")
"$BIN" diff base head --repo "$REPO" -f table -j "$THREADS" | head -4
# Where the time of the cold and the warm diff goes.
echo "cold diff stages:"
"$BIN" diff base head --repo "$REPO" -f json -j "$THREADS" --no-cache --timings 2>&1 > /dev/null | tail -n +2
echo "warm diff stages:"
"$BIN" diff base head --repo "$REPO" -f json -j "$THREADS" --timings 2>&1 > /dev/null | tail -n +2
python3 -c "
full, cold, whole, ci, warm = $full, $cold, $whole, $ci, $warm
print(f'files: $FILES, threads: $THREADS, best of $RUNS')
print(f'full scan of one side (no cache): {full:.3f}s  1.00x')
print(f'diff, no cache:                   {cold:.3f}s  {cold / full:.2f}x')
print(f'diff --whole, no cache:           {whole:.3f}s  {whole / full:.2f}x')
print(f'diff after a scan of base:        {ci:.3f}s  {ci / full:.2f}x')
print(f'diff, warm cache:                 {warm:.3f}s  {warm / full:.2f}x')
"
