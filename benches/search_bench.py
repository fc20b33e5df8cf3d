#!/usr/bin/env python3
"""Bytes a first query fetches from the sharded search index of a built site.

    benches/search_bench.py OUT [--lang-prefix en/] [QUERY ...]

Reads OUT/_search/meta.json (OUT/en/_search/ with --lang-prefix en/) and
follows the rules of
themes/sorbonne/static/search.js for each query: meta.json, the chunks of
each query word (at most `per_word`, then the typo chunks when a word of
`typo` letters or more matches nothing), then the fragments of the first
ten results. Counts each file gzip-compressed (level 6, as a CDN serves
it). Also prints the index's size. Measures; asserts nothing; not in CI.
"""
import argparse, gzip, json, math, os, re, sys

def gz(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 6))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--lang-prefix", default="")
    ap.add_argument("queries", nargs="*", default=["ecole", "tresorier", "mentorat europeen", "afterwork", "bibliotheqeu"])
    a = ap.parse_args()
    root = os.path.join(a.out, a.lang_prefix, "_search")
    meta = json.load(open(os.path.join(root, "meta.json")))
    total = raw = files = 0
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n); raw += os.path.getsize(p); total += gz(p); files += 1
    print("index %s: %d files, %.1f MB raw, %.1f MB gzip, %d chunks, %d pages" % (
        root, files, raw / 1e6, total / 1e6, len(meta["c"]), meta["pages"]))
    for q in a.queries:
        fetched = [os.path.join(root, "meta.json")]
        results = None
        for word in re.findall(r"\w+", q.lower()):
            names = [c[2] for c in meta["c"] if (c[0] < word or c[0].startswith(word)) and c[1] >= word][:meta["per_word"]]
            pages = set()
            for n in names:
                fetched.append(os.path.join(root, n))
                ch = json.load(open(os.path.join(root, n)))
                for w, p in zip(ch["w"], ch["p"]):
                    if w.startswith(word):
                        i = page = 0
                        while i < len(p):
                            page += p[i]; pages.add(page - 1); i += 3 + p[i + 2]
            if not pages and len(word) >= meta["typo"]:
                extra = [c[2] for c in meta["c"] if (c[0] < word[:2] or c[0].startswith(word[:2])) and c[1] >= word[:2]]
                extra = [n for n in extra if n not in names]
                at = next((i for i, n in enumerate(extra) if next(c for c in meta["c"] if c[2] == n)[1] >= word), len(extra) - 1)
                for n in extra[max(0, at - 1):max(0, at - 1) + meta["per_word"]]:
                    fetched.append(os.path.join(root, n))
                pages = {-1}  # typo matches: count fragments as ten results
            results = pages if results is None else results & pages
        shown = sorted(p for p in results if p >= 0)[:10] if results and results != {-1} else list(range(10))
        for p in shown:
            fetched.append(os.path.join(root, "f", meta["f"][p // meta["group"]], "%d.json" % p))
        size = sum(gz(f) for f in fetched)
        print("query %-22r %2d files, %6.1f KB gzip (results %s)" % (q, len(fetched), size / 1e3, len(results or [])))

main()
