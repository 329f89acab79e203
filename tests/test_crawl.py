"""crawl: folders of checkouts, and a manifest of git URLs cloned shallowly."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from generator.crawl import CrawlError, crawl_manifest, repos_in_folder

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True,
                          text=True).stdout.strip()


def make_bare(tmp: Path, name: str, files: dict[str, str]) -> tuple[Path, str]:
    work = tmp / "work" / name
    work.mkdir(parents=True)
    for rel, text in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    git("init", "-q", "-b", "main", cwd=work)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "init", cwd=work)
    bare = tmp / "remote" / f"{name}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp)
    return bare, git("rev-parse", "HEAD", cwd=work)


def test_folder_of_checkouts(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "file.txt").write_text("x")
    git("init", "-q", cwd=tmp_path / "a")
    (tmp_path / "a" / "x").write_text("x")
    git("add", "x", cwd=tmp_path / "a")
    git("commit", "-q", "-m", "x", cwd=tmp_path / "a")
    repos = repos_in_folder(tmp_path)
    assert [r.name for r in repos] == ["a", "b"]
    assert repos[0].commit and len(repos[0].commit) == 40
    assert repos[1].commit is None


def test_manifest_clones_then_fetches_shallowly(tmp_path):
    bare, head = make_bare(tmp_path, "orders", {".af/service.tf": "# v1\n"})
    manifest = tmp_path / "repos.yaml"
    manifest.write_text(f"repos:\n  - url: file://{bare}\n    ref: main\n    web_url: https://git.example/orders\n")
    cache = tmp_path / "cache"
    repos, errors = crawl_manifest(manifest, cache)
    assert errors == []
    assert [(r.name, r.commit, r.web_url) for r in repos] == [("orders", head, "https://git.example/orders")]
    assert (cache / "orders" / ".af" / "service.tf").read_text() == "# v1\n"
    assert git("rev-list", "--count", "HEAD", cwd=cache / "orders") == "1"  # shallow

    # A new commit upstream is fetched on the next crawl.
    work = tmp_path / "clone2"
    git("clone", "-q", str(bare), str(work), cwd=tmp_path)
    (work / ".af" / "service.tf").write_text("# v2\n")
    git("commit", "-qam", "v2", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    repos, errors = crawl_manifest(manifest, cache)
    assert errors == [] and repos[0].commit == git("rev-parse", "HEAD", cwd=work)
    assert (cache / "orders" / ".af" / "service.tf").read_text() == "# v2\n"


def test_a_repo_that_cannot_be_cloned_is_reported_and_the_rest_goes_on(tmp_path):
    bare, _ = make_bare(tmp_path, "good", {"README": "x"})
    manifest = tmp_path / "m.yaml"
    manifest.write_text(f"- file://{tmp_path}/missing.git\n- file://{bare}\n")
    repos, errors = crawl_manifest(manifest, tmp_path / "cache")
    assert [r.name for r in repos] == ["good"]
    assert len(errors) == 1 and "missing" in errors[0]


def test_manifest_names_must_be_safe_folder_names(tmp_path):
    manifest = tmp_path / "m.yaml"
    manifest.write_text("- url: file:///x.git\n  name: ../../etc\n")
    with pytest.raises(CrawlError, match="safe folder name"):
        crawl_manifest(manifest, tmp_path / "cache")
