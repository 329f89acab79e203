"""The portal's three everyday questions, each answered within two clicks of the home page.

Clicks are counted: only ``click()`` below counts (a real Playwright click). Typing into a
search box and pressing Enter to submit are not clicks.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lookout_browser import entity_path, number, shoot

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DEMO_README = REPO / "generator" / "demo" / "README.md"
MAX_CLICKS = 2


class Clicks:
    def __init__(self, page):
        self.page, self.n = page, 0

    def __call__(self, locator):
        self.n += 1
        assert self.n <= MAX_CLICKS, f"more than {MAX_CLICKS} clicks from the home page"
        locator.click()


def search_from_home(page, server, text: str) -> None:
    """Type into the home page's search box and press Enter: no click."""
    page.goto(server.url("/"))
    box = page.locator("#home-search input[name=q]")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    page.wait_for_function("() => document.querySelectorAll('#lookout-search-list li').length > 0")


def hit(page, server, ref: str):
    link = page.locator(f'#lookout-search-list a.lookout-hit__title[href="{server.url(entity_path(ref))}"]')
    assert link.count() == 1, f"{ref} is not among the results shown for {page.url}"
    return link


def events_prod_consumers() -> set[str]:
    text = DEMO_README.read_text(encoding="utf-8")
    m = re.search(r"<!-- events-prod consumers: begin -->(.*?)<!-- events-prod consumers: end -->", text, re.S)
    assert m, f"{DEMO_README}: the events-prod consumers markers are gone"
    names = re.findall(r"^- (\S+)\s*$", m.group(1), re.M)
    assert len(names) >= 5
    return {f"component:default/{n}" for n in names}


def test_owner_and_oncall_of_a_service(page, server, catalog):
    ref = "component:default/checkout-service"
    owner = catalog.owner(ref)
    oncall = catalog.entities[ref]["metadata"]["annotations"]["pagerduty.com/service-id"]
    click = Clicks(page)

    search_from_home(page, server, catalog.entities[ref]["metadata"]["name"])
    click(hit(page, server, ref))
    page.wait_for_url(server.url(entity_path(ref)))

    owner_link = page.locator("#owner a")
    assert owner_link.get_attribute("data-ref") == owner
    assert owner_link.get_attribute("href") and owner_link.inner_text().strip() == catalog.title(owner)
    assert page.locator("#oncall").is_visible()
    assert oncall in page.locator("#oncall").inner_text()
    assert click.n <= MAX_CLICKS


def test_consumers_of_the_shared_kafka_cluster(page, server, catalog):
    expected = events_prod_consumers()
    cluster = next(r for r, e in catalog.entities.items()
                   if e["kind"] == "Resource" and e["metadata"]["name"] == "events-prod")
    click = Clicks(page)

    search_from_home(page, server, "events-prod")
    click(hit(page, server, cluster))
    page.wait_for_url(server.url(entity_path(cluster)))

    section = page.locator("#consumers")
    assert section.is_visible()
    shown = set(section.locator("tbody tr[data-ref]").evaluate_all("rs => rs.map(r => r.dataset.ref)"))
    assert shown == expected
    assert number(section.locator("h3 .lk-count").inner_text()) == len(expected)
    # every consumer links to its page
    for ref in expected:
        link = section.locator(f'tr[data-ref="{ref}"] td:first-child a')
        assert link.get_attribute("href").endswith(entity_path(ref)), ref
    # and what breaks with it includes every consumer
    dependents = set(page.locator("#dependents tbody tr[data-ref]").evaluate_all("rs => rs.map(r => r.dataset.ref)"))
    assert expected <= dependents
    shoot(page, "resource-events-prod", full_page=True)
    assert click.n <= MAX_CLICKS


def test_everything_a_team_owns_including_subteams(page, server, catalog):
    group = "group:default/payments"
    owned = catalog.owned_by(group, include_subgroups=True)
    assert catalog.subgroups(group)
    click = Clicks(page)

    page.goto(server.url("/"))
    click(page.locator("#quick-teams"))
    page.wait_for_url(server.url("/teams/"))
    row = page.locator(f'#teams-table tr[data-ref="{group}"]')
    assert number(row.locator("td").nth(4).inner_text()) == len(owned)
    click(row.locator("a"))
    page.wait_for_url(server.url(entity_path(group)))
    counts = page.locator("#owned-counts")
    assert counts.is_visible()
    assert int(counts.get_attribute("data-total")) == len(owned)
    assert number(counts.locator("h3 .lk-count").inner_text()) == len(owned)
    assert click.n == 2
