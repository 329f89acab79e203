"""Progress for long work: a bar on a terminal, plain lines elsewhere (CI logs)."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

# When the last progress line (or bar update) was written, for Heartbeat.
_last_output = [time.monotonic()]


def _said() -> None:
    _last_output[0] = time.monotonic()


class Heartbeat:
    """A line at least every ``every`` seconds while a build runs, whatever it is doing.

    Stages with a bar say how far they are; the rest (linking, writing catalog.json,
    the site's index, assembling shards: minutes at 250,000 entities) say nothing, and
    a CI log silent for minutes looks like a hang. ``what()`` says where the build is.
    """

    def __init__(self, what: Callable[[], str], enabled: bool = True, every: float = 30.0):
        self.what, self.enabled, self.every = what, enabled, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        if self.enabled:
            _said()
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(min(1.0, self.every / 4)):
            if time.monotonic() - _last_output[0] >= self.every:
                print(f"still building: {self.what()}", file=sys.stderr, flush=True)
                _said()


class Progress:
    """Push-style progress: ``advance()`` as work completes, ``close()`` at the end.

    On a terminal, a tqdm bar; otherwise a plain line at most every few
    seconds and one at the end, so a CI log shows life without filling up.
    """

    def __init__(self, total: int, label: str, unit: str = "item", enabled: bool = True,
                 every: float = 5.0):
        self.total, self.label, self.every = total, label, every
        self.done = 0
        self._bar = None
        self._on = enabled and total > 0
        self._start = self._last = time.monotonic()
        if self._on and sys.stderr.isatty():
            from tqdm import tqdm
            self._bar = tqdm(total=total, desc=label, unit=unit, leave=False, file=sys.stderr)

    def advance(self, n: int = 1) -> None:
        if not self._on or n <= 0:
            return
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            _said()
            return
        now = time.monotonic()
        if self.done >= self.total or now - self._last >= self.every:
            self._last = now
            print(f"{self.label}: {self.done}/{self.total} ({now - self._start:.1f}s)",
                  file=sys.stderr, flush=True)
            _said()

    def note(self, text: str) -> None:
        """A line about work in progress (what is still running), whatever the bar's state."""
        if not self._on:
            return
        line = f"{self.label}: {self.done}/{self.total} ({time.monotonic() - self._start:.1f}s) {text}"
        if self._bar is not None:
            self._bar.write(line, file=sys.stderr)
        else:
            self._last = time.monotonic()
            print(line, file=sys.stderr, flush=True)
        _said()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def progress(items: Iterable[T], total: int, label: str, enabled: bool = True,
             unit: str = "repo") -> Iterator[T]:
    bar = Progress(total, label, unit, enabled)
    try:
        for item in items:
            yield item
            bar.advance()
    finally:
        bar.close()
