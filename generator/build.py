"""`lookout build`: the whole pipeline, published atomically.

    crawl -> read -> link -> docs -> catalog.json -> site || search -> publish

Docs are built before catalog.json is written so that a repo whose docs
fail shows that on its entity page (the problem is in the catalog). The
site and the search index are built side by side (``_site_and_search``). Every
stage writes into one staging folder beside the output; only when all of
them succeeded is it swapped in, so a failed build leaves the last good
site in place.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.catalog_json import CatalogBytes, write_catalog
from generator.config import Config
from generator.model import Problem, Repo
from generator.pipeline import Timings, crawl, load_and_link, read_all

if TYPE_CHECKING:   # linking (networkx) is imported when a build gets that far, not on a quiet night
    from generator.link import Catalog


class BuildError(Exception):
    """The site could not be built; the previous one is untouched."""


@dataclass
class BuildReport:
    out_dir: Path
    entities: int = 0
    problems: list[Problem] = field(default_factory=list)
    docs_sites: int = 0
    search_pages: int = 0
    timings: Timings = field(default_factory=Timings)
    # [(DocsJob, cache key)] of the docs stage, for generator/lastbuild.py
    docs_inputs: list | None = field(default=None, repr=False)
    unchanged: bool = False   # nothing changed since the last build: the published site was kept

    def summary(self) -> str:
        stages = ", ".join(self._stage(k, v) for k, v in self.timings.stages.items())
        if self.unchanged:
            return (f"{self.out_dir} is current: nothing changed since the last build "
                    f"({self.entities} entities, {self.docs_sites} docs sites; problems: "
                    f"{self._problem_counts()}; {stages})")
        return (f"built {self.out_dir}: {self.entities} entities, {self.docs_sites} docs sites, "
                f"{self.search_pages} pages searchable; problems: {self._problem_counts()}; "
                f"{self.timings.cached_repos} repos unchanged since the last build ({stages})")

    def _stage(self, name: str, seconds: float) -> str:
        parts = self.timings.parallel if name == "site+search" else {}
        side = " and ".join(f"{k} {v:.1f}s" for k, v in parts.items())
        return f"{name} {seconds:.1f}s" + (f" ({side} side by side)" if side else "")

    def _problem_counts(self) -> str:
        sev = {s: sum(p.severity == s for p in self.problems) for s in ("error", "warning", "info")}
        return f"{sev['error']} errors, {sev['warning']} warnings, {sev['info']} info"


def _docs(catalog: Catalog, repos: list[Repo], stage: Path, cfg: Config, progress: bool,
          live: Path | None = None) -> tuple[list[Problem], int, list, list]:
    """Build every docs site into ``stage``; record in ``catalog.docs`` which were published.

    Every problem of a docs build names its entity, so the entity page shows it. ``live``:
    the published site, whose unchanged docs sites are moved into the new one instead
    (the fourth value: techdocs.place.Carried, for carry_into).
    """
    from generator.techdocs.build import build_all_docs
    from generator.techdocs.jobs import docs_jobs

    jobs, problems = docs_jobs(catalog.entities, {r.name: r.path for r in repos})
    built = build_all_docs(jobs, stage, cfg.cache_dir / "docs", iframe_hosts=cfg.iframe_hosts,
                           live_dir=live, progress=progress)
    problems += built
    carried = {c.sub for c in built.carried}
    catalog.docs = {job.entity_ref: {"status": "built" if job.out_subdir in carried
                                     or (stage / job.out_subdir / "index.html").is_file() else "failed"}
                    for job in jobs}
    return (problems, sum(d["status"] == "built" for d in catalog.docs.values()),
            list(zip(jobs, built.keys, strict=True)), built.carried)


def build(cfg: Config, out_dir: Path, *, catalog_out: Path | None = None, progress: bool = True,
          search: bool = True) -> BuildReport:
    """The whole pipeline from the configured repos."""
    from generator.gcpolicy import collect_less
    from generator.progress import Heartbeat

    timings = Timings()
    started = time.monotonic()

    def where() -> str:
        done = list(timings.stages)
        return (f"{time.monotonic() - started:.0f} s in, after {done[-1]}" if done
                else f"{time.monotonic() - started:.0f} s in")
    with Heartbeat(where, enabled=progress, every=HEARTBEAT_S), collect_less():
        return _build(cfg, out_dir, catalog_out, progress, search, timings)


HEARTBEAT_S = 30.0   # the longest a build stays silent (progress on)


def _build(cfg: Config, out_dir: Path, catalog_out: Path | None, progress: bool, search: bool,
           timings: Timings) -> BuildReport:
    from generator import lastbuild
    from generator.gcpolicy import leave_to_exit

    t = time.perf_counter()
    repos, crawl_problems = crawl(cfg)
    t = timings.add("crawl", t)
    cache_dir = cfg.cache_dir if cfg.read_cache else None
    read = read_all(repos, cfg.read, None, progress, cache_dir, load_hits=False)
    timings.cached_repos = sum(hit for _, hit in read)
    t = timings.add("read", t)
    fp_args = (cfg, repos, read, crawl_problems, out_dir, catalog_out, search)
    record = lastbuild.load(cfg.cache_dir)
    # Every entry file hashed: not without a record to compare with. When every read was a
    # hit, the build stores no entry, so the same fingerprint is the one to record after it.
    fp = lastbuild.fingerprint(*fp_args) if record else None
    if lastbuild.still_current(record, fp, out_dir, catalog_out, cfg.iframe_hosts):
        timings.add("unchanged", t)
        return BuildReport(Path(out_dir).resolve(), record.entities, record.problems, record.docs_sites,
                           record.search_pages, timings, unchanged=True)
    lastbuild.forget(cfg.cache_dir)
    from generator.techdocs.build import start_workers_early
    start_workers_early()   # linking takes one core: the docs workers' fork server warms up on the other
    read, catalog = load_and_link(read, repos, cfg.read, cache_dir.resolve() if cache_dir else None,
                                  crawl_problems)
    timings.add("link", t)
    report = publish(catalog, repos, cfg, out_dir, catalog_out=catalog_out, progress=progress,
                     search=search, timings=timings)
    lastbuild.save(cfg.cache_dir, fp or lastbuild.fingerprint(*fp_args, after_build=True), out_dir, catalog_out,
                   report)
    leave_to_exit(read, catalog)
    return report


def _site_and_search(catalog: Catalog, catalog_path: Path, site: Path, docs: Path, cfg: Config,
                     progress: bool, search: bool, timings: Timings, docs_elsewhere: dict | None = None) -> int:
    """The portal into ``site``, and the search index, side by side; pages searchable.

    Both read only catalog.json / the catalog and the docs, none the other's output; each
    is mostly one process's work (the portal's index, page keys and shards; the records fed
    to Pagefind), so on two cores one waited for the other. The portal is built by a forked
    process that decodes catalog.json itself (it touches none of this process's objects, so
    nothing is copied on write), from the bytes just written, which it inherits (``_WRITTEN``,
    see ``_handed_over``); this one indexes the docs where the docs stage left them.
    The stage "site+search" is the time of both; "site" and "search" say each one's own.
    ``docs_elsewhere``: docs sites (site-relative folder -> the site holding it) that are
    not in ``docs`` but will be in the published site, indexed where they are.
    """
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from generator.portal.build import PortalBuildError
    from generator.portal.page_cache import PageCache, write_catalog_gz
    from generator.published import write_compact

    plugin = {"pagerduty_url": cfg.pagerduty_url} if cfg.pagerduty_url else {}
    if cfg.template_dirs:
        plugin["templates"] = [str(d) for d in cfg.template_dirs]
    compact, gz = docs.parent / "validate.json.gz", docs.parent / "catalog.json.gz"
    global _WRITTEN
    t = time.perf_counter()
    with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as pool:
        portal = pool.submit(_portal_in_child, catalog_path, site, site_name=cfg.site_name, progress=progress,
                             extra_config={"lookout": plugin} if plugin else None,
                             cache_dir=cfg.cache_dir / "portal", catalog_gz=False)
        pages, failure = 0, None
        # What a merge-request check fetches instead of the whole catalog (generator/published.py),
        # and catalog.json gzipped: here, not on the portal's side, the longer one (at 250,000
        # Resources, gzip alone took 7 s).
        write_compact(catalog, compact)
        gz_cache = PageCache(cfg.cache_dir / "catalog-gz")
        write_catalog_gz(catalog_path, gz, gz_cache, _WRITTEN.raw)
        _WRITTEN = None   # the child has its copy (forked at submit); let go here: 450 MB at L
        gz_cache.prune(gz_cache.used)
        if search:
            from generator.search import SearchIndexError, build_search
            started = time.perf_counter()
            try:
                docs.mkdir(exist_ok=True)
                pages = build_search({"entities": catalog.entities}, docs, cfg.cache_dir,
                                     docs_elsewhere=docs_elsewhere).pages
            except SearchIndexError as exc:
                failure = BuildError(f"search index: {exc}")
            search_s = time.perf_counter() - started
        try:
            site_s = portal.result()
        except PortalBuildError as exc:
            raise BuildError(str(exc)) from None
        except BrokenProcessPool:
            raise BuildError("portal build failed: its process died (out of memory?)") from None
    if failure:
        raise failure
    timings.add("site+search", t)
    timings.parallel = {"site": site_s, **({"search": search_s} if search else {})}
    for part in ("docs", "pagefind"):
        if (docs / part).is_dir():
            shutil.rmtree(site / part, ignore_errors=True)
            os.replace(docs / part, site / part)
    (site / "api").mkdir(exist_ok=True)   # the portal writes none there above CATALOG_JSON_MAX
    os.replace(compact, site / "api" / "validate.json.gz")
    os.replace(gz, site / "api" / "catalog.json.gz")
    return pages


_WRITTEN: CatalogBytes | None = None   # catalog.json's bytes, for the portal's process (forked)


@contextlib.contextmanager
def _handed_over(written: CatalogBytes):
    """``written`` as ``_WRITTEN``, its one reference in this process, for as long as the
    block runs: _site_and_search lets it go once the portal's process is forked and the
    gzipped copy written, not at the end of the stage."""
    global _WRITTEN
    _WRITTEN = written
    del written
    try:
        yield
    finally:
        _WRITTEN = None


def _portal_in_child(*args, **kwargs) -> float:
    """``build_site`` in the forked process; its seconds. Frozen first: a collection in the
    child (the portal runs one before it forks its page renderers) then skips every object it
    inherited, and writing to their headers would copy them all."""
    import gc

    from generator.portal.build import build_site

    gc.freeze()
    started = time.perf_counter()
    build_site(*args, written=_WRITTEN, **kwargs)
    return time.perf_counter() - started


def publish(catalog: Catalog, repos: list[Repo], cfg: Config, out_dir: Path, *,
            catalog_out: Path | None = None, progress: bool = True, search: bool = True,
            timings: Timings | None = None) -> BuildReport:
    """docs -> catalog.json -> site || search, staged and swapped in whole; one build at a
    time per cache folder (each prunes the caches to what it used)."""
    from generator.cachelock import cache_lock

    with cache_lock(cfg.cache_dir, say=progress):
        return _publish(catalog, repos, cfg, out_dir, catalog_out, progress, search, timings)


def _publish(catalog: Catalog, repos: list[Repo], cfg: Config, out_dir: Path, catalog_out: Path | None,
             progress: bool, search: bool, timings: Timings | None) -> BuildReport:
    from generator.portal.build import remove_leftovers, swap_in
    from generator.techdocs.place import carry_back, carry_into

    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir)
    report = BuildReport(out_dir, timings=timings or Timings())
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    try:
        t = time.perf_counter()
        docs_stage = stage / "docs-stage"
        docs_problems, report.docs_sites, report.docs_inputs, carried = _docs(catalog, repos, docs_stage, cfg,
                                                                              progress, live=out_dir)
        catalog.problems = sorted(catalog.problems + docs_problems, key=Problem.sort_key)
        t = report.timings.add("docs", t)
        catalog_path = stage / "catalog.json"
        with _handed_over(write_catalog(catalog, catalog_path)):
            t = report.timings.add("catalog.json", t)
            site = stage / "site"
            report.search_pages = _site_and_search(catalog, catalog_path, site, docs_stage, cfg, progress, search,
                                                   report.timings, {c.sub: out_dir for c in carried})
        t = time.perf_counter()
        # The docs sites the published site already holds: moved in last, right before the
        # swap (and back if it fails), so until then the published site is whole.
        moved = carry_into(carried, out_dir, site)
        try:
            swap_in(site, out_dir, remove_later=True)
        except BaseException:
            carry_back(moved)
            raise
        if catalog_out:
            catalog_out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(catalog_path, catalog_out)
        report.timings.add("publish", t)
        report.entities = len(catalog.entities)
        report.problems = catalog.problems
        return report
    finally:
        shutil.rmtree(stage, ignore_errors=True)
