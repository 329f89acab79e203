"""Lookout as a package: the wheel, installed into a fresh venv outside the checkout, builds
and serves the demo portal with nothing from the checkout (no theme/, no site_src/, no
node_modules) and leaves nothing in the temp folder.

Fast and offline: the wheel is built without build isolation (setuptools is a test
dependency), installed with --no-deps, and the fresh venv borrows this venv's installed
dependencies through a .pth file (a plain path: the checkout's editable-install hook in
that folder is not run, so ``generator`` can only come from the wheel).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from lookout_browser import entity_path, serve, shoot, wait_rendered_diagram

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
COMPONENT = "component:default/checkout-service"


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300, **kw)
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def _source_tree(dest: Path) -> Path:
    """What git would ship (tracked and new, unignored files): a wheel must not need anything else."""
    files = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO).stdout
    for rel in filter(None, files.split("\0")):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not shutil.which("git"):
        pytest.skip("needs git to list the source tree")
    base = tmp_path_factory.mktemp("wheel")
    src = _source_tree(base / "src")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
          "-w", base / "dist", src])
    wheel = next((base / "dist").glob("lookout-*.whl"))
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    py = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-deps", "--no-index", wheel])
    purelib = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (purelib / "_lookout_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = base / "work"     # outside the checkout, no lookout.yaml: the embedded demo
    work.mkdir()
    tmp = Path(tempfile.mkdtemp(prefix="lk-"))   # short: multiprocessing's socket paths live under TMPDIR
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LOOKOUT_"))}
    env.update(TMPDIR=str(tmp), NO_MKDOCS_2_WARNING="1")
    yield {"venv": venv, "py": py, "bin": venv / "bin", "work": work, "tmp": tmp, "env": env,
            "purelib": purelib}
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def installed_site(installed):
    i = installed
    proc = _run([i["bin"] / "lookout", "build", "--out", "site"], cwd=i["work"], env=i["env"])
    return {"site": i["work"] / "site", "output": proc.stdout + proc.stderr}


def test_the_wheel_carries_everything_and_nothing_comes_from_the_checkout(installed):
    i = installed
    where = _run([i["py"], "-c", "import generator; print(generator.__file__)"], cwd=i["work"], env=i["env"])
    assert Path(where.stdout.strip()).is_relative_to(i["purelib"])
    pkg = i["purelib"] / "generator"
    for rel in ("theme/main.html", "theme/techdocs/main.html", "theme/lookout/entity.html",
                "theme/assets/lookout/lookout.css", "site_src/mkdocs.yml", "site_src/docs",
                "portal/vendor/mermaid.min.js", "portal/vendor/mermaid.LICENSE", "demo/README.md",
                "demo/org/org/groups.yaml", "demo/org/checkout-service/.af/service.tf"):
        assert (pkg / rel).exists(), f"the wheel lacks generator/{rel}"
    config = _run([i["bin"] / "lookout", "mkdocs-config"], cwd=i["work"], env=i["env"]).stdout.strip()
    assert Path(config) == pkg / "site_src" / "mkdocs.yml"


def test_installed_lookout_builds_the_demo_portal_and_leaves_no_temp_files(installed, installed_site):
    site = installed_site["site"]
    assert "demo" in installed_site["output"]
    for rel in ("index.html", "catalog/index.html", "problems/index.html", "teams/index.html",
                "catalog/default/component/checkout-service/index.html",
                "docs/default/component/checkout-service/index.html", "pagefind/pagefind.js",
                "assets/stylesheets", "api/catalog.json"):
        assert (site / rel).exists(), f"the installed build has no {rel}"
    served = site / "assets/lookout/mermaid.min.js"
    assert served.read_bytes() == (REPO / "generator/portal/vendor/mermaid.min.js").read_bytes()
    assert list(installed["tmp"].iterdir()) == [], "lookout build left files in the temp folder"
    # validate builds the repo's docs too (docs workers, a scratch site): nothing may stay behind.
    repo = installed["purelib"] / "generator/demo/org/ledger-service"
    proc = subprocess.run([installed["bin"] / "lookout", "validate", repo, "--catalog", site / "api/catalog.json"],
                          cwd=installed["work"], env=installed["env"], capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert list(installed["tmp"].iterdir()) == [], "lookout validate left files in the temp folder"


def test_mkdocs_serve_of_the_installed_portal(installed, installed_site):
    i = installed
    _run([i["bin"] / "lookout", "catalog"], cwd=i["work"], env=i["env"])   # build/catalog.json, here
    config = _run([i["bin"] / "lookout", "mkdocs-config"], cwd=i["work"], env=i["env"]).stdout.strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([i["py"], "-m", "mkdocs", "serve", "--no-livereload", "-f", config,
                             "-a", f"127.0.0.1:{port}"], cwd=i["work"], env=i["env"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/catalog/default/component/"
                                            "checkout-service/", timeout=2) as resp:
                    body = resp.read().decode()
                break
            except OSError:
                time.sleep(0.3)
        assert "checkout-service" in body, proc.stdout.read() if proc.poll() is not None else "no answer"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_installed_portal_in_the_browser(installed_site, page):
    with serve(installed_site["site"]) as server:
        page.goto(server.url(entity_path(COMPONENT)))
        wait_rendered_diagram(page, "#relation-diagram")   # drawn by the served mermaid (no CDN: the guard)
        page.goto(server.url("/docs/default/component/checkout-service/"))
        assert page.locator(".lookout-docs-banner").is_visible()
        shoot(page, "installed-package-entity")
