"""Hostile catalog strings execute nothing in the browser.

A second, portal-only site is built from tests/fixtures/catalog-hostile.json, whose payloads
(<script>, onerror=, svg onload, javascript:/data: links, attribute break-outs, mermaid
`click ... call` / `href "javascript:..."` / %%{init}%% injections through titles) all either
set ``window.__pwned`` or call ``alert()``. Every page is opened, its links hovered, its diagram
nodes clicked; the flag must stay unset and no dialog may open (the guard fails the test on any
dialog, console error or off-site request).
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lookout_browser import Catalog, ShadowDiagrams, entity_path, serve, wait_rendered_diagram

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "catalog-hostile.json"
FLAG = "__pwned"  # what every payload in the fixture sets
SAFE_SCHEMES = {"http", "https", "mailto", ""}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, browser):
    from generator.portal.build import build_site

    text = HOSTILE.read_text(encoding="utf-8")
    assert f"window.{FLAG}=1" in text, f"the fixture's payloads no longer set window.{FLAG}: update FLAG"
    out = tmp_path_factory.mktemp("hostile") / "site"
    build_site(HOSTILE, out, progress=False)
    with serve(out) as srv:
        yield srv, Catalog(json.loads(text))


def assert_not_pwned(page, where: str) -> None:
    assert page.evaluate(f"() => window.{FLAG}") is None, f"a payload ran on {where}"


def check_links(page, where: str) -> None:
    hrefs = page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    bad = [h for h in hrefs if urlsplit(h).scheme.lower() not in SAFE_SCHEMES]
    assert not bad, f"unsafe links on {where}: {bad}"


def hover_everything(page) -> None:
    # e.g. the tag `a" onmouseover="window.__pwned=1`: an attribute that broke out would run on
    # these events. Synthetic events run inline handlers just like real ones, on every element.
    page.evaluate("""() => {
      for (const el of document.querySelectorAll('.md-content *, .md-header *')) {
        for (const type of ['mouseover', 'mouseenter', 'mousemove', 'focus', 'animationstart']) {
          el.dispatchEvent(new Event(type, {bubbles: type !== 'mouseenter'}));
        }
      }
    }""")


def test_hostile_catalog_executes_nothing(page, guard, hostile):
    srv, cat = hostile
    visited = []

    def visit(path: str):
        page.goto(srv.url(path))
        visited.append(path)
        assert_not_pwned(page, path)

    # Entity pages: header, About, links, tables, problems, descriptor, diagram.
    for ref in sorted(cat.entities):
        path = entity_path(ref)
        visit(path)
        assert page.locator(".lk-entity").get_attribute("data-ref") == ref
        check_links(page, path)
        page.locator("#descriptor-json summary").click()  # entity.js pretty-prints catalog text
        hover_everything(page)
        assert_not_pwned(page, path)
        if page.locator("#relation-diagram pre.mermaid, #relation-diagram div.mermaid").count():
            wait_rendered_diagram(page, "#relation-diagram")
            # Click every node of the drawn diagram (an injected `click n0 call alert(1)` would fire).
            shadow = ShadowDiagrams(page)
            roots = shadow.roots("#relation-diagram")
            assert roots, f"the diagram of {ref} was not drawn"
            nodes = shadow.nodes(roots[0])
            assert nodes
            for a in shadow.links(roots[0]):
                assert urlsplit(urljoin(page.url, a["href"])).scheme in ("http", "https"), a
            for node in nodes:
                if page.url != srv.url(path):
                    visit(path)
                    wait_rendered_diagram(page, "#relation-diagram")
                    shadow = ShadowDiagrams(page)
                    roots = shadow.roots("#relation-diagram")
                if node["href"]:
                    with page.expect_navigation():
                        shadow.click(roots[0], node=node["index"])
                else:
                    shadow.click(roots[0], node=node["index"])
                    page.wait_for_timeout(150)
                assert_not_pwned(page, f"{path} after clicking diagram node {node['text']!r}")
                assert urlsplit(page.url).netloc == urlsplit(srv.origin).netloc, page.url

    # The catalog table, searched for the hostile strings with its text filter.
    visit("/catalog/")
    page.wait_for_selector("#catalog[data-ready='1']")
    for text in ("evil", "<script>", "onerror", "javascript:", "#quot;"):
        page.fill("#filter-text", text)
        page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=text)
        assert_not_pwned(page, f"/catalog/?q={text}")
    page.fill("#filter-text", "evil")
    page.wait_for_function("() => document.getElementById('catalog-status').dataset.count === '3'")
    assert set(page.locator("#catalog-rows tr[data-ref]").evaluate_all("rs => rs.map(r => r.dataset.ref)")) \
        == set(cat.entities)
    # the row text is the raw catalog text, shown as text
    titles = page.locator("#catalog-rows tr[data-ref] td:first-child a").all_inner_texts()
    assert any("<script>window.__pwned=1</script>" in t for t in titles), titles
    hover_everything(page)
    check_links(page, "/catalog/")
    for key in ("type", "owner", "lifecycle", "tag"):  # the hostile values are options in the filters
        options = page.locator(f"#filter-{key} option").evaluate_all("os => os.map(o => o.value)")
        for value in options[1:]:
            page.select_option(f"#filter-{key}", value)
            assert_not_pwned(page, f"/catalog/?{key}={value}")
        page.select_option(f"#filter-{key}", "")

    # The graph explorer rooted at each hostile entity: drawn in the page (not a shadow root).
    for ref in sorted(cat.entities):
        graph = f"/graph/?root={ref}&depth=2&rel=dependsOn,consumesApi,providesApi,partOf,ownedBy,memberOf,childOf"
        visit(graph)
        page.wait_for_selector("#graph-explorer[data-ready='1']")
        assert page.locator("#graph-output svg").count() == 1, page.locator("#graph-status").inner_text()
        assert int(page.locator("#graph-status").get_attribute("data-nodes")) == 3
        check_links(page, graph)
        nodes = page.locator("#graph-output g.node")
        for i in range(nodes.count()):
            if not urlsplit(page.url).path.startswith("/graph/"):
                visit(graph)
                page.wait_for_selector("#graph-explorer[data-ready='1']")
            node = page.locator("#graph-output g.node").nth(i)
            if node.evaluate("g => !!g.closest('a')"):
                with page.expect_navigation():
                    node.click()
            else:
                node.click()
                page.wait_for_timeout(150)
            assert_not_pwned(page, f"graph of {ref}, node {i}")
        assert_not_pwned(page, graph)

    # The problems page lists the hostile problems, as text.
    visit("/problems/")
    assert page.locator("tr.lk-problem").count() == len(cat.data["problems"])
    assert "<script>window.__pwned=1</script>" in page.locator(".lk-problems").inner_text()
    hover_everything(page)
    check_links(page, "/problems/")
    assert_not_pwned(page, "/problems/")
    assert not guard.dialogs, guard.dialogs
    assert len(visited) >= 3 + 1 + 3 + 1
