"""The read cache: a repo whose inputs did not change is not parsed again.

A nightly build reads every repo, but most did not change since last night.
Parsing HCL is the expensive part (about 4 MB/s, still most of a read), so
each repo's ReadResult is kept together with what reading it looked at
(files and their hashes, folder listings, globs, existence tests; recorded
by generator/safefs.py). Next time, those are replayed against the repo:
if every answer is the same, the stored result is the result. Hashing a
repo's few `.af` files costs a fraction of a millisecond; parsing them, tens.

The key also covers the reader's own code and config, so a new Lookout or a
changed `lookout.yaml` reads everything again. The cache lives in the
builder's own cache_dir and is written by Lookout only (a pickle is fine
there; nothing from a repo is ever unpickled).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.config import ReadConfig
from generator.model import ReadResult, Repo
from generator.safefs import RepoFileError, lexists, list_files, read_bytes, is_plain_file

FORMAT = b"lookout-read-3"
# The read's code, and the entity rules whose verdict each draft carries (Draft.errors).
_CODE = ("read/*.py", "read/tffuncs/*.py", "safefs.py", "model.py", "config.py", "entity/*.py",
         "entity/schema/*.py", "entity/schema/*.json", "entity/schema/*/*.json")


@lru_cache(maxsize=1)
def code_version() -> str:
    here = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(FORMAT)
    for pattern in _CODE:
        for path in sorted(here.glob(pattern)):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _replay(root: Path, kind: str, key: str) -> Any:
    """Ask the repo the same question again (see safefs.record)."""
    if kind == "file":
        rel, limit = key.rsplit("|", 1)
        try:
            return hashlib.sha1(read_bytes(root, rel, int(limit))).hexdigest()
        except RepoFileError as exc:
            return f"!{exc}"
    if kind == "list":
        subdir, *suffixes = key.split("|")
        return tuple(list_files(root, subdir, tuple(suffixes)))
    if kind == "exists":
        return lexists(root, key)
    if kind == "plain":
        return is_plain_file(root, key)
    if kind == "glob":
        from generator.read.descriptors import _glob
        found, truncated = _glob(root, key)
        return (tuple(found), truncated)
    raise ValueError(f"unknown kind {kind!r}")


class ReadCache:
    def __init__(self, cache_dir: Path):
        self.dir = Path(cache_dir) / "read"

    @staticmethod
    def key(repo: Repo, cfg: ReadConfig) -> str:
        # The commit only matters when it appears in the output (links into the web UI).
        commit = repo.commit if repo.web_url else None
        parts = (code_version(), repr(cfg), repo.name, repo.web_url or "", commit or "")
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def entry_path(self, repo: Repo) -> Path:
        return self.dir / f"{hashlib.sha1(repo.name.encode()).hexdigest()}.pickle"

    # An entry is two pickles in one file: what the read looked at, then its result. A check
    # reads only the first: at 250,000 resources the results are most of the bytes, and a
    # worker that only checks must not unpickle them to hand them back pickled again.
    def check(self, repo: Repo, cfg: ReadConfig) -> bool:
        """Would the stored result be the result? (every question the read asked, asked again)"""
        try:
            with open(self.entry_path(repo), "rb") as fh:
                head = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return False
        if not isinstance(head, dict) or head.get("key") != self.key(repo, cfg):
            return False
        for kind, key, answer in head["seen"]:
            try:
                if _replay(repo.path, kind, key) != answer:
                    return False
            except (OSError, ValueError):
                return False
        return True

    def result(self, repo: Repo) -> ReadResult | None:
        """The stored result, unchecked (after ``check``)."""
        try:
            with open(self.entry_path(repo), "rb") as fh:
                pickle.load(fh)
                result = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None
        return result if isinstance(result, ReadResult) else None

    def store(self, repo: Repo, cfg: ReadConfig, seen: list, result: ReadResult) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"key": self.key(repo, cfg), "seen": seen}, fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.entry_path(repo))
        except OSError:
            Path(tmp).unlink(missing_ok=True)
