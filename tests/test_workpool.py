"""Per-repo work never hangs the build: recycled, crashed and stuck workers are replaced."""
from __future__ import annotations

import os
import time
from pathlib import Path

from generator import pipeline
from generator.config import ReadConfig
from generator.model import Repo
from generator.techdocs import build as docs_build
from generator.techdocs.build import DocsJob, build_all_docs
from generator.workpool import JobTimeout, WorkerDied, run_jobs


def _docs_repos(root: Path, n: int) -> list[DocsJob]:
    jobs = []
    for i in range(n):
        repo = root / f"svc-{i}"
        (repo / "docs").mkdir(parents=True)
        (repo / "docs/index.md").write_text(f"# Service {i}\n\nHello from {i}.\n")
        jobs.append(DocsJob(f"component:default/svc-{i}", repo.name, repo, ".",
                            f"catalog/default/component/svc-{i}/", f"docs/default/component/svc-{i}",
                            f"svc-{i}", "Component"))
    return jobs


def test_more_docs_sites_than_workers_times_recycling_finishes(tmp_path, monkeypatch):
    # 2 workers retiring after 2 jobs each: 9 sites need the pool to replace
    # its workers at least twice (the Python 3.11 executor hung right here).
    monkeypatch.setattr(docs_build, "MAX_TASKS_PER_WORKER", 2)
    jobs = _docs_repos(tmp_path / "repos", 9)
    problems = build_all_docs(jobs, tmp_path / "site", tmp_path / "cache", workers=2, progress=False)
    assert [p for p in problems if p.severity == "error"] == []
    assert problems.stats.built == 9
    for i in range(9):
        assert (tmp_path / f"site/docs/default/component/svc-{i}/index.html").is_file()


def test_a_docs_build_past_its_time_limit_is_a_problem_naming_the_repo(tmp_path):
    jobs = _docs_repos(tmp_path / "repos", 2)
    for job in jobs:   # a page that takes seconds to build: workers start warm, a small site takes ms
        (job.repo_path / "docs/slow.md").write_text("# Slow\n\n" + "*a* `b` **c** [d](e) " * 40_000 + "\n")
    problems = build_all_docs(jobs, tmp_path / "site", tmp_path / "cache", workers=2, progress=False,
                              timeout=0.5)
    errors = [p for p in problems if p.severity == "error"]
    assert sorted(p.repo for p in errors) == ["svc-0", "svc-1"]
    assert all("longer than" in p.message for p in errors)
    assert not (tmp_path / "site/docs/default/component/svc-0/index.html").exists()


def test_a_stuck_job_is_stopped_and_the_others_finish():
    t0 = time.monotonic()
    out = {job: (res, err) for job, res, err in
           run_jobs(time.sleep, [0.01, 0.02, 60.0, 0.03], workers=2, timeout=2.0)}
    assert time.monotonic() - t0 < 30
    assert isinstance(out[60.0][1], JobTimeout)
    assert all(out[j] == (None, None) for j in (0.01, 0.02, 0.03))


def test_a_worker_that_dies_fails_its_job_alone():
    results = list(run_jobs(os.abort, [1], workers=1, timeout=10, args=lambda j: ()))
    assert isinstance(results[0][2], WorkerDied)
    assert list(run_jobs(abs, [-3, -4], workers=1, timeout=10)) in (
        [(-3, 3, None), (-4, 4, None)], [(-4, 4, None), (-3, 3, None)])


_real_read_one = pipeline._read_one


def _read_stuck_on_r007(repo, cfg, cache_dir):
    if repo.name == "r007":
        time.sleep(300)
    return _real_read_one(repo, cfg, cache_dir)


def test_a_read_past_its_time_limit_is_one_error_and_the_rest_is_read(tmp_path, monkeypatch):
    repos = []
    for i in range(120):   # the pool is used from 100 repos on
        (tmp_path / f"r{i:03d}/.af").mkdir(parents=True)
        (tmp_path / f"r{i:03d}/.af/main.tf").write_text(
            f'resource "aws_sqs_queue" "q" {{\n  name = "queue-{i}"\n}}\n')
        repos.append(Repo(f"r{i:03d}", tmp_path / f"r{i:03d}"))
    slow = repos[7]
    monkeypatch.setattr(pipeline, "_read_one", _read_stuck_on_r007)   # fork: the workers see the patch
    results = pipeline.read_all(repos, ReadConfig(), 2, False, None, timeout=15.0)  # loose: a loaded machine
    # parses slowly, and the first parse in a worker loads the HCL grammar
    assert len(results) == 120
    stuck = results[7][0]
    assert stuck.drafts == [] and len(stuck.problems) == 1
    assert stuck.problems[0].repo == slow.name and "longer than 15 s" in stuck.problems[0].message
    assert all(r.drafts for r, _ in results[:7] + results[8:])


def test_a_pool_whose_supervisor_died_ends_with_an_error_per_job_instead_of_waiting(monkeypatch):
    """The hang seen once: pebble's supervisor thread gone, its workers gone with their jobs,
    nobody left to start new ones or to fail the futures."""
    import pebble.pool.process as pebble_process

    def supervisor_crashes(pool_manager):
        time.sleep(0.3)   # the jobs are scheduled and running by now; then the thread is gone
    monkeypatch.setattr(pebble_process, "pool_manager_loop", supervisor_crashes)
    started = time.monotonic()
    results = list(run_jobs(_exit_later, [1, 2, 3], workers=2, timeout=60))
    assert time.monotonic() - started < 30
    assert sorted(job for job, _, _ in results) == [1, 2, 3]
    assert all(isinstance(err, WorkerDied) and "pool stopped" in str(err) for _, _, err in results)


def _exit_later(code):
    time.sleep(1.0)
    os._exit(code)


def test_workers_start_under_a_temp_folder_too_long_for_the_fork_servers_socket(tmp_path, monkeypatch):
    deep = tmp_path / ("t" * 100)   # a Unix socket's path holds at most 107 bytes
    deep.mkdir()
    monkeypatch.setenv("TMPDIR", str(deep))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)   # tempfile caches the folder it found
    assert list(run_jobs(abs, [-5], workers=1, timeout=60)) == [(-5, 5, None)]


def _touch(path):
    Path(path).write_text("ran")
    return path


def test_jobs_from_a_generator_start_before_the_generator_is_done(tmp_path):
    """The docs stage hands its sites to build as it finds them: the first one runs while
    the rest are still being looked for (here: the generator waits for it to have run)."""
    first = tmp_path / "first"

    def found():
        yield str(first)
        deadline = time.monotonic() + 30
        while not first.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        yield str(tmp_path / "second" if first.exists() else tmp_path / "not-before-the-end")

    done = sorted(Path(res).name for _, res, err in run_jobs(_touch, found(), workers=2, timeout=60))
    assert done == ["first", "second"]
    assert list(run_jobs(_touch, iter(()), workers=2, timeout=60)) == []   # none: no pool at all


def test_docs_sites_found_one_by_one_are_all_built_and_the_cached_ones_placed(tmp_path):
    jobs = _docs_repos(tmp_path / "repos", 5)
    build_all_docs(jobs[:3], tmp_path / "site1", tmp_path / "cache", workers=2, progress=False)
    problems = build_all_docs(jobs, tmp_path / "site2", tmp_path / "cache", workers=2, progress=False)
    assert [p for p in problems if p.severity == "error"] == []
    assert (problems.stats.cached, problems.stats.built) == (3, 2)
    for i in range(5):
        assert f"Hello from {i}." in (tmp_path / f"site2/docs/default/component/svc-{i}/index.html").read_text()


_real_check_cached = pipeline._check_cached


def _check_stuck_on_r009(repos, cfg, cache_dir):
    if any(r.name == "r009" for r in repos):
        time.sleep(300)
    return _real_check_cached(repos, cfg, cache_dir)


def test_a_quiet_read_checks_the_cache_in_batches_and_reads_only_what_changed(tmp_path, monkeypatch):
    repos = []
    for i in range(120):
        (tmp_path / f"r{i:03d}/.af").mkdir(parents=True)
        (tmp_path / f"r{i:03d}/.af/main.tf").write_text(f'resource "aws_sqs_queue" "q" {{\n  name = "queue-{i}"\n}}\n')
        repos.append(Repo(f"r{i:03d}", tmp_path / f"r{i:03d}"))
    cache = tmp_path / "cache"
    first = pipeline.read_all(repos, ReadConfig(), 2, False, cache)
    assert not any(hit for _, hit in first)
    (tmp_path / "r005/.af/main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "changed"\n}\n')
    # The batch holding r009 never answers: its repos are then read one job each, from the cache.
    monkeypatch.setattr(pipeline, "_check_cached", _check_stuck_on_r009)
    again = pipeline.read_all(repos, ReadConfig(), 2, False, cache, timeout=10.0)
    assert [r.name for r, (_, hit) in zip(repos, again, strict=True) if not hit] == ["r005"]
    assert [r.drafts for r, _ in again[:5] + again[6:]] == [r.drafts for r, _ in first[:5] + first[6:]]
    assert again[5][0].drafts != first[5][0].drafts
