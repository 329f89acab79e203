"""Search in a large org: sharded Resources of one repo, type and owner are one search record,
each member a sub-result; the search page and the header box show the member Resources, each
linking to its own page (``catalog/<ns>/resource/?name=<name>``)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from lookout_browser import serve
from test_search import SETTLED, hits, open_search, search, type_in_header

from generator.portal.build import build_site
from generator.search import build_search

pytestmark = pytest.mark.browser

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "catalog-small.json"
BASE = "repo-00002-rds-000035"  # the demo catalog's RDS instance of repo-00002
SIBLINGS = [f"repo-00002-rds-9{i:05d}" for i in range(4)]


def with_siblings(data: dict) -> dict:
    """The small catalog, with four more RDS instances in BASE's repo, of its owner: a group of five."""
    data = copy.deepcopy(data)
    base = next(e for e in data["entities"] if e["metadata"]["name"] == BASE)
    for i, name in enumerate(SIBLINGS):
        e = copy.deepcopy(base)
        e["metadata"].update(name=name, title=f"Ledger store {i}", description=f"Replica {i} of the ledger store.")
        e["spec"]["lifecycle"] = "experimental" if i % 2 else "production"
        e["relations"] = [r for r in e.get("relations") or [] if r["type"] == "ownedBy"]
        data["entities"].append(e)
    return data


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    root = tmp_path_factory.mktemp("grouped")
    data = with_siblings(json.loads(SMALL.read_text()))
    catalog = root / "catalog.json"
    catalog.write_text(json.dumps(data))
    site = root / "site"
    build_site(catalog, site, progress=False, workers=1, extra_config={"lookout": {"resource_pages": "shards"}})
    build_search(data, site, None, resource_pages="shards")
    with serve(site) as srv:
        yield srv, site


def test_a_member_resource_is_a_hit_of_its_own_that_opens_its_page(page, grouped):
    server, site = grouped
    from generator.search.index import read_fragments
    group = [f for f in read_fragments(site / "pagefind") if "?group=" in f["url"]]
    assert len(group) == 1 and len(json.loads(group[0]["meta"]["members"])) == 5  # the five are one record

    open_search(page, server)
    found = search(page, SIBLINGS[2])
    assert found[0]["href"] == server.url(f"/catalog/default/resource/?name={SIBLINGS[2]}"), found[:3]
    assert found[0]["title"] == "Ledger store 2"
    assert found[0]["what"].startswith("Resource · rds · production · owned by "), found[0]
    assert not [h for h in found if "group=" in h["href"]]
    page.locator("#lookout-search-list a.lookout-hit__title").first.click()
    page.wait_for_selector(".lk-entity[data-ready='1']")
    assert page.locator("#entity-title").inner_text() == "Ledger store 2"
    assert page.locator(".lk-entity").get_attribute("data-ref") == f"resource:default/{SIBLINGS[2]}"

    # a word every member has: each member is a hit, with its own title and excerpt
    open_search(page, server)
    found = search(page, "ledger store")
    urls = {h["href"] for h in found}
    assert {server.url(f"/catalog/default/resource/?name={n}") for n in SIBLINGS} <= urls, found
    assert not [h for h in found if "group=" in h["href"]]
    first = page.locator("#lookout-search-list li").first.locator(".lookout-hit__excerpt mark")
    assert "ledger" in " ".join(first.all_inner_texts()).lower()


def test_a_lifecycle_filter_keeps_only_the_members_that_have_it(page, grouped):
    server, _ = grouped
    page.goto(server.url("/search/?q=ledger+store&lifecycle=experimental"))
    page.wait_for_function(SETTLED)
    assert [h["title"] for h in hits(page)] == ["Ledger store 1", "Ledger store 3"]
    assert all(h["what"] == hits(page)[0]["what"] and " · experimental · " in h["what"] for h in hits(page))


def test_the_header_box_shows_the_member_resource(page, grouped):
    server, _ = grouped
    page.goto(server.url("/"))
    found = type_in_header(page, SIBLINGS[1])
    assert found[0]["href"] == server.url(f"/catalog/default/resource/?name={SIBLINGS[1]}"), found[:3]
    assert found[0]["title"] == "Ledger store 1"
    page.locator("#header-search input[name=q]").press("ArrowDown")
    page.locator("#header-search input[name=q]").press("Enter")
    page.wait_for_selector(".lk-entity[data-ready='1']")
    assert page.locator("#entity-title").inner_text() == "Ledger store 1"
