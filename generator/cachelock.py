"""One build at a time per cache folder.

Two builds sharing a cache folder (a manual run during the nightly one, on a
runner that keeps the cache) broke each other: each prunes the page and
search caches to what it used, under the other's feet ("portal build failed:
No such file … cache/portal/pages/…"). Entries are written atomically, so
readers need no lock; the publishing half of a build takes this one. An
advisory ``flock``: the kernel releases it when its holder dies, so a killed
build never leaves the cache locked.
"""
from __future__ import annotations

import fcntl
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "build.lock"


@contextmanager
def cache_lock(cache_dir: Path, *, say: bool = True) -> Iterator[None]:
    """Hold the cache folder's lock; if another build holds it, say so and wait for it."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / LOCK_FILE, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            started = time.monotonic()
            if say:
                print(f"waiting for another build that uses the cache folder {cache_dir} to finish",
                      file=sys.stderr, flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
            if say:
                print(f"the other build finished after {time.monotonic() - started:.0f} s; building",
                      file=sys.stderr, flush=True)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
