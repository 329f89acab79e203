"""The search stage: entity records from catalog.json, docs pages from the docs output,
Pagefind bundles per bucket, cached by their inputs."""
from __future__ import annotations

import copy
import filecmp
import json
import os
import shutil
from pathlib import Path

import pytest

from generator.search import build_search
from generator.search import index as search_index
from generator.search.index import read_fragments
from generator.search.records import entity_html
from generator.techdocs.build import DocsJob, build_all_docs

THEME = Path(__file__).resolve().parents[1] / "theme"


def entity(kind: str, name: str, repo: str, **spec) -> dict:
    return {"apiVersion": "backstage.io/v1alpha1", "kind": kind,
            "metadata": {"name": name, "namespace": "default", "tags": ["go"],
                         "description": f"The {name} entity, zanzibar.",
                         "annotations": {"lookout/repo": repo}},
            "spec": {"owner": "group:default/payments", "lifecycle": "production", **spec}}


CATALOG = {"entities": [
    entity("Component", "orders", "orders", type="service", system="shop"),
    entity("Resource", "orders-db", "orders", type="rds"),
    entity("Resource", "events-prod", "platform", type="kafka-cluster"),
    entity("Group", "payments", "org", type="team"),
    {"kind": "Component", "metadata": {"name": "../evil", "annotations": {"lookout/repo": "x"}}, "spec": {}},
]}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def docs_site(root: Path) -> Path:
    site = root / "site"
    write(site / "index.html", "<html><body><h1>Home</h1>not indexed</body></html>")
    repo = root / "orders"
    write(repo / "docs/index.md", "# Orders docs\n\nHow to deploy zanzibar orders.\n\n"
          "```mermaid\nflowchart LR\n  quokkanode --> wombatnode\n```\n")
    write(repo / "docs/runbook.md", "# Runbook\n\nRestart the pods.\n")
    problems = build_all_docs(
        [DocsJob("component:default/orders", "orders", repo, ".",
                 "catalog/default/component/orders/", "docs/default/component/orders",
                 "Orders", "Component", "payments",
                 {"type": "service", "lifecycle": "production", "tag": ["go"]})],
        site, root / "docs-cache", workers=1, progress=False)
    assert problems.stats.built == 1
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    site = docs_site(root)
    stats = build_search(CATALOG, site, root / "cache")
    return site, stats, root


def frags(site: Path) -> dict[str, dict]:
    return {f["url"]: f for f in read_fragments(site / "pagefind")}


def test_every_entity_and_docs_page_is_indexed(built):
    site, stats, _ = built
    assert stats.pages == 6  # 4 entities (the unsafe name has no page) + 2 docs pages
    assert set(frags(site)) == {
        "/catalog/default/component/orders/", "/catalog/default/resource/orders-db/",
        "/catalog/default/resource/events-prod/", "/catalog/default/group/payments/",
        "/docs/default/component/orders/", "/docs/default/component/orders/runbook/"}
    assert {"is", "kind", "type", "owner", "lifecycle", "tag"} <= set(stats.filter_names)
    manifest = json.loads((site / "pagefind/lookout-search.json").read_text())
    assert [ix["path"] for ix in manifest["indexes"]] == ["e0/", "d0/"] and "groups" not in manifest
    assert (site / "pagefind/pagefind.js").is_file() and (site / "pagefind/e0/wasm.en.pagefind").is_file()
    # no fragment files: they are packed
    assert not list((site / "pagefind").rglob("*.pf_fragment"))


def test_entity_text_separates_labels_from_values(built):
    f = frags(built[0])["/catalog/default/resource/events-prod/"]
    assert "Kind: Resource · Type: kafka-cluster" in f["content"]
    assert "Owner: payments · Lifecycle: production" in f["content"]
    assert "KindResource" not in f["content"]
    assert f["filters"] == {"is": ["entity"], "kind": ["Resource"], "type": ["kafka-cluster"],
                            "owner": ["payments"], "lifecycle": ["production"], "tag": ["go"]}
    assert f["meta"]["title"] == "events-prod" and f["meta"]["type"] == "kafka-cluster"


def test_docs_pages_say_whose_docs_they_are_and_skip_diagrams(built):
    docs = frags(built[0])
    runbook = docs["/docs/default/component/orders/runbook/"]
    assert runbook["filters"]["is"] == ["docs"] and runbook["filters"]["kind"] == ["Component"]
    assert runbook["meta"]["entity"] == "Orders" and runbook["meta"]["title"] == "Runbook"
    index = docs["/docs/default/component/orders/"]["content"]
    assert "zanzibar" in index and "Documentation of" not in index and "¶" not in index
    assert "quokkanode" not in index and "flowchart" not in index  # mermaid source is not prose


def test_entity_values_are_escaped():
    e = entity("Component", "x", "r", type='<img src=x onerror="alert(1)">')
    e["metadata"]["title"] = "</h1><script>alert(1)</script>"
    _, html = entity_html(e)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_nothing_changed_rebuilds_nothing_and_writes_the_same_bytes(built, tmp_path):
    site, _, root = built
    again = tmp_path / "site"
    shutil.copytree(site, again, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind"))
    stats = build_search(CATALOG, again, root / "cache")
    assert stats.rebuilt == 0
    assert not filecmp.dircmp(site / "pagefind", again / "pagefind").diff_files
    assert same_tree(site / "pagefind", again / "pagefind")


def same_tree(a: Path, b: Path) -> bool:
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return fa == fb and all((a / p).read_bytes() == (b / p).read_bytes() for p in fa)


def test_one_repo_changed_rebuilds_its_bucket_only_and_equals_a_cold_build(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "ENTITIES_PER_BUCKET", 1)  # 4 entities -> 4 buckets
    site = docs_site(tmp_path)
    cache = tmp_path / "cache"
    first = build_search(CATALOG, site, cache)
    assert first.buckets >= 3 and first.rebuilt == first.buckets
    changed = copy.deepcopy(CATALOG)
    changed["entities"][2]["metadata"]["description"] = "Now with a quokka."
    incremental = build_search(changed, site, cache)
    assert incremental.rebuilt == 1
    assert "Now with a quokka." in frags(site)["/catalog/default/resource/events-prod/"]["content"]
    cold_site = tmp_path / "cold"
    shutil.copytree(site, cold_site, ignore=shutil.ignore_patterns("pagefind"))
    build_search(changed, cold_site, None)
    assert same_tree(site / "pagefind", cold_site / "pagefind")
    # a removed repo drops its entities; the cache keeps only what the last build used
    gone = {"entities": [e for e in changed["entities"] if e["metadata"]["annotations"]["lookout/repo"] != "platform"]}
    build_search(gone, site, cache)
    assert "/catalog/default/resource/events-prod/" not in frags(site)
    assert len(list((cache / "search").iterdir())) == len(json.loads(
        (site / "pagefind/lookout-search.json").read_text())["indexes"])


def test_search_ui_assets_are_local():
    partial = (THEME / "lookout/search.html").read_text()
    header = (THEME / "partials/header.html").read_text()
    assert "assets/lookout/search.js" in partial and "data-base=" in partial
    assert "assets/lookout/header-search.js" in header
    for name in ("search.js", "search-core.js", "header-search.js"):
        js = (THEME / "assets/lookout" / name).read_text()
        assert "innerHTML =" not in js.replace("tpl.innerHTML", ""), name
        assert "cdn" not in js.lower() and "https://" not in js, name
    assert "pagefind/" in (THEME / "assets/lookout/search-core.js").read_text()


def sharded_catalog() -> dict:
    """Over RESOURCE_PAGES_MAX Resources (so they are shards): 34 repos, each with 3 types of 50
    Resources owned by the repo's team, one more with 150 RDS instances, and a lone queue."""
    ents = []
    for r in range(35):
        repo, owner = f"svc-{r:02d}", f"group:default/team-{r % 5}"
        types = ("rds",) if r == 34 else ("rds", "s3-bucket", "sqs-queue")
        for t in types:
            for i in range(150 if r == 34 else 50):
                e = entity("Resource", f"{repo}-{t}-{i:03d}", repo, type=t, owner=owner)
                e["metadata"]["tags"] = ["pci"] if i % 2 else []
                e["spec"]["lifecycle"] = "production" if i % 3 else "experimental"
                ents.append(e)
    ents.append(entity("Resource", "Svc-07-S3-Bucket-Upper", "svc-07", type="s3-bucket", owner="group:default/team-2"))
    ents.append(entity("Resource", "lone-queue", "svc-99", type="sqs-queue"))
    ents.append(entity("Component", "orders", "svc-00", type="service"))
    return {"entities": ents}


def test_sharded_resources_are_one_record_per_repo_type_and_owner(tmp_path):
    from generator.portal.index import RESOURCE_PAGES_MAX
    catalog = sharded_catalog()
    assert sum(e["kind"] == "Resource" for e in catalog["entities"]) > RESOURCE_PAGES_MAX
    stats = build_search(catalog, tmp_path, None)
    found = frags(tmp_path)
    groups = {u: f for u, f in found.items() if "?group=" in u}
    # 34 repos x 3 types, and 150 RDS instances of svc-34 in two records of at most 100
    assert len(groups) == 34 * 3 + 2 and stats.pages == len(groups) + 2
    assert set(found) - set(groups) == {"/catalog/default/resource/?name=lone-queue",
                                        "/catalog/default/component/orders/"}
    # the browser ranks without Pagefind's page-length term when there are groups (search-core.js)
    assert json.loads((tmp_path / "pagefind/lookout-search.json").read_text())["groups"] == len(groups)
    g = next(f for u, f in groups.items() if json.loads(f["meta"]["members"])[0][0] == "svc-07-s3-bucket-000")
    names = [f"svc-07-s3-bucket-{i:03d}" for i in range(50)] + ["svc-07-s3-bucket-upper"]
    # each member is a heading whose id is its name (Pagefind's sub-results), in name order
    assert [a["id"] for a in g["anchors"] if a["element"] == "h2"] == names
    assert [a["text"] for a in g["anchors"] if a["element"] == "h2"] == names[:-1] + ["Svc-07-S3-Bucket-Upper"]
    assert [m[0] for m in json.loads(g["meta"]["members"])] == names
    assert json.loads(g["meta"]["members"])[1] == ["svc-07-s3-bucket-001", "", "production", ["pci"]]
    # the id and link name is the ref's (as the Resource's URL has it), the title its own
    assert json.loads(g["meta"]["members"])[-1] == ["svc-07-s3-bucket-upper", "Svc-07-S3-Bucket-Upper", "production", ["go"]]
    # type and owner are the group's; lifecycle and tags every member's (the browser keeps the matching)
    assert g["filters"] == {"is": ["entity"], "kind": ["Resource"], "type": ["s3-bucket"], "owner": ["team-2"],
                            "lifecycle": ["experimental", "production"], "tag": ["go", "pci"]}
    assert "Kind: Resource · Type: s3-bucket" in g["content"] and "svc-07-s3-bucket-049" in g["content"]
    big = sorted(json.loads(f["meta"]["members"]).__len__() for u, f in groups.items() if "svc-34" in f["content"])
    assert big == [50, 100]
    # same input, same bytes (a build with a cache, then one reusing it)
    cached = tmp_path / "cached"
    cached.mkdir()
    build_search(copy.deepcopy(catalog), cached, tmp_path / "cache")
    assert build_search(catalog, cached, tmp_path / "cache").rebuilt == 0
    assert same_tree(tmp_path / "pagefind", cached / "pagefind")


# ---- a record's signature stands for its HTML: a changed entity is never reused stale -------

RICH = {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "ledger", "namespace": "default", "title": "Ledger", "tags": ["go", "pci"],
                     "description": "Books every payment.", "labels": {"tier": "1"},
                     "links": [{"url": "https://x.example", "title": "Dash"}],
                     "annotations": {"lookout/repo": "ledger", "lookout/file": ".af/service.tf",
                                     "backstage.io/techdocs-ref": "dir:."}},
        "spec": {"type": "service", "owner": "group:default/payments", "lifecycle": "production",
                 "system": "system:default/money", "dependsOn": ["resource:default/ledger-db"],
                 "providesApis": ["ledger-api"]},
        "relations": [{"type": "ownedBy", "targetRef": "group:default/payments"}]}


def leaves(value, path=()):
    """Every leaf of a JSON value with its path."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    else:
        yield path, value


def mutated(entity, path, new):
    e = copy.deepcopy(entity)
    target = e
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = new
    return e


def shown(catalog, **kw):
    """url -> (signature, the HTML the record would hold) of every entity record."""
    from generator.search.records import entity_records
    return {r.url: (r.sig, r.content()) for r in entity_records(catalog, **kw)}


def mutations(entity):
    """Every leaf changed (to another string, to a number, removed), and optional keys added."""
    for path, value in leaves(entity):
        yield path, mutated(entity, path, f"{value}-x")
        yield path, mutated(entity, path, 7)
        e = copy.deepcopy(entity)
        target = e
        for p in path[:-1]:
            target = target[p]
        del target[path[-1]]
        yield path + ("deleted",), e
    for path in (("metadata", "title"), ("spec", "system"), ("metadata", "description")):
        yield path + ("added",), mutated({**entity, "metadata": dict(entity["metadata"]),
                                          "spec": dict(entity["spec"])}, path, "Something new")


@pytest.mark.parametrize("mode", ["pages", "shards"])
def test_a_record_whose_html_changed_has_a_new_signature(mode):
    """For any change to an entity: if its record (URL or HTML) changed, so did its signature
    (what the bucket's key is made of). A field the record shows but the signature missed fails."""
    kind = "Component" if mode == "pages" else "Resource"
    base = {**copy.deepcopy(RICH), "kind": kind}
    others = [entity("Resource", f"ledger-q{i}", "ledger", type="service", owner="group:default/payments")
              for i in range(3)]  # with base: a group of 4 when sharded (same repo, type, owner)
    before = shown({"entities": [base] + others}, resource_pages=mode)
    assert any("?group=" in u for u in before) == (mode == "shards")
    changed_sigs = 0
    for path, e in mutations(base):
        after = shown({"entities": [e] + others}, resource_pages=mode)
        for url, (sig, html) in after.items():
            if url in before and before[url][1] != html:
                assert before[url][0] != sig, f"{'.'.join(map(str, path))} changed {url} but not its signature"
                changed_sigs += 1
    assert changed_sigs > 20  # the mutations do reach what records show
    # what no record shows leaves every signature as it was (the bucket is reused)
    for path in (("relations", 0, "targetRef"), ("spec", "dependsOn", 0), ("metadata", "labels", "tier"),
                 ("metadata", "annotations", "lookout/file")):
        assert shown({"entities": [mutated(base, path, "other")] + others}, resource_pages=mode) == before


def test_changed_entities_are_searched_as_changed_with_the_same_cache(tmp_path, monkeypatch):
    """Owner, title and description changes (a single record and a group member) between two
    builds sharing a cache: the search text is the new one, the bundle a cold build's."""
    monkeypatch.setattr(search_index, "ENTITIES_PER_BUCKET", 20)  # 106 records -> 8 buckets
    catalog = sharded_catalog()
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    build_search(catalog, site, cache)
    changed = copy.deepcopy(catalog)
    by_name = {e["metadata"]["name"]: e for e in changed["entities"]}
    by_name["orders"]["spec"]["owner"] = "group:default/wombats"
    by_name["orders"]["metadata"]["description"] = "Takes quokka orders."
    by_name["svc-03-rds-007"]["metadata"]["title"] = "Numbat replica"
    stats = build_search(changed, site, cache)
    assert 1 <= stats.rebuilt <= 2 < stats.buckets
    found = frags(site)
    orders = found["/catalog/default/component/orders/"]
    assert "Owner: wombats" in orders["content"] and "quokka" in orders["content"]
    assert orders["filters"]["owner"] == ["wombats"]
    group = next(f for u, f in found.items() if "svc-03-rds-007" in f["meta"].get("members", ""))
    assert "Numbat replica" in group["content"]
    assert ["svc-03-rds-007", "Numbat replica", "production", ["pci"]] in json.loads(group["meta"]["members"])
    cold = tmp_path / "cold"
    cold.mkdir()
    build_search(changed, cold, None)
    assert same_tree(site / "pagefind", cold / "pagefind")


def test_docs_pages_fed_from_their_content_block_index_as_the_whole_page(tmp_path, monkeypatch):
    """Pagefind is fed a docs page from its content block on (not the theme's navigation
    before it): the bundle is the one the whole pages give."""
    from generator.search import records
    site = docs_site(tmp_path)
    page = site / "docs/default/component/orders/runbook/index.html"
    whole = page.read_text(encoding="utf-8")
    fed = records._docs_page(str(page))
    assert len(fed) < len(whole) * 0.7 and 'class="md-nav' in whole and 'class="md-nav' not in fed
    assert fed.startswith(whole[:whole.index("</head>")]) and whole.endswith(fed[fed.index("</head>") + 7:])
    build_search({"entities": []}, site, None)
    stripped = tmp_path / "stripped"
    shutil.copytree(site / "pagefind", stripped)
    monkeypatch.setattr(records, "_docs_page", lambda path: Path(path).read_text(encoding="utf-8"))
    build_search({"entities": []}, site, None)
    assert same_tree(stripped, site / "pagefind")
    assert {f["url"] for f in read_fragments(stripped)} == {
        "/docs/default/component/orders/", "/docs/default/component/orders/runbook/"}
