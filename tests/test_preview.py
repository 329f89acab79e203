"""`lookout preview` inside a service repo: its entity pages and docs, as the portal shows them."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from generator.build import publish
from generator.catalog_json import to_json_bytes
from generator.config import Config
from generator.demo import demo_root
from generator.entity.refs import entity_ref
from generator.model import Repo
from generator.pipeline import build_catalog
from generator.preview import preview_catalog


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    catalog, _ = build_catalog(Config(), show_progress=False)
    path = tmp_path_factory.mktemp("pub") / "catalog.json"
    path.write_bytes(to_json_bytes(catalog))
    import json
    return path, json.loads(path.read_bytes())


def test_preview_resolves_against_the_published_catalog(tmp_path, published):
    _, doc = published
    repo_path = tmp_path / "ledger-service"
    shutil.copytree(demo_root() / "ledger-service", repo_path)
    repo = Repo("ledger-service", repo_path)
    alone = preview_catalog(repo, Config(), None)
    assert any("dangling" in p.message or "ownerless" in p.message for p in alone.problems)

    cat = preview_catalog(repo, Config(), doc)
    refs = {entity_ref(e) for e in cat.entities}
    assert "component:default/ledger-service" in refs
    assert "group:default/payments-ledger" in refs            # its owner, a neighbour
    assert len(refs) < len(doc["entities"]) / 2               # not the whole org
    assert not [p for p in cat.problems if "dangling" in p.message]
    for e in cat.entities:                                    # every link leads somewhere
        assert all(r["targetRef"] in refs for r in e["relations"])


def test_preview_site_has_the_entity_page_and_docs(tmp_path, published):
    _, doc = published
    repo_path = tmp_path / "ledger-service"
    shutil.copytree(demo_root() / "ledger-service", repo_path)
    repo = Repo("ledger-service", repo_path)
    cfg = Config(cache_dir=tmp_path / "cache")
    report = publish(preview_catalog(repo, cfg, doc), [repo], cfg, tmp_path / "site", progress=False,
                     search=False)
    site = tmp_path / "site"
    assert report.docs_sites == 1
    assert (site / "catalog/default/component/ledger-service/index.html").is_file()
    assert "nightly quiesce window" in (site / "docs/default/component/ledger-service/operations/index.html").read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lookout_preview_serves_reloads_on_change_and_leaves_no_temp_files(tmp_path, published):
    catalog_path, _ = published
    repo_path = tmp_path / "ledger-service"
    shutil.copytree(demo_root() / "ledger-service", repo_path)
    # A short path of its own: multiprocessing's socket paths under TMPDIR must stay < 108 bytes.
    tmpdir = Path(tempfile.mkdtemp(prefix="lk-"))
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "preview", str(repo_path), "--catalog",
                             str(catalog_path), "--port", str(port)], cwd=repo_path,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmpdir)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            # Ctrl+C as a terminal's user sends it, even when this test runs in a
                            # shell's background job (which ignores SIGINT, and so would the preview).
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    url = f"http://127.0.0.1:{port}/docs/default/component/ledger-service/operations/"

    def fetch() -> str | None:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.read().decode()
        except OSError:
            return None

    try:
        deadline = time.monotonic() + 60
        while (page := fetch()) is None and time.monotonic() < deadline:
            time.sleep(0.3)
        if page is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            pytest.fail(f"the preview never served:\n{proc.communicate(timeout=20)[0].decode()}")
        assert "nightly quiesce window" in page
        ops = repo_path / "docs" / "operations.md"
        ops.write_text(ops.read_text() + "\n\nThe preview picked up this sentence.\n")
        deadline = time.monotonic() + 60
        while "picked up this sentence" not in (fetch() or "") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "picked up this sentence" in (fetch() or "")
        assert list(tmpdir.iterdir()), "the preview site lives in the temp folder while it runs"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    left = list(tmpdir.iterdir())
    shutil.rmtree(tmpdir, ignore_errors=True)
    assert left == [], "lookout preview left files in the temp folder"
