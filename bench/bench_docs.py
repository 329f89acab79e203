"""Benchmark: Lookout's docs builds against one plain `mkdocs build` per repo.

    .venv/bin/python bench/bench_docs.py --repos 200 --pages 8

Generates N repos with P pages each (deterministic), then:
1. build_all_docs (cold cache): worker pool, shared theme assets;
2. a plain `mkdocs build` subprocess per repo (material theme, same pages,
   mkdocs' default search plugin), run with the same number of parallel
   processes as Lookout has workers;
3. build_all_docs again with nothing changed (all served from the cache);
4. Pagefind over Lookout's output.
Targets: (1)/(2) <= 0.3, (3)/(1) <= 0.05.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.search import build_search  # noqa: E402
from generator.techdocs.build import DocsJob, build_all_docs  # noqa: E402

WORDS = ("service deploy queue latency cluster runbook alert owner schema retry timeout "
         "database kafka topic consumer producer cache region failover backup metric").split()


def _para(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_page(rng: random.Random, title: str) -> str:
    parts = [f"# {title}\n", _para(rng, 40), "\n## Overview\n", _para(rng, 60),
             "\n- " + "\n- ".join(_para(rng, 8) for _ in range(4)),
             "\n## Example\n", "```python\ndef handler(event):\n    return event['id']\n```\n",
             "| key | value |\n|-----|-------|\n" + "".join(f"| {rng.choice(WORDS)} | {i} |\n"
                                                     for i in range(5)),
             "\n!!! note\n    " + _para(rng, 20) + "\n", "\n## Details\n", _para(rng, 80)]
    return "\n".join(parts) + "\n"


def generate(root: Path, repos: int, pages: int) -> list[DocsJob]:
    rng = random.Random(42)
    jobs = []
    for i in range(repos):
        name = f"svc-{i:04d}"
        repo = root / name
        (repo / "docs/guide").mkdir(parents=True, exist_ok=True)
        nav = ["index.md"]
        (repo / "docs/index.md").write_text(make_page(rng, f"{name} overview"))
        for p in range(1, pages):
            rel = f"guide/page-{p}.md"
            (repo / "docs" / rel).write_text(make_page(rng, f"{name} page {p}"))
            nav.append(rel)
        (repo / "mkdocs.yml").write_text(
            f"site_name: {name}\nnav:\n" + "".join(f"  - {n}\n" for n in nav)
            + "plugins:\n  - techdocs-core\n")
        jobs.append(DocsJob(f"component:default/{name}", name, repo, ".",
                            f"catalog/default/component/{name}/",
                            f"docs/default/component/{name}", name, "Component",
                            "group:default/platform", {"type": "service"}))
    return jobs


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def plain_builds(jobs: list[DocsJob], out: Path, workers: int) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    cfg_dir = out / "_configs"
    cfg_dir.mkdir(parents=True, exist_ok=True)

    def one(job: DocsJob) -> int:
        cfg = cfg_dir / f"{job.repo_name}.yml"
        cfg.write_text(f"site_name: {job.repo_name}\ndocs_dir: {job.repo_path / 'docs'}\n"
                       "theme:\n  name: material\n  font: false\n")
        return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(cfg),
                               "-d", str(out / job.out_subdir)], env=env,
                              capture_output=True).returncode

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        codes = list(pool.map(one, jobs))
    took = time.perf_counter() - t0
    shutil.rmtree(cfg_dir)
    if any(codes):
        print(f"  warning: {sum(1 for c in codes if c)} plain builds failed")
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repos", type=int, default=200)
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-plain", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="lookout-bench-docs-"))
    try:
        jobs = generate(tmp / "repos", args.repos, args.pages)
        print(f"{args.repos} repos x {args.pages} pages, {args.workers} workers, in {tmp}")

        site, cache = tmp / "site", tmp / "cache"
        problems = build_all_docs(jobs, site, cache, workers=args.workers, progress=False)
        first = problems.stats
        errors = [p for p in problems if p.severity == "error"]
        print(f"lookout cold   : {first.seconds:7.2f} s  built={first.built} failed={first.failed}"
              f" pages={first.pages} errors={len(errors)}  ({first.seconds / max(first.pages, 1) * 1000:.1f}"
              f" ms/page wall, worker time {first.worker_seconds:.1f} s)")
        print(f"lookout output : {du(site) / 1e6:7.2f} MB ({du(site) / max(args.repos, 1) / 1e3:.0f} KB/repo)")

        plain = None
        if not args.skip_plain:
            plain_out = tmp / "plain"
            plain = plain_builds(jobs, plain_out, args.workers)
            print(f"plain mkdocs   : {plain:7.2f} s  ({args.workers} parallel subprocesses, one per repo)")
            print(f"plain output   : {du(plain_out) / 1e6:7.2f} MB ({du(plain_out) / max(args.repos, 1) / 1e3:.0f} KB/repo)")
            print(f"ratio cold/plain: {first.seconds / plain:.3f}   (target <= 0.3)")
            print(f"size ratio      : {du(site) / max(du(plain_out), 1):.3f}")

        again = build_all_docs(jobs, site, cache, workers=args.workers, progress=False).stats
        print(f"lookout warm   : {again.seconds:7.2f} s  cached={again.cached} built={again.built}")
        print(f"ratio warm/cold: {again.seconds / first.seconds:.3f}   (target <= 0.05)")
        fresh = build_all_docs(jobs, tmp / "site-fresh", cache, workers=args.workers,
                               progress=False).stats
        print(f"lookout warm into an empty site dir: {fresh.seconds:.2f} s "
              f"(ratio {fresh.seconds / first.seconds:.3f}; cached sites hard-linked)")

        search = build_search({"entities": []}, site, tmp / "search-cache")
        print(f"pagefind       : {search.seconds:7.2f} s  pages={search.pages} buckets={search.buckets} "
              f"files={search.files} index={search.index_bytes / 1e6:.2f} MB")
        again = build_search({"entities": []}, site, tmp / "search-cache")
        print(f"pagefind warm  : {again.seconds:7.2f} s  rebuilt={again.rebuilt}/{again.buckets}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
