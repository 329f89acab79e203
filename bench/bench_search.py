"""Benchmark: the search stage alone, at any size, and what one query costs in Chromium.

    .venv/bin/python bench/bench_search.py --entities 281000 --docs-sites 1000
    .venv/bin/python bench/bench_search.py --entities 30000 --query kafka
    .venv/bin/python bench/bench_search.py --catalog site/api/catalog.json --query kafka --names 12

With ``--catalog``, the entities are an existing catalog.json instead (e.g. the
demo org's at L, ``lookout demo generate`` + ``lookout build``: a realistic
shape, where a repo's Resources share their owner; the synthetic catalog gives
every Resource a random owner).

Builds a synthetic catalog (bench/gen_catalog.py) and docs pages shaped like
the docs stage's output (theme/techdocs/main.html's markup, 8 per site), then
runs the search stage (generator/search) three times: cold (empty cache),
nothing changed, one repo changed (one entity's description). Prints the
seconds, buckets rebuilt, files and bytes of ``pagefind/``. Then serves the
result and, in Debian's chromium (Playwright), opens a page that loads the
search the way the portal does (theme/assets/lookout/search-core.js) and
runs one query: the sum of the response bodies is the query's transfer
(target: under 1 MB at L). ``--names N`` then searches N Resource names
exactly and counts those whose own Resource is the first hit.
"""
from __future__ import annotations

import argparse
import copy
import functools
import http.server
import json
import resource
import shutil
import sys
import tempfile
import threading
import time
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.gen_catalog import generate  # noqa: E402
from generator.search import build_search  # noqa: E402

WORDS = ("deploy rollback queue latency retention partition consumer schema migration alert "
         "runbook dashboard failover replica backup throttle cache shard index token").split()

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>
<p>Query bench</p><script type="module">
import {{ openSearch, runSearch }} from "./assets/lookout/search-core.js";
const pf = await openSearch(new URL("./", location.href).href);
const found = await runSearch(pf, {query!r}, {{}}, 0);
window.firstHits = found.ranked.slice(0, 5).map((d) => `${{(d.meta || {{}}).title}} <${{d.url}}>`);
// the first hit's name for a query (--names)
window.firstName = async (q) => ((await runSearch(pf, q, {{}}, 0)).ranked[0] || {{ meta: {{}} }}).meta.name || null;
document.title = `done ${{found.total}}`;
</script></body></html>
"""


def docs_pages(site: Path, sites: int, pages: int) -> int:
    n = 0
    for s in range(sites):
        name = f"svc-{s:04d}"
        for p in range(pages):
            words = " ".join(WORDS[(s * 7 + p * 3 + i) % len(WORDS)] for i in range(180))
            html = (f'<html lang="en"><body><span hidden data-pagefind-filter="is:docs"></span>'
                    f'<span hidden data-pagefind-filter="kind:Component"></span>'
                    f'<span hidden data-pagefind-meta="entity:{name}"></span>'
                    f'<span hidden data-pagefind-meta="title:Page {p}"></span>'
                    f'<div data-pagefind-body><h1>{escape(name)} page {p}</h1><p>{words}</p>'
                    f'<pre class="mermaid"><code>flowchart LR\n a --&gt; b</code></pre></div></body></html>')
            out = site / "docs/default/component" / name / (f"p{p}/index.html" if p else "index.html")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(html, encoding="utf-8")
            n += 1
    return n


def _what(url: str) -> str:
    """A response's part of a query: meta, index chunk, filter, fragment pack, wasm, runtime."""
    for end, what in ((".pf_meta", "meta"), (".pf_index", "index"), (".pf_filter", "filter"),
                      (".json.gz", "packs"), (".pagefind", "wasm"), (".js", "runtime")):
        if url.endswith(end):
            return what
    return "other"


def name_sample(catalog: dict, n: int) -> list[str]:
    """Resource names to search exactly (--names): half from the 40 biggest groups of repo, type
    and owner, half from any group; the same catalog gives the same names."""
    import random
    groups: dict[tuple, list[str]] = {}
    for e in catalog["entities"]:
        if e.get("kind") == "Resource":
            key = ((e["metadata"].get("annotations") or {}).get("lookout/repo"), e["spec"].get("type"),
                   e["spec"].get("owner"))
            groups.setdefault(key, []).append(e["metadata"]["name"].lower())
    every = list(groups.values())
    big = sorted(every, key=len)[-40:]
    rnd = random.Random(3)
    picks = [rnd.choice(g) for g in rnd.sample(big, min(len(big), n // 2))]
    return picks + [rnd.choice(rnd.choice(every)) for _ in range(n - len(picks))]


def measure_query(site: Path, query: str, names: list[str] = ()
                  ) -> tuple[int, int, float, dict[str, tuple[int, int]]]:
    from playwright.sync_api import sync_playwright

    shutil.copytree(REPO / "theme/assets/lookout", site / "assets/lookout", dirs_exist_ok=True)
    (site / "bench-query.html").write_text(PAGE.format(query=query), encoding="utf-8")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sizes: list[tuple[str, int]] = []
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = b.new_page()
            page.on("requestfinished", lambda r: sizes.append((_what(r.url), r.sizes()["responseBodySize"]))
                    if not r.url.endswith((".html", "search-core.js")) else None)
            t = time.perf_counter()
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/bench-query.html")
            page.wait_for_function("() => document.title.startsWith('done')", timeout=120_000)
            seconds = time.perf_counter() - t
            first = page.evaluate("window.firstHits")
            page.wait_for_load_state("networkidle")
            query_sizes = list(sizes)  # the name searches below are not the query's cost
            if names:
                missed = [n for n in names if page.evaluate("q => window.firstName(q)", n) != n]
                print(f"exact names first: {len(names) - len(missed)} of {len(names)}"
                      + (f"; not first: {', '.join(missed)}" if missed else ""))
            b.close()
    finally:
        httpd.shutdown()
    kinds: dict[str, tuple[int, int]] = {}
    for what, size in query_sizes:
        n, total = kinds.get(what, (0, 0))
        kinds[what] = (n + 1, total + size)
    for line in first:
        print(f"  hit: {line}")
    return sum(size for _, size in query_sizes), len(query_sizes), seconds, kinds


def cpu() -> float:
    """CPU seconds of this process and its finished children (the Pagefind services): on a shared
    machine, wall time says more about the neighbours than about Lookout."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=30_000)
    ap.add_argument("--catalog", type=Path, help="an existing catalog.json instead of a synthetic one")
    ap.add_argument("--docs-sites", type=int, default=1000)
    ap.add_argument("--docs-pages", type=int, default=8)
    ap.add_argument("--query", default="orders")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--names", type=int, default=0, help="also search N Resource names exactly: how many rank first")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        catalog = (json.loads(args.catalog.read_text(encoding="utf-8")) if args.catalog
                   else generate(args.entities))
        site, cache = tmp / "site", tmp / "cache"
        pages = docs_pages(site, args.docs_sites, args.docs_pages)
        print(f"input: {len(catalog['entities']):,} entities, {pages:,} docs pages")
        c = cpu()
        cold = build_search(catalog, site, cache)
        c, used = cpu(), cpu() - c
        print(f"cold           : {cold.seconds:7.2f} s ({used:.1f} s CPU)  {cold.pages:,} pages in {cold.buckets} buckets; "
              f"{cold.files:,} files, {cold.index_bytes / 1e6:.1f} MB")
        same = build_search(catalog, site, cache)
        c, used = cpu(), cpu() - c
        print(f"nothing changed: {same.seconds:7.2f} s ({used:.1f} s CPU)  rebuilt {same.rebuilt}/{same.buckets}")
        changed = copy.deepcopy(catalog)
        ent = next(e for e in changed["entities"] if e["kind"] == "Component")
        ent["metadata"]["description"] = "Changed tonight."
        c = cpu()
        one = build_search(changed, site, cache)
        used = cpu() - c
        print(f"one repo       : {one.seconds:7.2f} s ({used:.1f} s CPU)  rebuilt {one.rebuilt}/{one.buckets}")
        total, requests, secs, kinds = measure_query(site, args.query, name_sample(catalog, args.names))
        print(f"query {args.query!r}: {total / 1e3:,.0f} KB in {requests} responses, {secs:.1f} s to results "
              "(index load included)")
        for what, (n, size) in sorted(kinds.items(), key=lambda kv: -kv[1][1]):
            print(f"  {what:10s} {size / 1e3:9,.0f} KB in {n} responses")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
