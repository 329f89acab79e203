"""Browser tests: the built portal in Debian's Chromium, driven by Playwright.

Session fixtures build the demo portal once (``lookout build`` in a
subprocess, into pytest's temp dir; under xdist the workers share one build
through a file lock), serve it with a threaded ``http.server`` on 127.0.0.1
and launch Chromium by its executable path (no browser download).

Every test gets its page through the ``guard`` fixture, which records console
errors, page errors, dialogs and every request URL, aborts any request that
leaves 127.0.0.1, and FAILS the test at teardown if any of those happened:
this is how "no console error on any page visited" and "no request goes to
any host but the local server" are proven for every test.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from lookout_browser import Catalog, ShadowDiagrams, is_offsite, serve  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"_lookout_rep_{rep.when}", rep)


def require_chromium() -> None:
    # CI sets LOOKOUT_REQUIRE_BROWSER: there, a missing browser is a failure, not a skip.
    missing = pytest.fail if os.environ.get("LOOKOUT_REQUIRE_BROWSER") else pytest.skip
    if not CHROMIUM.exists():
        missing(f"browser tests need Debian's chromium at {CHROMIUM} "
                "(`apt-get install chromium`; `make test` installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("browser tests need the playwright Python package (pip install -r requirements.lock)")


# -- the demo site, built once ---------------------------------------------------------
@contextlib.contextmanager
def _file_lock(path: Path):
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _shared_tmp(tmp_path_factory) -> Path:
    """pytest's temp dir for this run; under xdist, the folder all workers of the run share."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The full demo portal (catalog, entity pages, docs, Pagefind), built by `lookout build`."""
    require_chromium()
    prebuilt = os.environ.get("LOOKOUT_BROWSER_SITE")
    if prebuilt:  # test a site built elsewhere (`lookout build --out DIR`), e.g. while debugging
        if not (Path(prebuilt) / "index.html").is_file():
            pytest.fail(f"LOOKOUT_BROWSER_SITE={prebuilt} is not a built portal (no index.html)", pytrace=False)
        return Path(prebuilt)
    root = _shared_tmp(tmp_path_factory)
    out = root / "lookout-demo" / "site"
    done = root / "lookout-demo" / "built.ok"
    (root / "lookout-demo").mkdir(parents=True, exist_ok=True)
    with _file_lock(root / "lookout-demo.lock"):
        if not done.exists():
            # A fresh docs cache: the suite tests this tree's code, not what an earlier build cached.
            cfg = root / "lookout-demo" / "lookout.yaml"
            cfg.write_text(f"cache_dir: {json.dumps(str(root / 'lookout-demo' / 'cache'))}\n")
            cmd = [sys.executable, "-m", "generator.cli", "build", "--config", str(cfg), "--out", str(out),
                   "--catalog-out", str(root / "lookout-demo" / "catalog.json")]
            res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600,
                                 env={**os.environ, "NO_COLOR": "1"})
            if res.returncode != 0 or not (out / "index.html").is_file():
                pytest.fail(f"`lookout build` of the demo org failed ({res.returncode}):\n"
                            f"{res.stdout[-4000:]}\n{res.stderr[-4000:]}", pytrace=False)
            done.write_text("ok\n")
    return out


@pytest.fixture(scope="session")
def server(demo_site):
    with serve(demo_site) as srv:
        yield srv


# -- the browser ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Guard:
    """What a page did: console errors, page errors, dialogs, requests (and which left the site)."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.offsite: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda err: self.page_errors.append(f"{err} (on {page.url})"))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _console(self, msg):
        if msg.type == "error":
            loc = msg.location or {}
            self.console_errors.append(f"{msg.text} (at {loc.get('url', '?')}:{loc.get('lineNumber', '?')}, "
                                       f"page {self.page.url})")

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message!r} (on {self.page.url})")
        with contextlib.suppress(Exception):
            dialog.dismiss()

    def _request(self, request):
        url = request.url
        self.requests.append(url)
        if is_offsite(url):
            self.offsite.append(url)

    def problems(self) -> list[str]:
        out = [f"console error: {e}" for e in self.console_errors]
        out += [f"page error: {e}" for e in self.page_errors]
        out += [f"dialog opened: {d}" for d in self.dialogs]
        out += [f"request left the site: {u}" for u in self.offsite]
        return out

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "the pages visited were not clean:\n  " + "\n  ".join(problems)


@pytest.fixture
def guard(browser, request):
    """A fresh context and page, watched; the test fails at teardown if the page misbehaved."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    # Nothing leaves 127.0.0.1: such a request is recorded (the 'request' event) and aborted, so a
    # CI machine with a network fails the same way as a closed one, and fast.
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/)(?!data:)(?!blob:)"),
                  lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    g = Guard(page)
    try:
        yield g
    finally:
        context.close()
    rep = getattr(request.node, "_lookout_rep_call", None)
    if rep is not None and hasattr(rep, "wasxfail"):
        return  # an expected failure (a known bug): the test body already reported it
    g.assert_clean()


@pytest.fixture
def page(guard):
    return guard.page


@pytest.fixture(scope="session")
def catalog(server) -> Catalog:
    import urllib.request

    with urllib.request.urlopen(server.url("/api/catalog.json"), timeout=30) as resp:
        return Catalog(json.loads(resp.read().decode("utf-8")))


@pytest.fixture
def shadow(page):
    return ShadowDiagrams(page)


