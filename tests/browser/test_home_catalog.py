"""Home page counts and the catalog table's filters, against the site's own /api/catalog.json."""
from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from lookout_browser import entity_path, number, shoot

pytestmark = pytest.mark.browser


def test_home_counts_by_kind_match_catalog_json(page, server, catalog):
    page.goto(server.url("/"))
    cards = page.locator("#kind-counts a[data-kind]")
    assert cards.count() > 0, "the home page shows no count by kind"
    shown = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        assert card.is_visible()
        shown[card.get_attribute("data-kind").lower()] = number(card.locator(".lk-kind__n").inner_text())
    expected = catalog.kind_counts()
    assert shown == dict(expected)
    total = page.locator("h2:has(+ #kind-counts) .lk-count")
    assert number(total.inner_text()) == sum(expected.values())
    # the migration table: every column has a heading, and it fits its card (no scrollbar)
    assert all(t.strip() for t in page.locator("#migration th").all_inner_texts())
    assert page.locator("#migration table").evaluate("t => t.scrollWidth <= t.clientWidth")
    shoot(page, "home")

    # A kind card opens the catalog filtered to that kind, showing exactly that many rows.
    page.locator('#kind-counts a[data-kind="Resource"]').click()
    page.wait_for_selector("#catalog[data-ready='1']")
    assert page.locator("#filter-kind").input_value() == "resource"
    assert int(page.locator("#catalog-status").get_attribute("data-count")) == expected["resource"]


def _visible_refs(page) -> list[str]:
    """Every row of the current filter, page by page through the table's own pager."""
    refs: list[str] = []
    while page.locator("#catalog-pager").is_visible() and page.locator("#page-prev").is_enabled():
        page.locator("#page-prev").click()  # back to the first page
    while True:
        refs += page.locator("#catalog-rows tr[data-ref]").evaluate_all(
            "rows => rows.map(r => r.getAttribute('data-ref'))")
        nxt = page.locator("#page-next")
        if page.locator("#catalog-pager").is_hidden() or nxt.is_disabled():
            return refs
        before = page.locator("#page-info").inner_text()
        nxt.click()
        page.wait_for_function("b => document.getElementById('page-info').textContent !== b", arg=before)


def test_catalog_filter_kind_and_owner_survives_reload(page, server, catalog):
    resources = catalog.of_kind("resource")
    by_owner = Counter(catalog.owner(r) for r in resources if catalog.owner(r))
    owner, n = sorted(by_owner.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    expected = {r for r in resources if catalog.owner(r) == owner}
    assert len(expected) == n > 1

    page.goto(server.url("/catalog/"))
    page.wait_for_selector("#catalog[data-ready='1']")
    all_count = int(page.locator("#catalog-status").get_attribute("data-count"))
    assert all_count == len(catalog.entities)
    page.select_option("#filter-kind", "resource")
    page.select_option("#filter-owner", owner)
    page.wait_for_function("n => document.getElementById('catalog-status').getAttribute('data-count') === String(n)",
                           arg=len(expected))
    rows = _visible_refs(page)
    assert len(rows) == len(set(rows)), "a row is shown twice"
    assert set(rows) == expected
    # each row says what it is and who owns it, and links to the entity page
    first = page.locator("#catalog-rows tr[data-ref]").first
    ref = first.get_attribute("data-ref")
    assert first.locator("td").nth(1).inner_text() == "Resource"
    assert first.locator("td a").first.get_attribute("href").endswith(entity_path(ref))
    shoot(page, "catalog-filtered")

    # The filter lives in the URL: a reload (or a shared link) shows the same rows.
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("kind") == ["resource"] and query.get("owner") == [owner], page.url
    page.reload()
    page.wait_for_selector("#catalog[data-ready='1']")
    assert page.locator("#filter-kind").input_value() == "resource"
    assert page.locator("#filter-owner").input_value() == owner
    assert int(page.locator("#catalog-status").get_attribute("data-count")) == len(expected)
    assert set(_visible_refs(page)) == expected

    # an owner's name is not broken mid-word ("Checko|ut"): no more lines than words, with
    # every kind shown (descriptions take the width) at a laptop's width
    page.set_viewport_size({"width": 1400, "height": 900})
    team = "group:default/payments-checkout"   # the demo team whose rows once broke its title
    page.select_option("#filter-kind", "")
    page.select_option("#filter-owner", team)
    page.wait_for_function("n => document.getElementById('catalog-status').getAttribute('data-count') === String(n)",
                           arg=sum(catalog.owner(r) == team for r in catalog.entities))
    broken = page.evaluate("""() => Array.from(document.querySelectorAll('#catalog-rows td:nth-child(4) a'))
        .filter(a => !a.textContent.includes('-')).filter(a => {
          const r = document.createRange(); r.selectNodeContents(a);
          return r.getClientRects().length > a.textContent.trim().split(/\\s+/).length; })
        .map(a => a.textContent)""")
    assert broken == [], f"owner names broken mid-word: {broken}"


def test_a_link_filtered_by_owner_shows_from_that_owners_file(guard, server, catalog):
    """A shared /catalog/?owner=… link shows the team's rows without loading the whole catalog;
    another owner loads that owner's file; only a view across owners loads the whole table."""
    page = guard.page
    by_owner = Counter(catalog.owner(r) for r in catalog.entities if catalog.owner(r))
    (owner, n), (other, m) = sorted(by_owner.items(), key=lambda kv: (-kv[1], kv[0]))[:2]

    def fetched(name: str) -> int:
        return sum(urlsplit(u).path.startswith(name) for u in guard.requests)

    def count(k: int) -> None:
        page.wait_for_function("k => document.getElementById('catalog-status').getAttribute('data-count') === String(k)",
                               arg=k)

    page.goto(server.url(f"/catalog/?owner={owner}&sort=name"))
    page.wait_for_selector("#catalog[data-ready='1']")
    assert page.locator("#filter-owner").input_value() == owner
    count(n)
    assert set(_visible_refs(page)) == {r for r in catalog.entities if catalog.owner(r) == owner}
    status = page.locator("#catalog-status").inner_text()
    assert f"of {n:,} entities ({len(catalog.entities):,} in the catalog)" in status, status
    assert fetched("/catalog/owner/") == 1 and fetched("/catalog/entities.json") == 0, guard.requests

    page.select_option("#filter-owner", other)   # still without the whole table
    count(m)
    assert set(_visible_refs(page)) == {r for r in catalog.entities if catalog.owner(r) == other}
    assert fetched("/catalog/owner/") == 2 and fetched("/catalog/entities.json") == 0, guard.requests
    assert parse_qs(urlsplit(page.url).query)["owner"] == [other]

    page.select_option("#filter-owner", "")      # every owner: now the whole table
    count(len(catalog.entities))
    assert fetched("/catalog/entities.json") == 1
    page.select_option("#filter-owner", owner)   # and from it from now on
    count(n)
    assert fetched("/catalog/owner/") == 2


def test_catalog_pager_is_hidden_for_a_single_page(page, server, catalog):
    page.goto(server.url("/catalog/?kind=system"))
    page.wait_for_selector("#catalog[data-ready='1']")
    assert 0 < int(page.locator("#catalog-status").get_attribute("data-count")) <= 100
    assert page.locator("#catalog-pager").get_attribute("hidden") is not None  # catalog.js hid it
    assert page.locator("#catalog-pager").is_hidden()
