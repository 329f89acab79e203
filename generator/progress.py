"""Progress for long work: a bar on a terminal, plain lines elsewhere (CI logs)."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int, label: str, enabled: bool = True) -> Iterator[T]:
    if not enabled:
        yield from items
        return
    if sys.stderr.isatty():
        from tqdm import tqdm
        yield from tqdm(items, total=total, desc=label, unit="repo", leave=False)
        return
    # Plain lines, at most one every few seconds, so a CI log shows life without flooding.
    start = last = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        now = time.monotonic()
        if done == total or now - last >= 5:
            last = now
            print(f"{label}: {done}/{total} ({now - start:.1f}s)", file=sys.stderr, flush=True)
