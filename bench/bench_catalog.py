"""Benchmark: crawl -> read -> link -> catalog.json for N generated repos.

Prints per-stage times (median of --runs), peak memory and output size, next
to a baseline measured in the same run: parsing the same files with plain
python-hcl2 and PyYAML's C loader in one loop, which is the floor any
reader of these files pays. Quote medians and ratios: machines are noisy.

    .venv/bin/python bench/bench_catalog.py --repos 200 --runs 3
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_org import write_org  # noqa: E402

from generator.catalog_json import to_json_bytes  # noqa: E402
from generator.config import Config  # noqa: E402
from generator.pipeline import Timings, build_catalog  # noqa: E402


def baseline(root: Path) -> float:
    import hcl2
    import yaml
    start = time.perf_counter()
    for path in sorted(root.rglob("*")):
        if path.suffix == ".tf":
            hcl2.loads(path.read_text())
        elif path.suffix == ".yaml":
            list(yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repos", type=int, default=200)
    ap.add_argument("--resources", type=int, default=4, help="resources per repo")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None)
    a = ap.parse_args()
    import hcl2
    hcl2.loads('a = "warm"')  # the grammar compiles once per process; keep it out of both sides

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_org(root, a.repos, a.resources)
        cfg = Config(repos_dirs=[root], read_cache=False)
        stages: dict[str, list[float]] = {}
        base: list[float] = []
        size = 0
        n_entities = 0
        for _ in range(a.runs):
            base.append(baseline(root))
            timings = Timings()
            t = time.perf_counter()
            catalog, _ = build_catalog(cfg, workers=a.workers, show_progress=False, timings=timings)
            data = to_json_bytes(catalog)
            timings.stages["catalog.json"] = time.perf_counter() - t - sum(timings.stages.values())
            size, n_entities = len(data), len(catalog.entities)
            for k, v in timings.stages.items():
                stages.setdefault(k, []).append(v)
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        # Nightly reality: most repos did not change. A warm run re-reads through the read cache.
        cfg.cache_dir, cfg.read_cache = root / ".cache", True
        build_catalog(cfg, workers=a.workers, show_progress=False)          # fills the cache
        warm: list[float] = []
        hits = 0
        for _ in range(a.runs):
            wt = Timings()
            build_catalog(cfg, workers=a.workers, show_progress=False, timings=wt)
            warm.append(wt.stages["read"])
            hits = wt.cached_repos

    med = {k: statistics.median(v) for k, v in stages.items()}
    total = sum(med.values())
    b = statistics.median(base)
    print(f"org: {a.repos} repos, {n_entities} entities, workers={a.workers or min(os.cpu_count() or 1, 8)}, "
          f"runs={a.runs} (medians)")
    for k, v in med.items():
        print(f"  {k:<13} {v:8.3f} s")
    print(f"  {'total':<13} {total:8.3f} s   ({a.repos / total:.0f} repos/s)")
    print(f"baseline: plain hcl2.loads + yaml CSafeLoader over the same files, one process: {b:.3f} s")
    print(f"ratio read+link / baseline: {(med['read'] + med['link']) / b:.2f}")
    print(f"read, nothing changed (read cache, {hits}/{a.repos + 1} repos unchanged): "
          f"{statistics.median(warm):.3f} s = {statistics.median(warm) / med['read']:.1%} of a cold read")
    print(f"peak RSS: main {peak_self:.0f} MB, largest worker {peak_children:.0f} MB")
    print(f"catalog.json: {size / 1e6:.2f} MB ({size / max(n_entities, 1):.0f} bytes/entity)")


if __name__ == "__main__":
    main()
