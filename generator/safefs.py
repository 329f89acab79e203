"""Reading files of an untrusted repository without leaving it.

Every path a reader opens goes through here: it must resolve (symlinks
included) to a place inside the repo root, be a regular file, and be no
larger than a limit, and its bytes must be UTF-8. Each refusal is a
``RepoFileError`` whose message is meant for the repo's owner.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path, PurePosixPath
from typing import Any

MAX_FILE_BYTES = 2 * 1024 * 1024  # .tf / .yaml inputs; docs have their own limit


class RepoFileError(Exception):
    """A file of a repo that may not, or cannot, be read."""


# What a reader looked at, for the read cache (generator/read/cache.py): each
# file read (with its hash, or the error), each folder listed, each existence
# test. Replaying these against the repo tells whether a cached result holds.
_seen: ContextVar[list[tuple[str, str, Any]] | None] = ContextVar("lookout_seen", default=None)


@contextmanager
def recording() -> Iterator[list[tuple[str, str, Any]]]:
    token = _seen.set([])
    try:
        yield _seen.get()  # type: ignore[misc]
    finally:
        _seen.reset(token)


def record(kind: str, key: str, value: Any) -> None:
    seen = _seen.get()
    if seen is not None:
        seen.append((kind, key, value))


def _inside(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root)
        return True
    except ValueError:
        return False


def resolve_in_repo(root: Path, rel: str | PurePosixPath) -> Path:
    """The real path of ``rel`` under ``root``; refuses anything that leaves it."""
    rel = str(rel)
    if not rel or "\x00" in rel:
        raise RepoFileError("empty or invalid path")
    if os.path.isabs(rel) or PurePosixPath(rel).is_absolute():
        raise RepoFileError(f"absolute path {rel!r} is not allowed; paths are relative to the repo")
    real_root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(real_root / rel))
    if not _inside(real_root, target):
        raise RepoFileError(f"path {rel!r} points outside the repository")
    return target


def read_bytes(root: Path, rel: str | PurePosixPath, limit: int = MAX_FILE_BYTES) -> bytes:
    key = f"{rel}|{limit}"
    try:
        data = _read_bytes(root, rel, limit)
    except RepoFileError as exc:
        record("file", key, f"!{exc}")
        raise
    record("file", key, hashlib.sha1(data).hexdigest())
    return data


def _read_bytes(root: Path, rel: str | PurePosixPath, limit: int) -> bytes:
    target = resolve_in_repo(root, rel)
    if not target.exists():
        raise RepoFileError(f"file {str(rel)!r} does not exist")
    if not target.is_file():
        raise RepoFileError(f"{str(rel)!r} is not a regular file")
    size = target.stat().st_size
    if size > limit:
        raise RepoFileError(f"file is {size:,} bytes; the limit is {limit:,}")
    with open(target, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:  # grew while we looked
        raise RepoFileError(f"file is larger than the limit of {limit:,} bytes")
    return data


def read_text(root: Path, rel: str | PurePosixPath, limit: int = MAX_FILE_BYTES) -> str:
    data = read_bytes(root, rel, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RepoFileError(f"not valid UTF-8 (line {line}, byte {exc.start})") from None


def list_files(root: Path, subdir: str, suffixes: tuple[str, ...]) -> list[str]:
    """Repo-relative paths (sorted) of files directly in ``subdir`` with a suffix.

    Symlinks are listed too (so that reading them reports the escape);
    directories are not descended.
    """
    base = root / subdir
    out = []
    if base.is_dir() and not base.is_symlink():
        for entry in os.scandir(base):
            if entry.name.endswith(suffixes) and (entry.is_symlink() or entry.is_file()):
                out.append(f"{subdir}/{entry.name}" if subdir not in ("", ".") else entry.name)
    out.sort()
    record("list", f"{subdir}|{'|'.join(suffixes)}", tuple(out))  # a copy: callers extend the list
    return out


def lexists(root: Path, rel: str) -> bool:
    """Whether ``rel`` names anything (a link included) under ``root``; recorded."""
    found = os.path.lexists(root / rel)
    record("exists", rel, found)
    return found


def is_plain_file(root: Path, rel: str) -> bool:
    """A regular file, not a link; recorded."""
    path = root / rel
    found = path.is_file() and not path.is_symlink()
    record("plain", rel, found)
    return found
