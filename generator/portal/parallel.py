"""Entity pages rendered by several processes (2 cores: 25,000 pages in about half the time).

The pages to render are split over N forked children: forked after the
portal's index is built, so each shares it with the parent (copy on write;
``gc.freeze`` keeps the collector from touching, hence copying, it) and
nothing is pickled but a slice number. Each child renders every N-th page
into the site (and the page cache). A page is byte-identical whichever
process renders it (tested). ``mkdocs serve`` renders in-process (workers=1).
"""
from __future__ import annotations

import gc
import multiprocessing as mp
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

from generator.progress import Progress

# Below this many pages to render, a fork costs more than it saves.
MIN_PAGES = 2000

_STATE = None  # (writer, jobs, cache, counter, workers), inherited by the forked children


def render_pages(writer, jobs: list, cache, workers: int, progress: bool) -> int:
    """Render ``jobs`` ((ref, key, dest)) with ``writer``; how many processes did."""
    global _STATE
    bar = Progress(len(jobs), "entity pages", "page", progress)
    if workers <= 1 or len(jobs) < MIN_PAGES:
        writer.render_jobs(jobs, cache, tick=bar.advance)
        bar.close()
        return 1
    ctx = mp.get_context("fork")
    counter = ctx.Value("q", 0, lock=False)
    _STATE = (writer, jobs, cache, counter, workers)
    gc.collect()
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            pending = {pool.submit(_render_slice, i) for i in range(workers)}
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_EXCEPTION)
                bar.advance(counter.value - bar.done)
                for fut in done:
                    fut.result()  # a child's failure is the build's failure
        bar.advance(counter.value - bar.done)
    finally:
        _STATE = None
        gc.unfreeze()
        bar.close()
    return workers


def _render_slice(i: int) -> None:
    writer, jobs, cache, counter, workers = _STATE

    def tick() -> None:
        counter.value += 1  # a progress count: a lost increment between children is harmless

    writer.render_jobs(jobs[i::workers], cache, tick=tick)
