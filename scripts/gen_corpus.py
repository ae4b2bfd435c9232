#!/usr/bin/env python3
"""Deterministic synthetic corpus for scripts/bench.sh.

    scripts/gen_corpus.py OUT_DIR FILES [SEED]

Writes FILES source files (TypeScript/TSX/JavaScript about 60 %, Swift and
Kotlin about 20 % each) under OUT_DIR and OUT_DIR/../<name>.expected.json with
the planted endpoints and findings. About one file in eight plants exactly one
network pattern; the rest is network-free code (utilities, components, models,
some tests), a part of it containing words the prefilter reacts to (`key`,
`session`, `token` in non-network code) so the prefilter is not given an easy
ride.

Planted kinds and what each produces in egress-scan's report:
  ts-token     fetch(`https://HOST/v1/items?key=${apiKey}`)      1 endpoint, 1 token-in-url
  ts-hardcoded const BASE = "https://HOST"; fetch(`${BASE}/…`)      1 endpoint, 1 hardcoded-endpoint
  ts-insecure  new WebSocket("ws://HOST/stream")                  1 endpoint, 1 insecure-transport
  ts-redirect  manual redirect loop following `location`          0 endpoints, 1 redirect-without-host-check
  swift-token  URLSession … URL(string: "https://HOST/bot\\(token)/…")
  swift-insecure URLSession webSocketTask(ws://HOST/…)
  kt-token     Request.Builder().url("https://HOST/…?key=$apiKey")
  kt-insecure  Request.Builder().url("http://HOST/…")
Every planted host is unique, so endpoint counts are exact.
"""
import json
import os
import random
import sys

# Per kind: endpoints and findings (by rule) one planted file produces.
# Every endpoint to a host outside `allowed_hosts` is also a hardcoded-endpoint
# finding; the `${BASE}/path` kind has two endpoints (the constant and the
# request URL, one finding); a token in a URL is one finding per credential and
# URL in a function, reported where the request is sent.
KINDS = {
    "ts-token": (1, {"egress/token-in-url": 1, "egress/hardcoded-endpoint": 1}),
    "ts-hardcoded": (2, {"egress/hardcoded-endpoint": 1}),
    "ts-insecure": (1, {"egress/insecure-transport": 1, "egress/hardcoded-endpoint": 1}),
    "ts-redirect": (0, {"egress/redirect-without-host-check": 1}),
    "swift-token": (1, {"egress/token-in-url": 1, "egress/hardcoded-endpoint": 1}),
    "swift-insecure": (1, {"egress/insecure-transport": 1, "egress/hardcoded-endpoint": 1}),
    "kt-token": (1, {"egress/token-in-url": 1, "egress/hardcoded-endpoint": 1}),
    "kt-insecure": (1, {"egress/insecure-transport": 1, "egress/hardcoded-endpoint": 1}),
}
TS_KINDS = ["ts-token", "ts-hardcoded", "ts-insecure", "ts-redirect"]
SWIFT_KINDS = ["swift-token", "swift-insecure"]
KT_KINDS = ["kt-token", "kt-insecure"]

WORDS = ["alpha", "bravo", "cargo", "delta", "ember", "fable", "gamma", "harbor", "ivory",
         "jasper", "kepler", "lumen", "mosaic", "nectar", "orbit", "prism", "quartz", "raven",
         "sierra", "tundra", "umber", "vertex", "willow", "xenon", "yonder", "zephyr"]


def ident(rng, cap=False):
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    s = a + b.capitalize()
    return s[0].upper() + s[1:] if cap else s


# ---------------------------------------------------------------- TypeScript

def ts_util(rng, i, trigger_words, js=False):
    n = ident(rng)
    t = ident(rng, True)

    def ty(annotation):
        return "" if js else annotation

    out = [f"// Utilities for the {n} module.", f"import {{ clamp }} from \"../shared/math{i % 7}\";", ""]
    if not js:
        out.append(f"export interface {t}Item {{\n  id: string;\n  label: string;\n  weight: number;\n  tags: string[];\n}}\n")
    for j in range(rng.randint(4, 9)):
        f = ident(rng)
        out.append(f"export function {f}{j}(items{ty(': ' + t + 'Item[]')}, limit{ty(': number')}){ty(': ' + t + 'Item[]')} {{")
        out.append(f"  const out{ty(': ' + t + 'Item[]')} = [];")
        out.append("  for (const item of items) {")
        out.append(f"    if (item.weight > {rng.randint(1, 99)} && out.length < clamp(limit, 0, 100)) {{")
        out.append("      out.push({ ...item, label: item.label.trim().toLowerCase() });")
        out.append("    }")
        out.append("  }")
        out.append("  return out.sort((a, b) => a.weight - b.weight);")
        out.append("}\n")
    if trigger_words:
        out.append(f"export function indexBy{t}(items{ty(': ' + t + 'Item[]')}){ty(': Map<string, ' + t + 'Item>')} {{")
        out.append(f"  const byKey = new Map{ty('<string, ' + t + 'Item>')}();")
        out.append("  for (const item of items) {\n    const key = `${item.id}:${item.label}`;\n    byKey.set(key, item);\n  }")
        out.append("  // session-scoped cache; the token list is kept in memory only")
        out.append("  return byKey;\n}\n")
    out.append(f"export class {t}Store {{\n  {ty('private ')}items{ty(': ' + t + 'Item[]')} = [];\n")
    out.append(f"  add(item{ty(': ' + t + 'Item')}){ty(': void')} {{\n    this.items.push(item);\n  }}\n")
    out.append(f"  total(){ty(': number')} {{\n    return this.items.reduce((s, x) => s + x.weight, 0);\n  }}\n}}")
    return "\n".join(out) + "\n"


def ts_component(rng, i):
    c = ident(rng, True)
    out = ["import React, { useMemo, useState } from \"react\";", ""]
    out.append(f"type {c}Props = {{ title: string; rows: {{ id: string; value: number }}[] }};\n")
    out.append(f"export function {c}({{ title, rows }}: {c}Props) {{")
    out.append("  const [open, setOpen] = useState(false);")
    out.append("  const total = useMemo(() => rows.reduce((s, r) => s + r.value, 0), [rows]);")
    out.append("  return (\n    <section className=\"panel\">")
    out.append("      <h2 onClick={() => setOpen(!open)}>{title}</h2>")
    out.append("      {open && rows.map((r) => <div className=\"row\">{r.id}: {r.value}</div>)}")
    out.append("      <footer>Total: {total}</footer>\n    </section>\n  );\n}")
    for j in range(rng.randint(2, 5)):
        out.append(f"\nexport function format{c}{j}(n: number): string {{\n  return n.toFixed({j % 3}).padStart(8, \" \");\n}}")
    return "\n".join(out) + "\n"


def ts_test(rng, i):
    n = ident(rng)
    out = [f"import {{ describe, it, expect }} from \"vitest\";", f"import {{ {n}0 }} from \"../src/util{i}\";", ""]
    out.append(f"describe(\"{n}\", () => {{")
    for j in range(rng.randint(3, 8)):
        out.append(f"  it(\"case {j}\", () => {{\n    expect({n}0([], {j})).toEqual([]);\n  }});")
    out.append("});")
    return "\n".join(out) + "\n"


def ts_plant(rng, i, kind):
    host = f"api-{i}.example-{kind.split('-')[1]}.io"
    pre = ts_util(rng, i, False)
    if kind == "ts-token":
        body = (f"export async function items{i}(apiKey: string) {{\n"
                f"  const res = await fetch(`https://{host}/v1/items?key=${{apiKey}}`);\n"
                f"  return res.json();\n}}\n")
    elif kind == "ts-hardcoded":
        body = (f"const BASE_{i} = \"https://{host}\";\n"
                f"export async function send{i}(chat: string, text: string) {{\n"
                f"  await fetch(`${{BASE_{i}}}/sendMessage`, {{ method: \"POST\", body: JSON.stringify({{ chat, text }}) }});\n}}\n")
    elif kind == "ts-insecure":
        body = f"export const events{i} = new WebSocket(\"ws://{host}/stream\");\n"
    else:
        body = (f"export async function download{i}(url: string, hops = 0): Promise<Response> {{\n"
                f"  const res = await fetch(url, {{ redirect: \"manual\" }});\n"
                f"  if (res.status >= 300 && res.status < 400 && hops < 5) {{\n"
                f"    const next = res.headers.get(\"location\");\n"
                f"    return fetch(next!, {{ redirect: \"manual\" }});\n  }}\n  return res;\n}}\n")
    return pre + "\n" + body


# --------------------------------------------------------------------- Swift

def swift_model(rng, i, trigger_words):
    t = ident(rng, True)
    out = ["import Foundation", "", f"struct {t}{i}: Codable, Equatable {{",
           "    let id: String", "    var title: String", "    var score: Double", "}", ""]
    out.append(f"final class {t}Repository{i} {{")
    out.append(f"    private var items: [{t}{i}] = []\n")
    for j in range(rng.randint(4, 9)):
        out.append(f"    func {ident(rng)}{j}(limit: Int) -> [{t}{i}] {{")
        out.append(f"        items.filter {{ $0.score > {rng.randint(1, 50)}.0 }}.prefix(limit).map {{ $0 }}")
        out.append("    }\n")
    if trigger_words:
        out.append("    func byKey() -> [String: " + t + str(i) + "] {")
        out.append("        // the session token is never stored here")
        out.append("        Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })\n    }\n")
    out.append("    func add(_ item: " + t + str(i) + ") {\n        items.append(item)\n    }\n}")
    return "\n".join(out) + "\n"


def swift_plant(rng, i, kind):
    host = f"api-{i}.example-{kind.split('-')[1]}.io"
    pre = swift_model(rng, i, False)
    if kind == "swift-token":
        body = (f"struct Bot{i} {{\n    let token: String\n"
                f"    func send(_ text: String) async throws {{\n"
                f"        let url = URL(string: \"https://{host}/bot\\(token)/sendMessage\")!\n"
                f"        _ = try await URLSession.shared.data(from: url)\n    }}\n}}\n")
    else:
        body = f"let events{i} = URLSession.shared.webSocketTask(with: URL(string: \"ws://{host}/stream\")!)\n"
    return pre + "\n" + body


# -------------------------------------------------------------------- Kotlin

def kt_model(rng, i, trigger_words):
    t = ident(rng, True)
    out = [f"package com.example.app.m{i % 40}", "", f"data class {t}{i}(val id: String, val title: String, val score: Double)", ""]
    out.append(f"class {t}Repository{i} {{")
    out.append(f"    private val items = mutableListOf<{t}{i}>()\n")
    for j in range(rng.randint(4, 9)):
        out.append(f"    fun {ident(rng)}{j}(limit: Int): List<{t}{i}> =")
        out.append(f"        items.filter {{ it.score > {rng.randint(1, 50)}.0 }}.take(limit)\n")
    if trigger_words:
        out.append("    // session token handling lives elsewhere")
        out.append("    fun byKey(): Map<String, " + t + str(i) + "> = items.associateBy { it.id }\n")
    out.append("    fun add(item: " + t + str(i) + ") {\n        items.add(item)\n    }\n}")
    return "\n".join(out) + "\n"


def kt_plant(rng, i, kind):
    host = f"api-{i}.example-{kind.split('-')[1]}.io"
    pre = kt_model(rng, i, False).replace("\n\n", "\n\nimport okhttp3.Request\n\n", 1)
    if kind == "kt-token":
        body = (f"class Tts{i}(private val apiKey: String) {{\n"
                f"    fun voice(voiceId: String) = Request.Builder()\n"
                f"        .url(\"https://{host}/v1/voices/$voiceId?key=$apiKey\")\n"
                f"        .build()\n}}\n")
    else:
        body = (f"class Feed{i} {{\n    fun request() = Request.Builder()\n"
                f"        .url(\"http://{host}/feed\")\n        .build()\n}}\n")
    return pre + "\n" + body


def main():
    out_dir, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rng = random.Random(seed)
    planted = {k: 0 for k in KINDS}
    total_bytes = 0
    for i in range(n):
        r = rng.random()
        lang = "ts" if r < 0.6 else ("swift" if r < 0.8 else "kt")
        plant = rng.random() < 0.125
        module = f"m{i % 97}"
        if lang == "ts":
            if plant:
                kind = TS_KINDS[i % len(TS_KINDS)]
                planted[kind] += 1
                path, text = f"packages/{module}/src/net/client{i}.ts", ts_plant(rng, i, kind)
            else:
                s = rng.random()
                if s < 0.08:
                    path, text = f"packages/{module}/test/util{i}.test.ts", ts_test(rng, i)
                elif s < 0.35:
                    ext = "tsx"
                    path, text = f"packages/{module}/src/ui/View{i}.{ext}", ts_component(rng, i)
                else:
                    ext = "ts" if i % 3 else "js"
                    text = ts_util(rng, i, rng.random() < 0.3, js=ext == "js")
                    path = f"packages/{module}/src/lib/util{i}.{ext}"
        elif lang == "swift":
            if plant:
                kind = SWIFT_KINDS[i % len(SWIFT_KINDS)]
                planted[kind] += 1
                path, text = f"ios/Sources/{module}/Net{i}.swift", swift_plant(rng, i, kind)
            else:
                path, text = f"ios/Sources/{module}/Model{i}.swift", swift_model(rng, i, rng.random() < 0.3)
        else:
            if plant:
                kind = KT_KINDS[i % len(KT_KINDS)]
                planted[kind] += 1
                path, text = f"android/app/src/main/java/com/example/{module}/Net{i}.kt", kt_plant(rng, i, kind)
            else:
                path = f"android/app/src/main/java/com/example/{module}/Model{i}.kt"
                text = kt_model(rng, i, rng.random() < 0.3)
        full = os.path.join(out_dir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        data = text.encode()
        total_bytes += len(data)
        with open(full, "wb") as f:
            f.write(data)
    endpoints = sum(KINDS[k][0] * c for k, c in planted.items())
    findings = {}
    for k, c in planted.items():
        for rule, per in KINDS[k][1].items():
            findings[rule] = findings.get(rule, 0) + per * c
    expected = {"files": n, "bytes": total_bytes, "seed": seed, "planted": planted,
                "endpoints": endpoints, "findings": findings}
    with open(out_dir.rstrip("/") + ".expected.json", "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
    print(json.dumps(expected, sort_keys=True))


if __name__ == "__main__":
    main()
