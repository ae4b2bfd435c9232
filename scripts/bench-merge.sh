#!/usr/bin/env bash
# Benchmark of `egress-scan merge` over many reports (not a timed test).
#
# Generates COUNT synthetic JSON reports under target/bench-merge (never
# committed) from a real scan of fixtures/chatbot, each blown up to SIZE
# copies of its endpoints, calls and findings (under distinct file paths), and
# times two merges with `/usr/bin/time -v`:
#   org:    COUNT reports of COUNT different repositories → organisation
#           inventory (memory should track the summaries, not the inputs)
#   shards: COUNT shards of one repository → the merged report (memory
#           tracks the merged report, which here is the sum of the inputs)
# and prints wall time, peak RSS and the total input size.
#
# Usage: scripts/bench-merge.sh [COUNT] [SIZE]
set -euo pipefail

COUNT=${1:-1000}
SIZE=${2:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${EGRESS_SCAN:-$ROOT/target/release/egress-scan}
OUT=$ROOT/target/bench-merge

if [ ! -x "$BIN" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi

rm -rf "$OUT"
mkdir -p "$OUT/org" "$OUT/shards"
(cd "$ROOT" && "$BIN" scan fixtures/chatbot -f json -o "$OUT/template.json")

python3 - "$OUT" "$COUNT" "$SIZE" <<'EOF'
import copy, json, sys
out, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tpl = json.load(open(f"{out}/template.json"))

def blown_up(prefix):
    r = copy.deepcopy(tpl)
    eps, calls, fins = [], [], []
    for i in range(size):
        p = f"{prefix}/m{i}/"
        for e in tpl["endpoints"]:
            e = copy.deepcopy(e)
            e["url"] = e["url"] + f"?copy={prefix}-{i}"
            for l in e["locations"]:
                l["file"] = p + l["file"]
            eps.append(e)
        for c in tpl["calls"]:
            c = copy.deepcopy(c)
            c["file"] = p + c["file"]
            calls.append(c)
        for f in tpl["findings"]:
            f = copy.deepcopy(f)
            f["file"] = p + f["file"]
            f["fingerprint"] = f"{f['fingerprint']}-{prefix}-{i}"
            fins.append(f)
    r["endpoints"] = sorted(eps, key=lambda e: (e["host"], e["url"]))
    r["calls"], r["findings"] = calls, fins
    return r

for k in range(1, count + 1):
    # One repository each.
    r = blown_up(f"r{k}")
    r["repository"] = f"repo-{k:04d}"
    json.dump(r, open(f"{out}/org/{k:04d}.json", "w"))
    # Shard k of one repository.
    r["repository"] = None
    del r["repository"]
    r["communications"] = []
    r["shard"] = {"index": k, "count": count, "repository": "monorepo",
                  "settings": "bench", "inventory": {"libraries": [], "requests": []}}
    json.dump(r, open(f"{out}/shards/{k:04d}.json", "w"))
EOF

report() {
    local name=$1 dir=$2
    shift 2
    local log=$OUT/$name.time
    /usr/bin/time -v "$BIN" merge "$dir"/*.json "$@" 2>"$log"
    local wall rss input output
    wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
    input=$(du -sk "$dir" | awk '{print $1}')
    output=$(du -k "$OUT/$name.out" | awk '{print $1}')
    printf '%-7s %5d reports  input %7d KiB  output %7d KiB  wall %s  peak RSS %d KiB\n' \
        "$name" "$COUNT" "$input" "$output" "$wall" "$rss"
}

report org "$OUT/org" -f json -o "$OUT/org.out"
report shards "$OUT/shards" -f json -o "$OUT/shards.out"
