"""Entity pages: the relation diagram (drawn, and its nodes really clickable) and a group's owned counts."""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin

import pytest
from lookout_browser import entity_path, mermaid_source, number, shoot, wait_rendered_diagram

pytestmark = pytest.mark.browser

COMPONENT = "component:default/checkout-service"
GROUP = "group:default/payments"


def test_component_diagram_renders_and_a_node_click_opens_the_neighbour(page, server, catalog, shadow):
    url = server.url(entity_path(COMPONENT))
    # The page ships the diagram as mermaid text, with a `click ... href` line per linked node.
    source = mermaid_source(page, url, "relation-diagram")
    assert source.startswith("flowchart")
    clicks = dict(re.findall(r'^\s*click (n\d+) href "([^"]+)"', source, re.M))
    assert clicks, "the diagram links no node"
    neighbours = {urljoin(url, href) for href in clicks.values()}
    related = {r["targetRef"].lower() for r in catalog.entities[COMPONENT]["relations"]}
    assert neighbours <= {server.url(entity_path(r)) for r in related} | {url + h for h in clicks.values()
                                                                          if h.startswith("#")}

    page.goto(url)
    # Material draws it into a closed shadow root: the host has a real size once drawn.
    wait_rendered_diagram(page, "#relation-diagram", min_height=100)
    box = page.locator("#relation-diagram div.mermaid").bounding_box()
    assert box["width"] > 200 and box["height"] > 100, box
    roots = shadow.roots("#relation-diagram")
    assert len(roots) == 1, "expected one drawn diagram (closed shadow root) in #relation-diagram"
    svg = shadow.svg_size(roots[0])
    assert svg and svg["width"] > 200 and svg["height"] > 100 and svg["nodes"] > len(clicks), svg
    links = shadow.links(roots[0])
    assert {urljoin(url, a["href"]) for a in links} == neighbours, "drawn links differ from the source"
    assert all(a["width"] > 0 and a["height"] > 0 for a in links), links
    shoot(page, "component-checkout-service", full_page=True)

    # Really click a neighbour's node in the drawn diagram (mouse at its centre).
    target = sorted(r for r in related if r.startswith("component:") and r != COMPONENT)[0]
    href = next(a["href"] for a in links if urljoin(url, a["href"]) == server.url(entity_path(target)))
    shadow.click(roots[0], href=href)
    page.wait_for_url(server.url(entity_path(target)))
    assert page.locator("#entity-title").inner_text() == catalog.title(target)
    assert page.locator(".lk-entity").get_attribute("data-ref") == target

    # The same neighbour through the relation tables.
    page.go_back()
    page.wait_for_url(url)
    link = page.locator(f'.lk-section table tr[data-ref="{target}"] td:first-child a').first
    assert link.is_visible()
    link.click()
    page.wait_for_url(server.url(entity_path(target)))
    assert page.locator("#entity-title").inner_text() == catalog.title(target)


def test_group_owned_counts_include_subgroups(page, server, catalog):
    subgroups = catalog.subgroups(GROUP)
    assert subgroups, "the demo's payments group should have sub-teams"
    owned = catalog.owned_by(GROUP, include_subgroups=True)
    direct = catalog.owned_by(GROUP, include_subgroups=False)
    assert len(owned) > len(direct) > 0
    counts = Counter((catalog.entities[r]["kind"].lower(), str(catalog.entities[r]["spec"].get("type") or ""))
                     for r in owned)

    page.goto(server.url(entity_path(GROUP)))
    section = page.locator("#owned-counts")
    assert int(section.get_attribute("data-total")) == len(owned)
    assert number(section.locator("h3 .lk-count").inner_text()) == len(owned)
    note = section.locator(".lk-note").inner_text()
    assert re.fullmatch(rf"{len(direct)} directly, {len(owned) - len(direct)} through sub-groups\.", note), note
    shown = Counter()
    rows = section.locator("tbody tr[data-kind]")
    for i in range(rows.count()):
        row = rows.nth(i)
        key = (row.get_attribute("data-kind").lower(), row.get_attribute("data-type"))
        assert key not in shown, f"kind/type {key} listed twice"
        shown[key] = number(row.locator("td.lk-num").inner_text())
    assert shown == counts

    # The list of owned entities is the same set, and says through which sub-group.
    table = page.locator("#owned")
    assert number(table.locator("h3 .lk-count").inner_text()) == len(owned)
    if not table.locator(".lk-more").count():
        listed = set(table.locator("tbody tr[data-ref]").evaluate_all("rs => rs.map(r => r.dataset.ref)"))
        assert listed == owned
    sub_rows = page.locator("#subgroups tbody tr[data-ref]").evaluate_all("rs => rs.map(r => r.dataset.ref)")
    assert set(sub_rows) == set(subgroups)
    shoot(page, "group-payments", full_page=True)
