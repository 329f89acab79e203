"""Incremental portal builds: a page is rendered again only when something it shows changed,
and the site is byte-identical to a cold build of the same catalog."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from generator import jsonbytes
from generator.catalog_json import write_catalog
from generator.config import Config
from generator.pipeline import build_catalog
from generator.portal.build import build_site

ROOT = Path(__file__).resolve().parents[1]


def _write_org(root: Path, repos: int) -> None:
    spec = importlib.util.spec_from_file_location("gen_org", ROOT / "bench" / "gen_org.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.write_org(root, repos, resources_per_repo=4)


def _catalog(repos: Path, out: Path) -> Path:
    catalog, _ = build_catalog(Config(repos_dirs=[repos], read_cache=False), show_progress=False, workers=1)
    write_catalog(catalog, out)
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture()
def org(tmp_path):
    repos = tmp_path / "repos"
    _write_org(repos, 24)
    return repos


def test_changed_removed_and_added_repos_rebuild_only_their_pages_and_match_a_cold_build(org, tmp_path):
    cache = tmp_path / "cache"
    first = build_site(_catalog(org, tmp_path / "c1.json"), tmp_path / "warm", progress=False, workers=1,
                       cache_dir=cache)
    pages = first["rendered"]
    assert first["reused"] == 0 and pages > 100

    again = build_site(tmp_path / "c1.json", tmp_path / "warm", progress=False, workers=1, cache_dir=cache)
    assert again["rendered"] == 0
    groups = {p.parent.name: p.read_bytes() for p in (tmp_path / "warm/catalog/default/group").glob("*/index.html")}
    assert len(groups) == 54

    service = org / "svc-00003" / ".af" / "service.tf"
    service.write_text(service.read_text().replace('"Service number 3"', '"Takes the payments now"'))
    shutil.rmtree(org / "svc-00005")
    shutil.copytree(org / "svc-00007", org / "svc-00900")
    for f in (org / "svc-00900" / ".af").iterdir():
        f.write_text(f.read_text().replace("svc-00007", "svc-00900"))
    changed = _catalog(org, tmp_path / "c2.json")

    warm = build_site(changed, tmp_path / "warm", progress=False, workers=1, cache_dir=cache)
    cold = build_site(changed, tmp_path / "cold", progress=False, workers=1)
    assert cold["reused"] == 0
    assert warm["reused"] > pages // 2 and warm["rendered"] < pages // 2
    a, b = _files(tmp_path / "warm"), _files(tmp_path / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
    page = (tmp_path / "warm/catalog/default/component/svc-00003/index.html").read_text()
    assert "Takes the payments now" in page
    assert (tmp_path / "warm/catalog/default/component/svc-00900/index.html").is_file()
    assert not (tmp_path / "warm/catalog/default/component/svc-00005").exists()
    # A Group's page shows a walk over the org below it: the groups above a changed service
    # are rendered again (then equal to the cold build's, above), the others are not.
    after = {p.parent.name: p.read_bytes() for p in (tmp_path / "warm/catalog/default/group").glob("*/index.html")}
    moved = {g for g in groups if after[g] != groups[g]}
    assert moved and len(moved) < len(groups)
    for g in moved:
        assert b"svc-00005" in groups[g] or b"svc-00900" in after[g] or b"svc-00003" in after[g]
    # The cache holds what the last build used, not every page ever built.
    stored = sum(1 for p in (cache / "pages").rglob("*") if p.is_file())
    assert stored <= warm["reused"] + warm["rendered"] + 1   # + api/catalog.json.gz
    assert len(list((cache / "pages" / "ca").glob("talog-gz-*"))) == 1   # stored as ca/talog-gz-<sha>


def test_sharded_resources_rebuild_only_the_changed_shard(tmp_path):
    import json

    from generator.portal.resource_shards import find_resource

    small = json.loads((ROOT / "tests/fixtures/catalog-small.json").read_text())
    shards = {"lookout": {"resource_pages": "shards"}}
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps(small))
    cache = tmp_path / "cache"
    build_site(cat, tmp_path / "warm", progress=False, workers=1, cache_dir=cache, extra_config=shards)
    res = min((e for e in small["entities"] if e["kind"] == "Resource"), key=lambda e: len(e["relations"]))
    res["metadata"]["description"] = "Holds the ledger now"
    cat.write_text(json.dumps(small))
    warm = build_site(cat, tmp_path / "warm", progress=False, workers=1, cache_dir=cache, extra_config=shards)
    build_site(cat, tmp_path / "cold", progress=False, workers=1, extra_config=shards)
    a, b = _files(tmp_path / "warm"), _files(tmp_path / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
    # The Resource, the pages that show its description (its neighbours), and the groups whose
    # owned rows show it only.
    groups = sum(e["kind"] == "Group" for e in small["entities"])
    assert 1 < warm["rendered"] <= groups + 1 + len(res["relations"]) and warm["reused"] > 150
    rec = find_resource(tmp_path / "warm", "default", res["metadata"]["name"])
    assert "Holds the ledger now" in rec["body"] and 'id="owner"' in rec["body"]


def test_a_group_page_is_rendered_again_when_only_its_walk_changed(tmp_path):
    """A department's page counts what its teams own by kind and type; with one row shown, a
    team's entity changing its type reaches the department's page only through that walk (the
    department has no relation to it)."""
    import json

    small = json.loads((ROOT / "tests/fixtures/catalog-small.json").read_text())
    cap = {"lookout": {"list_cap": 1}}
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps(small))
    cache = tmp_path / "cache"
    build_site(cat, tmp_path / "warm", progress=False, workers=1, cache_dir=cache, extra_config=cap)
    dept = "catalog/default/group/dept-000/index.html"
    before = (tmp_path / "warm" / dept).read_bytes()
    team = next(e for e in small["entities"] if e["metadata"]["name"] == "team-search-0003")
    target = max(r["targetRef"] for r in team["relations"] if r["type"] == "ownerOf")
    ent = next(e for e in small["entities"] if e["kind"] != "Group" and
               f"{e['kind']}:default/{e['metadata']['name']}".lower() == target.lower())
    ent.setdefault("spec", {})["type"] = "a-type-nobody-else-has"
    cat.write_text(json.dumps(small))
    warm = build_site(cat, tmp_path / "warm", progress=False, workers=1, cache_dir=cache, extra_config=cap)
    build_site(cat, tmp_path / "cold", progress=False, workers=1, extra_config=cap)
    a, b = _files(tmp_path / "warm"), _files(tmp_path / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
    assert b"a-type-nobody-else-has" not in before and b"a-type-nobody-else-has" in a[dept]
    assert warm["reused"] > 0


def _keys(cache: Path) -> dict:
    import json

    return json.loads((cache / "page-keys.json").read_text())["keys"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


def test_page_keys_carried_over_from_the_last_build_are_the_keys_a_cold_build_computes(org, tmp_path):
    """Only the pages an input change can reach have their keys computed again; every key
    carried over must be the one a cold build computes, night after night: a service
    changed, removed and added; a team renamed (every page showing what it owns shows its
    name) and the shared Kafka cluster changed (consumed by most services); the cluster's
    repo removed (its consumers' lookups now lead nowhere). svc-00002 depends on svc-00001, so
    svc-00001's resources list svc-00002 among what breaks with them, two steps away."""
    _edit(org / "svc-00002/.af/service.tf", '  lifecycle', '  dependencies = ["component:svc-00001"]\n  lifecycle')
    cache = tmp_path / "cache"
    first = build_site(_catalog(org, tmp_path / "c0.json"), tmp_path / "warm", progress=False, workers=1,
                       cache_dir=cache)
    total = first["keys"]
    assert total > 100

    def night_1():
        _edit(org / "svc-00003/.af/service.tf", '"Service number 3"', '"Takes the payments now"')
        shutil.rmtree(org / "svc-00005")
        shutil.copytree(org / "svc-00007", org / "svc-00900")
        for f in (org / "svc-00900/.af").iterdir():
            f.write_text(f.read_text().replace("svc-00007", "svc-00900"))

    def night_2():
        _edit(org / "org/catalog-info.yaml", "displayName: Team 03", "displayName: Payments")
        _edit(org / "svc-00000/.af/resources.tf", 'kafka_version = "3.6.0"', 'kafka_version = "3.7.0"')
        _edit(org / "svc-00002/.af/service.tf", '"Service number 2"', '"Ships the parcels"')

    def night_3():
        shutil.rmtree(org / "svc-00000")

    for n, night in enumerate((night_1, night_2, night_3), 1):
        night()
        catalog = _catalog(org, tmp_path / f"c{n}.json")
        warm = build_site(catalog, tmp_path / "warm", progress=False, workers=1, cache_dir=cache)
        cold_cache = tmp_path / f"cold-cache-{n}"
        build_site(catalog, tmp_path / f"cold-{n}", progress=False, workers=1, cache_dir=cold_cache)
        incremental, cold = _keys(cache), _keys(cold_cache)
        assert sorted(incremental) == sorted(cold)
        assert sorted(r for r in cold if incremental[r] != cold[r]) == [], f"night {n}"
        assert 0 < warm["keys"] < total, f"night {n}: {warm['keys']} keys computed of {total}"
        a, b = _files(tmp_path / "warm"), _files(tmp_path / f"cold-{n}")
        assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == [], f"night {n}"


@pytest.mark.parametrize("writer", ["write_catalog", "json.dumps"])
def test_a_relation_whose_target_appears_or_goes_changes_only_the_keys_it_reaches(tmp_path, writer):
    """A hand-written catalog.json may keep a relation to an entity it does not hold, with no
    problem saying so: the page shows it unlinked, and linked once the entity appears. Both
    layouts: write_catalog's (digests from its bytes) and any other JSON (from each entity)."""
    import json

    small = json.loads((ROOT / "tests/fixtures/catalog-small.json").read_text())
    by_ref = {f"{e['kind']}:{e['metadata'].get('namespace', 'default')}/{e['metadata']['name']}".lower(): e
              for e in small["entities"]}
    user, target = next((e, r["targetRef"].lower()) for e in small["entities"] if e["kind"] == "Component"
                        for r in e["relations"] if r["type"] == "dependsOn" and r["targetRef"].lower() in by_ref)
    gone = by_ref[target]
    # Only one-way relations to it: the others' JSON must not change when it goes.
    for e in small["entities"]:
        e["relations"] = [r for r in e["relations"] if r["targetRef"].lower() != target or e is user]
    everything = list(small["entities"])

    def write(entities, path):
        doc = {**small, "entities": entities}
        if writer == "write_catalog":   # its layout: sorted keys, two-space indent
            path.write_bytes(jsonbytes.dumps(doc, indent=True))
        else:
            path.write_text(json.dumps(doc))
        return path

    cache = tmp_path / "cache"
    nights = [[e for e in everything if e is not gone], everything, [e for e in everything if e is not gone]]
    first = None
    for n, entities in enumerate(nights):
        cat = write(entities, tmp_path / f"c{n}.json")
        warm = build_site(cat, tmp_path / "warm", progress=False, workers=1, cache_dir=cache)
        first = first or warm
        build_site(cat, tmp_path / f"cold-{n}", progress=False, workers=1, cache_dir=tmp_path / f"cold-cache-{n}")
        incremental, cold = _keys(cache), _keys(tmp_path / f"cold-cache-{n}")
        assert sorted(r for r in cold.keys() | incremental.keys() if incremental.get(r) != cold.get(r)) == []
        # Each layout took its own way to the entities' digests.
        state = json.loads((cache / "page-keys.json").read_text())
        assert state["inputs"]["method"] == ("bytes" if writer == "write_catalog" else "json")
        if n:
            assert 0 < warm["keys"] < first["keys"]
        a, b = _files(tmp_path / "warm"), _files(tmp_path / f"cold-{n}")
        assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []
