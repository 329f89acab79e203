"""Benchmark: what a user waits for in the browser, on a built portal (an L build above all).

    .venv/bin/python bench/bench_browser.py --site .bench-cache/L/site
    .venv/bin/python bench/bench_browser.py --site site/ --owner group:default/payments --repeat 5

Serves the site on 127.0.0.1 and opens it in Debian's Chromium (Playwright,
executable path /usr/bin/chromium, a fresh browser context for every run so
nothing comes from the HTTP cache). Three measurements, each the median of
--repeat runs:

    catalog, owner filter   /catalog/?owner=<group> from navigation until the filtered
                            table shows (entities.json loaded and filtered), and a
                            change of the Owner filter on the ready page until the
                            table shows the new result
    resource page           a Resource's page (a static page, or the namespace page
                            rendering its shard) from navigation until it is drawn
    search query            /search/?q=<query> until results show: the bytes of every
                            response the query needed (the page and its theme excluded),
                            and the time

Targets at L (README, Performance): the filter and the resource page within a
second, a query under 1 MB.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, *args):
        pass


def _serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def _catalog(site: Path) -> dict:
    raw = site / "api" / "catalog.json"
    if raw.is_file():
        return json.loads(raw.read_bytes())
    return json.loads(gzip.decompress((site / "api" / "catalog.json.gz").read_bytes()))


def pick(site: Path) -> tuple[str, str, str, int]:
    """The busiest owner (the slowest filter to show), a Resource, and how many entities."""
    entities = _catalog(site)["entities"]
    owners = Counter(str((e.get("spec") or {}).get("owner") or "") for e in entities)
    owners.pop("", None)
    owner = owners.most_common(1)[0][0]
    resources = sorted(e["metadata"]["name"] for e in entities if e.get("kind") == "Resource")
    return owner, resources[len(resources) // 2], "default", len(entities)


def resource_url(site: Path, ns: str, name: str) -> str:
    static = site / "catalog" / ns / "resource" / name / "index.html"
    return f"/catalog/{ns}/resource/{name}/" if static.is_file() else f"/catalog/{ns}/resource/?name={name}"


def run(site: Path, owner: str, resource: str, ns: str, query: str, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    httpd, origin = _serve(site)
    out: dict[str, list[float]] = {"catalog_owner_s": [], "owner_change_s": [], "resource_s": [],
                                   "search_s": [], "search_bytes": [], "search_requests": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(repeat):
                ctx = browser.new_context()
                page = ctx.new_page()
                t = time.perf_counter()
                page.goto(f"{origin}/catalog/?owner={owner}")
                page.wait_for_selector("#catalog[data-ready='1']", timeout=120_000)
                page.wait_for_function("document.getElementById('catalog-status').dataset.count !== undefined")
                out["catalog_owner_s"].append(time.perf_counter() - t)
                before = page.get_attribute("#catalog-status", "data-count")
                other = page.eval_on_selector(
                    "#filter-owner", f"s => Array.from(s.options).map(o => o.value).filter(v => v && v !== {json.dumps(owner)})[0]")
                t = time.perf_counter()
                page.select_option("#filter-owner", other)
                page.wait_for_function(f"document.getElementById('catalog-status').dataset.count !== {json.dumps(before)} "
                                       f"|| new URLSearchParams(location.search).get('owner') === {json.dumps(other)}")
                out["owner_change_s"].append(time.perf_counter() - t)

                t = time.perf_counter()
                page.goto(origin + resource_url(site, ns, resource))
                page.wait_for_selector(".lk-entity", timeout=60_000)
                page.wait_for_function(f"document.title.startsWith({json.dumps(resource)}) || "
                                       "document.querySelector('.lk-entity h1') !== null")
                out["resource_s"].append(time.perf_counter() - t)
                ctx.close()

                ctx = browser.new_context()
                page = ctx.new_page()
                sizes: list[int] = []
                page.goto(f"{origin}/search/")   # the page and the theme: not the query's cost
                page.wait_for_load_state("networkidle")
                page.on("requestfinished", lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"]))
                t = time.perf_counter()
                page.fill("#lookout-search-input", query)
                page.wait_for_selector("#lookout-search-list li", timeout=120_000)
                page.wait_for_load_state("networkidle")
                out["search_s"].append(time.perf_counter() - t)
                out["search_bytes"].append(sum(sizes))
                out["search_requests"].append(len(sizes))
                ctx.close()
            browser.close()
    finally:
        httpd.shutdown()
    return {k: statistics.median(v) for k, v in out.items() if v}


def report(res: dict, entities: int, query: str) -> str:
    return "\n".join([
        f"in Chromium, {entities:,} entities; owner {res['owner']}; resource {res['resource']}; medians",
        f"  /catalog/?owner=…, navigation to filtered table   {res['catalog_owner_s']:.2f} s",
        f"  owner filter changed on the ready page            {res['owner_change_s']:.2f} s",
        f"  a resource's page, navigation to drawn            {res['resource_s']:.2f} s",
        f"  search {query!r}: {res['search_bytes'] / 1e6:.2f} MB in {res['search_requests']:.0f} responses, "
        f"{res['search_s']:.2f} s"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--owner", help="an owner ref (default: the one owning most entities)")
    ap.add_argument("--resource", help="a Resource name in --namespace (default: one from the middle)")
    ap.add_argument("--namespace", default="default")
    ap.add_argument("--query", default="kafka")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    owner, resource, ns, entities = pick(a.site)
    owner, resource, ns = a.owner or owner, a.resource or resource, a.namespace or ns
    res = {"owner": owner, "resource": resource, **run(a.site, owner, resource, ns, a.query, a.repeat)}
    print(report(res, entities, a.query))
    if a.json:
        a.json.write_text(json.dumps({"entities": entities, "owner": owner, "resource": resource, **res}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
