"""A night on which nothing changed: the published site is still the answer.

A build is a function of its inputs: what reading and docs building looked
at in each repo, the repos themselves (names, paths, commits), the config,
Lookout's own code and the versions of what it runs (mkdocs, material,
Pagefind...). Once a build has published, this records a fingerprint of
those inputs beside the read cache. The next build reads as usual (the read
cache replays what each read looked at: every file hashed again, every
listing listed again); if every repo came from the cache, the fingerprint
is the same, every docs site still hashes to the key it was built from, and
the folder published last time is still the one this cache wrote, then a
full rebuild would write the same bytes again. It is skipped: link, docs,
catalog.json, site, search and publish, about 20 s at 1,000 repos, in all
for a quiet night.

Only what Lookout wrote is trusted: the record lives in the builder's own
cache folder (a pickle is fine there; nothing from a repo is unpickled),
and the published folder is recognised by its inode and mtime, so a site
removed, replaced or rebuilt by someone else is rebuilt.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from generator.config import Config
from generator.model import Problem, ReadResult, Repo

FORMAT = b"lookout-last-build-1"
_PACKAGE = Path(__file__).resolve().parent
_CODE_ROOTS = (_PACKAGE, _PACKAGE.parent / "theme", _PACKAGE.parent / "site_src")
RECORD = "last-build.pickle"


@dataclass
class LastBuild:
    fingerprint: str
    out_dir: str
    out_stamp: tuple
    catalog_out: str | None
    catalog_stamp: tuple | None
    docs: list            # [(DocsJob, cache key or None)] as the docs stage saw them
    entities: int
    docs_sites: int
    search_pages: int
    problems: list[Problem]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Lookout's files (code, theme, site sources, vendored assets) and every installed
    distribution's version: a new Lookout or a new mkdocs-material rebuilds everything."""
    h = hashlib.sha256(FORMAT)
    for root in _CODE_ROOTS:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root.parent)).encode() + b"\0" + path.read_bytes())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    h.update("\n".join(dists).encode())
    return h.hexdigest()


def _stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size if not os.path.isdir(path) else 0)


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def fingerprint(cfg: Config, repos: list[Repo], read: list[tuple[ReadResult, bool]],
                crawl_problems: list[Problem], out_dir: Path, catalog_out: Path | None,
                search: bool, *, after_build: bool = False) -> str | None:
    """The inputs' fingerprint; None before a build when some repo was read afresh (something
    changed). After a build, every repo's read is in the cache: the fingerprint the next
    quiet night will compute."""
    if not cfg.read_cache or not read or not (after_build or all(hit for _, hit in read)):
        return None
    from generator.read.cache import ReadCache

    cache = ReadCache(cfg.cache_dir.resolve())
    h = hashlib.sha256(code_version().encode())
    h.update(repr(cfg).encode())
    h.update(repr(sorted((k, v) for k, v in os.environ.items() if k.startswith("LOOKOUT_"))).encode())
    h.update(f"{Path(out_dir).resolve()}\0{catalog_out}\0{search}".encode())
    for folder in cfg.template_dirs:
        h.update(_tree_digest(folder).encode() if Path(folder).is_dir() else b"-")
    for problem in crawl_problems:
        h.update(repr(problem.to_json()).encode())
    for repo in repos:
        h.update(f"\0{repo.name}\0{repo.path.resolve()}\0{repo.commit}\0{repo.web_url}\0".encode())
        try:
            # The entry the read cache just validated: its bytes are the repo's ReadResult.
            h.update(hashlib.sha1(cache.entry_path(repo).read_bytes()).digest())
        except OSError:
            return None
    return h.hexdigest()


def load(cache_dir: Path) -> LastBuild | None:
    try:
        with open(Path(cache_dir) / RECORD, "rb") as fh:
            record = pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not isinstance(record, LastBuild):
        return None
    record.docs_cache = Path(cache_dir) / "docs"   # where build.py's docs stage keeps its cache (not stored)
    return record


def still_current(record: LastBuild | None, fp: str | None, out_dir: Path, catalog_out: Path | None,
                  iframe_hosts) -> bool:
    """Would a full build publish exactly what ``out_dir`` holds?"""
    if record is None or fp is None or record.fingerprint != fp:
        return False
    out_dir = Path(out_dir).resolve()
    if str(out_dir) != record.out_dir or _stamp(out_dir) != record.out_stamp:
        return False
    if catalog_out is not None and (str(catalog_out) != record.catalog_out
                                    or _stamp(catalog_out) != record.catalog_stamp):
        return False
    from generator.techdocs.build import docs_keys

    jobs = [job for job, _ in record.docs]
    return docs_keys(jobs, iframe_hosts, getattr(record, "docs_cache", None)) == [key for _, key in record.docs]


def save(cache_dir: Path, fp: str | None, out_dir: Path, catalog_out: Path | None, report) -> None:
    """Record a build that published ``out_dir`` (no record without a fingerprint: a later
    build could not match it anyway, and an old record must not outlive a changed input)."""
    path = Path(cache_dir) / RECORD
    # A docs build stopped by its time limit, or a worker that died, says nothing about the
    # input: the next night must try again, not keep the failure.
    transient = any("took longer than" in p.message or "worker process died" in p.message
                    for p in report.problems)
    if fp is None or report.docs_inputs is None or transient:
        path.unlink(missing_ok=True)
        return
    out_dir = Path(out_dir).resolve()
    record = LastBuild(fp, str(out_dir), _stamp(out_dir), str(catalog_out) if catalog_out else None,
                       _stamp(catalog_out) if catalog_out else None, report.docs_inputs,
                       report.entities, report.docs_sites, report.search_pages, list(report.problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def forget(cache_dir: Path) -> None:
    """A build is about to replace the site: until it has published, nothing is current."""
    (Path(cache_dir) / RECORD).unlink(missing_ok=True)
