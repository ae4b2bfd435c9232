#!/usr/bin/env bash
# Compares two egress-scan binaries on one tree, runs alternated so that the
# machine's noise falls on both alike; prints the median wall time, user
# CPU and peak RSS of each and the ratios new/old.
#
#   scripts/bench_compare.sh OLD_BIN NEW_BIN TREE [RUNS] [scan options...]
#   scripts/bench_compare.sh /tmp/base target/release/egress-scan target/bench-corpus/real/src 5 -j 1
#
# Every run is cold (`--no-cache`) unless the options say otherwise.
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,9p "$0" >&2; exit 2; }
OLD=$1 NEW=$2 TREE=$3 RUNS=${4:-5}
shift $(( $# >= 4 ? 4 : 3 ))
[ -x /usr/bin/time ] || { echo "bench_compare: GNU /usr/bin/time is required" >&2; exit 2; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for i in $(seq "$RUNS"); do
    for which in old new; do
        bin=$OLD; [ "$which" = new ] && bin=$NEW
        /usr/bin/time -f "%e %U %M" -a -o "$OUT/$which" \
            "$bin" scan "$TREE" -f json -q --no-progress --no-cache "$@" >/dev/null || true
    done
done
python3 - "$OUT/old" "$OUT/new" <<'PY'
import statistics, sys
def load(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    return [statistics.median(c) for c in zip(*rows)]
old, new = load(sys.argv[1]), load(sys.argv[2])
print(f"{'':6} {'wall s':>8} {'user s':>8} {'RSS MiB':>8}")
for name, r in (("old", old), ("new", new)):
    print(f"{name:6} {r[0]:8.2f} {r[1]:8.2f} {r[2] / 1024:8.0f}")
print(f"{'new/old':6} {new[0] / old[0]:8.2f} {new[1] / old[1]:8.2f} {new[2] / old[2]:8.2f}")
PY
