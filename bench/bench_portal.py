"""Benchmark: the portal build vs a plain mkdocs-material build of as many pages.

For each N: generate a synthetic catalog of N entities (bench/gen_catalog.py),
build the portal from it (build_site, in a child process), and build a plain
mkdocs + material site of N minimal Markdown pages kept out of the nav (no
search plugin in either). Prints wall time, the ratio (target: portal <= 1.2x
plain), each child's peak RSS (os.wait4 rusage) and output sizes.

    python bench/bench_portal.py --entities 1000 5000
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.gen_catalog import dumps, generate  # noqa: E402

def plain_yml() -> str:
    """The portal's own theme settings (palette, features, font: false), no plugins, a one-page nav."""
    import yaml

    portal = yaml.safe_load((REPO / "site_src" / "mkdocs.yml").read_text())
    theme = {k: v for k, v in portal["theme"].items() if k != "custom_dir"}
    return yaml.safe_dump({"site_name": "Plain", "docs_dir": "docs", "use_directory_urls": True, "theme": theme,
                           "nav": [{"Home": "index.md"}], "plugins": [],
                           "validation": {"nav": {"omitted_files": "ignore"}}}, sort_keys=False)


def run_child(argv: list[str], env: dict | None = None) -> tuple[float, float, int, float, float]:
    """(wall seconds, CPU seconds, peak RSS in bytes, user seconds, system seconds) of one child.

    CPU time (user + system, from the child's own rusage) is what to compare on a
    shared machine: wall time moves with whatever else runs. System time is mostly
    the file system (mkdir/open/write of every page) and is the noisiest part here;
    user time is the Python work.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, rusage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read()
    proc.stdout.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    return (wall, rusage.ru_utime + rusage.ru_stime, rusage.ru_maxrss * 1024,  # Linux: kilobytes
            rusage.ru_utime, rusage.ru_stime)


def tree_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def bench(n: int, work: Path, repeat: int = 1, workers: int | None = None) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    cat = work / f"catalog-{n}.json"
    cat.write_text(dumps(generate(n)), encoding="utf-8")
    n_entities = len(json.loads(cat.read_text())["entities"])

    portal_out = work / f"portal-{n}"
    code = ("from pathlib import Path; from generator.portal.build import build_site; "
            f"build_site(Path({str(cat)!r}), Path({str(portal_out)!r}), progress=False, workers={workers!r})")
    portal_runs = []

    plain = work / f"plain-{n}"
    docs = plain / "docs" / "pages"
    docs.mkdir(parents=True)
    (plain / "mkdocs.yml").write_text(plain_yml())
    (plain / "docs" / "index.md").write_text("# Home\n\nA plain site.\n")
    for i in range(n_entities):
        (docs / f"p{i:06d}.md").write_text(f"# Page {i}\n\nA minimal page, number {i}, with *some* text.\n")
    plain_runs = []
    for _ in range(repeat):  # alternate, keep the best of each: the machine is shared
        shutil.rmtree(portal_out, ignore_errors=True)
        portal_runs.append(run_child([sys.executable, "-c", code], env))
        shutil.rmtree(plain / "site", ignore_errors=True)
        plain_runs.append(run_child([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml"),
                                     "-d", str(plain / "site")], env))
    # Best (min) wall/CPU of the runs, and medians; peak RSS is the max.
    p_wall, p_cpu, p_rss = min(r[0] for r in portal_runs), min(r[1] for r in portal_runs), max(r[2] for r in portal_runs)
    q_wall, q_cpu, q_rss = min(r[0] for r in plain_runs), min(r[1] for r in plain_runs), max(r[2] for r in plain_runs)
    med = statistics.median
    p_user, q_user = med(r[3] for r in portal_runs), med(r[3] for r in plain_runs)
    p_sys, q_sys = med(r[4] for r in portal_runs), med(r[4] for r in plain_runs)
    p_cpu_med, q_cpu_med = med(r[1] for r in portal_runs), med(r[1] for r in plain_runs)
    p_files, p_bytes = tree_size(portal_out)
    q_files, q_bytes = tree_size(plain / "site")
    catalog_bytes = cat.stat().st_size
    return {"entities": n_entities, "portal_s": p_wall, "plain_s": q_wall, "ratio": p_wall / q_wall,
            "portal_cpu_s": p_cpu, "plain_cpu_s": q_cpu, "cpu_ratio": p_cpu / q_cpu,
            "portal_cpu_median_s": p_cpu_med, "plain_cpu_median_s": q_cpu_med, "cpu_median_ratio": p_cpu_med / q_cpu_med,
            "portal_user_s": p_user, "plain_user_s": q_user, "user_ratio": p_user / q_user,
            "portal_sys_s": p_sys, "plain_sys_s": q_sys, "repeat": repeat,
            "portal_peak_mb": p_rss / 2**20, "plain_peak_mb": q_rss / 2**20,
            "portal_files": p_files, "portal_mb": p_bytes / 2**20, "plain_files": q_files,
            "plain_mb": q_bytes / 2**20, "catalog_mb": catalog_bytes / 2**20,
            "portal_kb_per_entity": p_bytes / 1024 / n_entities}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", "-n", type=int, nargs="+", default=[5000])
    ap.add_argument("--repeat", type=int, default=1, help="runs of each build; the best time is kept")
    ap.add_argument("--keep", type=Path, help="build here and keep the outputs")
    ap.add_argument("--json", action="store_true", help="print the results as JSON too")
    ap.add_argument("--workers", type=int, default=None,
                    help="processes for entity pages (default: one per CPU, as `lookout build`; 1: one process)")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="lookout-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    if args.workers != 1:
        print("portal: entity pages in one process per CPU (--workers 1 for one process); its CPU times "
              "leave out those workers (forkserver children), so compare wall times")
    try:
        for n in args.entities:
            r = bench(n, work, args.repeat, args.workers)
            results.append(r)
            print(f"N={r['entities']:>7,}  wall: portal {r['portal_s']:7.2f} s  plain {r['plain_s']:7.2f} s  "
                  f"ratio {r['ratio']:.2f}  CPU: portal {r['portal_cpu_s']:7.2f} s  plain {r['plain_cpu_s']:7.2f} s  "
                  f"ratio {r['cpu_ratio']:.2f}\n          median of {r['repeat']}: CPU portal {r['portal_cpu_median_s']:.2f} s "
                  f"plain {r['plain_cpu_median_s']:.2f} s ratio {r['cpu_median_ratio']:.2f}; user portal "
                  f"{r['portal_user_s']:.2f} s plain {r['plain_user_s']:.2f} s ratio {r['user_ratio']:.2f}; sys portal "
                  f"{r['portal_sys_s']:.2f} s plain {r['plain_sys_s']:.2f} s\n          peak RSS portal {r['portal_peak_mb']:6.0f} MB / plain "
                  f"{r['plain_peak_mb']:6.0f} MB  output portal {r['portal_mb']:6.1f} MB "
                  f"({r['portal_files']:,} files, {r['portal_kb_per_entity']:.1f} KB/entity) / plain "
                  f"{r['plain_mb']:6.1f} MB ({r['plain_files']:,} files)  catalog.json {r['catalog_mb']:.1f} MB",
                  flush=True)
        if len(results) > 1:
            a, b = results[0], results[-1]
            k = b["entities"] / a["entities"]
            print(f"growth x{k:.1f} entities: portal time x{b['portal_s'] / a['portal_s']:.2f}, "
                  f"output x{b['portal_mb'] / a['portal_mb']:.2f}, peak RSS x{b['portal_peak_mb'] / a['portal_peak_mb']:.2f}")
        if args.json:
            print(json.dumps(results, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
