"""The portal (generator/portal): catalog.json -> site. No browser; files and HTML only."""
from __future__ import annotations

import html
import json
import logging
import os
import re
import subprocess
import sys
from collections import defaultdict, deque
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.portal import diagram
from generator.portal.build import MKDOCS_YML, PortalBuildError, build_site
from generator.portal.html import safe_url

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "catalog-small.json"
HOSTILE = FIXTURES / "catalog-hostile.json"
COLLISION = FIXTURES / "catalog-collision.json"
REPO = Path(__file__).resolve().parents[1]


def ref_of(ent: dict) -> str:
    m = ent["metadata"]
    return f"{ent['kind']}:{m.get('namespace') or 'default'}/{m['name']}".lower()


def page_path(site: Path, ref: str) -> Path:
    kind, rest = ref.split(":", 1)
    ns, name = rest.split("/", 1)
    return site / "catalog" / ns / kind / name / "index.html"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "site"
    build_site(SMALL, out, progress=False)
    return out


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "site"
    build_site(HOSTILE, out, progress=False)
    return out


@pytest.fixture(scope="module")
def small_catalog() -> dict:
    return json.loads(SMALL.read_text(encoding="utf-8"))


# -- pages and URLs -----------------------------------------------------------------
def test_entity_pages_at_backstage_urls(small_site, small_catalog):
    for ent in small_catalog["entities"]:
        path = page_path(small_site, ref_of(ent))
        assert path.is_file(), path
    text = page_path(small_site, ref_of(small_catalog["entities"][0])).read_text()
    assert 'data-pagefind-body' in text
    for page in ("index.html", "catalog/index.html", "graph/index.html", "problems/index.html",
                 "teams/index.html", "search/index.html"):
        assert (small_site / page).is_file(), page


def test_entity_pages_are_not_in_the_nav(small_site, small_catalog):
    home = (small_site / "index.html").read_text()
    nav_links = re.findall(r'class="md-tabs__link"[^>]*>|href="([^"]+)"\s+class="md-tabs__link"', home)
    assert nav_links  # tabs exist
    tabs = re.findall(r'<li class="md-tabs__item[^"]*">\s*<a href="([^"]+)"', home)
    assert 0 < len(tabs) <= 7, tabs
    assert not any("catalog/default/" in t for t in tabs)
    # the primary nav of an entity page lists index pages only
    ent_page = page_path(small_site, ref_of(small_catalog["entities"][5])).read_text()
    assert ent_page.count('class="md-nav__link') < 20


def test_data_files(small_site, small_catalog):
    from generator.portal.data import row_refs

    ents = json.loads((small_site / "catalog/entities.json").read_text())
    assert len(ents["rows"]["ref"]) == len(small_catalog["entities"])
    assert set(row_refs(ents)) == {ref_of(e) for e in small_catalog["entities"]}
    assert ents["rows"]["ref"].count("") > len(small_catalog["entities"]) / 2   # derived, not written
    graph = json.loads((small_site / "graph/graph.json").read_text())
    assert len(graph["refs"]) == len(small_catalog["entities"])
    n_depends = sum(1 for e in small_catalog["entities"] for r in e["relations"] if r["type"] == "dependsOn")
    assert len(graph["edges"]["dependsOn"]) == 2 * n_depends
    assert (small_site / "api/catalog.json").read_bytes() == SMALL.read_bytes()
    assert (small_site / "assets/lookout/catalog.js").is_file()
    assert (small_site / "assets/lookout/graph.js").is_file()


def test_entities_json_leaves_out_only_the_refs_the_browser_can_derive():
    from generator.portal.data import entities_json, row_refs
    from generator.portal.index import PortalIndex

    def ent(kind, name, ns=None):
        return {"kind": kind, "metadata": {"name": name, **({"namespace": ns} if ns else {})}, "spec": {}}

    ix = PortalIndex({"entities": [ent("Component", "Orders-Svc"), ent("API", "pay.v1", "Payments"),
                                   ent("weirdKind", "x_1"), ent("Component", "caf\u00e9"),
                                   ent("Component", "\u0130stanbul")]})
    doc = json.loads(entities_json(ix))
    assert row_refs(doc) == list(ix.entities)
    written = [r for r in doc["rows"]["ref"] if r]
    assert written == ["component:default/caf\u00e9", "component:default/i\u0307stanbul"]   # not ASCII: kept


def test_owner_files_hold_each_owners_rows_with_the_whole_files_dictionaries(small_site):
    """catalog/owner/<k>.json, what /catalog/?owner=… shows first: the k-th owner's rows, in
    the whole table's order, and nobody else's."""
    whole = json.loads((small_site / "catalog/entities.json").read_bytes())
    rows, owners = whole["rows"], whole["dict"]["owner"]
    assert len(owners) > 1
    page = (small_site / "catalog/index.html").read_text()
    listed = re.search(r"data-owners='([^']*)'", page)
    assert listed and json.loads(html.unescape(listed.group(1))) == owners
    shown = 0
    for k, owner in enumerate(owners):
        part = json.loads((small_site / f"catalog/owner/{k}.json").read_bytes())
        assert part["dict"] == whole["dict"] and part["total"] == len(rows["name"])
        mine = [i for i, o in enumerate(rows["owner"]) if o == k]
        assert mine, owner
        assert part["rows"] == {col: [values[i] for i in mine] for col, values in rows.items()}
        shown += len(mine)
    assert shown == sum(o >= 0 for o in rows["owner"])
    assert not (small_site / f"catalog/owner/{len(owners)}.json").exists()


def test_mermaid_served_by_the_site(small_site, small_catalog):
    assert (small_site / "assets/lookout/mermaid.min.js").stat().st_size > 1_000_000
    page = page_path(small_site, "component:default/orders-svc-00000").read_text()
    assert re.search(r'src="?[./]*assets/lookout/mermaid.min.js', page)
    assert '<pre class="mermaid">' in page and 'id="relation-diagram"' in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert "fonts.googleapis" not in page


# -- per-kind content matches the catalog -------------------------------------------
def _adjacency(catalog: dict) -> dict[str, dict[str, list[str]]]:
    adj: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in catalog["entities"]:
        for r in e["relations"]:
            adj[ref_of(e)][r["type"]].append(r["targetRef"])
    return adj


def _walk(adj, start: str, rels: tuple[str, ...]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        n = queue.popleft()
        for rel in rels:
            for t in adj[n].get(rel, ()):
                if t not in seen:
                    seen.add(t)
                    queue.append(t)
    return seen - {start}


def test_group_owned_counts(small_site, small_catalog):
    adj = _adjacency(small_catalog)
    kinds = {ref_of(e): e["kind"] for e in small_catalog["entities"]}
    types = {ref_of(e): e["spec"].get("type", "") for e in small_catalog["entities"]}
    groups = [ref_of(e) for e in small_catalog["entities"] if e["kind"] == "Group"]
    assert groups
    for g in groups:
        owners = {g} | _walk(adj, g, ("parentOf",))
        owned = {t for o in owners for t in adj[o].get("ownerOf", ())}
        text = page_path(small_site, g).read_text()
        total = re.search(r'id="owned-counts" data-total="(\d+)"', text)
        assert total and int(total.group(1)) == len(owned), g
        expected: dict[tuple[str, str], int] = defaultdict(int)
        for r in owned:
            expected[(kinds[r], types[r])] += 1
        section = text.split('id="owned-counts"', 1)[1].split("</section>", 1)[0]
        rows = re.findall(r'<tr data-kind="([^"]*)" data-type="([^"]*)"><td>[^<]*</td><td>[^<]*</td>'
                          r'<td class="lk-num">([\d,]+)</td>', section)
        got = {(k, t): int(n.replace(",", "")) for k, t, n in rows}
        assert got == dict(expected), g
        members = adj[g].get("hasMember", [])
        assert 'id="members"' in text
        for m in members[:5]:
            assert f'data-ref="{m}"' in text


def test_group_summary_counts_an_entity_two_of_its_groups_own_once():
    """A catalog.json may relate one entity to two owners (ownerOf is not checked against
    spec.owner): a group above both counts it once, in its total, its table and its first rows."""
    from generator.portal.entity_page import EntityPageBuilder
    from generator.portal.index import PortalIndex

    def ent(kind, name, rels=(), spec=None):
        return {"kind": kind, "metadata": {"name": name}, "spec": spec or {},
                "relations": [{"type": t, "targetRef": r} for t, r in rels]}

    ix = PortalIndex({"entities": [
        ent("Group", "org", [("parentOf", "group:default/team"), ("ownerOf", "component:default/shared"),
                             ("ownerOf", "component:default/a")]),
        ent("Group", "team", [("childOf", "group:default/org"), ("ownerOf", "component:default/shared"),
                              ("ownerOf", "resource:default/db")]),
        ent("Component", "shared", spec={"type": "service"}), ent("Component", "a", spec={"type": "service"}),
        ent("Resource", "db", spec={"type": "database"})]})
    b = EntityPageBuilder(ix, list_cap=2)
    org, team = b.group_summary("group:default/org"), b.group_summary("group:default/team")
    assert (org.total, org.direct, org.first_owned) == (3, 2, ["component:default/a", "component:default/shared"])
    assert org.counts == [(("Component", "service"), 2), (("Resource", "database"), 1)]
    assert org.via == {"component:default/a": "group:default/org", "component:default/shared": "group:default/org"}
    assert (team.total, team.counts) == (2, [(("Component", "service"), 1), (("Resource", "database"), 1)])


def test_resource_consumers_and_dependents(small_site, small_catalog):
    adj = _adjacency(small_catalog)
    hub = "resource:default/events-000"
    text = page_path(small_site, hub).read_text()
    repo = {ref_of(e): e["metadata"]["annotations"].get("lookout/repo") for e in small_catalog["entities"]}
    consumers = set(adj[hub].get("dependencyOf", [])) | set(adj[hub].get("apiConsumedBy", []))
    # CatalogGraph.consumers: the declaring repo's own Components provision it, they don't consume it
    consumers = {c for c in consumers if not (c.startswith("component:") and repo[c] == repo[hub])}
    breaks = _walk(adj, hub, ("dependencyOf", "apiConsumedBy", "providesApi"))
    for sid, expected in (("consumers", consumers), ("dependents", breaks)):
        section = text.split(f'<section class="lk-section" id="{sid}">', 1)[1].split("</section>", 1)[0]
        got = set(re.findall(r'<tr data-ref="([^"]+)"', section))
        assert got == expected, sid
        if sid == "consumers":   # says that its own repo's Components are left out (the Dependents table has them)
            assert "other than the Components of its own repo" in section
    assert len(breaks) >= len(consumers) > 12
    # the hub's diagram collapses: at most 12 nodes per group, then "+ N more"
    code = html.unescape(re.search(r'<pre class="mermaid"><code>(.*?)</code>', text, re.S).group(1))
    n_dependency_of = len(adj[hub]["dependencyOf"])
    assert f"Dependents ({n_dependency_of})" in code and f"+ {n_dependency_of - 12} more" in code
    assert 'href "#rel-dependencyOf"' in code and 'id="rel-dependencyOf"' in text


def test_entity_about_card(small_site, small_catalog):
    ent = next(e for e in small_catalog["entities"] if e["kind"] == "Component"
               and "pagerduty.com/service-id" in e["metadata"]["annotations"]
               and "backstage.io/techdocs-ref" in e["metadata"]["annotations"])
    ref = ref_of(ent)
    text = page_path(small_site, ref).read_text()
    owner = ent["spec"]["owner"]
    assert re.search(rf'<dd id="owner"><a href="[./]*/catalog/default/group/{owner.split("/")[1]}/"', text)
    assert ent["metadata"]["annotations"]["pagerduty.com/service-id"] in text.split('id="oncall"')[1][:200]
    kind, ns, name = "component", "default", ent["metadata"]["name"]
    assert f'/docs/{ns}/{kind}/{name}/"' in text
    src = next(s for s in small_catalog["sources"] if s["repo"] == ent["metadata"]["annotations"]["lookout/repo"])
    source = text.split('<dd id="source">')[1].split("</dd>")[0]
    if src["url"]:
        assert f'href="{src["url"]}/-/blob/' in source and "#L3" in source
    else:
        assert "<a " not in source and ".af/service.tf:3" in source
    for key, val in (("is", "entity"), ("kind", "Component"), ("owner", owner.split("/")[1])):
        assert f'<span data-pagefind-filter="{key}">{val}</span>' in text
    assert 'data-pagefind-meta="title"' in text


def test_index_pages_are_not_search_bodies(small_site):
    for page in ("index.html", "catalog/index.html", "graph/index.html", "problems/index.html"):
        assert "data-pagefind-body" not in (small_site / page).read_text(), page


def test_home_counts_and_problems_page(small_site, small_catalog):
    home = (small_site / "index.html").read_text()
    n_comp = sum(1 for e in small_catalog["entities"] if e["kind"] == "Component")
    assert re.search(rf'data-kind="Component"><span class="lk-kind__n">{n_comp}<', home)
    assert 'action="search/"' in home and 'name="q"' in home
    problems = (small_site / "problems/index.html").read_text()
    assert problems.count('<tr class="lk-problem"') == len(small_catalog["problems"])
    p = next(p for p in small_catalog["problems"] if p["entityRef"])
    src = next(s for s in small_catalog["sources"] if s["repo"] == p["repo"])
    if src["url"]:
        assert f'{src["url"]}/-/blob/{src["commit"]}/{p["file"]}#L{p["line"]}' in problems


# -- security -----------------------------------------------------------------------
class _Audit(HTMLParser):
    """Collects everything in a page that could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.in_script = False
        self.script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.bad.append(f"<{tag} {name}=...>")
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href") and value:
                if re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                    self.bad.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base", "meta") and tag != "meta" or (
                tag == "meta" and "http-equiv" in dict(attrs)):
            self.bad.append(f"<{tag}>")
        if tag == "script":
            src = dict(attrs).get("src")
            if src and not re.match(r"^/?(\.\./)*(\./)?(assets/(javascripts|lookout)/)", src):
                self.bad.append(f"script src={src}")
            self.in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.script_text.append(data)


def test_hostile_catalog_is_escaped_everywhere(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > 5
    seen_evil = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        audit = _Audit()
        audit.feed(text)
        assert not audit.bad, (page, audit.bad)
        assert "pwned" not in "".join(audit.script_text), page
        assert "<script>window.__pwned" not in text and "<img src=x" not in text, page
        assert 'href="javascript' not in text.lower() and "href=\" javascript" not in text.lower()
        seen_evil += "window.__pwned" in text
    assert seen_evil >= 3  # the strings are shown, as text
    evil = (hostile_site / "catalog/default/component/evil/index.html").read_text()
    assert "<title>&lt;script&gt;window.__pwned=1&lt;/script&gt; - Lookout</title>" in evil
    assert 'href="mailto:team@example.com"' in evil
    assert 'href="https://ok.example.com/&#34;&gt;&lt;script&gt;' in evil  # quoted, inside the attribute
    # sources[].url is javascript: -> no source link at all
    assert 'id="source-link"' not in evil


def test_hostile_mermaid_labels_are_text(hostile_site):
    for rel in ("group/evil-team", "component/evil", "resource/evil-db"):
        text = (hostile_site / f"catalog/default/{rel}/index.html").read_text()
        code = html.unescape(re.search(r'<pre class="mermaid"><code>(.*?)</code>', text, re.S).group(1))
        assert "%%" not in code and "<script" not in code
        assert not re.search(r'href "\s*javascript', code, re.I)
        assert not re.search(r"^\s*click n\d+ call", code, re.M)
        for line in code.strip().splitlines():
            assert re.fullmatch(
                r'flowchart LR|  class n0 lkSelf|  classDef lkSelf [a-z:0-9-]+|'
                r'\s+(n\d+)\["[^"\n]*"\]|  subgraph g\d+\["[^"\n]*"\]|    direction LR|  end|'
                r'  (g\d+ --> n0|n0 --> g\d+)|    n\d+ ~~~ n\d+|'
                r'  click n\d+ href "[A-Za-z0-9./_#-]+" "[^"\n]*"', line), line


def test_diagram_label_and_safe_url_units():
    assert diagram.label('a"]<b>%%{') == "a#34;#93;#60;b#62;#37;#37;#123;"
    assert safe_url("https://x.example/a") == "https://x.example/a"
    assert safe_url("mailto:a@b.c") == "mailto:a@b.c"
    for bad in ("javascript:alert(1)", " JavaScript:x", "data:text/html,x", "vbscript:x", "//evil",
                "java\nscript:x", "http:/nohost", "", None, 3):
        assert safe_url(bad) is None, bad


# -- refusals and failures ----------------------------------------------------------
def test_newer_schema_version_is_refused(tmp_path):
    cat = tmp_path / "catalog.json"
    cat.write_text(json.dumps({"schema_version": 2, "entities": [], "problems": [], "sources": []}))
    with pytest.raises(PortalBuildError, match=r"schema_version 2 is newer .*supports \(version 1\)"):
        build_site(cat, tmp_path / "site", progress=False)
    assert not (tmp_path / "site").exists()


def test_newer_schema_version_refused_by_mkdocs_cli_without_traceback(tmp_path):
    cat = tmp_path / "catalog.json"
    cat.write_text(json.dumps({"schema_version": 99, "entities": []}))
    env = dict(os.environ, LOOKOUT_CATALOG=str(cat), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(MKDOCS_YML),
                           "-d", str(tmp_path / "site")], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0
    assert "schema_version 99 is newer" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_mkdocs_cli_reads_lookout_catalog_env(tmp_path):
    env = dict(os.environ, LOOKOUT_CATALOG=str(HOSTILE), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(MKDOCS_YML),
                           "-d", str(tmp_path / "site")], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "site/catalog/default/component/evil/index.html").is_file()


def test_failed_build_keeps_previous_site(tmp_path):
    out = tmp_path / "site"
    build_site(HOSTILE, out, progress=False)
    marker = out / "catalog/default/component/evil/index.html"
    before = marker.read_bytes()
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    with pytest.raises(PortalBuildError, match="not a readable catalog.json"):
        build_site(broken, out, progress=False)
    assert marker.read_bytes() == before
    with pytest.raises(PortalBuildError, match="no such file"):
        build_site(tmp_path / "missing.json", out, progress=False)
    assert marker.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "site"]  # no temp dirs left
    # and a good build replaces it
    build_site(SMALL, out, progress=False)
    assert not marker.exists() and (out / "catalog/default/resource/events-000/index.html").is_file()


def test_a_build_leaves_nothing_frozen(tmp_path):
    """The portal freezes the catalog for the collector during a build; mkdocs serve builds
    again and again in one process, and what stayed frozen would never be collected."""
    import gc

    gc.unfreeze()
    build_site(SMALL, tmp_path / "site", progress=False)
    assert gc.get_freeze_count() == 0
    with pytest.raises(PortalBuildError):   # mkdocs refuses its config: the plugin never ran
        build_site(SMALL, tmp_path / "site", progress=False, extra_config={"theme": {"name": "no-such-theme"}})
    assert gc.get_freeze_count() == 0


def test_case_collision_and_unsafe_names_reported(tmp_path, caplog):
    out = tmp_path / "site"
    with caplog.at_level(logging.WARNING):
        build_site(COLLISION, out, progress=False)
    messages = "\n".join(r.getMessage() for r in caplog.records)
    assert "component:default/orders" in messages and "same page URL" in messages
    assert "not valid in a URL" in messages
    page = out / "catalog/default/component/orders/index.html"
    assert page.is_file()
    assert "<code>component:default/orders</code>" in page.read_text()
    problems = (out / "problems/index.html").read_text()
    assert "same page URL" in problems and "(portal)" in problems
    assert not list(tmp_path.rglob("escape*"))
    assert (out / "catalog/default/component/ok/index.html").is_file()  # namespace "Default" -> default


# -- search text, capped tables, progress, cached chrome ------------------------------
class _IndexedText(HTMLParser):
    """The text Pagefind indexes: inside data-pagefind-body, outside data-pagefind-ignore."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "track"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[bool, bool]] = []  # (in body, ignored) per open element
        self.text: list[str] = []
        self.weights: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        body, ignored = self.stack[-1] if self.stack else (False, False)
        state = (body or "data-pagefind-body" in a, ignored or "data-pagefind-ignore" in a)
        if "data-pagefind-weight" in a and "id" in a:
            self.weights[a["id"]] = a["data-pagefind-weight"]
        if tag not in self.VOID:
            self.stack.append(state)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == (True, False):
            self.text.append(data)


def test_entity_search_text_is_its_own(small_site, small_catalog):
    ents = {ref_of(e): e for e in small_catalog["entities"]}
    hub = "resource:default/events-000"
    text = page_path(small_site, hub).read_text()
    parser = _IndexedText()
    parser.feed(text)
    indexed = " ".join(" ".join(parser.text).split())
    me = ents[hub]["metadata"]
    assert (me.get("title") or me["name"]) in indexed
    if me.get("description"):
        assert " ".join(me["description"].split()) in indexed
    owner = next(r["targetRef"] for r in ents[hub]["relations"] if r["type"] == "ownedBy")
    owner_meta = ents[owner]["metadata"]
    assert (owner_meta.get("title") or owner_meta["name"]) in indexed
    neighbours = {r["targetRef"] for r in ents[hub]["relations"]} - {owner}
    for n in neighbours:
        desc = ents[n]["metadata"].get("description")
        if desc and desc != me.get("description"):
            assert " ".join(desc.split()) not in indexed, n
    assert parser.weights.get("entity-title") == "10"
    described = next(ref_of(e) for e in small_catalog["entities"] if e["metadata"].get("description"))
    assert re.search(r'id="description" data-pagefind-weight="\d+">', page_path(small_site, described).read_text())
    # the filters stay (Pagefind reads filters inside data-pagefind-ignore)
    assert '<span data-pagefind-filter="kind">Resource</span>' in text


def test_tables_are_capped_with_a_link_to_the_explorer():
    from generator.portal.entity_page import EntityPageBuilder
    from generator.catalog_json import load_catalog
    from generator.portal.index import PortalIndex

    ix = PortalIndex(load_catalog(SMALL))
    hub = "resource:default/events-000"
    v = EntityPageBuilder(ix, list_cap=3).build(hub, "../../../..")
    dependents = next(s for s in v["sections"] if s["id"] == "dependents")
    html_ = str(dependents["html"])
    assert dependents["total"] > 3 and html_.count("<tr data-ref=") == 3
    assert f"Showing 3 of {dependents['total']:,}" in html_
    assert ('href="../../../../graph/?root=resource:default/events-000&amp;dir=in&amp;depth=4'
            '&amp;rel=dependsOn,consumesApi"') in html_
    full = EntityPageBuilder(ix).build(hub, "../../../..")
    assert all("lk-more" not in str(s["html"]) for s in full["sections"])


def test_progress_is_plain_lines_when_not_a_tty(tmp_path):
    code = ("from pathlib import Path; from generator.portal.build import build_site; "
            f"build_site(Path({str(SMALL)!r}), Path({str(tmp_path / 'site')!r}), progress=True)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    n = len(json.loads(SMALL.read_text())["entities"])
    assert re.search(rf"^entity pages: {n}/{n} \(", proc.stderr, re.M), proc.stderr


def test_entity_pages_are_what_material_renders(tmp_path, monkeypatch):
    """Entity pages are written around one shell; a page is what material renders for it."""
    from generator.portal import pages as portal_pages
    from generator.portal import plugin
    from generator.portal.entity_page import EntityPageBuilder
    from generator.portal.entity_pages import minify

    refs = ("component:default/orders-svc-00000", "resource:default/events-000", "api:default/billing-api-00002")
    by_material: dict[str, str] = {}
    on_files, on_post_build = plugin.LookoutPlugin.on_files, plugin.LookoutPlugin.on_post_build

    def with_material_pages(self, files, config):
        files = on_files(self, files, config)
        builder = EntityPageBuilder(self.index)
        for ref in refs:
            portal_pages.add_page(files, config, self.index.urls[ref] + "index.md", self.index.title(ref),
                                  in_nav=False, template="entity.html",
                                  view=lambda base, ref=ref: builder.build(ref, base), meta=plugin.ENTITY_META)
        return files

    def keep_material_pages(self, config):
        for ref in refs:
            by_material[ref] = (Path(config.site_dir) / self.index.urls[ref] / "index.html").read_text()
        on_post_build(self, config)

    monkeypatch.setattr(plugin.LookoutPlugin, "on_files", with_material_pages)
    monkeypatch.setattr(plugin.LookoutPlugin, "on_post_build", keep_material_pages)
    build_site(SMALL, tmp_path / "site", progress=False)
    for ref in refs:
        ours = page_path(tmp_path / "site", ref).read_text()
        assert "LookoutShell" not in ours
        assert minify(ours) == minify(by_material[ref]), ref


def test_small_diagram_is_not_stretched(small_site):
    text = page_path(small_site, "resource:default/events-000").read_text()
    assert re.search(r'id="relation-diagram" class="lk-diagram" data-size="l"', text)
    css = (small_site / "assets/lookout/lookout.css").read_text()
    assert '.lk-diagram[data-size="s"] > .mermaid { max-width:' in css


def test_create_page_lists_the_templates_with_their_parameters_and_command(small_site):
    html = (small_site / "create/index.html").read_text()
    assert "lookout new service --set name=… --set description=… --set owner=…" in html
    assert "lookout new team --set name=… --set display_name=…" in html
    assert "<code>pagerduty_service_id</code>" in html and "experimental, production, deprecated" in html
    # in the nav of every page, like the other index pages
    assert 'href="../create/"' in (small_site / "catalog/index.html").read_text()


def test_migration_view_counts_services_in_af_and_only_in_yaml_by_team():
    from generator.portal.index import PortalIndex
    from generator.portal.pages import migration_view

    def ent(kind, name, repo, owner=None, tf=False):
        ann = {"lookout/repo": repo, **({"lookout/terraform-address": "module.service"} if tf else {})}
        rels = [{"type": "ownedBy", "targetRef": f"group:default/{owner}"}] if owner else []
        return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "relations": rels,
                "metadata": {"name": name, "namespace": "default", "annotations": ann},
                "spec": {"owner": f"group:default/{owner}"} if owner else {}}

    catalog = {"schema_version": 1, "problems": [], "entities": [
        ent("Component", "a1", "a1", "team-a", tf=True), ent("Component", "a2", "a2", "team-a", tf=True),
        ent("Component", "b1", "b1", "team-b"), ent("Resource", "bucket", "scripts", "team-b"),
        ent("Group", "team-a", "org"), ent("Group", "team-b", "org")],
        "sources": [{"repo": r} for r in ("a1", "a2", "b1", "scripts", "org", "empty")]}
    view = migration_view(PortalIndex(catalog))
    rows = {r["team"]: (r["in_af"], r["yaml_only"], r["pct"]) for r in view["rows"]}
    assert rows == {"team-b": (0, 1, 0), "team-a": (2, 0, 100)}
    assert [r["team"] for r in view["rows"]] == ["team-b", "team-a"]   # most left to migrate first
    assert view["nowhere"] == ["empty", "scripts"]   # the org repo needs no service


def test_catalog_json_is_published_gzipped_and_plain_only_when_not_huge(tmp_path, monkeypatch):
    import gzip

    from generator.portal import plugin

    build_site(SMALL, tmp_path / "site", progress=False)
    assert gzip.decompress((tmp_path / "site/api/catalog.json.gz").read_bytes()) == SMALL.read_bytes()
    assert (tmp_path / "site/api/catalog.json").read_bytes() == SMALL.read_bytes()
    monkeypatch.setattr(plugin, "CATALOG_JSON_MAX", 1000)
    build_site(SMALL, tmp_path / "big", progress=False)
    assert not (tmp_path / "big/api/catalog.json").exists()
    assert gzip.decompress((tmp_path / "big/api/catalog.json.gz").read_bytes()) == SMALL.read_bytes()
