"""The first half of the pipeline: crawl -> read -> link -> Catalog.

One readable function per step, in the spirit of mkdocs' commands/build.py.
Reading is per repo and independent, so it fans out over processes; the
results are put back in repo-name order so the output never depends on
which worker finished first.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import Config, ReadConfig
from generator.crawl import crawl_manifest, layout_problems, org_repo, repos_in_folder
from generator.gcpolicy import collect_less, long_lived
from generator.model import Problem, ReadResult, Repo
from generator.progress import Progress, progress
from generator.read import read_repo_cached
from generator.workpool import run_jobs

if TYPE_CHECKING:
    from generator.link import Catalog


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)
    cached_repos: int = 0   # repos whose read came from the read cache
    # Parts of one stage that ran side by side (build.py: "site+search"), each one's own seconds.
    parallel: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - since
        return now


def crawl(cfg: Config, select: Callable[[str], bool] | None = None) -> tuple[list[Repo], list[Problem]]:
    """The configured repos; with ``select``, only those whose name it accepts (a shard's slice:
    manifest repos it rejects are not even fetched)."""
    repos: list[Repo] = []
    problems: list[Problem] = []
    folders = list(cfg.repos_dirs)
    if cfg.uses_demo:
        from generator.demo import demo_root
        folders = [demo_root()]
    for folder in folders:
        repos += repos_in_folder(folder)
    if cfg.org_dir:
        org = org_repo(cfg.org_dir)
        # The README's own layout: the org checkout inside a repos folder is that repo, once.
        if all(r.path != org.path for r in repos):
            repos.append(org)
    if cfg.manifest:
        fetched, errors = crawl_manifest(cfg.manifest, cfg.cache_dir / "repos", select)
        repos += fetched
        problems += [Problem("error", f"could not fetch {e}") for e in errors]
    if select:
        repos = [r for r in repos if select(r.name)]
    seen: dict[str, Repo] = {}
    for repo in repos:
        if repo.name in seen:
            problems.append(Problem("error", f"two repos are named {repo.name!r} ({seen[repo.name].path} and "
                                             f"{repo.path}); the second is skipped", repo.name))
            continue
        seen[repo.name] = repo
    for repo in seen.values():
        problems += layout_problems(repo)
    return sorted(seen.values(), key=lambda r: r.name), problems


def _read_one(repo: Repo, cfg: ReadConfig, cache_dir: Path | None) -> tuple[ReadResult | None, bool]:
    """A worker's job: a cache hit comes back as (None, True); the main process loads it
    when it needs it (pickling it back through a pipe cost more than the read itself)."""
    return read_repo_cached(repo, cfg, cache_dir, load_hit=False)


def _check_cached(repos: list[Repo], cfg: ReadConfig, cache_dir: Path) -> list[bool]:
    """A worker's job: which of these repos' cached reads still hold (nothing loaded)."""
    from generator.read.cache import ReadCache

    cache = ReadCache(cache_dir)
    return [cache.check(repo, cfg) for repo in repos]


READ_TIMEOUT = 120.0   # seconds one repo's read may take before it is stopped and reported
# Repos per cache-check job. Checking one repo's cached read replays its few file reads
# (~1 ms); as a job of its own, the pool's messages cost the main process about as much.
CHECK_BATCH = 32


def read_all(repos: list[Repo], cfg: ReadConfig, workers: int | None, show_progress: bool,
             cache_dir: Path | None, timeout: float | None = READ_TIMEOUT,
             load_hits: bool = True) -> list[tuple[ReadResult | None, bool]]:
    """Every repo's (ReadResult, from the read cache?), in ``repos`` order.

    A repo whose read crashes its worker or runs past ``timeout`` is one
    error naming the repo; every other repo is read as usual. With
    ``load_hits`` False, a cache hit may be (None, True): ``load_read_hits`` loads them.
    """
    workers = workers or min(os.cpu_count() or 1, 8)
    cache_dir = cache_dir.resolve() if cache_dir else None
    # Below ~100 repos, starting workers (each loads the HCL grammar) costs more than it saves.
    if workers <= 1 or len(repos) < 100:
        return list(progress((read_repo_cached(r, cfg, cache_dir) for r in repos), len(repos), "read",
                             show_progress))
    bar = Progress(len(repos), "read", "repo", show_progress)
    results: dict[str, tuple[ReadResult | None, bool]] = {}
    if cache_dir is not None:
        # A quiet night: most repos are cache hits. Checked in batches first; only the rest
        # are read one job each (a batch that fails or runs out of time is read that way too,
        # so a repo that hangs still stops alone and is named).
        batches = [repos[i:i + CHECK_BATCH] for i in range(0, len(repos), CHECK_BATCH)]
        for batch, hits, exc in run_jobs(_check_cached, batches, workers=workers, timeout=timeout,
                                         args=lambda b: (b, cfg, cache_dir), name=lambda b: b[0].name,
                                         bar=bar, context=mp.get_context("fork")):
            for repo, hit in zip(batch, hits if exc is None else (), strict=False):
                if hit:
                    results[repo.name] = (None, True)
                    bar.advance()
    for repo, result, exc in run_jobs(_read_one, [r for r in repos if r.name not in results], workers=workers,
                                      timeout=timeout,
                                      args=lambda r: (r, cfg, cache_dir), name=lambda r: r.name,
                                      bar=bar, context=mp.get_context("fork")):
        if exc is not None:
            result = (ReadResult(problems=[Problem("error", f"reading this repo failed: {exc}", repo.name)]),
                      False)
        results[repo.name] = result
        bar.advance()
    bar.close()
    read = [results[r.name] for r in repos]
    return load_read_hits(read, repos, cfg, cache_dir) if load_hits else read


def load_read_hits(read: list[tuple[ReadResult | None, bool]], repos: list[Repo], cfg: ReadConfig,
                   cache_dir: Path | None) -> list[tuple[ReadResult, bool]]:
    """``read`` with every cache hit a worker checked loaded from the cache (read again if the
    entry went missing since)."""
    from generator.read.cache import ReadCache

    cache = ReadCache(cache_dir) if cache_dir else None
    out = []
    for (result, hit), repo in zip(read, repos, strict=True):
        if result is None:
            result = cache.result(repo) if cache else None
            if result is None:
                result, hit = read_repo_cached(repo, cfg, cache_dir)
        out.append((result, hit))
    return out


@collect_less()
def build_catalog(cfg: Config, *, repos: list[Repo] | None = None, workers: int | None = None,
                  show_progress: bool = True, timings: Timings | None = None) -> tuple[Catalog, list[Repo]]:
    timings = timings or Timings()
    t = time.perf_counter()
    crawl_problems: list[Problem] = []
    if repos is None:
        repos, crawl_problems = crawl(cfg)
    t = timings.add("crawl", t)
    cache_dir = cfg.cache_dir.resolve() if cfg.read_cache else None
    read = read_all(repos, cfg.read, workers, show_progress, cache_dir, load_hits=False)
    timings.cached_repos = sum(hit for _, hit in read)
    t = timings.add("read", t)
    _, catalog = load_and_link(read, repos, cfg.read, cache_dir, crawl_problems)
    timings.add("link", t)
    return catalog, repos


def load_and_link(read: list[tuple[ReadResult | None, bool]], repos: list[Repo], cfg: ReadConfig,
                  cache_dir: Path | None, crawl_problems: list[Problem]) -> tuple[list[tuple[ReadResult, bool]],
                                                                                 Catalog]:
    """The read cache's hits loaded and everything linked, with the collector off and all of it
    frozen after (gcpolicy.long_lived); (the loaded reads, the catalog)."""
    with long_lived():
        loaded = load_read_hits(read, repos, cfg, cache_dir)
        return loaded, link_read(loaded, repos, crawl_problems)


def link_read(read: list[tuple[ReadResult, bool]], repos: list[Repo],
              crawl_problems: list[Problem]) -> Catalog:
    from generator.link import link   # networkx and the entity rules: ~0.3 s a quiet night need not pay

    catalog = link([r for r, _ in read], repos)
    catalog.problems = sorted(crawl_problems + catalog.problems, key=Problem.sort_key)
    return catalog
