#!/usr/bin/env python3
"""Times the tools of scripts/bench.sh and prints the table (see there)."""
import collections
import json
import os
import shutil
import re
import subprocess
import sys
import tempfile
import time

BIN, ASTGREP, SEMGREP = sys.argv[1:4]
CORPORA = sys.argv[4:]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "target", "bench-corpus")
EXTS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".swift", ".kt", ".kts", ".java")
SEMGREP_MAX_FILES = int(os.environ.get("SEMGREP_MAX_FILES", "20000"))


def timed(cmd):
    """Runs cmd under /usr/bin/time -v: (stdout, stderr, wall s, peak RSS MiB, rc)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd, capture_output=True)
        wall = time.monotonic() - start
        text = t.read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return p.stdout, p.stderr.decode(errors="replace"), wall, rss, p.returncode


def corpus_size(path):
    files = size = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            if f.endswith(EXTS):
                files += 1
                size += os.path.getsize(os.path.join(d, f))
    return files, size


def check_planted(label, report, expected):
    got_findings = collections.Counter(f["rule_id"] for f in report["findings"])
    got = {"endpoints": len(report["endpoints"]),
           "findings": {r: got_findings.get(r, 0) for r in expected["findings"]}}
    want = {"endpoints": expected["endpoints"], "findings": expected["findings"]}
    extra = {r: c for r, c in got_findings.items() if r not in expected["findings"]}
    if got != want or extra:
        print(f"\nFAIL {label}: planted endpoints/findings not found exactly", file=sys.stderr)
        print(f"  expected {json.dumps(want, sort_keys=True)}", file=sys.stderr)
        print(f"  got      {json.dumps(got, sort_keys=True)} unexpected {extra}", file=sys.stderr)
        sys.exit(1)
    return f"{label}: all planted found ({want['endpoints']} endpoints, " + \
        ", ".join(f"{c} {r.split('/')[1]}" for r, c in sorted(want["findings"].items())) + ")"


def main():
    rows = []
    checks = []
    notes = []
    for name in CORPORA:
        path = os.path.join(CORPUS, name)
        label = name.split("/")[0]
        files, size = corpus_size(path)
        expected = None
        if name.startswith("synth-"):
            with open(path + ".expected.json") as f:
                expected = json.load(f)
        print(f"# {label}: {files} files, {size / 1e6:.1f} MB", file=sys.stderr)
        # Every comparison row runs without the facts cache (a cold scan);
        # the last row shows a repeated scan of the unchanged tree.
        cache = tempfile.mkdtemp(prefix="egress-scan-bench-cache-")
        runs = [
            ("egress-scan --include-tests", ["-j", "2", "--include-tests", "--no-cache"]),
            ("egress-scan -j 1 --include-tests", ["-j", "1", "--include-tests", "--no-cache"]),
            ("egress-scan (default: -j 2)", ["-j", "2", "--no-cache"]),
            ("egress-scan --no-prefilter --include-tests",
             ["-j", "2", "--no-prefilter", "--include-tests", "--no-cache"]),
            ("egress-scan --include-tests, warm cache", ["-j", "2", "--include-tests", "--cache-warm"]),
        ]
        base = None
        for tool, args in runs:
            if "--cache-warm" in args:
                args = [a for a in args if a != "--cache-warm"]
                os.environ["EGRESS_SCAN_CACHE_DIR"] = cache
                timed([BIN, "scan", path, "-f", "json", "-o", os.devnull] + args)
            out, err, wall, rss, rc = timed([BIN, "scan", path, "-f", "json"] + args)
            os.environ.pop("EGRESS_SCAN_CACHE_DIR", None)
            if rc not in (0, 1):
                sys.exit(f"egress-scan failed on {label}: {err}")
            report = json.loads(out)
            if expected is not None and "--include-tests" in args:
                checks.append(check_planted(f"{label} {tool}", report, expected))
            seen = report["stats"]["files_seen"]
            parsed = report["stats"]["files_parsed"]
            rows.append((label, tool, seen, parsed, wall, rss))
            if base is None:
                base = wall
            print(f"  {tool}: {wall:.2f}s", file=sys.stderr)
        shutil.rmtree(cache, ignore_errors=True)
        cfg = os.path.join(ROOT, "bench", "anchors", "ast-grep", "sgconfig.yml")
        out, err, wall, rss, rc = timed([ASTGREP, "scan", "-c", cfg, "--json=stream", "--inspect", "summary",
                                         "-j", "2", path])
        m = re.search(r"scannedFileCount=(\d+)", err)
        rows.append((label, "ast-grep 0.51.1", int(m.group(1)) if m else None, None, wall, rss))
        matches = out.count(b"\n")
        print(f"  ast-grep: {wall:.2f}s ({matches} matches)", file=sys.stderr)
        if SEMGREP == "none":
            notes.append(f"{label}: semgrep not installed, not run")
        elif files > SEMGREP_MAX_FILES:
            notes.append(f"{label}: semgrep skipped (> {SEMGREP_MAX_FILES} files; it would take longer than "
                         "the whole benchmark budget)")
        else:
            cfg = os.path.join(ROOT, "bench", "anchors", "semgrep", "rules.yaml")
            env_cmd = [SEMGREP, "scan", "--config", cfg, "--metrics=off", "--disable-version-check",
                       "--no-git-ignore", "--json", "-j", "2", "--timeout", "0", path]
            out, err, wall, rss, rc = timed(env_cmd)
            try:
                data = json.loads(out)
                scanned = len(data.get("paths", {}).get("scanned", []))
                rows.append((label, "semgrep", scanned, None, wall, rss))
                print(f"  semgrep: {wall:.2f}s ({len(data.get('results', []))} matches)", file=sys.stderr)
            except Exception:
                notes.append(f"{label}: semgrep did not run (rc {rc}): {err.strip().splitlines()[-1:] }")
    print_table(rows, checks, notes)


def print_table(rows, checks, notes):
    print()
    print("| corpus | tool | files seen | files parsed | wall s | peak RSS MiB | files/s | × egress-scan |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    by = collections.defaultdict(dict)
    for label, tool, seen, parsed, wall, rss in rows:
        by[label][tool] = (seen, wall)
    for label, tool, seen, parsed, wall, rss in rows:
        base = by[label]["egress-scan --include-tests"][1]
        fps = f"{seen / wall:,.0f}" if seen else "–"
        print(f"| {label} | {tool} | {seen if seen is not None else '–'} | "
              f"{parsed if parsed is not None else '–'} | {wall:.2f} | {rss:.0f} | {fps} | {wall / base:.2f} |")
    print()
    for label, tools in by.items():
        e = tools["egress-scan --include-tests"][1]
        line = [f"{label}: -j1/-j2 = {tools['egress-scan -j 1 --include-tests'][1] / e:.2f}",
                f"egress-scan/ast-grep = {e / tools['ast-grep 0.51.1'][1]:.2f}",
                f"egress-scan/--no-prefilter = {e / tools['egress-scan --no-prefilter --include-tests'][1]:.2f}"]
        if "semgrep" in tools:
            line.append(f"semgrep/egress-scan = {tools['semgrep'][1] / e:.1f}")
        print("- " + "; ".join(line))
    synth = sorted((int(l.split("-")[1]), t["egress-scan --include-tests"][1])
                   for l, t in by.items() if l.startswith("synth-"))
    if len(synth) >= 2:
        (n1, t1), (n2, t2) = synth[0], synth[-1]
        print(f"- scaling: {n2 // 1000}k/{n1 // 1000}k wall time = {t2 / t1:.2f} (files ×{n2 / n1:.0f})")
    for c in checks:
        print(f"- {c}")
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
