"""Putting a built docs site from the cache into the site being staged.

    listing = site_listing(entry / "site")          # when the entry is written (meta.json keeps it)
    place_site(entry / "site", dest, key, listing)  # every build, for every cached site

A quiet night places ~1,000 cached sites. ``shutil.copytree`` did that with
a scandir, a makedirs, a copystat and an xattr copy per folder; the
published site needs none of those (nothing reads a folder's mtime or
xattrs: the search index signs pages by their own size/mtime/inode, which a
hard link keeps). So placing is one mkdir per folder and one hard link per
file, from the listing stored with the cache entry: no walk at all.

Cheaper still is not placing at all: a site that the published site already
holds from the same key (its stamp says so) is left where it is and moved
into the new site just before the swap (``carried_key``, ``carry_into``):
one rename instead of ~20 syscalls, and the old site has that much less to
delete. The move is the last thing before the swap, so a build that fails
earlier leaves the published site whole; one that fails in the swap itself
moves the sites back.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

STAMP = ".lookout-docs"   # in each placed docs site: the cache key it was placed from


def site_listing(root: os.PathLike | str, sizes: bool = False) -> tuple[list[str], list[str], int]:
    """(folders, files, total bytes of the files) under ``root``, ``/``-relative, parents
    before their children, sorted (one scandir per folder; bytes only with ``sizes``)."""
    root = os.fspath(root)
    dirs: list[str] = []
    files: list[str] = []
    total = 0
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            path = rel + entry.name
            if entry.is_dir():
                dirs.append(path)
                stack.append(path + "/")
            else:
                files.append(path)
                if sizes:
                    total += entry.stat().st_size
    return dirs, files, total


def _link_or_copy(src: str, dst: str) -> None:
    # Hard links: a cached site costs no data copy. Safe because nothing in
    # the pipeline writes into a built page in place (pagefind writes its own
    # folder; a portal build removes files, it does not truncate them).
    # Where linking fails (another device, a filesystem without hard links), a copy.
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _fill(src: str, dest: str, dirs: list[str], files: list[str]) -> None:
    for rel in dirs:
        os.mkdir(os.path.join(dest, rel))
    for rel in files:
        _link_or_copy(os.path.join(src, rel), os.path.join(dest, rel))


def _empty_dest(dest: str, key: str) -> bool:
    """Make ``dest`` an empty folder; False if it already holds the site placed from ``key``."""
    try:
        os.mkdir(dest)   # the usual case: a fresh staging folder
        return True
    except FileNotFoundError:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.mkdir(dest)
        return True
    except FileExistsError:
        pass
    if os.path.islink(dest) or not os.path.isdir(dest):
        os.unlink(dest)
    else:
        if carried_key(dest) == key:
            return False
        shutil.rmtree(dest)
    os.mkdir(dest)
    return True


def carried_key(folder: os.PathLike | str) -> str | None:
    """The cache key ``folder`` (a docs site in the published site) was placed from; None
    when it holds no placed site."""
    folder = os.fspath(folder)
    if os.path.islink(folder):
        return None
    try:
        with open(os.path.join(folder, STAMP), encoding="utf-8") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


@dataclass
class Carried:
    """A docs site the published site holds already, to be moved into the new site."""
    sub: str          # site-relative folder, "docs/<ns>/<kind>/<name>"
    entry: str        # its cache entry's site: placed from there if the move fails
    key: str
    listing: tuple[list[str], list[str]] | None


def carry_into(carried: list[Carried], live: os.PathLike | str, site: os.PathLike | str) -> list[tuple[str, str]]:
    """Move each carried site from ``live`` into ``site`` (placed from its cache entry if it is
    gone); the (from, to) moves done, for ``carry_back``."""
    live, site = os.fspath(live), os.fspath(site)
    moved: list[tuple[str, str]] = []
    try:
        for c in carried:
            src, dst = os.path.join(live, c.sub), os.path.join(site, c.sub)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if carried_key(src) == c.key:
                try:
                    os.rename(src, dst)
                    moved.append((src, dst))
                    continue
                except OSError:
                    pass
            place_site(c.entry, dst, c.key, c.listing)
    except BaseException:
        carry_back(moved)
        raise
    return moved


def carry_back(moved: list[tuple[str, str]]) -> None:
    """Undo ``carry_into``'s moves (the swap failed: the published site stays whole)."""
    for src, dst in reversed(moved):
        try:
            os.rename(dst, src)
        except OSError:
            pass


def place_site(src: os.PathLike | str, dest: os.PathLike | str, key: str,
               listing: tuple[list[str], list[str]] | None = None) -> bool:
    """Make ``dest`` hold the cached site ``src`` (files hard-linked, else copied);
    False if it already did (nothing to do). ``listing``: src's (folders, files) as
    ``site_listing`` gave them; without it, src is walked."""
    src, dest = os.fspath(src), os.fspath(dest)
    if not _empty_dest(dest, key):
        return False
    try:
        _fill(src, dest, *(listing or site_listing(src)[:2]))
    except OSError:
        if listing is None:
            raise
        # The entry no longer matches its listing (pruned by hand?): mirror what it holds.
        shutil.rmtree(dest)
        os.mkdir(dest)
        _fill(src, dest, *site_listing(src)[:2])
    with open(os.path.join(dest, STAMP), "w", encoding="utf-8") as fh:
        fh.write(key)
    return True
