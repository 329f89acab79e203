"""Benchmark: `lookout build` of a generated org at scale, night by night.

    .venv/bin/python bench/bench_scale.py --size M        # make bench (SIZE=M by default)
    .venv/bin/python bench/bench_scale.py --size L --repeat 1

Generates the org with `lookout demo generate` (kept in --work, keyed by its
parameters and the generator's code, so a second run starts at once),
copies it (scenarios edit repos; the cached org is never touched), then
runs the whole build in a child process, four scenarios:

    cold         empty cache, no site
    nothing      nothing changed since the last build
    one repo     one service repo changed (module, a resource, a docs page)
    1% repos     1% of the repos changed the same way

For each: the wall time of every stage (the pipeline's own Timings, plus
total), the peak memory of the build's whole process tree (sampled from
/proc every 0.1 s, workers included: PSS summed, the memory the tree
uses, and RSS summed, which counts the pages forked workers share with
their parent once per process), and
the published site's bytes and files. "total" is the build as the build
measures itself, "wall s" the child process from start to exit (Python's
start-up and imports included). Warm scenarios repeat (--repeat),
changing different repos each time, and report medians (peak memory: the highest
of the runs). In the same run,
the baseline: a plain `mkdocs build` of as many minimal pages (entities +
docs pages) kept out of the nav, and the ratio cold / plain. A table is
printed and the figures are written as JSON (--json).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_portal import plain_yml  # noqa: E402

SIZES = {"S": dict(repos=100, resources=2500, docs_pages=8),
         "M": dict(repos=1000, resources=25_000, docs_pages=8),
         "L": dict(repos=1000, resources=250_000, docs_pages=8)}
SCENARIOS = ("cold", "nothing", "one repo", "1% repos")
# The child: the same build `lookout build --repos ORG --out SITE` runs, with its Timings as JSON on stdout.
CHILD = """
import json, sys, time
from pathlib import Path
from generator.build import build
from generator.config import Config
from generator.gcpolicy import ending_with_the_build, hard_exit
t0 = time.perf_counter()
ending_with_the_build()
cfg = Config(repos_dirs=[Path(sys.argv[1])], cache_dir=Path(sys.argv[3]))
report = build(cfg, Path(sys.argv[2]), catalog_out=Path(sys.argv[3]) / "catalog.json", progress=False)
stages = dict(report.timings.stages)
stages["other"] = time.perf_counter() - t0 - sum(stages.values())   # imports, publishing, the rest
stages["total"] = time.perf_counter() - t0
print("LOOKOUT-BENCH " + json.dumps({"stages": stages, "parallel": report.timings.parallel, "entities": report.entities,
      "docs_sites": report.docs_sites, "cached_repos": report.timings.cached_repos}))
hard_exit(0)   # as `lookout build` ends (generator/cli.py run)
"""


class TreeMemory:
    """Peak of the summed RSS and PSS of a process and all its descendants, sampled from
    /proc; and the CPU seconds they used (each process's last sample: one shorter than an
    interval is missed). CPU seconds over the cores is the least wall time the build could take.

    RSS (statm) costs nothing to read and is sampled every ``interval``. PSS does not: the
    kernel walks the process's page tables for ``smaps_rollup``, 89 ms of CPU for a process
    of 3.4 GB (measured). Sampled as often as RSS, at L the sampler took most of a core of
    the two the build runs on; so a PSS sample waits until the last one's cost is at most
    ``PSS_SHARE`` of the time since (and is taken at once when RSS reaches a new peak and
    that allows it). The PSS peak of a build lasts seconds (the catalog held in memory), not
    tenths of one."""

    PSS_SHARE = 0.05

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak, self.peak_rss = pid, interval, 0, 0
        self._cpu: dict[int, float] = {}   # pid -> user + system seconds, at its last sample
        self._tick = os.sysconf("SC_CLK_TCK")
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def tree(self) -> list[int]:
        """The process and its descendants, now; their CPU seconds recorded."""
        children: dict[int, list[int]] = {}
        cpu: dict[int, float] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    # The command name may hold spaces and parentheses: ppid is after the last ')'.
                    fields = fh.read().rsplit(b")", 1)[1].split()
                ppid = int(fields[1])
                cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self._tick   # utime + stime
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            if pid in cpu:
                self._cpu[pid] = cpu[pid]
                pids.append(pid)
        return pids

    def rss(self, pids: list[int]) -> int:
        """RSS of ``pids``, summed: a page shared by forked workers (copy on write) counts
        once per process."""
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    total += int(fh.read().split()[1]) * self._page
            except (OSError, IndexError, ValueError):
                pass
        return total

    def pss(self, pids: list[int]) -> int:
        """PSS of ``pids``, summed: shared pages divided among them, the memory the build uses."""
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                    for line in fh:
                        if line.startswith(b"Pss:"):
                            total += int(line.split()[1]) * 1024
                            break
            except (OSError, IndexError, ValueError):
                pass
        return total

    def _run(self) -> None:
        last_pss_at, last_pss_cost = 0.0, 0.0
        while not self._stop.is_set():
            pids = self.tree()
            rss = self.rss(pids)
            new_peak = rss > self.peak_rss
            self.peak_rss = max(self.peak_rss, rss)
            now = time.perf_counter()
            if last_pss_cost <= self.PSS_SHARE * (now - last_pss_at) and (new_peak or last_pss_at == 0.0
                                                                          or now - last_pss_at >= 1.0):
                self.peak = max(self.peak, self.pss(pids))
                last_pss_at, last_pss_cost = now, time.perf_counter() - now
            self._stop.wait(self.interval)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())


def tree_size(path: Path) -> tuple[int, int]:
    files = nbytes = 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            files += 1
            nbytes += os.lstat(os.path.join(dirpath, n)).st_size
    return nbytes, files


def run_build(org: Path, site: Path, cache: Path) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(org), str(site), str(cache)], cwd=str(REPO),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{err.decode(errors='replace')[-4000:]}")
    line = next(ln for ln in out.decode().splitlines() if ln.startswith("LOOKOUT-BENCH "))
    result = json.loads(line.split(" ", 1)[1])
    result["wall"] = wall
    result["peak_bytes"] = mem.peak
    result["peak_rss_bytes"] = mem.peak_rss
    result["cpu_s"] = mem.cpu_seconds
    result["site_bytes"], result["site_files"] = tree_size(site)
    return result


def generated_org(work: Path, params: dict, seed: int) -> Path:
    """The org for these parameters, generated once and kept (keyed by the generator's code too)."""
    code = hashlib.sha256()
    for f in sorted((REPO / "generator" / "demo").glob("generate*.py")):
        code.update(f.read_bytes())
    key = f"{params['repos']}r-{params['resources']}res-{params['docs_pages']}p-seed{seed}-{code.hexdigest()[:10]}"
    org = work / "orgs" / key
    if not org.is_dir():
        tmp = work / "orgs" / f".{key}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator.cli", "demo", "generate", str(tmp),
                        "--repos", str(params["repos"]), "--resources", str(params["resources"]),
                        "--docs-pages", str(params["docs_pages"]), "--seed", str(seed)],
                       cwd=str(REPO), check=True, stdout=subprocess.DEVNULL)
        os.replace(tmp, org)
        print(f"generated {org} in {time.perf_counter() - t0:.1f} s", flush=True)
    return org


def change_repo(repo: Path, night: int) -> None:
    """What a day of work does to a repo: the module's description, one more resource, a docs edit."""
    af = repo / ".af"
    service = af / "service.tf"
    text = service.read_text()
    service.write_text(text.replace('description        = "', f'description        = "(rev {night}) ', 1))
    with open(af / f"night-{night}.tf", "w") as fh:
        fh.write(f'resource "aws_sqs_queue" "night_{night}" {{\n  name = "${{local.prefix}}-night-{night}"\n'
                 "  tags = local.tags\n}\n")
    index = repo / "docs" / "index.md"
    if index.is_file():
        with open(index, "a") as fh:
            fh.write(f"\nChanged on night {night}: the retry budget is now {night + 3} attempts.\n")


def service_repos(org: Path) -> list[Path]:
    return sorted(p for p in org.iterdir() if (p / ".af" / "service.tf").is_file() and "platform" not in p.name)


def baseline(work: Path, pages: int) -> dict:
    plain = work / "plain"
    docs = plain / "docs" / "pages"
    if not (plain / "mkdocs.yml").is_file() or len(os.listdir(docs)) != pages:
        shutil.rmtree(plain, ignore_errors=True)
        docs.mkdir(parents=True)
        (plain / "docs" / "index.md").write_text("# Home\n\nA plain site.\n")
        for i in range(pages):
            (docs / f"p{i:06d}.md").write_text(f"# Page {i}\n\nA minimal page, number {i}, with *some* text.\n")
        (plain / "mkdocs.yml").write_text(plain_yml())
    shutil.rmtree(plain / "site", ignore_errors=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml"),
                             "-d", str(plain / "site")], env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeMemory(proc.pid) as mem:
        _, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"plain mkdocs build failed:\n{err.decode()[-3000:]}")
    wall = time.perf_counter() - t0
    nbytes, files = tree_size(plain / "site")
    shutil.rmtree(plain / "site", ignore_errors=True)
    return {"pages": pages, "wall": wall, "cpu_s": mem.cpu_seconds, "peak_bytes": mem.peak,
            "peak_rss_bytes": mem.peak_rss, "site_bytes": nbytes, "site_files": files}


def median_run(runs: list[dict]) -> dict:
    stages = sorted({k for r in runs for k in r["stages"]}, key=lambda k: min(
        list(r["stages"]).index(k) if k in r["stages"] else 99 for r in runs))
    return {"runs": len(runs), "wall": statistics.median(r["wall"] for r in runs),
            "stages": {k: statistics.median(r["stages"].get(k, 0.0) for r in runs) for k in stages},
            # the parts of "site+search", each one's own seconds
            "parallel": {k: statistics.median(r.get("parallel", {}).get(k, 0.0) for r in runs)
                         for k in sorted({k for r in runs for k in r.get("parallel", {})})},
            "peak_bytes": max(r["peak_bytes"] for r in runs),
            "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
            "cpu_s": statistics.median(r.get("cpu_s", 0.0) for r in runs),
            "site_bytes": runs[-1]["site_bytes"], "site_files": runs[-1]["site_files"],
            "entities": runs[-1]["entities"], "docs_sites": runs[-1]["docs_sites"],
            "cached_repos": statistics.median(r["cached_repos"] for r in runs)}


def table(results: dict) -> str:
    rows = results["scenarios"]
    stages = []
    for r in rows.values():
        stages += [k for k in r["stages"] if k not in stages]
    head = ["scenario", "runs", *stages, "wall s", "CPU s", "peak PSS MiB", "peak RSS MiB", "site MiB", "files"]
    lines = [head]
    for name, r in rows.items():
        lines.append([name, str(r["runs"]), *(f"{r['stages'].get(k, 0):.1f}" for k in stages),
                      f"{r['wall']:.1f}", f"{r.get('cpu_s', 0):.1f}", f"{r['peak_bytes'] / 2**20:.0f}",
                      f"{r['peak_rss_bytes'] / 2**20:.0f}", f"{r['site_bytes'] / 2**20:.0f}", f"{r['site_files']:,}"])
    b = results["baseline"]
    lines.append(["plain mkdocs", "1", *("" for _ in stages), f"{b['wall']:.1f}", f"{b.get('cpu_s', 0):.1f}",
                  f"{b['peak_bytes'] / 2**20:.0f}",
                  f"{b.get('peak_rss_bytes', 0) / 2**20:.0f}",
                  f"{b['site_bytes'] / 2**20:.0f}", f"{b['site_files']:,}"])
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
                     for row in lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="M")
    ap.add_argument("--repos", type=int)
    ap.add_argument("--resources", type=int)
    ap.add_argument("--docs-pages", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each warm scenario (medians)")
    ap.add_argument("--work", type=Path, default=REPO / ".bench-cache", help="orgs, builds and results live here")
    ap.add_argument("--json", type=Path, help="results file (default: WORK/bench-scale-SIZE.json)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--browser", action="store_true",
                    help="then measure the built site in Chromium (bench/bench_browser.py: owner filter, "
                         "a resource page, a search query's transfer)")
    a = ap.parse_args(argv)
    params = dict(SIZES[a.size])
    for k in ("repos", "resources", "docs_pages"):
        if getattr(a, k) is not None:
            params[k] = getattr(a, k)
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    org_src = generated_org(work, params, a.seed)
    run_dir = work / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    t0 = time.perf_counter()
    shutil.copytree(org_src, run_dir / "org")
    print(f"copied the org in {time.perf_counter() - t0:.1f} s; building in {run_dir}", flush=True)
    org, site, cache = run_dir / "org", run_dir / "site", run_dir / "cache"
    repos = service_repos(org)
    per_night = max(1, round(params["repos"] / 100))
    # The load average says how far to trust the figures on a shared machine.
    results: dict = {"params": {**params, "seed": a.seed, "repeat": a.repeat}, "machine": {
        "cpus": os.cpu_count(), "python": sys.version.split()[0], "load_before": os.getloadavg()},
        "scenarios": {}}
    night = 0
    for scenario in SCENARIOS:
        runs = []
        for _ in range(1 if scenario == "cold" else a.repeat):
            if scenario in ("one repo", "1% repos"):
                for _ in range(1 if scenario == "one repo" else per_night):
                    change_repo(repos[(night * 37) % len(repos)], night)
                    night += 1
            r = run_build(org, site, cache)
            runs.append(r)
            side = " and ".join(f"{k} {v:.1f}" for k, v in r.get("parallel", {}).items())
            print(f"  {scenario}: {r['wall']:.1f} s ({r['cpu_s']:.1f} CPU s), peak {r['peak_bytes'] / 2**20:.0f} MiB PSS "
                  f"({r['peak_rss_bytes'] / 2**20:.0f} MiB RSS), "
                  + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
                  + (f" ({side} side by side)" if side else ""), flush=True)
        results["scenarios"][scenario] = median_run(runs)
    cold = results["scenarios"]["cold"]
    results["machine"]["load_after"] = os.getloadavg()
    if not a.no_baseline:
        pages = cold["entities"] + params["docs_pages"] * cold["docs_sites"]
        results["baseline"] = baseline(work, pages)
        results["ratio_cold_to_plain"] = cold["wall"] / results["baseline"]["wall"]
    else:
        results["baseline"] = {"wall": float("nan"), "peak_bytes": 0, "peak_rss_bytes": 0, "site_bytes": 0,
                               "site_files": 0, "pages": 0}
    print(f"\norg: {params['repos']} repos, {params['resources']} resource blocks, {params['docs_pages']} docs pages "
          f"a site, seed {a.seed}: {cold['entities']:,} entities, {cold['docs_sites']} docs sites; "
          f"{os.cpu_count()} CPUs (load average {results['machine']['load_before'][1]:.1f} before, "
          f"{results['machine']['load_after'][1]:.1f} after); warm scenarios: median of {a.repeat}; "
          f"1% = {per_night} repos")
    print(table(results))
    if "ratio_cold_to_plain" in results:
        b = results["baseline"]
        print(f"baseline: plain `mkdocs build` of {b['pages']:,} minimal pages out of the nav, {b['wall']:.1f} s; "
              f"cold build / plain = {results['ratio_cold_to_plain']:.2f}")
    custom = any(getattr(a, k) is not None for k in ("repos", "resources", "docs_pages"))
    if a.browser:
        from bench.bench_browser import pick, report, run
        owner, resource, ns, _ = pick(site)
        results["browser"] = {"owner": owner, "resource": resource,
                              **run(site, owner, resource, ns, "kafka", max(3, a.repeat))}
        print(report(results["browser"], cold["entities"], "kafka"))
    out = a.json or work / f"bench-scale-{'custom' if custom else a.size}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {out}")
    shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
