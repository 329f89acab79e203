"""Helpers for the browser tests (imported by conftest.py and the test modules)."""
from __future__ import annotations

import contextlib
import functools
import html
import http.server
import os
import re
import shutil
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
README_SCREENSHOTS = REPO / "docs" / "screenshots"
# screenshot name -> file name under docs/screenshots (shown by the README)
README_SHOTS = {"home": "home.png", "resource-events-prod": "resource.png"}

# Origins of the servers this session started; any other origin is "off-site".
_ORIGINS: set[str] = set()


# -- serving --------------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                      ".json": "application/json", ".svg": "image/svg+xml"}

    def log_message(self, *args):  # quiet
        pass


class SiteServer:
    """A static site on 127.0.0.1:<free port>, served from a background thread."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     functools.partial(_Handler, directory=str(self.root)))
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=f"site {self.origin}", daemon=True)
        self.thread.start()
        _ORIGINS.add(self.origin)

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def close(self) -> None:
        _ORIGINS.discard(self.origin)
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@contextlib.contextmanager
def serve(root: Path):
    srv = SiteServer(root)
    try:
        yield srv
    finally:
        srv.close()


def is_offsite(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False  # not a network request
    return f"{parts.scheme}://{parts.netloc}" not in _ORIGINS


# -- the catalog, as the site publishes it ---------------------------------------------
def ref_of(ent: dict) -> str:
    m = ent["metadata"]
    return f"{ent['kind']}:{m.get('namespace') or 'default'}/{m['name']}".lower()


def entity_path(ref: str) -> str:
    kind, rest = ref.split(":", 1)
    ns, name = rest.split("/", 1)
    return f"/catalog/{ns}/{kind}/{name}/"


class Catalog:
    """/api/catalog.json of a served site, with the few questions the tests ask of it."""

    def __init__(self, data: dict):
        self.data = data
        self.entities = {ref_of(e): e for e in data["entities"]}

    def kind_counts(self) -> Counter:
        return Counter(e["kind"].lower() for e in self.data["entities"])

    def rel(self, ref: str, rtype: str) -> list[str]:
        return [r["targetRef"].lower() for r in self.entities[ref].get("relations") or []
                if r.get("type") == rtype and r.get("targetRef", "").lower() in self.entities]

    def owner(self, ref: str) -> str | None:
        owners = self.rel(ref, "ownedBy")
        return owners[0] if owners else None

    def title(self, ref: str) -> str:
        """What the portal shows: the title, else a Group's or User's display name, else the name."""
        e = self.entities[ref]
        display = (e.get("spec", {}).get("profile") or {}).get("displayName") if e["kind"] in ("Group", "User") else None
        return e["metadata"].get("title") or display or e["metadata"]["name"]

    def subgroups(self, group: str) -> list[str]:
        """Every group below ``group``, transitively (parentOf)."""
        out, todo = [], [group]
        while todo:
            for child in self.rel(todo.pop(), "parentOf"):
                if child not in out and child != group:
                    out.append(child)
                    todo.append(child)
        return out

    def owned_by(self, group: str, include_subgroups: bool = True) -> set[str]:
        owners = {group} | (set(self.subgroups(group)) if include_subgroups else set())
        return {ref for ref in self.entities if self.owner(ref) in owners}

    def of_kind(self, kind: str) -> list[str]:
        return [ref for ref, e in self.entities.items() if e["kind"].lower() == kind.lower()]


# -- helpers shared by the tests ---------------------------------------------------------
def shoot(page, name: str, *, full_page: bool = False) -> Path:
    """Screenshot into artifacts/screenshots/; the README's ones also into docs/screenshots/
    when LOOKOUT_UPDATE_SCREENSHOTS=1 or when the file is not there yet."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    if name in README_SHOTS:
        dest = README_SCREENSHOTS / README_SHOTS[name]
        if os.environ.get("LOOKOUT_UPDATE_SCREENSHOTS") == "1" or not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    return path


def number(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def mermaid_source(page, url: str, container: str) -> str:
    """The mermaid text a page ships inside ``container`` (read from the served HTML, as the
    browser replaces the <pre class="mermaid"> once it is drawn)."""
    body = page.request.get(url).text()
    start = body.find(f'id="{container}"') if container else 0
    m = re.search(r'<pre class="mermaid"><code>(.*?)</code></pre>', body[max(start, 0):], re.S)
    assert m, f"no mermaid source in {url} ({container})"
    return html.unescape(m.group(1))


class ShadowDiagrams:
    """Material draws each mermaid diagram inside a CLOSED shadow root, which page scripts and
    Playwright selectors cannot enter. The DevTools protocol can: DOM.getDocument(pierce=true)
    lists closed shadow roots too, and Runtime.callFunctionOn runs a function with one as `this`.
    Nothing on the page is changed; the test then clicks with the real mouse at the coordinates
    found there (after checking by hit-testing inside the shadow root what is under them)."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)

    def roots(self, within: str) -> list[str]:
        """objectIds of closed shadow roots whose host is inside the element matching ``within``."""
        doc = self.cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        found = []

        def walk(node):
            for sr in node.get("shadowRoots") or ():
                if sr.get("shadowRootType") == "closed":
                    found.append((node["backendNodeId"], sr["backendNodeId"]))
                walk(sr)
            for child in node.get("children") or ():
                walk(child)

        walk(doc["root"])
        out = []
        for host_id, root_id in found:
            host = self.cdp.send("DOM.resolveNode", {"backendNodeId": host_id})["object"]["objectId"]
            inside = self.call(host, "function (sel) { return !!this.closest(sel); }", within)
            if inside:
                out.append(self.cdp.send("DOM.resolveNode", {"backendNodeId": root_id})["object"]["objectId"])
        return out

    def call(self, object_id: str, fn: str, *args):
        res = self.cdp.send("Runtime.callFunctionOn", {
            "objectId": object_id, "functionDeclaration": fn, "returnByValue": True,
            "arguments": [{"value": a} for a in args]})
        if "exceptionDetails" in res:
            raise AssertionError(f"in-page function failed: {res['exceptionDetails']}")
        return res["result"].get("value")

    LINKS = """function () {
      return Array.from(this.querySelectorAll('a')).map(function (a) {
        var r = a.getBoundingClientRect();
        return {href: a.getAttribute('href') || a.getAttribute('xlink:href') || '',
                text: a.textContent.trim(), width: r.width, height: r.height};
      });
    }"""

    NODES = """function () {
      return Array.from(this.querySelectorAll('g.node')).map(function (g, i) {
        var r = g.getBoundingClientRect(), a = g.closest('a');
        return {index: i, id: g.id, text: g.textContent.trim(), width: r.width, height: r.height,
                href: a ? (a.getAttribute('href') || a.getAttribute('xlink:href') || '') : null};
      });
    }"""

    SVG_SIZE = """function () {
      var s = this.querySelector('svg'); if (!s) return null;
      var r = s.getBoundingClientRect(); return {width: r.width, height: r.height,
        nodes: this.querySelectorAll('g.node').length};
    }"""

    # Scroll the target into view, then return its centre and whether a hit test at that
    # point (inside the shadow root) lands on the target.
    AIM = """function (how, key) {
      var el = how === 'href'
        ? Array.from(this.querySelectorAll('a')).find(function (a) {
            return (a.getAttribute('href') || a.getAttribute('xlink:href')) === key; })
        : this.querySelectorAll('g.node')[key];
      if (!el) return null;
      el.scrollIntoView({block: 'center', inline: 'center'});
      var r = el.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
      var hit = this.elementFromPoint(x, y);
      return {x: x, y: y, hits: !!hit && (hit === el || el.contains(hit))};
    }"""

    def links(self, root: str) -> list[dict]:
        return self.call(root, self.LINKS)

    def nodes(self, root: str) -> list[dict]:
        return self.call(root, self.NODES)

    def svg_size(self, root: str) -> dict | None:
        return self.call(root, self.SVG_SIZE)

    def click(self, root: str, *, href: str | None = None, node: int | None = None) -> None:
        aim = self.call(root, self.AIM, "href" if href is not None else "node", href if href is not None else node)
        assert aim, f"no diagram element for {href or node}"
        assert aim["hits"], f"the diagram element {href or node} is covered at its centre"
        self.page.mouse.click(aim["x"], aim["y"])


def wait_rendered_diagram(page, container: str, min_height: int = 40) -> None:
    """Material replaced the <pre class=mermaid> in ``container`` by its drawn host, with a size."""
    page.wait_for_function(
        """([sel, h]) => { const c = document.querySelector(sel); if (!c) return false;
             if (c.querySelector('pre.mermaid')) return false;
             const host = c.querySelector('div.mermaid'); if (!host) return false;
             return host.getBoundingClientRect().height >= h; }""",
        arg=[container, min_height])
