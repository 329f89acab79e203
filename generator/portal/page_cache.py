"""Finished pages by the hash of everything they show, kept between builds.

A page is stored under its key (entity_pages.py computes it from the page's
inputs: the entity, its neighbours' displayed fields, the theme and code); a
build looks its key up and links the stored bytes into the site instead of
rendering. Content-addressed, so a build that dies half-way leaves nothing
wrong behind, only entries the next build does not ask for; ``prune`` drops
those after a good build.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path


class PageCache:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.used: set[str] = set()

    def path(self, key: str) -> Path:
        return self.root / key[:2] / key[2:]

    def link_into(self, key: str, dest: Path) -> bool:
        """Put the stored page for ``key`` at ``dest`` (a hard link, else a copy); False on a miss."""
        src = self.path(key)
        try:
            _link(src, dest)
        except FileNotFoundError:
            if not src.exists():
                return False
            raise
        self.used.add(key)
        return True

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def put(self, key: str, data: bytes) -> Path:
        """Write ``data`` under ``key`` (atomically: a reader never sees half an entry)."""
        path = self.path(key)
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        self.used.add(key)
        return path

    def store(self, key: str, data: bytes, dest: Path) -> None:
        """Write ``data`` under ``key`` and put it at ``dest``: one write, one link."""
        _link(self.put(key, data), dest)

    def prune(self, keep: set[str]) -> int:
        """Remove every stored page whose key is not in ``keep``; how many went."""
        removed = 0
        for sub in self.root.iterdir() if self.root.is_dir() else ():
            if not sub.is_dir() or len(sub.name) != 2:
                continue
            for entry in os.scandir(sub):
                if sub.name + entry.name not in keep:
                    os.unlink(entry.path)
                    removed += 1
        return removed


def _link(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except FileExistsError:
        os.unlink(dest)
        os.link(src, dest)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(src, dest)  # another file system, or one without hard links


def write_catalog_gz(catalog_path: Path, dest: Path, cache: PageCache | None, raw: bytes | None = None) -> None:
    """``api/catalog.json.gz`` (mtime 0: reproducible), from the cache when catalog.json is unchanged.
    ``raw``: catalog.json's bytes, when the caller has them."""
    import gzip

    if raw is None:
        raw = Path(catalog_path).read_bytes()
    dest.parent.mkdir(parents=True, exist_ok=True)
    key = "catalog-gz-" + hashlib.sha256(raw).hexdigest()
    if cache is not None and cache.link_into(key, dest):
        return
    data = gzip.compress(raw, compresslevel=6, mtime=0)
    if cache is not None:
        cache.store(key, data, dest)
    else:
        dest.write_bytes(data)
