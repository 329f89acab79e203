"""A quiet night: when nothing a build reads changed, the published site is kept as it is,
and any change (a docs page, a `.af` file, the site itself) builds again."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import Config
from generator.demo import demo_root


@pytest.fixture()
def org(tmp_path) -> Path:
    shutil.copytree(demo_root(), tmp_path / "repos", symlinks=True)
    return tmp_path / "repos"


def _build(org: Path, tmp_path: Path):
    cfg = Config(repos_dirs=[org], cache_dir=tmp_path / "cache")
    return build(cfg, tmp_path / "site", catalog_out=tmp_path / "catalog.json", progress=False,
                 search=False)


def test_nothing_changed_keeps_the_site_and_any_change_builds_again(org, tmp_path):
    site = tmp_path / "site"
    first = _build(org, tmp_path)
    assert not first.unchanged and first.entities > 50
    home = site / "index.html"
    before = (os.stat(site).st_ino, home.stat().st_ino, (tmp_path / "catalog.json").read_bytes())

    quiet = _build(org, tmp_path)
    assert quiet.unchanged
    assert "nothing changed since the last build" in quiet.summary()
    # The same answer a build gives: entities, docs, and every problem with its place.
    assert (quiet.entities, quiet.docs_sites) == (first.entities, first.docs_sites)
    assert [p.to_json() for p in quiet.problems] == [p.to_json() for p in first.problems]
    assert (os.stat(site).st_ino, home.stat().st_ino, (tmp_path / "catalog.json").read_bytes()) == before

    # A docs page: the read cache cannot see it, the docs keys do.
    page = org / "cart-service" / "docs" / "index.md"
    page.write_text(page.read_text() + "\nCarts are kept for thirty days.\n")
    docs_changed = _build(org, tmp_path)
    assert not docs_changed.unchanged
    assert "Carts are kept for thirty days." in (site / "docs/default/component/cart-service/index.html").read_text()
    # ...and the night after that change is quiet again.
    assert _build(org, tmp_path).unchanged

    service = org / "ledger-service" / ".af" / "service.tf"
    service.write_text(service.read_text().replace('description', '# the ledger\n  description', 1))
    assert not _build(org, tmp_path).unchanged

    # The published folder is not the one this cache wrote: removed, or replaced by another.
    shutil.rmtree(site)
    assert not _build(org, tmp_path).unchanged and home.is_file()
    shutil.move(site, tmp_path / "elsewhere")
    shutil.copytree(tmp_path / "elsewhere", site)
    assert not _build(org, tmp_path).unchanged


def test_a_changed_config_builds_again(org, tmp_path):
    assert not _build(org, tmp_path).unchanged
    cfg = Config(repos_dirs=[org], cache_dir=tmp_path / "cache", site_name="Acme portal")
    renamed = build(cfg, tmp_path / "site", catalog_out=tmp_path / "catalog.json", progress=False, search=False)
    assert not renamed.unchanged
    assert "Acme portal" in (tmp_path / "site" / "index.html").read_text()


def test_a_stage_without_a_bar_still_says_the_build_is_alive(org, tmp_path, monkeypatch, capsys):
    import time

    from generator import build as build_module

    real = build_module.write_catalog

    def slow_write(*args, **kwargs):   # a stage with nothing to report for a while
        time.sleep(1.5)
        return real(*args, **kwargs)
    monkeypatch.setattr(build_module, "write_catalog", slow_write)
    monkeypatch.setattr(build_module, "HEARTBEAT_S", 0.5)
    cfg = Config(repos_dirs=[org], cache_dir=tmp_path / "cache")
    build(cfg, tmp_path / "site", progress=True, search=False)
    err = capsys.readouterr().err
    assert "still building: " in err and "after docs" in err   # catalog.json is written after docs
