"""TechDocs builds: URLs, nav, the header link, shared theme assets, the cache."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

import material
import pytest

from generator.techdocs.build import DocsJob, build_all_docs
from generator.techdocs.config import prepare_docs
from generator.techdocs.nav import nav_from_tree, validate_nav

MATERIAL_ASSETS = Path(material.__file__).parent / "templates" / "assets"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_repos(root: Path) -> list[DocsJob]:
    # orders: mkdocs.yml with a nav; billing: no mkdocs.yml (nav from the tree);
    # payments-api: docs under a sub folder named by techdocs-ref dir:service
    orders = root / "orders"
    write(orders / "mkdocs.yml", "site_name: Orders Service\nnav:\n  - Home: index.md\n"
          "  - Runbook:\n    - ops/runbook.md\n    - ops/alerts.md\nplugins:\n  - techdocs-core\n")
    write(orders / "docs/index.md", "# Orders\n\nSee the [runbook](ops/runbook.md).\n\n"
          "```python\nprint('hi')\n```\n\n!!! note\n    An admonition.\n")
    write(orders / "docs/ops/runbook.md", "# Runbook\n\n- [x] step one\n")
    write(orders / "docs/ops/alerts.md", "# Alerts\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    write(orders / "docs/img/diagram.png", "not really a png")
    billing = root / "billing"
    write(billing / "docs/index.md", "# Billing\n\nHello.\n")
    write(billing / "docs/getting-started.md", "# Getting started\n")
    write(billing / "docs/how-to/refunds.md", "# Refunds\n")
    api = root / "payments"
    write(api / "service/mkdocs.yml", "site_name: Payments API\ndocs_dir: pages\n")
    write(api / "service/pages/index.md", "# Payments API\n")

    def job(name: str, path: Path, docs_root: str, kind: str = "component") -> DocsJob:
        return DocsJob(f"{kind}:default/{name}", path.name, path, docs_root,
                       f"catalog/default/{kind}/{name}/", f"docs/default/{kind}/{name}",
                       name.title(), kind.title(), "group:default/team-a",
                       {"type": "service", "lifecycle": "production", "tag": ["go", "pci"]})

    return [job("orders", orders, "."), job("billing", billing, "."),
            job("payments-api", api, "service", "api")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("repos")
    site = tmp_path_factory.mktemp("site")
    cache = tmp_path_factory.mktemp("cache")
    jobs = make_repos(root)
    first = build_all_docs(jobs, site, cache, workers=2, progress=False)
    return {"root": root, "site": site, "cache": cache, "jobs": jobs, "first": first}


def html(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_pages_at_their_urls(built):
    site = built["site"]
    assert built["first"].stats.built == 3 and built["first"].stats.failed == 0
    for rel in ("docs/default/component/orders/index.html",
                "docs/default/component/orders/ops/runbook/index.html",
                "docs/default/component/orders/ops/alerts/index.html",
                "docs/default/component/orders/img/diagram.png",
                "docs/default/component/billing/index.html",
                "docs/default/component/billing/getting-started/index.html",
                "docs/default/component/billing/how-to/refunds/index.html",
                "docs/default/api/payments-api/index.html"):
        assert (site / rel).is_file(), rel
    assert not [p for p in built["first"] if p.severity == "error"]


def test_nav_from_mkdocs_yml(built):
    page = html(built["site"], "docs/default/component/orders/index.html")
    nav = page[page.index('md-nav--primary'):]
    assert "Runbook" in nav and nav.index("Runbook") < nav.index("Alerts")
    assert "<title>Orders Service</title>" in page      # site_name from mkdocs.yml
    runbook = html(built["site"], "docs/default/component/orders/ops/runbook/index.html")
    assert "<title>Runbook - Orders Service</title>" in runbook


def test_nav_from_tree(built):
    page = html(built["site"], "docs/default/component/billing/index.html")
    assert "How to" in page                      # section from the folder name
    assert "Getting started" in page and "Refunds" in page


def test_nav_helpers():
    assert nav_from_tree(["b.md", "index.md", "x/y.md"]) == ["index.md", "b.md", {"X": ["x/y.md"]}]
    nav, reasons = validate_nav([{"A": "a.md"}, "../etc.md", {"<b>T</b>": "javascript:x"},
                                 {"Ext": "https://example.com/x"}], {"a.md"})
    assert nav == [{"A": "a.md"}, {"Ext": "https://example.com/x"}]
    assert len(reasons) == 2


def test_header_links_back_to_entity(built):
    site = built["site"]
    for rel, entity in (("docs/default/component/orders/ops/runbook/index.html",
                         "catalog/default/component/orders/"),
                        ("docs/default/api/payments-api/index.html",
                         "catalog/default/api/payments-api/")):
        page = html(site, rel)
        m = re.search(r'class="lookout-entity-link" href="([^"]+)"', page)
        assert m, rel
        href = m.group(1)
        assert not href.startswith(("/", "http")), "must be relative (any base path)"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
        assert target + "/" == entity


def test_theme_assets_shared_not_copied(built):
    site = built["site"]
    for d in (site / "docs").rglob("*"):
        assert not (d.is_dir() and d.name in ("javascripts", "stylesheets")), d
    assert not list((site / "docs").rglob("*.css")) and not list((site / "docs").rglob("*.js"))
    rel = "docs/default/component/orders/ops/runbook/index.html"
    page = html(site, rel)
    refs = re.findall(r'(?:href|src)="([^"]*assets/(?:stylesheets|javascripts)/[^"]+)"', page)
    assert refs
    for ref in refs:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), ref))
        assert target.startswith("assets/"), target            # the portal's own copy
        assert (MATERIAL_ASSETS.parent / target).is_file(), target
    total = sum(f.stat().st_size for f in (site / "docs").rglob("*") if f.is_file())
    assert total < 400_000, f"docs output is {total} bytes: theme assets copied?"


def test_pagefind_markup(built):
    page = html(built["site"], "docs/default/component/orders/index.html")
    assert "data-pagefind-body" in page
    for attr in ('data-pagefind-filter="is:docs"', 'data-pagefind-filter="kind:Component"',
                 'data-pagefind-filter="owner:group:default/team-a"',
                 'data-pagefind-filter="tag:pci"', 'data-pagefind-meta="entity:Orders"',
                 'data-pagefind-meta="is:docs"'):
        assert attr in page, attr
    assert "material/search" not in page and "search_index.json" not in page


def test_second_run_is_served_from_cache(built):
    again = build_all_docs(built["jobs"], built["site"], built["cache"], workers=2, progress=False)
    assert again.stats.built == 0 and again.stats.cached == 3
    assert again.stats.seconds < built["first"].stats.seconds / 3
    assert (built["site"] / "docs/default/component/orders/index.html").is_file()
    # the same problems come back from the cache
    assert [(p.severity, p.message) for p in again] == [(p.severity, p.message)
                                                         for p in built["first"]]


def test_a_fresh_site_from_the_cache_holds_what_the_first_build_published(built, tmp_path):
    # What a nightly build does: every docs site placed from the cache into a new staging folder.
    fresh = tmp_path / "stage"
    again = build_all_docs(built["jobs"], fresh, built["cache"], workers=1, progress=False)
    assert again.stats.built == 0 and again.stats.cached == 3

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted((root / "docs").rglob("*")) if p.is_file()}
    assert files(fresh) == files(built["site"])
    assert again.stats.output_bytes == built["first"].stats.output_bytes > 0


def test_changed_page_rebuilds_only_that_repo(built, tmp_path):
    site, cache = tmp_path / "site", built["cache"]
    build_all_docs(built["jobs"], site, cache, workers=1, progress=False)
    write(built["root"] / "billing/docs/index.md", "# Billing\n\nChanged text xyzzy.\n")
    res = build_all_docs(built["jobs"], site, cache, workers=1, progress=False)
    assert res.stats.built == 1 and res.stats.cached == 2
    assert "xyzzy" in html(site, "docs/default/component/billing/index.html")


def test_prepare_reads_docs_dir_and_site_name(tmp_path):
    write(tmp_path / "mkdocs.yml", "site_name: 'A & B'\ndocs_dir: handbook\n")
    write(tmp_path / "handbook/index.md", "# Hi\n")
    prep = prepare_docs("r", tmp_path, ".", "Entity")
    assert prep.ok and prep.docs_dir.name == "handbook" and prep.site_name == "A &amp; B"
    assert prep.nav == ["index.md"]


def test_jobs_from_catalog(tmp_path):
    from generator.techdocs.jobs import docs_jobs

    write(tmp_path / "orders/mkdocs.yml", "site_name: x\n")
    write(tmp_path / "billing/mkdocs.yml", "site_name: y\n")

    def ent(kind, name, repo, ann=None, **spec):
        return {"kind": kind, "metadata": {"name": name, "namespace": "default", "tags": ["go"],
                                           "annotations": {"lookout/repo": repo, **(ann or {})}},
                "spec": {"owner": "group:default/a", **spec}}

    entities = [ent("Component", "Orders", "orders", {"backstage.io/techdocs-ref": "dir:."},
                    type="service"),
                ent("API", "orders-api", "orders", {"backstage.io/techdocs-ref": "url:https://x"}),
                ent("Component", "billing", "billing", lifecycle="production")]
    jobs, problems = docs_jobs(entities, {"orders": tmp_path / "orders",
                                          "billing": tmp_path / "billing"})
    assert [j.entity_ref for j in jobs] == ["component:default/orders", "component:default/billing"]
    assert jobs[0].out_subdir == "docs/default/component/orders"
    assert jobs[0].entity_url == "catalog/default/component/orders/"
    assert jobs[0].facets == {"type": "service", "tag": ["go"]}
    assert len(problems) == 1 and "url:" in problems[0].message


def test_a_worker_that_built_other_sites_builds_a_site_as_a_fresh_one_would(tmp_path):
    """Workers reuse Markdown instances across sites and pages (worker._reuse_across_builds):
    nothing of one page (footnotes, abbreviations, heading ids, reference links) may show on
    the next."""
    def site(name: str, text: str) -> DocsJob:
        write(tmp_path / name / "docs/index.md", text)
        write(tmp_path / name / "docs/more.md", "# Setup\n\nHTML and [the guide][guide].\n")
        return DocsJob(f"component:default/{name}", name, tmp_path / name, ".",
                       f"catalog/default/component/{name}/", f"docs/default/component/{name}",
                       name, "Component")

    first = site("first", "# Setup\n\nText[^1] about HTML.\n\n[^1]: A footnote.\n\n"
                 "*[HTML]: Hyper Text Markup Language\n\n[guide]: https://example.com/guide\n\n## Setup\n")
    second = site("second", "# Setup\n\nNothing defined here.\n\n## Setup\n")
    together = build_all_docs([first, second], tmp_path / "together", tmp_path / "c1", workers=1,
                              progress=False)
    alone = build_all_docs([second], tmp_path / "alone", tmp_path / "c2", workers=1, progress=False)
    assert together.stats.built == 2 and alone.stats.built == 1
    out = "docs/default/component/second"
    for page in ("index.html", "more/index.html"):
        assert html(tmp_path / "together", f"{out}/{page}") == html(tmp_path / "alone", f"{out}/{page}")
    index = html(tmp_path / "together", f"{out}/index.html")
    assert "footnote" not in index and "<abbr" not in index and 'id="setup_1"' in index
    more = html(tmp_path / "together", f"{out}/more/index.html")
    assert "<abbr" not in more and "example.com/guide" not in more


def test_a_worker_checks_each_extension_list_once_and_never_remembers_a_failure(monkeypatch):
    import mkdocs.config.config_options as mk_options
    from mkdocs.config.base import ValidationError

    from generator.techdocs import worker

    monkeypatch.setattr(mk_options.MarkdownExtensions, "run_validation",
                        mk_options.MarkdownExtensions.run_validation)
    worker._validate_extensions_once()
    calls = []
    monkeypatch.setattr(mk_options.markdown, "Markdown", lambda real=mk_options.markdown.Markdown: calls.append(1)
                        or real())

    def check(value):
        opt = mk_options.MarkdownExtensions(builtins=["toc"])
        return opt.run_validation(value), opt.configdata

    a = [{"toc": {"permalink": True}}, "tables"]
    b = [{"toc": {"permalink": False}}, "tables"]
    assert check([dict(x) if isinstance(x, dict) else x for x in a]) == (["toc", "tables"], {"toc": {"permalink": True}})
    assert check([dict(x) if isinstance(x, dict) else x for x in a]) == (["toc", "tables"], {"toc": {"permalink": True}})
    assert len(calls) == 1   # the same list and configs: checked once
    assert check(b) == (["toc", "tables"], {"toc": {"permalink": False}})
    assert len(calls) == 2   # other configs: checked again
    for _ in range(2):       # a failure is raised every time
        with pytest.raises(ValidationError, match="no_such_extension"):
            check(["no_such_extension"])
    assert len(calls) == 4


_BUILD_ONE = """
import sys
from pathlib import Path
import generator.techdocs.worker as w
if sys.argv[1] == "plain":   # none of what a worker reuses across builds
    w._warm_up = w._stylesheet_once = w._reuse_across_builds = lambda: None
w.init_worker()
from generator.techdocs.config import prepare_docs
prep = prepare_docs("r", Path(sys.argv[2]), ".", "R")
ctx = w.DocsContext("component:default/r", "catalog/default/component/r/", "docs/default/component/r", "R",
                    "component", None)
assert w.build_docs(prep, ctx, sys.argv[3]).ok
"""


def test_a_warmed_worker_builds_the_same_bytes_as_a_plain_one(tmp_path):
    """Workers start from a fork server that built a site already (worker._warm_up) and
    share Pygments' style tables (_stylesheet_once): neither may change a byte."""
    import subprocess
    import sys

    fences = "".join(f"```{lang}\nx = {{'a': 1}}  # c\nfn main() {{}}\n```\n\n"
                     for lang in ("python", "go", "scala", "bash", "yaml", "hcl", "nosuchlang"))
    write(tmp_path / "repo/docs/index.md", f"# R\n\n!!! note\n    `x`\n\n{fences}")
    write(tmp_path / "repo/docs/more.md", "# More\n\n```python\nprint('again')\n```\n")
    out = {}
    for variant in ("plain", "warm"):
        subprocess.run([sys.executable, "-c", _BUILD_ONE, variant, str(tmp_path / "repo"),
                        str(tmp_path / variant)], check=True)
        out[variant] = {p.relative_to(tmp_path / variant).as_posix(): p.read_bytes()
                        for p in sorted((tmp_path / variant).rglob("*")) if p.is_file()}
    assert "index.html" in out["plain"] and b'class="highlight"' in out["plain"]["index.html"]
    assert out["warm"] == out["plain"]
