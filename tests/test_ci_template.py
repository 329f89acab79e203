"""The service repos' CI template, run by gitlab-ci-local as a merge request's pipeline would.

A demo repo includes templates/gitlab/lookout-validate.yml with one remote
`include:` (served over HTTP from this checkout) and names the portal; the
job must fail on a change that breaks other repos and leave the Code Quality,
JUnit and Markdown reports behind. gitlab-ci-local runs a job without
`image:` in the shell; it needs rsync and a git remote named origin.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.config import Config
from generator.demo import demo_root
from generator.pipeline import build_catalog
from generator.published import compact_bytes

ROOT = Path(__file__).resolve().parents[1]
GCL = Path(os.environ.get("GITLAB_CI_LOCAL", ROOT / "node_modules" / ".bin" / "gitlab-ci-local"))

_MISSING = not GCL.exists() or shutil.which("rsync") is None
if _MISSING and os.environ.get("CI"):   # .ci/setup installs both: in CI a skip would hide a broken setup
    raise RuntimeError("gitlab-ci-local or rsync is missing in CI; .ci/setup should have installed them")
pytestmark = pytest.mark.skipif(
    _MISSING, reason="gitlab-ci-local (npm, 4.62.0) or rsync is not installed; see docs/validation-catalog.md")


@pytest.fixture(scope="module")
def template_url():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT / "templates"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/gitlab/lookout-validate.yml"
    server.shutdown()
    server.server_close()


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args], cwd=repo,
                   check=True, capture_output=True)


def run_job(repo: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run([str(GCL), "lookout-validate"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600)


def test_template_fails_the_merge_request_that_breaks_other_repos(tmp_path, template_url):
    portal = tmp_path / "portal"
    catalog, _ = build_catalog(Config(), show_progress=False)
    (portal / "api").mkdir(parents=True)
    (portal / "api" / "validate.json.gz").write_bytes(compact_bytes(catalog))
    # CI clones into a folder named after the job, not the repo: the name comes from origin.
    repo = tmp_path / "checkout"
    shutil.copytree(demo_root() / "kafka-platform", repo)
    (repo / ".gitlab-ci.yml").write_text(
        f"include:\n  - remote: {template_url}\nvariables:\n  LOOKOUT_PORTAL_URL: {portal.as_uri()}\n"
        "  LOOKOUT_ARGS: --no-docs\n")  # docs are validate's own tests' business
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", "https://git.example.com/acme/kafka-platform.git")
    msk = repo / ".af" / "msk.tf"
    msk.write_text(msk.read_text().replace('"events-prod"', '"events-prod-2"', 1))  # the injected error
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "rename the cluster")

    proc = run_job(repo)
    assert proc.returncode != 0, proc.stdout[-3000:]
    assert "FAIL" in proc.stdout and "lookout-validate" in proc.stdout
    assert "blast radius: resource:default/events-prod is renamed" in proc.stdout
    quality = json.loads((repo / "gl-code-quality-report.json").read_text())
    assert any(q["severity"] == "major" and q["location"]["path"] == ".af/msk.tf" for q in quality)
    assert '<failure type="error"' in (repo / "lookout-junit.xml").read_text()
    assert (repo / "lookout-report.md").read_text().startswith("### Lookout: `kafka-platform` fails")
