"""Entity pages rendered by several processes: mkdocs is single-threaded.

At 25,000 to 250,000 entities, entity pages are nearly all of the portal's
build time, and each is independent. The parent builds the index pages and
data files; N worker processes (forkserver: mkdocs and material imported
once each) each build every N-th entity page into a folder of their own.
The parent then moves each worker's entity folders into its site: renames,
no copies. A page is byte-identical whichever process renders it (tested).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import shutil
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from generator.progress import Progress

# Below this many entities a second process costs more (its own mkdocs start,
# its own catalog load) than it saves.
MIN_ENTITIES = 2000

_counter = None  # the shared page counter, in a worker


def _init_worker(counter) -> None:
    global _counter
    _counter = counter
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _build_shard(catalog_path: str, site_dir: str, shard: int, shards: int, site_name: str,
                 extra_config: dict[str, Any] | None) -> list[str]:
    """Worker: build entity pages ``shard::shards`` into ``site_dir``; return their URLs."""
    from mkdocs.commands.build import build

    from generator.portal.build import _load_config

    cfg, plugin = _load_config(Path(catalog_path), Path(site_dir), site_name, extra_config, False)
    plugin.entity_shard = (shard, shards)
    plugin.data_files = False
    plugin.page_counter = _counter
    build(cfg)
    refs = list(plugin.index.urls)[shard::shards]
    return [plugin.index.urls[r] for r in refs]


def build_entity_shards(catalog_path: Path, site_dir: Path, scratch: Path, workers: int, *,
                        site_name: str, extra_config: dict | None, total: int,
                        progress: bool, meanwhile) -> None:
    """Render every entity page with ``workers`` processes and move them into ``site_dir``.

    ``meanwhile()`` runs in this process while the workers render: the index pages.
    """
    ctx = mp.get_context("forkserver")
    counter = ctx.Value("q", 0)
    bar = Progress(total, "entity pages", "page", progress)
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(counter,)) as pool:
        futures = [pool.submit(_build_shard, str(catalog_path), str(scratch / f"shard-{i}"), i, workers,
                               site_name, extra_config) for i in range(workers)]
        meanwhile()
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_EXCEPTION)
            bar.advance(counter.value - bar.done)
            for fut in done:
                fut.result()  # a shard's failure is the build's failure
        bar.advance(counter.value - bar.done)
        bar.close()
    for i, fut in enumerate(futures):
        shard_dir = scratch / f"shard-{i}"
        for url in fut.result():
            dest = site_dir / url
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(shard_dir / url, dest)
        shutil.rmtree(shard_dir, ignore_errors=True)
