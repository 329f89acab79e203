"""`lookout build` end to end: catalog, entity pages, docs, search, atomic publish."""
from __future__ import annotations

import re
import shutil

import pytest

from generator.build import BuildError, build
from generator.config import Config
from generator.demo import demo_root


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("build")
    cfg = Config(cache_dir=root / "cache")
    report = build(cfg, root / "site", progress=False)
    return root / "site", report


def test_the_demo_portal_has_entities_docs_and_search(demo_site):
    site, report = demo_site
    assert report.entities > 150 and report.docs_sites >= 12
    assert (site / "api" / "catalog.json").is_file()
    assert (site / "pagefind" / "pagefind.js").is_file()
    # Docs pages are indexed as well as entity pages.
    assert report.search_pages > report.entities
    ops = site / "docs/default/component/ledger-service/operations/index.html"
    assert "nightly quiesce window" in ops.read_text()


def test_entity_and_docs_link_both_ways(demo_site):
    site, _ = demo_site
    entity = (site / "catalog/default/component/ledger-service/index.html").read_text()
    assert re.search(r'href="[./]*docs/default/component/ledger-service/"', entity)
    docs = (site / "docs/default/component/ledger-service/index.html").read_text()
    assert re.search(r'href="[./]*catalog/default/component/ledger-service/"', docs)


def test_docs_sites_share_the_portal_theme_assets(demo_site):
    site, _ = demo_site
    assert (site / "assets" / "stylesheets").is_dir()
    assert not list((site / "docs").rglob("assets/stylesheets"))


def test_standard_techdocs_mermaid_setup_is_not_reported(demo_site):
    """Every TechDocs repo writes the superfences mermaid fence; Lookout provides it itself."""
    site, _ = demo_site
    import json
    problems = json.loads((site / "api" / "catalog.json").read_text())["problems"]
    assert not [p for p in problems if "fence_code_format" in p["message"] or "custom_fences" in p["message"]]


def test_a_failed_build_leaves_the_last_good_site(tmp_path, monkeypatch):
    repos = tmp_path / "repos"
    shutil.copytree(demo_root(), repos, ignore=shutil.ignore_patterns("docs", "mkdocs.yml"))
    cfg = Config(repos_dirs=[repos], cache_dir=tmp_path / "cache")
    out = tmp_path / "site"
    build(cfg, out, progress=False, search=False)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before

    import generator.portal.build as portal_build

    def broken(*args, **kwargs):
        raise portal_build.PortalBuildError("disk full (simulated)")

    monkeypatch.setattr(portal_build, "build_site", broken)
    service = repos / "ledger-service" / ".af" / "service.tf"   # something to build (else the site is current)
    service.write_text(service.read_text().replace("description", "# changed\n  description", 1))
    with pytest.raises(BuildError, match="simulated"):
        build(cfg, out, progress=False, search=False)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "repos", "site"]  # no staging left


def test_a_repo_whose_docs_fail_gets_a_problem_and_a_note_on_its_page(tmp_path):
    repos = tmp_path / "repos"
    for name in ("org", "ledger-service", "cart-service"):
        shutil.copytree(demo_root() / name, repos / name)
    shutil.rmtree(repos / "ledger-service" / "docs")   # mkdocs.yml names pages that are not there
    report = build(Config(repos_dirs=[repos], cache_dir=tmp_path / "cache"), tmp_path / "site",
                   progress=False, search=False)
    site = tmp_path / "site"
    import json
    doc = json.loads((site / "api" / "catalog.json").read_text())
    assert doc["docs"]["component:default/ledger-service"] == {"status": "failed"}
    assert doc["docs"]["component:default/cart-service"] == {"status": "built"}
    assert any(p["repo"] == "ledger-service" and p["entityRef"] == "component:default/ledger-service"
               and p["severity"] == "error" for p in doc["problems"])
    page = (site / "catalog/default/component/ledger-service/index.html").read_text()
    assert 'id="docs-failed"' in page and 'id="docs-link"' not in page
    assert 'id="docs-link"' in (site / "catalog/default/component/cart-service/index.html").read_text()
    assert report.docs_sites == 1


def test_a_build_runs_with_fewer_collections_and_restores_the_collector(tmp_path, monkeypatch):
    """The raised GC thresholds hold only while a build runs, also when it fails (a long
    `lookout serve` must keep collecting cycles)."""
    import gc

    import generator.pipeline as pipeline_module
    from generator.gcpolicy import BUILD_THRESHOLDS

    seen = []

    def link_read(*args):
        seen.append(gc.get_threshold())
        raise RuntimeError("stop here")

    monkeypatch.setattr(pipeline_module, "link_read", link_read)   # called by load_and_link
    before = gc.get_threshold()
    with pytest.raises(RuntimeError, match="stop here"):
        build(Config(cache_dir=tmp_path / "cache"), tmp_path / "site", progress=False)
    assert seen == [BUILD_THRESHOLDS] and gc.get_threshold() == before != BUILD_THRESHOLDS


def test_the_previous_site_goes_after_the_swap_and_leftovers_with_the_next_build(tmp_path):
    import time

    repos = tmp_path / "repos"
    shutil.copytree(demo_root(), repos, ignore=shutil.ignore_patterns("docs", "mkdocs.yml"))
    cfg = Config(repos_dirs=[repos], cache_dir=tmp_path / "cache")
    out = tmp_path / "site"
    service = repos / "ledger-service" / ".af" / "service.tf"

    def change_and_build(n: int) -> None:
        service.write_text(service.read_text().replace("description", f"# change {n}\n  description", 1))
        build(cfg, out, progress=False, search=False)

    build(cfg, out, progress=False, search=False)
    change_and_build(1)
    assert (out / "catalog" / "index.html").is_file()
    deadline = time.monotonic() + 60
    while list(tmp_path.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.1)   # removed by a detached process, after build() returned
    assert not list(tmp_path.glob(".site.old-*"))
    # What a removal cut short (the machine stopped) is gone once the next build publishes.
    leftover = tmp_path / ".site.old-cut-short" / "catalog"
    leftover.mkdir(parents=True)
    (leftover / "index.html").write_text("old")
    change_and_build(2)
    assert not leftover.parent.exists()
    assert (out / "catalog" / "index.html").is_file()


def test_a_catalog_too_big_to_publish_plain_is_published_gzipped(tmp_path, monkeypatch):
    """Above CATALOG_JSON_MAX (250,000 Resources: ~500 MB) api/ holds the gzip and the
    validation catalog only."""
    import gzip

    from generator.portal import plugin

    monkeypatch.setattr(plugin, "CATALOG_JSON_MAX", 1000)
    out = tmp_path / "site"
    build(Config(cache_dir=tmp_path / "cache"), out, catalog_out=tmp_path / "catalog.json", progress=False,
          search=False)
    assert not (out / "api" / "catalog.json").exists()
    assert gzip.decompress((out / "api" / "catalog.json.gz").read_bytes()) == (tmp_path / "catalog.json").read_bytes()
    assert (out / "api" / "validate.json.gz").is_file()
