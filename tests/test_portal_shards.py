"""Sharded Resources are grouped by repo: a night that changes one repo rewrites that repo's
shards and the directory files of the names that came or went, nothing else, and the site is
still byte-identical to a cold build."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from generator.catalog_json import write_catalog
from generator.config import Config
from generator.pipeline import build_catalog
from generator.portal import resource_shards
from generator.portal.build import build_site
from generator.portal.resource_shards import find_resource, name_hash, read_shard

ROOT = Path(__file__).resolve().parents[1]
SHARDS = {"lookout": {"resource_pages": "shards"}}


def _catalog(repos: Path, out: Path) -> Path:
    catalog, _ = build_catalog(Config(repos_dirs=[repos], read_cache=False), show_progress=False, workers=1)
    write_catalog(catalog, out)
    return out


def _shard_files(site: Path) -> dict[str, tuple[int, bytes]]:
    root = site / "catalog/default/resource/shards"
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in root.rglob("*.json.gz")}


@pytest.fixture()
def small_shards(monkeypatch):
    # Small enough that a repo of 10 Resources is 3 shards, and 61 names 8 directory files.
    monkeypatch.setattr(resource_shards, "PER_SHARD", 4)
    monkeypatch.setattr(resource_shards, "DIR_NAMES", 8)


def test_one_repo_changed_rewrites_only_its_shards_and_matches_a_cold_build(small_shards, tmp_path):
    spec = importlib.util.spec_from_file_location("gen_org", ROOT / "bench" / "gen_org.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    org = tmp_path / "repos"
    gen.write_org(org, 6, resources_per_repo=10)
    cache, warm = tmp_path / "cache", tmp_path / "warm"
    build_site(_catalog(org, tmp_path / "c1.json"), warm, progress=False, workers=1, cache_dir=cache,
               extra_config=SHARDS)
    before = _shard_files(warm)
    repo_of = {f: read_shard(warm / "catalog/default/resource/shards" / f)["repo"]
               for f in before if not f.startswith("dir/")}
    assert sorted(n for n in repo_of.values() if n == "svc-00003") == ["svc-00003"] * 3
    gone = {n for f, r in repo_of.items() if r == "svc-00005"
            for n in read_shard(warm / "catalog/default/resource/shards" / f)["resources"]}
    assert len(gone) == 10

    # svc-00003: the service's description (each of its Resources' pages shows it) and one more Resource;
    # svc-00005 removed.
    af = org / "svc-00003" / ".af"
    (af / "service.tf").write_text((af / "service.tf").read_text().replace('"Service number 3"',
                                                                          '"Takes the payments now"'))
    (af / "night.tf").write_text('resource "aws_sqs_queue" "night" {\n  name = "svc-00003-night"\n}\n')
    shutil.rmtree(org / "svc-00005")
    changed = _catalog(org, tmp_path / "c2.json")
    build_site(changed, warm, progress=False, workers=1, cache_dir=cache, extra_config=SHARDS)
    after = _shard_files(warm)

    rewritten = {f for f in after if f not in before or after[f][0] != before[f][0]}
    shards = {f for f in after if not f.startswith("dir/")}
    # A shard is rewritten exactly when what it holds changed: svc-00003's (each shows the new
    # description), and one whose Resource's page lists svc-00005 (the Kafka cluster it used).
    held = {f: read_shard(warm / "catalog/default/resource/shards" / f) for f in shards}
    for f in shards:
        assert (f in rewritten) == (f not in before or before[f][1] != after[f][1]), f
    assert {f for f in shards & rewritten if held[f]["repo"] == "svc-00003"} == \
        {f for f in shards if held[f]["repo"] == "svc-00003"}
    assert len({f for f in shards & rewritten if held[f]["repo"] != "svc-00003"}) <= 1
    # No other repo's shard was renamed; svc-00005's are gone.
    assert {f for f, r in repo_of.items() if r not in ("svc-00003", "svc-00005")} <= shards
    assert not {f for f, r in repo_of.items() if r == "svc-00005"} & after.keys()
    # Directory files: only where a name came or went.
    dirs = {f for f in rewritten if f.startswith("dir/")}
    d = read_shard(warm / "catalog/default/resource/shards/dir/0.json.gz")["dirs"]
    assert d == len([f for f in before if f.startswith("dir/")]) == 8
    touched = {f"dir/{name_hash(n) % d}.json.gz" for n in gone | {"svc-00003-night"}}
    assert dirs and dirs <= touched

    new = find_resource(warm, "default", "svc-00003-night")
    assert new["ref"] == "resource:default/svc-00003-night" and "Takes the payments now" in new["body"]
    assert find_resource(warm, "default", next(iter(gone))) is None
    assert "Takes the payments now" in find_resource(warm, "default", "svc-00003-prod-q2")["body"]

    build_site(changed, tmp_path / "cold", progress=False, workers=1, extra_config=SHARDS)
    a = {p.relative_to(warm).as_posix(): p.read_bytes() for p in warm.rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "cold").as_posix(): p.read_bytes()
         for p in (tmp_path / "cold").rglob("*") if p.is_file()}
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []


def test_a_quiet_night_writes_no_shard_or_directory_file(small_shards, tmp_path):
    cat = ROOT / "tests/fixtures/catalog-small.json"
    cache, site = tmp_path / "cache", tmp_path / "site"
    build_site(cat, site, progress=False, workers=1, cache_dir=cache, extra_config=SHARDS)
    before = _shard_files(site)
    assert any(f.startswith("dir/") for f in before) and any(not f.startswith("dir/") for f in before)
    build_site(cat, site, progress=False, workers=1, cache_dir=cache, extra_config=SHARDS)
    assert {f: ino for f, (ino, _) in _shard_files(site).items()} == {f: ino for f, (ino, _) in before.items()}


def test_every_name_is_in_the_directory_file_its_hash_names(small_shards, tmp_path):
    import json

    cat = ROOT / "tests/fixtures/catalog-small.json"
    build_site(cat, tmp_path / "site", progress=False, workers=1, extra_config=SHARDS)
    names = [e["metadata"]["name"].lower() for e in json.loads(cat.read_text())["entities"]
             if e["kind"] == "Resource"]
    assert names
    for name in names:
        rec = find_resource(tmp_path / "site", "default", name)
        assert rec is not None and rec["ref"] == f"resource:default/{name}", name
    assert find_resource(tmp_path / "site", "default", "no-such-resource") is None
    assert find_resource(tmp_path / "site", "default", "ünïcødé-名前") is None


def test_name_hash_is_crc32_of_the_utf8_bytes():
    # The check value of CRC-32; the browser's copy (entity.js) is checked against this function
    # in tests/browser/test_resource_shards.py.
    assert name_hash("123456789") == 0xCBF43926
    assert name_hash("\u00fc") == 0x63D969D5  # its two bytes c3 bc (latin-1, fc: 0x660951BA)
