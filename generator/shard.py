"""`lookout build --shard I/N`: read and build the docs of one slice of the repos, into the cache only.

A nightly pipeline runs N shard jobs side by side (GitLab's ``parallel:``),
then one final ``lookout build`` over the caches they filled. Both caches
are keyed by content (the read cache by what reading a repo looked at,
generator/read/cache.py; the docs cache by the docs tree and its context,
generator/techdocs/build.py), so the final build finds every repo read
and every docs site built, links, renders the pages and indexes search.
Its output is the unsharded build's, byte for byte: a shard publishes
nothing, it only warms the cache.

Which shard a repo belongs to is a stable hash of its name, so a repo
stays in its shard as repos come and go (and its checkout in that job's
cache). The org repo (``org:`` in lookout.yaml) is read by every shard:
owners resolve against its groups as in the full build. A docs site whose
context still depends on another shard's repo (say, an entity described
in two repos) is simply built again by the final job.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Config
from generator.model import Problem
from generator.pipeline import Timings, build_catalog, crawl


def shard_of(repo_name: str, total: int) -> int:
    """The shard (1..total) that reads ``repo_name``."""
    return int(hashlib.sha256(repo_name.encode()).hexdigest()[:12], 16) % total + 1


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4); ValueError with a message a user can act on."""
    index, sep, total = text.partition("/")
    if not sep or not index.strip().isdigit() or not total.strip().isdigit():
        raise ValueError(f"--shard takes I/N, e.g. 2/4 (GitLab: $CI_NODE_INDEX/$CI_NODE_TOTAL), got {text!r}")
    i, n = int(index), int(total)
    if not 1 <= i <= n:
        raise ValueError(f"--shard {text}: I must be between 1 and N")
    return i, n


@dataclass
class ShardReport:
    index: int
    total: int
    repos: int = 0               # repos of this slice
    cached_repos: int = 0        # of those (and the org repo), read from the cache
    docs_sites: int = 0
    problems: list[Problem] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)

    def summary(self) -> str:
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in self.timings.stages.items())
        return (f"shard {self.index}/{self.total}: {self.repos} repos read ({self.cached_repos} unchanged), "
                f"{self.docs_sites} docs sites built or cached; nothing published, the cache is warm ({stages})")


def build_shard(cfg: Config, index: int, total: int, *, progress: bool = True) -> ShardReport:
    from generator.build import _docs

    report = ShardReport(index, total)
    t = time.perf_counter()

    def mine(name: str) -> bool:
        return shard_of(name, total) == index

    org = cfg.org_dir.name if cfg.org_dir else None
    repos, _ = crawl(cfg, select=lambda name: mine(name) or name == org)
    report.timings.add("crawl", t)
    catalog, repos = build_catalog(cfg, repos=repos, show_progress=progress, timings=report.timings)
    report.cached_repos = report.timings.cached_repos
    report.repos = sum(mine(r.name) for r in repos)
    t = time.perf_counter()
    cfg.cache_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".shard-", dir=cfg.cache_dir))
    try:
        # The same docs step as the full build, so the cache keys are the same.
        report.problems, report.docs_sites, *_ = _docs(catalog, [r for r in repos if mine(r.name)], stage,
                                                      cfg, progress)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    report.timings.add("docs", t)
    return report
