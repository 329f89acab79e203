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
    # Plain lines, about ten of them, so a CI log shows life without flooding.
    step = max(1, total // 10)
    start = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        if done % step == 0 or done == total:
            print(f"{label}: {done}/{total} ({time.monotonic() - start:.1f}s)", file=sys.stderr, flush=True)
