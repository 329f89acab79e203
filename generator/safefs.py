"""Reading files of an untrusted repository without leaving it.

Every path a reader opens goes through here: it must resolve (symlinks
included) to a place inside the repo root, be a regular file, and be no
larger than a limit, and its bytes must be UTF-8. Each refusal is a
``RepoFileError`` whose message is meant for the repo's owner.
"""
from __future__ import annotations

import hashlib
import os
import stat
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
    real_root = os.path.realpath(root)
    plain = _plain_path(real_root, rel)
    if plain is not None:
        return Path(plain)
    target = Path(os.path.realpath(Path(real_root) / rel))
    if not _inside(Path(real_root), target):
        raise RepoFileError(f"path {rel!r} points outside the repository")
    return target


def _plain_path(real_root: str, rel: str) -> str | None:
    """``real_root/rel`` when no part of ``rel`` is a symlink, ``.``, ``..`` or empty: then it
    is its own real path, inside the root by construction. None: ask realpath.

    Every read of a repo's file resolves its path (and a nightly build replays every read
    to check the read cache): realpath looks at each part from ``/`` in Python, ~250 us a
    file, where this looks at the parts under the root only."""
    path = real_root
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            return None
        path = f"{path}/{part}"
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return None
        except OSError:
            return None   # missing (or unreadable): realpath's answer, and its message
    return path


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
    # One open and one fstat instead of exists/is_file/stat/open. Non-blocking, so that a
    # FIFO is refused below instead of blocking the open; no symlink followed in between.
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise RepoFileError(f"file {str(rel)!r} does not exist") from None
    except OSError:
        if not target.exists():
            raise RepoFileError(f"file {str(rel)!r} does not exist") from None
        raise RepoFileError(f"{str(rel)!r} is not a regular file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RepoFileError(f"{str(rel)!r} is not a regular file")
        if st.st_size > limit:
            raise RepoFileError(f"file is {st.st_size:,} bytes; the limit is {limit:,}")
        # As much as fstat says is there (a buffered read of ``limit`` bytes allocated that
        # much, 2 MB, for every file), then whatever it grew by, up to the limit.
        chunks = [os.read(fd, st.st_size + 1)]
        got = len(chunks[0])
        while got != st.st_size and got <= limit:   # it grew (or shrank) since fstat
            more = os.read(fd, limit + 1 - got)
            if not more:
                break
            chunks.append(more)
            got += len(more)
        data = b"".join(chunks) if len(chunks) > 1 else chunks[0]
    finally:
        os.close(fd)
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
