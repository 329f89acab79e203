"""`lookout build --shard I/N`: shards run one after another, then a final build, give the unsharded output."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build
from generator.config import Config
from generator.demo.generate import generate_org
from generator.shard import build_shard, parse_shard, shard_of

ROOT = Path(__file__).resolve().parents[1]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.relative_to(root).parts[0] != "pagefind"}


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    base = tmp_path_factory.mktemp("shard")
    generate_org(base / "repos", repos=12, resources=120, docs_pages=2, seed=3)
    # The org repo as lookout.yaml's `org:`: every shard reads it, so owners resolve everywhere.
    (base / "org").mkdir()
    shutil.move(base / "repos" / "org", base / "org" / "org")
    return base


def config(base: Path, name: str) -> Config:
    return Config(repos_dirs=[base / "repos"], org_dir=base / "org" / "org", cache_dir=base / name / "cache")


def test_sharded_build_is_byte_identical_and_the_final_build_only_hits(org):
    plain = build(config(org, "plain"), org / "plain" / "site", catalog_out=org / "plain" / "catalog.json",
                  progress=False)

    cfg = config(org, "sharded")
    reports = [build_shard(cfg, i, 2, progress=False) for i in (1, 2)]
    assert not (org / "sharded" / "site").exists()          # a shard publishes nothing
    repos = sorted(p.name for p in (org / "repos").iterdir())
    assert sum(r.repos for r in reports) == len(repos) + 1  # each repo in one slice (the org repo in its own)
    assert all(r.repos > 0 for r in reports)
    assert sum(r.docs_sites for r in reports) == plain.docs_sites > 0
    docs_cache = sorted(os.listdir(cfg.cache_dir / "docs"))

    final = build(cfg, org / "sharded" / "site", catalog_out=org / "sharded" / "catalog.json", progress=False)
    assert final.timings.cached_repos == len(repos) + 1      # every read from the shards' cache
    assert sorted(os.listdir(cfg.cache_dir / "docs")) == docs_cache   # no docs site built again
    assert (org / "sharded" / "catalog.json").read_bytes() == (org / "plain" / "catalog.json").read_bytes()
    # The same site, byte for byte, but for Pagefind's index, which differs between any two builds
    # of the same input (its file names and filter chunks are not deterministic): the same pages in it.
    assert tree(org / "sharded" / "site") == tree(org / "plain" / "site")
    assert final.search_pages == plain.search_pages > 0


def test_slices_are_stable_and_the_option_is_checked(tmp_path):
    names = [f"repo-{i}" for i in range(200)]
    slices = [shard_of(n, 4) for n in names]
    assert set(slices) == {1, 2, 3, 4} and slices == [shard_of(n, 4) for n in names]
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b"):
        with pytest.raises(ValueError):
            parse_shard(bad)
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--shard", "3/2"], cwd=tmp_path,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "between 1 and N" in proc.stderr and "Traceback" not in proc.stderr
