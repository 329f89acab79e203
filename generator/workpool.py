"""Per-repo work in a supervised process pool that cannot hang.

    for job, result, error in run_jobs(fn, jobs, workers=2, timeout=300, label="docs"):
        ...

Python 3.11's ``ProcessPoolExecutor(max_tasks_per_child=N)`` can fail to
replace retired workers and then waits forever (measured: a 990-site docs
build stuck at 399/990 with no worker alive). Pebble's pool is supervised
by a manager thread of its own: it replaces a worker that retired, crashed
or ran past its job's time limit, and reports that job alone as failed.

Every job has a time limit: a repo whose read or docs build never ends is
killed and becomes a problem; the build goes on. While jobs run, the loop
wakes at least every few seconds, so a long job shows up in the log as
"still running" instead of a silent minute.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, TimeoutError as FutureTimeout, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from generator.progress import Progress

J = TypeVar("J")

# Retire a worker after this many jobs: bounded memory over a long night.
MAX_TASKS_PER_WORKER = 200
# A line at least this often while a job is still running (seconds).
HEARTBEAT = 30.0
_NONE = object()


class JobTimeout(Exception):
    """The job ran past its time limit; its worker was killed."""


class WorkerDied(Exception):
    """The worker process died (crash, out of memory) while running the job."""


def _describe(job: Any, name: Callable[[Any], str] | None) -> str:
    return name(job) if name else str(job)


def run_jobs(fn: Callable[..., Any], jobs: Iterable[J], *, workers: int, timeout: float | None,
             args: Callable[[J], tuple] = lambda j: (j,), name: Callable[[J], str] | None = None,
             bar: Progress | None = None, context: mp.context.BaseContext | None = None,
             initializer: Callable[[], None] | None = None,
             max_tasks: int = MAX_TASKS_PER_WORKER) -> Iterator[tuple[J, Any, BaseException | None]]:
    """Run ``fn(*args(job))`` for every job in worker processes; yield (job, result, error) as each ends.

    ``error`` is :class:`JobTimeout`, :class:`WorkerDied` or whatever ``fn`` raised; exactly one
    of ``result`` and ``error`` is meaningful. Results come in completion order.

    ``jobs`` may be a generator that finds its jobs as it goes (the docs stage, deciding which
    of 1,000 sites to build): each one is scheduled as it comes, so the workers start on the
    first while the rest are still being looked for, and no pool starts for none.
    """
    if isinstance(jobs, (list, tuple)):
        size = len(jobs)
    else:
        size = workers
    it = iter(jobs)
    first = next(it, _NONE)
    if first is _NONE:
        return
    ctx = context or mp.get_context(start_method())
    pool = ProcessPool(max_workers=max(1, min(workers, size)), max_tasks=max_tasks,
                       initializer=initializer, context=ctx)
    healthy = True
    try:
        running = {pool.schedule(fn, args=args(first), timeout=timeout): first}
        for job in it:
            running[pool.schedule(fn, args=args(job), timeout=timeout)] = job
        last_line = time.monotonic()
        while running:
            done, _ = wait(running, timeout=5.0, return_when=FIRST_COMPLETED)
            now = time.monotonic()
            if not done and not _supervised(pool):
                # Pebble's own supervisor thread is gone: no worker will ever be started or
                # replaced again. Waiting on would be the hang this module exists to prevent.
                healthy = False
                for job in list(running.values()):
                    yield job, None, WorkerDied("the worker pool stopped (its supervisor thread died); "
                                                "the job was not run")
                return
            for fut in done:
                job = running.pop(fut)
                try:
                    yield job, fut.result(), None
                except FutureTimeout:
                    yield job, None, JobTimeout(f"took longer than {timeout:g} s and was stopped")
                except (ProcessExpired, BrokenProcessPool) as exc:   # pebble says either when a worker dies
                    yield job, None, WorkerDied(f"the worker process died ({exc}: crash or out of memory)")
                except Exception as exc:  # noqa: BLE001 - fn's own failure, still one job's
                    yield job, None, exc
                last_line = now
            if running and now - last_line >= HEARTBEAT:
                last_line = now
                _heartbeat(bar, running, name)
    finally:
        if healthy:
            pool.close()
            pool.join()
        else:
            pool.stop()   # no join: a thread blocked on a dead pipe would never return (they are daemons)


def start_method() -> str:
    """forkserver where it works, else spawn.

    The fork server listens on a Unix socket in the temp folder, and a socket's
    path has at most 107 bytes: under a long TMPDIR (CI runners nest them deep)
    it cannot start, so workers are spawned instead (slower to start, same results).
    """
    if "forkserver" not in mp.get_all_start_methods():
        return "spawn"
    # what multiprocessing makes there: pymp-XXXXXXXX/listener-XXXXXXXX
    longest = os.path.join(tempfile.gettempdir(), "pymp-xxxxxxxx", "listener-xxxxxxxx")
    return "forkserver" if len(os.fsencode(longest)) < 100 else "spawn"


def _supervised(pool: ProcessPool) -> bool:
    """Are the pool's manager threads (they start, watch and replace workers) alive?"""
    loops = [getattr(pool, name, None) for name in ("_pool_manager_loop", "_message_manager_loop")]
    return all(t is None or t.is_alive() for t in loops)


def _heartbeat(bar: Progress | None, running: dict[Any, Any],
               name: Callable[[Any], str] | None) -> None:
    """Say what is still running: a quiet minute in a CI log looks like a hang."""
    active = [job for fut, job in running.items() if fut.running()]
    names = ", ".join(_describe(job, name) for job in active[:3]) or "waiting for a worker"
    if bar is not None:
        bar.note(f"still running: {names}")
