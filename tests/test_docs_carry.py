"""Docs sites the published site already holds are moved into the next one, not placed again:
the site is the one a cold build writes, search included, and a failed swap keeps it whole."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import Config
from generator.demo import demo_root

LEDGER = "docs/default/component/ledger-service"
CART = "docs/default/component/cart-service"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture()
def org(tmp_path) -> Path:
    shutil.copytree(demo_root(), tmp_path / "repos", symlinks=True)
    return tmp_path / "repos"


def _change(org: Path) -> None:
    page = org / "cart-service" / "docs" / "index.md"
    page.write_text(page.read_text() + "\nCarts are kept for thirty days.\n")


def test_unchanged_docs_sites_are_moved_into_the_next_site_which_a_cold_build_matches(org, tmp_path):
    site = tmp_path / "site"
    build(Config(repos_dirs=[org], cache_dir=tmp_path / "cache"), site, progress=False)
    ledger, cart = os.stat(site / LEDGER).st_ino, os.stat(site / CART).st_ino

    _change(org)
    warm = build(Config(repos_dirs=[org], cache_dir=tmp_path / "cache"), site, progress=False)
    assert os.stat(site / LEDGER).st_ino == ledger   # the same folder, moved
    assert os.stat(site / CART).st_ino != cart       # its docs changed: built again
    assert "Carts are kept for thirty days." in (site / CART / "index.html").read_text()
    assert (site / LEDGER / "operations" / "index.html").is_file()

    cold = build(Config(repos_dirs=[org], cache_dir=tmp_path / "cold-cache"), tmp_path / "cold", progress=False)
    assert (warm.docs_sites, warm.search_pages) == (cold.docs_sites, cold.search_pages)
    a, b = _files(site), _files(tmp_path / "cold")
    assert sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)) == []


def test_a_swap_that_fails_leaves_every_docs_site_in_the_published_site(org, tmp_path, monkeypatch):
    cfg = Config(repos_dirs=[org], cache_dir=tmp_path / "cache")
    site = tmp_path / "site"
    build(cfg, site, progress=False, search=False)
    before = _files(site)
    assert any(k.startswith(LEDGER + "/") for k in before)

    import generator.portal.build as portal_build

    real = portal_build.swap_in

    def broken(new, out_dir, **kwargs):
        if out_dir != site:   # the portal's own swap, inside its staging folder
            return real(new, out_dir, **kwargs)
        assert (new / LEDGER / "index.html").is_file()   # carried in, just before the swap
        raise OSError("rename failed (simulated)")

    monkeypatch.setattr(portal_build, "swap_in", broken)
    _change(org)
    with pytest.raises(OSError, match="simulated"):
        build(cfg, site, progress=False, search=False)
    assert _files(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "repos", "site"]  # no staging left
