"""Pagefind over a small finished site: entity pages (as the portal marks them) + docs."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.search import index_site
from generator.search.index import read_fragments
from generator.techdocs.build import DocsJob, build_all_docs

THEME = Path(__file__).resolve().parents[1] / "theme"

ENTITY_PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<nav>portal navigation</nav>
<span hidden data-pagefind-filter="is:entity"></span>
<span hidden data-pagefind-filter="kind:{kind}"></span>
<span hidden data-pagefind-filter="type:{type}"></span>
<span hidden data-pagefind-filter="owner:{owner}"></span>
<span hidden data-pagefind-filter="lifecycle:production"></span>
<span hidden data-pagefind-filter="tag:go"></span>
<main data-pagefind-body><h1>{title}</h1><p>{body}</p></main></body></html>
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    site = root / "site"
    for name, kind, typ in (("orders", "Component", "service"), ("orders-db", "Resource", "rds")):
        write(site / f"catalog/default/{kind.lower()}/{name}/index.html",
              ENTITY_PAGE.format(title=name, kind=kind, type=typ, owner="group:default/payments",
                                 body=f"The {name} entity, zanzibar."))
    write(site / "index.html", "<html><body><h1>Home</h1>not indexed</body></html>")
    repo = root / "orders"
    write(repo / "docs/index.md", "# Orders docs\n\nHow to deploy zanzibar orders.\n")
    write(repo / "docs/runbook.md", "# Runbook\n\nRestart the pods.\n")
    problems = build_all_docs(
        [DocsJob("component:default/orders", "orders", repo, ".",
                 "catalog/default/component/orders/", "docs/default/component/orders",
                 "Orders", "Component", "group:default/payments",
                 {"type": "service", "lifecycle": "production", "tag": ["go"]})],
        site, root / "cache", workers=1, progress=False)
    assert problems.stats.built == 1
    stats = index_site(site)
    return site, stats


def test_index_written_and_pages_counted(site):
    site_dir, stats = site
    bundle = site_dir / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert list((bundle / "index").glob("*.pf_index"))
    assert stats.pages == 4          # 2 entity pages + 2 docs pages; the home page has no body
    assert stats.languages == 1


def test_filters_recorded(site):
    site_dir, stats = site
    assert {"is", "kind", "type", "owner", "lifecycle", "tag"} <= set(stats.filter_names)
    assert stats.filters >= 6


def test_docs_pages_say_whose_docs_they_are(site):
    site_dir, _ = site
    frags = {f["url"]: f for f in read_fragments(site_dir / "pagefind")}
    docs = frags["/docs/default/component/orders/runbook/"]
    assert docs["filters"]["is"] == ["docs"]
    assert docs["filters"]["kind"] == ["Component"]
    assert docs["filters"]["owner"] == ["group:default/payments"]
    assert docs["meta"]["entity"] == "Orders" and docs["meta"]["is"] == "docs"
    assert docs["meta"]["entity_url"] == "catalog/default/component/orders/"
    assert docs["meta"]["title"] == "Runbook"
    # the banner and the theme's chrome are not content
    assert "Documentation of" not in docs["content"] and "¶" not in docs["content"]
    entity = frags["/catalog/default/resource/orders-db/"]
    assert entity["filters"]["is"] == ["entity"] and entity["filters"]["type"] == ["rds"]
    assert "portal navigation" not in entity["content"]


def test_search_ui_assets_are_local():
    partial = (THEME / "lookout/search.html").read_text()
    js = (THEME / "assets/lookout/search.js").read_text()
    assert "assets/lookout/search.js" in partial and "data-base=" in partial
    assert "pagefind/pagefind.js" in js and "innerHTML =" not in js.replace("tpl.innerHTML", "")
    for text in (partial, js):
        assert "cdn" not in text.lower() and "https://" not in text
