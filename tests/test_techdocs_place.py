"""Placing a cached docs site into the site being built (generator/techdocs/place.py)."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.techdocs import place
from generator.techdocs.place import STAMP, place_site, site_listing


def tree(root: Path) -> dict[str, bytes | None]:
    """Every folder (None) and file (its bytes) under root, by relative path."""
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        out[path.relative_to(root).as_posix()] = path.read_bytes() if path.is_file() else None
    return out


@pytest.fixture
def cached(tmp_path: Path) -> Path:
    site = tmp_path / "cache" / "key1" / "site"
    for rel, text in {"index.html": "home", "ops/index.html": "ops", "ops/alerts/index.html": "alerts",
                      "img/diagram.png": "png", "empty/.keep": ""}.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    (site / "empty" / ".keep").unlink()   # an empty folder is placed too
    return site


def test_listing_puts_parents_first_and_counts_bytes(cached):
    dirs, files, size = site_listing(cached, sizes=True)
    assert sorted(dirs) == ["empty", "img", "ops", "ops/alerts"]
    assert dirs.index("ops") < dirs.index("ops/alerts")
    assert sorted(files) == ["img/diagram.png", "index.html", "ops/alerts/index.html", "ops/index.html"]
    assert size == len("home") + len("ops") + len("alerts") + len("png")


@pytest.mark.parametrize("with_listing", [True, False])
def test_placed_site_is_the_cached_one_hard_linked(cached, tmp_path, with_listing):
    dest = tmp_path / "stage" / "docs" / "default" / "component" / "orders"
    listing = site_listing(cached)[:2] if with_listing else None
    assert place_site(cached, dest, "key1", listing) is True
    placed = tree(dest)
    assert placed.pop(STAMP) == b"key1"
    assert placed == tree(cached)
    assert os.stat(dest / "ops/index.html").st_ino == os.stat(cached / "ops/index.html").st_ino


def test_where_links_fail_the_files_are_copied(cached, tmp_path, monkeypatch):
    def cross_device(src, dst, **kw):
        raise OSError(errno.EXDEV, "Invalid cross-device link")
    monkeypatch.setattr(place.os, "link", cross_device)
    dest = tmp_path / "other-device" / "orders"
    place_site(cached, dest, "key1", site_listing(cached)[:2])
    placed = tree(dest)
    placed.pop(STAMP)
    assert placed == tree(cached)
    assert os.stat(dest / "index.html").st_ino != os.stat(cached / "index.html").st_ino


def test_an_entry_that_no_longer_matches_its_listing_is_placed_as_it_is(cached, tmp_path):
    listing = site_listing(cached)[:2]
    (cached / "ops/alerts/index.html").unlink()   # pruned by hand after the listing was stored
    dest = tmp_path / "stage" / "orders"
    place_site(cached, dest, "key1", listing)
    placed = tree(dest)
    placed.pop(STAMP)
    assert placed == tree(cached)


def test_a_site_placed_from_the_same_key_is_kept_and_another_replaced(cached, tmp_path):
    dest = tmp_path / "site" / "orders"
    place_site(cached, dest, "key1")
    (dest / "marker").write_text("still here")
    assert place_site(cached, dest, "key1") is False
    assert (dest / "marker").is_file()
    assert place_site(cached, dest, "key2") is True
    assert not (dest / "marker").exists() and (dest / STAMP).read_text() == "key2"
    dest.parent.joinpath("file-in-the-way").write_text("x")
    place_site(cached, dest.parent / "file-in-the-way", "key1")
    assert (dest.parent / "file-in-the-way" / "index.html").read_text() == "home"
