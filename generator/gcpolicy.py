"""Fewer garbage collections while a build holds the catalog.

A build allocates millions of objects that live until it ends (read results,
the linked catalog, its JSON, the portal's index). CPython's cyclic collector
runs a young collection every 700 allocations and a full one each time the
old generation grew by a quarter, re-walking every object alive: at 1,000
repos that was half of the main process's time in link and in the site's
index (measured: load read hits + link + catalog.json + index, 6.8 -> 3.3 s
of CPU). The build makes few reference cycles (one-off garbage is freed by
reference counting), so while it runs young collections are rarer and full
ones wait for the end, as mypy does for its builds.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young collections every 100,000 allocations (cycles made by mkdocs and jinja per page
# are still found there); a full collection only after 5 * 10^9 (never, in a build).
BUILD_THRESHOLDS = (100_000, 50, 1000)


@contextmanager
def collect_less() -> Iterator[None]:
    """While inside, the collector runs as BUILD_THRESHOLDS says; then as before (not for a
    whole process: `lookout serve` rebuilds for hours, and its cycles must go)."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()   # what long_lived froze is the collector's again


@contextmanager
def long_lived() -> Iterator[None]:
    """No collection while the block builds what lives until the build ends (the read
    results loaded from the cache, the linked catalog: millions of dicts and lists, few
    cycles); then all of it frozen, so no later collection walks it (``collect_less``
    unfreezes it when the build ends). At L, the young collections that still ran under
    BUILD_THRESHOLDS were ~2 s of loading the read cache and link (link alone 11.3 ->
    8.8 s, loading 2.3 -> 1.4 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# What a build held, when the process ends with it (`lookout build`, `lookout catalog`):
# left to the exit instead of freed object by object. At 250,000 Resources, freeing the
# read results and the linked catalog took 1.05 s after the site was published; an exit
# that frees nothing (hard_exit) takes none. None: free as usual (tests, `lookout serve`,
# any library caller, whose process goes on).
_LEFT: list | None = None


def ending_with_the_build() -> None:
    """From now on, ``leave_to_exit`` keeps what it is given; end the process with hard_exit."""
    global _LEFT
    _LEFT = []


def ending() -> bool:
    """Whether this process ends with its build (``ending_with_the_build`` was called)."""
    return _LEFT is not None


def leave_to_exit(*objects: object) -> None:
    if _LEFT is not None:
        _LEFT.extend(objects)


def hard_exit(code: int) -> None:
    """End the process as an exit does (output flushed, atexit handlers run: logging's,
    multiprocessing's clean-up) but without freeing its objects, as mypy's util.hard_exit.
    Only after a build: its pools and threads are closed by then, so the interpreter's own
    shutdown (joining threads) has nothing left to do."""
    import atexit
    import os
    import sys

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
