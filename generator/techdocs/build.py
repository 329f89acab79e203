"""Building every repo's TechDocs into the portal: worker pool + content cache.

    problems = build_all_docs(jobs, site_dir, cache_dir, workers=4)
    problems.stats  # DocsStats: built / cached / failed, pages, seconds

The main process reads each repo's mkdocs.yml and docs tree (config.py,
files.py) and hashes what would be built. A hash seen before is served
from the cache (a copy, no mkdocs at all); the rest go to a pool of
long-lived worker processes (forkserver: mkdocs and material are imported
once per worker, not once per repo), which build into the cache and copy
into the site. A repo's fault is a Problem, never an exception; a worker
that dies takes only its own job down (see ``_run_pool``).
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from generator.model import Problem
from generator.progress import Progress
from generator.workpool import run_jobs, start_method
from generator.techdocs.config import PreparedDocs, prepare_docs
from generator.techdocs.files import tree_hash
from generator.techdocs.nav import normalize_doc_path
from generator.techdocs.place import Carried, carried_key, place_site, site_listing
from generator.techdocs.yamlload import YamlMemo
from generator.techdocs.worker import THEME_DIR, BuildOutcome, DocsContext, build_docs, init_worker

CACHE_FORMAT = "techdocs-1"   # bump to invalidate every cached docs site
# Recycle workers now and then (bounded memory over a long night); module-level so a test can shrink it.
MAX_TASKS_PER_WORKER = 200
PLACE_THREADS = 8             # placing cached sites (see build_all_docs)
DOCS_TIMEOUT = 300.0          # seconds one repo's docs build may take before it is stopped


@dataclass
class DocsJob:
    entity_ref: str                 # "component:default/orders"
    repo_name: str
    repo_path: Path
    docs_root: str                  # repo-relative dir holding mkdocs.yml ("." by default)
    entity_url: str                 # site-relative URL of the entity page
    out_subdir: str                 # "docs/default/component/orders"
    title: str
    kind: str
    owner: str | None = None
    facets: dict[str, str | list[str]] = field(default_factory=dict)


@dataclass
class DocsStats:
    jobs: int = 0
    built: int = 0         # built by a worker this run
    cached: int = 0        # copied from the cache
    failed: int = 0        # no docs published (problems say why)
    pages: int = 0
    seconds: float = 0.0
    worker_seconds: float = 0.0   # sum of build time inside workers
    output_bytes: int = 0


class DocsProblems(list):
    """The problems (a plain list of Problem) plus ``.stats`` for callers that want numbers."""

    stats: DocsStats
    keys: list   # per job, in order: the cache key its docs were built from (None: not built)
    carried: list   # [Carried]: sites left in ``live_dir``, for place.carry_into before the swap


@lru_cache(maxsize=1)
def code_version() -> str:
    """Everything besides the docs themselves that changes the output."""
    h = hashlib.sha256(CACHE_FORMAT.encode())
    here = Path(__file__).resolve().parent
    for path in sorted([*here.glob("*.py"), *THEME_DIR.rglob("*")]):
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    for dist in ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "nh3", "Pygments"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none".encode())
    return h.hexdigest()


def _safe_subdir(value: str) -> str | None:
    norm = normalize_doc_path(value.strip().strip("/")) if value else None
    return norm if norm and norm != "." else None


def _cache_key(prep: PreparedDocs, ctx: DocsContext) -> str:
    salt = json.dumps({"code": code_version(), "site_name": prep.site_name, "nav": prep.nav,
                       "ext": prep.extensions, "ctx": vars(ctx),
                       "docs": os.path.relpath(prep.docs_dir, os.path.realpath(prep.repo_path))},
                      sort_keys=True, default=str)
    return tree_hash(prep.scan.entries, salt)


def _task(prep: PreparedDocs, ctx: DocsContext, key: str, cache_root: str,
          dest: str) -> tuple[BuildOutcome, int]:
    """Worker side: build into a private folder, publish it to the cache, copy to the site."""
    final = Path(cache_root) / key
    tmp = Path(cache_root) / f".tmp-{key}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    outcome = build_docs(prep, ctx, str(tmp / "site"))
    cacheable = outcome.ok or not any("longer than" in p.message for p in outcome.problems)
    (tmp / "site").mkdir(parents=True, exist_ok=True)
    dirs, files, size = site_listing(tmp / "site", sizes=True) if outcome.ok else ([], [], 0)
    # The listing lets a later build place this site without walking it (place.py).
    (tmp / "meta.json").write_text(json.dumps({
        "ok": outcome.ok, "pages": outcome.pages, "bytes": size,
        "problems": [p.to_json() for p in outcome.problems], "dirs": dirs, "files": files}))
    if cacheable:
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)   # atomic: a half-written entry is never seen
        if outcome.ok:
            place_site(final / "site", dest, key, (dirs, files))
    else:
        if outcome.ok:
            place_site(tmp / "site", dest, key, (dirs, files))
        shutil.rmtree(tmp, ignore_errors=True)
    return outcome, size


def _problem_from_json(d: dict[str, Any]) -> Problem:
    return Problem(d["severity"], d["message"], d.get("repo"), d.get("file"), d.get("line"),
                   d.get("entityRef"))


def _context() -> mp.context.BaseContext:
    method = start_method()
    ctx = mp.get_context(method)
    if method == "forkserver":
        # imported once in the fork server; every worker starts warm
        ctx.set_forkserver_preload(["generator.techdocs.preload"])
    return ctx


def start_workers_early() -> None:
    """Start the fork server now: it imports and warms mkdocs (~2 s of CPU, worker._warm_up)
    on another core while this process links the catalog and reads every repo's docs,
    instead of after it. (When no docs site needs building, that was spent for nothing.)
    Idempotent: the docs stage calls it again."""
    if start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    _context()
    try:
        forkserver.ensure_running()
    except OSError:
        pass   # the pool starts it (or reports why it cannot)


def _run_pool(tasks: Iterable[tuple], workers: int, timeout: float | None, bar: Progress | None,
              on_done) -> None:
    """Run ``_task`` over ``tasks`` (each: its 5 arguments + the entity ref), supervised.

    A job whose worker died (segfault, OOM kill) or that ran past ``timeout``
    fails alone; its worker is replaced and the other jobs go on.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    for task, result, exc in run_jobs(_task, tasks, workers=workers, timeout=timeout,
                                      args=lambda t: t[:5], name=lambda t: t[0].repo, bar=bar,
                                      context=_context(), initializer=init_worker,
                                      max_tasks=MAX_TASKS_PER_WORKER):
        on_done(task, result, exc)


def _clear(dest: Path) -> None:
    """No docs for this entity this run: stale output from an earlier run must go."""
    if dest.is_symlink() or dest.is_file():
        dest.unlink()
    elif dest.exists():
        shutil.rmtree(dest, ignore_errors=True)


def _prepare(job: DocsJob, seen: set[str], hosts: tuple[str, ...], memo: YamlMemo | None = None):
    """(subdir, prepared docs, context, cache key, problems) of one job; key None: not buildable."""
    sub = _safe_subdir(job.out_subdir)
    if sub is None or sub in seen:
        return None, None, None, None, [Problem("error", f"docs output folder {job.out_subdir!r} is invalid "
                                                "or used twice; docs not built", job.repo_name,
                                                entity_ref=job.entity_ref)]
    seen.add(sub)
    problems = []
    try:
        prep = prepare_docs(job.repo_name, Path(job.repo_path), job.docs_root, job.title, memo)
    except Exception as exc:  # noqa: BLE001 - never raise for a repo's fault
        return sub, None, None, None, [Problem("error", f"docs could not be read: {type(exc).__name__}: "
                                               f"{exc}", job.repo_name, entity_ref=job.entity_ref)]
    for p in prep.problems:
        p.entity_ref = p.entity_ref or job.entity_ref
        problems.append(p)
    if not prep.ok:
        return sub, prep, None, None, problems
    ctx = DocsContext(job.entity_ref, job.entity_url, sub, job.title, job.kind, job.owner,
                      dict(job.facets), hosts)
    return sub, prep, ctx, _cache_key(prep, ctx), problems


def _yaml_memo(cache_root: Path | None) -> YamlMemo:
    return YamlMemo(cache_root if cache_root and cache_root.is_dir() else None, code_version())


def docs_keys(jobs: list[DocsJob], iframe_hosts: Iterable[str] = (),
              cache_dir: Path | None = None) -> list[str | None]:
    """What each job's docs would be built from (its cache key), without building anything:
    the same keys ``build_all_docs`` records in ``problems.keys`` (``cache_dir``: the one
    given to it, whose parsed mkdocs.yml files are reused; it is not written)."""
    hosts = tuple(sorted(h.lower() for h in iframe_hosts))
    seen: set[str] = set()
    memo = _yaml_memo(Path(cache_dir).resolve() / "techdocs" if cache_dir else None)
    return [_prepare(job, seen, hosts, memo)[3] for job in jobs]


def build_all_docs(jobs: list[DocsJob], site_dir: Path, cache_dir: Path, *,
                   workers: int | None = None, iframe_hosts: Iterable[str] = (),
                   timeout: float | None = DOCS_TIMEOUT, live_dir: Path | None = None,
                   progress: bool = True) -> DocsProblems:
    """Build each job's docs into ``site_dir/out_subdir``; returns the problems (with ``.stats``).

    ``live_dir``: the published site. A cached site it holds already (placed from the same
    key) is not placed but listed in ``problems.carried``: the caller moves it into the new
    site just before the swap (place.carry_into)."""
    t0 = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    stats = DocsStats(jobs=len(jobs))
    problems = DocsProblems()
    problems.stats = stats
    problems.keys = []
    problems.carried = []
    # Absolute: mkdocs resolves a relative site_dir against its config file, not the cwd.
    cache_root = Path(cache_dir).resolve() / "techdocs"
    cache_root.mkdir(parents=True, exist_ok=True)
    site_dir = Path(site_dir).resolve()
    hosts = tuple(sorted(h.lower() for h in iframe_hosts))
    seen: set[str] = set()
    bar = Progress(len(jobs), "docs", "repo", progress)

    # Placing cached sites is metadata work (mkdir + link, mostly kernel time): threads
    # overlap it with the worker pool. Not with reading the repos' docs before it: that
    # loop is Python holding the GIL, and threads waking from each syscall slowed it ~4x
    # (measured at M: 1.3 s -> 5 s), so the pool started seconds later.
    def place(args: tuple) -> Problem | None:
        try:
            place_site(*args[:4])
            return None
        except OSError as exc:
            _clear(args[1])
            job = args[4]
            return Problem("error", f"cached docs could not be placed in the site: {exc}",
                           job.repo_name, entity_ref=job.entity_ref)

    def on_done(task: tuple, result: tuple[BuildOutcome, int] | None, exc: BaseException | None):
        prep, ref = task[0], task[5]
        if result is None or not result[0].ok:
            _clear(Path(task[4]))
        if result is None:
            problems.append(Problem("error", f"docs build failed: {exc}", prep.repo,
                                    prep.config_file, entity_ref=ref))
            stats.failed += 1
        else:
            outcome, copied = result
            for p in outcome.problems:
                p.entity_ref = p.entity_ref or ref
            problems.extend(outcome.problems)
            stats.worker_seconds += outcome.seconds
            if outcome.ok:
                stats.built += 1
                stats.pages += outcome.pages
                stats.output_bytes += copied
            else:
                stats.failed += 1
        bar.advance()

    placements: list[tuple] = []
    placed: list = []
    memo = _yaml_memo(cache_root)
    if jobs:
        start_workers_early()

    def to_build():
        """The sites to build, each as soon as it is known to need it: the workers start on
        the first while the rest are looked at (M, 990 sites: ~1 s of reading and hashing)."""
        for job in jobs:
            sub, prep, ctx, key, job_problems = _prepare(job, seen, hosts, memo)
            problems.extend(job_problems)
            problems.keys.append(key)
            if key is None:
                if sub is not None:
                    _clear(site_dir / sub)
                stats.failed += 1
                bar.advance()
                continue
            dest = site_dir / sub
            entry = cache_root / key
            try:
                meta = json.loads((entry / "meta.json").read_bytes())
            except (FileNotFoundError, ValueError):
                meta = None   # not built yet (or a damaged entry: built again, which replaces it)
            if meta is not None:
                for d in meta["problems"]:
                    p = _problem_from_json(d)
                    p.entity_ref = p.entity_ref or job.entity_ref
                    problems.append(p)
                if meta["ok"]:
                    # entries written before listings were kept: walked when placed
                    listing = (meta["dirs"], meta["files"]) if "files" in meta else None
                    if live_dir is not None and carried_key(live_dir / sub) == key:
                        problems.carried.append(Carried(sub, str(entry / "site"), key, listing))
                    else:
                        placements.append((entry / "site", dest, key, listing, job))
                    stats.output_bytes += meta.get("bytes", 0)
                    stats.pages += meta["pages"]
                    stats.cached += 1
                else:
                    _clear(dest)
                    stats.failed += 1
                bar.advance()
                continue
            # the entity ref travels with the job so the worker's problems carry it
            yield (prep, ctx, key, str(cache_root), str(dest), job.entity_ref)
        memo.save()
        placed.append(threads.map(place, placements))   # after the loop above: see place()

    with ThreadPoolExecutor(max_workers=PLACE_THREADS) as threads:
        _run_pool(to_build(), workers, timeout, bar, on_done)
        for problem in placed[0] if placed else ():
            if problem is not None:
                problems.append(problem)
                stats.cached -= 1
                stats.failed += 1
    bar.close()
    stats.seconds = time.perf_counter() - t0
    problems.sort(key=Problem.sort_key)
    return problems
