"""Search (/search/): Pagefind over entity pages and every docs site, offline, with facets.

The guard fixture proves no request leaves the local server while searching.
"""
from __future__ import annotations

import json
import re

import pytest
from lookout_browser import entity_path, shoot

pytestmark = pytest.mark.browser

PHRASE = "nightly quiesce window"
PHRASE_PAGE = "/docs/default/component/ledger-service/operations/"
ENTITY = "component:default/ledger-service"
FIRST_PAGE = 20  # hits shown before "Show more results"
KINDS = ("Component", "API", "Resource", "System", "Domain", "Group", "User", "Location", "Template")


def open_search(page, server) -> None:
    page.goto(server.url("/search/"))
    page.wait_for_function("() => !document.getElementById('lookout-search-status').textContent.startsWith('Loading')")


SETTLED = """() => { const m = /^(\\d+) results?$/.exec(document.getElementById('lookout-search-status').textContent);
  return !!m && document.querySelectorAll('#lookout-search-list li').length === Math.min(+m[1], FIRST_PAGE); }""".replace(
    "FIRST_PAGE", str(FIRST_PAGE))


def search(page, text: str) -> list[dict]:
    """Type a query (as a user does) and return the hits shown (the first page), in order."""
    page.fill("#lookout-search-input", text)
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=text)
    page.wait_for_function(SETTLED)
    return hits(page)


def hits(page) -> list[dict]:
    return page.locator("#lookout-search-list li.lookout-hit").evaluate_all("""lis => lis.map(li => ({
        href: li.querySelector('a.lookout-hit__title').href,
        title: li.querySelector('a.lookout-hit__title').textContent,
        what: li.querySelector('.lookout-hit__what').textContent,
        whatLink: (li.querySelector('.lookout-hit__what a') || {}).href || null }))""")


def total(page) -> int:
    return int(re.match(r"\d+", page.locator("#lookout-search-status").inner_text()).group())


def all_hits(page) -> list[dict]:
    """Every hit of the current search, through "Show more results"."""
    n = page.locator("#lookout-search-list li").count()
    while n < total(page):
        page.locator("#lookout-search-more").click()
        page.wait_for_function("n => document.querySelectorAll('#lookout-search-list li').length > n", arg=n)
        n = page.locator("#lookout-search-list li").count()
    out = hits(page)
    assert len(out) == total(page)
    return out


def check_what(catalog, server, hit: dict) -> None:
    """Each hit says what it is: an entity's kind (and owner), or the docs page of which entity."""
    path = hit["href"][len(server.origin):]
    if path.startswith("/docs/"):
        m = re.fullmatch(r"Docs page of (.+) \((\w+)\)", hit["what"])
        assert m, hit
        ns, kind, name = path.split("/")[2:5]
        ref = f"{kind}:{ns}/{name}"
        assert m.group(1) == catalog.title(ref) or m.group(1) == name, hit
        assert m.group(2).lower() == kind, hit
        assert hit["whatLink"] == server.url(entity_path(ref)), hit
    else:
        m = re.fullmatch(r"/catalog/([^/]+)/([^/]+)/([^/]+)/", path)
        assert m, hit
        ref = f"{m.group(2)}:{m.group(1)}/{m.group(3)}"
        assert ref in catalog.entities, hit
        parts = hit["what"].split(" · ")
        assert parts[0].lower() == ref.split(":")[0] and parts[0] in KINDS, hit
        owner = catalog.owner(ref)
        if owner:
            assert parts[-1] == f"owned by {owner.split('/')[-1]}", hit


def distinctive_word(catalog, ref: str) -> str:
    """A word of the entity's description that no other entity's name/title/description contains."""
    others = " ".join(f"{e['metadata']['name']} {e['metadata'].get('title') or ''} {e['metadata'].get('description') or ''}"
                      for r, e in catalog.entities.items() if r != ref).lower()
    words = re.findall(r"[A-Za-z]{6,}", catalog.entities[ref]["metadata"].get("description") or "")
    for w in words:
        if w.lower() not in others:
            return w
    pytest.fail(f"{ref} has no distinctive description word")


def test_docs_phrase_finds_the_operations_page_first(page, server, catalog):
    open_search(page, server)
    found = search(page, PHRASE)
    assert found, f"no result for {PHRASE!r}"
    first = found[0]
    assert first["href"] == server.url(PHRASE_PAGE), found[:3]
    assert first["what"] == "Docs page of ledger-service (Component)"
    assert first["whatLink"] == server.url(entity_path(ENTITY))
    mark = page.locator("#lookout-search-list li").first.locator(".lookout-hit__excerpt mark")
    assert "quiesce" in " ".join(mark.all_inner_texts()).lower()
    shoot(page, "search-results")
    # the hit opens the page that holds the phrase
    page.locator("#lookout-search-list a.lookout-hit__title").first.click()
    page.wait_for_url(server.url(PHRASE_PAGE))
    assert PHRASE in page.locator("article").inner_text().lower()


@pytest.mark.parametrize("how", ["name", "description word"])
def test_name_and_description_word_find_the_entity_page(page, server, catalog, how):
    ent = catalog.entities[ENTITY]
    query = ent["metadata"]["name"] if how == "name" else distinctive_word(catalog, ENTITY)
    open_search(page, server)
    found = search(page, query)
    urls = [h["href"] for h in found]
    target = server.url(entity_path(ENTITY))
    assert target in urls, f"{query!r} ({how}): {ENTITY} is not on the first page of results"
    if how == "name":
        assert urls.index(target) < 3, f"{query!r}: the entity is hit #{urls.index(target) + 1}"
    h = found[urls.index(target)]
    assert h["what"] == "Component · service · production · owned by payments-ledger", h
    for h in found:
        check_what(catalog, server, h)


def test_owner_finds_every_entity_it_owns(page, server, catalog):
    owner = catalog.owner(ENTITY)
    owned = {server.url(entity_path(r)) for r in catalog.owned_by(owner, include_subgroups=False)}
    assert server.url(entity_path(ENTITY)) in owned and len(owned) > 1
    open_search(page, server)
    search(page, owner.split("/")[-1])
    found = all_hits(page)
    missing = owned - {h["href"] for h in found}
    assert not missing, f"searching the owner {owner} does not find: {sorted(missing)}"
    first = [h["href"] for h in found[:3]]
    assert server.url(entity_path(owner)) in first, f"the owner's own page is not among the first hits: {first}"
    for h in found:
        check_what(catalog, server, h)


def test_kind_facet_leaves_only_resources(page, server, catalog):
    open_search(page, server)
    search(page, "prod")
    everything = all_hits(page)
    kinds = {h["what"].split(" · ")[0] for h in everything if not h["what"].startswith("Docs page")}
    assert "Resource" in kinds and len(kinds) > 1, kinds  # the facet has something to remove
    for h in everything:
        check_what(catalog, server, h)
    resources = [h for h in everything if h["what"].startswith("Resource")]

    box = page.locator('fieldset[data-facet="kind"] input[type=checkbox][value="Resource"]')
    assert box.is_visible()
    before = page.locator("#lookout-search-status").inner_text()
    box.check()
    page.wait_for_function("b => document.getElementById('lookout-search-status').textContent !== b", arg=before)
    page.wait_for_function(SETTLED)
    assert "kind=Resource" in page.url
    filtered = all_hits(page)
    assert filtered, "the Resource facet left nothing"
    assert all(h["what"].startswith("Resource · ") for h in filtered), [h["what"] for h in filtered]
    assert {h["href"] for h in filtered} == {h["href"] for h in resources}
    count = page.locator('fieldset[data-facet="kind"] label:has(input[value="Resource"]) .lookout-count')
    assert int(count.inner_text()) == len(filtered)


def test_show_more_is_hidden_when_every_hit_is_shown(page, server):
    open_search(page, server)
    found = search(page, PHRASE)
    assert 0 < len(found) == total(page) <= FIRST_PAGE
    assert page.locator("#lookout-search-more").is_hidden()


# -- the header box, ranking, what a query costs ---------------------------------------------

def header_hits(page) -> list[dict]:
    return page.locator("#header-search-results a.lk-drop__hit").evaluate_all("""as => as.map(a => ({
        href: a.href, title: a.querySelector('.lk-drop__title').textContent,
        what: a.querySelector('.lk-drop__what').textContent }))""")


def type_in_header(page, text: str) -> list[dict]:
    box = page.locator("#header-search input[name=q]")
    box.click()
    box.press_sequentially(text, delay=40)  # as a user types: one input event per key
    page.wait_for_function("""q => { const d = document.getElementById('header-search-results');
        return d && !d.hidden && d.querySelector('.lk-drop__all')
          && document.querySelector('#header-search input').value === q; }""", arg=text)
    page.wait_for_timeout(400)  # the last keystroke's results (debounced) replace earlier ones
    return header_hits(page)


def test_header_box_shows_results_as_you_type(page, server, catalog):
    page.goto(server.url(entity_path("system:default/checkout")))
    found = type_in_header(page, "ledger-serv")
    assert found, "typing in the header box shows no results"
    assert found[0]["href"] == server.url(entity_path(ENTITY)), found[:3]
    assert found[0]["what"] == "Component · service · production · owned by payments-ledger"
    assert page.url == server.url(entity_path("system:default/checkout")), "typing must not navigate"
    shoot(page, "header-search-dropdown")
    # arrow down + Enter opens the highlighted hit
    box = page.locator("#header-search input[name=q]")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(server.url(entity_path(ENTITY)))
    # Enter without a highlighted hit goes to the full search page with the query
    page.locator("#header-search input[name=q]").fill("quiesce")
    page.locator("#header-search input[name=q]").press("Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=quiesce$"))
    page.wait_for_function(SETTLED)
    assert hits(page)[0]["href"] == server.url(PHRASE_PAGE)


def test_kafka_finds_the_kafka_cluster_first(page, server, catalog):
    clusters = [r for r in catalog.of_kind("resource")
                if (catalog.entities[r].get("spec") or {}).get("type") == "kafka-cluster"]
    assert clusters, "the demo org has a kafka cluster"
    others = [r for r in catalog.entities if r not in clusters and "kafka" in r]
    assert others, "the query has rivals named kafka-… to beat"
    page.goto(server.url("/"))
    dropdown = type_in_header(page, "kafka")
    assert dropdown[0]["href"] == server.url(entity_path(clusters[0])), [h["title"] for h in dropdown]
    open_search(page, server)
    found = search(page, "kafka")
    assert found[0]["href"] == server.url(entity_path(clusters[0])), [h["title"] for h in found[:5]]
    assert found[0]["what"].startswith("Resource · kafka-cluster")
    # everything else named kafka is found too, below it
    urls = [h["href"] for h in all_hits(page)]
    for ref in others:
        assert server.url(entity_path(ref)) in urls, ref


def test_entity_excerpt_separates_labels_from_values(page, server):
    open_search(page, server)
    search(page, "kafka-cluster")
    excerpt = page.locator("#lookout-search-list li").first.locator(".lookout-hit__excerpt").inner_text()
    assert "Type: kafka-cluster" in excerpt, excerpt
    assert "Typekafka" not in excerpt and "KindResource" not in excerpt


def test_mermaid_source_is_not_indexed(catalog, demo_site):
    """No indexed text holds a word that the docs have only inside mermaid diagram sources."""
    import html as html_lib

    from generator.search.index import read_fragments
    inside, outside = set(), set(re.findall(r"[a-z]+", json.dumps(catalog.entities).lower()))
    for path in (demo_site / "docs").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r'<pre class="mermaid"><code>(.*?)</code></pre>', text, re.S):
            inside |= set(re.findall(r"[a-z]{6,}", html_lib.unescape(block).lower()))
        rest = re.sub(r'<pre class="mermaid">.*?</pre>', " ", text, flags=re.S)
        outside |= set(re.findall(r"[a-z]+", re.sub(r"<[^>]+>", " ", rest).lower()))
    only = sorted(inside - outside)
    assert len(only) >= 3, only  # the demo's docs have diagrams with words of their own
    indexed = set()
    for frag in read_fragments(demo_site / "pagefind"):
        indexed |= set(re.findall(r"[a-z]+", frag["content"].lower()))
    assert not indexed & set(only), sorted(indexed & set(only))


def test_a_query_transfers_under_a_megabyte(page, server):
    sizes: list[int] = []
    page.on("requestfinished", lambda req: sizes.append(req.sizes()["responseBodySize"]))
    open_search(page, server)
    sizes.clear()  # the page itself is not the query's cost; the index it loads is
    page.reload()
    page.wait_for_function("() => !document.getElementById('lookout-search-status').textContent.startsWith('Loading')")
    search(page, "orders")
    page.wait_for_load_state("networkidle")
    assert sum(sizes) < 1_000_000, f"{sum(sizes):,} bytes in {len(sizes)} responses"
