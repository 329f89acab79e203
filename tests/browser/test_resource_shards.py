"""Sharded Resources (a large org): the catalog filtered by owner links each Resource to its
namespace's page, which shows it from its JSON shard; a shared link opens the same Resource."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from lookout_browser import Catalog, entity_path, serve, shoot

from generator.portal.build import build_site

pytestmark = pytest.mark.browser

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "catalog-small.json"


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    site = tmp_path_factory.mktemp("sharded") / "site"
    build_site(SMALL, site, progress=False, workers=1, extra_config={"lookout": {"resource_pages": "shards"}})
    with serve(site) as srv:
        yield srv, site, Catalog(json.loads(SMALL.read_text()))


def test_owner_filter_then_a_resource_opens_from_its_shard(page, sharded):
    server, site, catalog = sharded
    resources = catalog.of_kind("resource")
    # No page per Resource: one per namespace, and shards.
    assert not (site / entity_path(resources[0]).lstrip("/")).exists()
    assert (site / "catalog/default/resource/index.html").is_file()
    owner, n = sorted(Counter(catalog.owner(r) for r in resources if catalog.owner(r)).items(),
                      key=lambda kv: (-kv[1], kv[0]))[0]
    expected = {r for r in resources if catalog.owner(r) == owner}

    page.goto(server.url(f"/catalog/?kind=resource&owner={owner}"))
    page.wait_for_function("n => document.getElementById('catalog-status').getAttribute('data-count') === String(n)",
                           arg=len(expected))
    first = page.locator("#catalog-rows tr[data-ref]").first
    ref = first.get_attribute("data-ref")
    assert ref in expected
    name = ref.split("/", 1)[1]
    link = first.locator("td a").first
    assert link.get_attribute("href").endswith(f"catalog/default/resource/?name={name}")
    link.click()
    page.wait_for_selector(".lk-entity[data-ready='1']")
    assert page.locator(".lk-entity").get_attribute("data-ref") == ref
    assert page.locator("#entity-title").inner_text() == catalog.title(ref)
    owner_link = page.locator("#owner a").first
    assert owner_link.inner_text() == catalog.title(owner)
    assert page.title().startswith(catalog.title(ref))
    # Its diagram is drawn, and its links lead where a static page's would.
    page.wait_for_selector("#relation-diagram div.mermaid svg")
    shoot(page, "resource-from-shard", full_page=True)
    owner_link.click()
    page.wait_for_url(server.url(entity_path(owner)))
    assert page.locator("#entity-title").inner_text() == catalog.title(owner)

    # A shared link opens the same Resource; an unknown name says so.
    page.goto(server.url(f"/catalog/default/resource/?name={name}#problems"))
    page.wait_for_selector(".lk-entity[data-ready='1']")
    assert page.locator("#entity-title").inner_text() == catalog.title(ref)
    page.goto(server.url("/catalog/default/resource/?name=no-such-resource"))
    page.wait_for_selector("#lk-resource[data-ready='missing']")
    assert "no-such-resource" in page.locator("#lk-resource-status").inner_text()


def test_a_component_page_links_its_resources_to_their_shards(page, sharded):
    server, _, catalog = sharded
    comp = next(r for r in catalog.of_kind("component")
                if any(t.startswith("resource:") for t in catalog.rel(r, "dependsOn")))
    page.goto(server.url(entity_path(comp)))
    target = next(t for t in catalog.rel(comp, "dependsOn") if t.startswith("resource:"))
    link = page.locator(f'#depends-on tr[data-ref="{target}"] td:first-child a')
    link.click()
    page.wait_for_selector(".lk-entity[data-ready='1']")
    assert page.locator(".lk-entity").get_attribute("data-ref") == target


# Python's name_hash and entity.js's must agree on every name, not only the ASCII of today's names.
NAMES = ["orders-db", "123456789", "ünïcødé", "名前-queue", "emoji-🚀", "a b/c?d=e&f#g%2F", "", "\u0000x"]


def test_the_browser_hashes_names_as_python_does_and_opens_an_encoded_name(page, sharded):
    import zlib

    server, site, catalog = sharded
    page.goto(server.url("/catalog/default/resource/?name=" + quote("ünïcødé-名前")))
    page.wait_for_selector("#lk-resource[data-ready='missing']")
    assert "ünïcødé-名前" in page.locator("#lk-resource-status").inner_text()
    got = page.evaluate("names => names.map(n => window.lookoutNameHash(n))", NAMES)
    assert got == [zlib.crc32(n.encode("utf-8")) for n in NAMES]

    # A name with every byte percent-encoded (as a mail client or a chat may rewrite a link).
    ref = next(r for r in catalog.of_kind("resource") if any(c in r.split("/", 1)[1] for c in "-._"))
    name = ref.split("/", 1)[1]
    page.goto(server.url("/catalog/default/resource/?name=" + "".join(f"%{b:02X}" for b in name.encode())))
    page.wait_for_selector(".lk-entity[data-ready='1']")
    assert page.locator(".lk-entity").get_attribute("data-ref") == ref
    assert page.locator("#entity-title").inner_text() == catalog.title(ref)
