"""The demo org's TechDocs inside the portal: entity page <-> docs, and mermaid in docs pages."""
from __future__ import annotations

import pytest
from lookout_browser import entity_path, shoot, wait_rendered_diagram

pytestmark = pytest.mark.browser

# checkout-service: its docs index and runbook have no mermaid diagram, so the round trip tests links alone.
ENTITY = "component:default/checkout-service"
DOCS = "/docs/default/component/checkout-service/"
DOCS_PAGE = "runbook/"
MERMAID_PAGES = ["/docs/default/component/checkout-service/architecture/", "/docs/default/component/ledger-service/"]


def test_entity_page_and_its_docs_link_both_ways(page, server, catalog):
    assert catalog.entities[ENTITY]["metadata"]["annotations"].get("backstage.io/techdocs-ref")
    page.goto(server.url(entity_path(ENTITY)))
    assert page.locator("#docs a").get_attribute("href")  # About says where the docs are
    page.locator("#docs-link").click()
    page.wait_for_url(server.url(DOCS))
    assert page.locator("article h1").first.is_visible()

    # The docs site's own navigation reaches its other pages, under the same banner.
    page.locator(f"nav.md-nav a.md-nav__link[href*='{DOCS_PAGE.rstrip('/')}']").first.click()
    page.wait_for_url(server.url(DOCS + DOCS_PAGE))
    assert page.locator("article .admonition.warning").count() > 0  # every demo runbook has one

    banner = page.locator(".lookout-docs-banner")
    assert banner.is_visible()
    assert "Documentation of" in banner.inner_text()
    assert "Component" in banner.locator(".lookout-docs-kind").inner_text()
    shoot(page, "docs-checkout-service-runbook")
    link = banner.locator("a.lookout-entity-link")
    assert link.inner_text() == catalog.title(ENTITY)
    link.click()
    page.wait_for_url(server.url(entity_path(ENTITY)))
    assert page.locator(".lk-entity").get_attribute("data-ref") == ENTITY


@pytest.mark.parametrize("path", MERMAID_PAGES)
def test_docs_mermaid_fence_renders_from_the_site(page, guard, server, path):
    body = page.request.get(server.url(path)).text()
    assert 'class="mermaid"' in body, "the page no longer has a mermaid diagram: pick another"
    page.goto(server.url(path))
    page.wait_for_load_state("networkidle")
    assert not guard.offsite, f"requests left the site: {guard.offsite}"
    assert not guard.page_errors, guard.page_errors
    wait_rendered_diagram(page, "article", min_height=60)
    shoot(page, "docs-mermaid-" + path.strip("/").replace("/", "-"), full_page=True)
