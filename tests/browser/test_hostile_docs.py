"""A repo's hostile docs execute nothing in the browser.

A repo whose markdown carries <script>, event handlers, javascript: links, an
SVG with onload, an iframe from an unknown host, and mermaid diagrams with
`click ... call` callbacks and javascript: hrefs is built through the real
pipeline (read, link, docs, portal) and its docs page is opened: the flag its
payloads set stays unset, no dialog opens (the guard fails the test on any
dialog, console error or off-site request), and the diagrams still render.
"""
from __future__ import annotations

import pytest
from lookout_browser import serve

pytestmark = pytest.mark.browser

FLAG = "__docs_pwned"

MARKDOWN = f"""# Totally normal runbook

<script>window.{FLAG}=1</script>
<img src="#" onerror="window.{FLAG}=1">
<svg onload="window.{FLAG}=1"><circle r="4"/></svg>
<a href="javascript:window.{FLAG}=1" id="js-link">click me</a>
<div onmouseover="window.{FLAG}=1" id="hover-me">hover me</div>
<iframe src="https://evil.example/frame"></iframe>

[markdown js link](javascript:window.{FLAG}=1)

```mermaid
graph LR
  A[Start] --> B[Stop]
  click A call eval("window.{FLAG}=1")
  click B "javascript:window.{FLAG}=1"
```
"""


@pytest.fixture(scope="module")
def hostile_docs(tmp_path_factory):
    from generator.build import build
    from generator.config import Config

    root = tmp_path_factory.mktemp("hostile-docs")
    repo = root / "repos" / "evil-svc"
    (repo / ".af").mkdir(parents=True)
    (repo / ".af" / "service.tf").write_text(
        'module "service" {\n  source = "git::https://git.example/devops/modules/service"\n'
        '  service_name = "evil-svc"\n  owner = "nobody"\n  lifecycle = "production"\n}\n')
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text(MARKDOWN)
    (repo / "mkdocs.yml").write_text("site_name: Evil\nmarkdown_extensions:\n  - pymdownx.superfences:\n"
                                     "      custom_fences:\n        - name: mermaid\n          class: mermaid\n"
                                     "          format: !!python/name:pymdownx.superfences.fence_code_format\n")
    report = build(Config(repos_dirs=[root / "repos"], cache_dir=root / "cache"), root / "site",
                   progress=False, search=False)
    assert report.docs_sites == 1
    with serve(root / "site") as srv:
        yield srv


def test_hostile_docs_execute_nothing(page, guard, hostile_docs):
    page.goto(hostile_docs.url("/docs/default/component/evil-svc/"))
    page.wait_for_load_state("networkidle")
    # The diagram is drawn (mermaid from the site itself), and its callbacks are inert.
    page.wait_for_function("() => [...document.querySelectorAll('.mermaid')].some(e => e.getBoundingClientRect().height > 20)")
    assert page.locator("h1").first.inner_text().strip().startswith("Totally normal runbook")
    assert page.locator("iframe").count() == 0
    assert page.locator("#js-link").count() in (0, 1)
    if page.locator("#js-link").count():
        assert not (page.locator("#js-link").get_attribute("href") or "").lower().startswith("javascript")
    for el in page.locator(".md-content *").all()[:400]:
        el.dispatch_event("mouseover")
    for link in page.locator(".md-content a").all():
        href = (link.get_attribute("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:")), href
    box = page.locator(".mermaid").first.bounding_box()
    if box:  # click both nodes of the diagram (a closed shadow root: click by position)
        page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)
        page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
        if not page.url.startswith(hostile_docs.url("/docs/")):
            page.go_back()
    assert page.evaluate(f"() => window.{FLAG}") is None, "a payload in the docs ran"
