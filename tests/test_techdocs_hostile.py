"""Hostile repos (DESIGN 7): each one is built next to a good repo in one run.

Every test asserts: no code of the repo ran (no marker file), nothing from
outside the repo is in the site, a problem names the repo and the file,
and the good repo's docs were still built.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from generator.techdocs.build import DocsJob, build_all_docs

OUTSIDE_SECRET = "OUTSIDE-SECRET-7f3a"     # content of files outside every repo
PASSWD_MARK = "root:x:0:0"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def hostile_repos(root: Path, marker: Path) -> dict[str, Path]:
    outside = root / "outside"
    write(outside / "secret.md", f"# {OUTSIDE_SECRET}\n")
    write(outside / "inherit.yml", f"site_name: {OUTSIDE_SECRET}\nhooks: [{outside}/evil.py]\n")
    write(outside / "evil.py", f"open({str(marker)!r}, 'w').write('ran')\n")
    repos: dict[str, Path] = {}

    def repo(name: str, mkdocs_yml: str | None, pages: dict[str, str] | None = None) -> Path:
        path = root / "repos" / name
        if mkdocs_yml is not None:
            write(path / "mkdocs.yml", mkdocs_yml)
        for rel, text in (pages or {"index.md": f"# {name}\n"}).items():
            write(path / "docs" / rel, text)
        repos[name] = path
        return path

    repo("good", "site_name: Good\n", {"index.md": "# Good\n", "more.md": "# More\n"})
    hooks = repo("hooks", "site_name: Hooks\nhooks:\n  - evil.py\n")
    write(hooks / "evil.py", f"open({str(marker)!r}, 'w').write('ran')\n")
    repo("pyname", "site_name: !!python/object/apply:os.system [\"touch " + str(marker) + "\"]\n"
         "markdown_extensions:\n  - toc:\n      slugify: !!python/name:os.system\n"
         "  - pymdownx.emoji:\n      emoji_generator: !!python/name:os.system\n")
    repo("inherit", f"INHERIT: {outside}/inherit.yml\nsite_name: Inherit\n")
    docsdir = repo("docsdir", "site_name: DocsDir\ndocs_dir: ../../outside\n")
    assert docsdir
    theme = repo("theme", "site_name: Theme\ntheme:\n  name: material\n  custom_dir: overrides\n"
                 "extra_javascript: [evil.js]\nextra_css: [evil.css]\n")
    write(theme / "overrides/main.html", "<script>CUSTOMDIR-RAN</script>{% extends 'base.html' %}")
    repo("plugins", "site_name: Plugins\nplugins:\n  - techdocs-core\n  - search\n  - macros\n"
         "  - evil-plugin:\n      x: 1\nmarkdown_extensions:\n  - pymdownx.snippets:\n"
         "      base_path: /etc\n  - markdown_inline_graphviz\n")
    repo("xss", None, {"index.md": (
        "# XSS\n\n<script>alert('SCRIPT-RAN')</script>\n\n"
        "<img src=\"x.png\" onerror=\"alert('ONERROR-RAN')\">\n\n"
        "[click](javascript:alert('JSURL-RAN'))\n\n"
        "<a href=\"javascript:alert('JSURL2-RAN')\">a</a>\n\n"
        "<iframe src=\"https://evil.example.net/EVILFRAME\"></iframe>\n\n"
        "<iframe src=\"https://www.youtube.com/embed/GOODFRAME\"></iframe>\n\n"
        "<div id=\"__config\">{\"base\": \"https://evil.example.net\"}</div>\n\n"
        "<span style=\"position:fixed\">styled</span>\n"),
        "page.html": "<script>alert('HTMLFILE-RAN')</script>",
        "logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'><script>alert('SVG-RAN')</script></svg>",
        "front.md": "---\ntitle: '\"><script>alert(\"FRONT-RAN\")</script>'\n"
                    "description: '\" onload=\"alert(1)'\ntemplate: ../../evil.html\n---\n"
                    "# Front <img src=x onerror=alert('HEAD-RAN')>\n"})
    img = repo("img", None, {"index.md": "# Img\n\n![leak](../secret.png)\n![leak2](../../../outside/"
                             "secret.png)\n![ok](ok.png)\n", "ok.png": "png"})
    write(img / "secret.png", OUTSIDE_SECRET)
    sym = repo("symlink", None, {"index.md": "# Sym\n"})
    os.symlink("/etc/passwd", sym / "docs/passwd.md")
    os.symlink("/etc/passwd", sym / "docs/passwd.txt")
    os.symlink("/etc", sym / "docs/etcdir")
    os.symlink(str(root / "outside"), sym / "docs/outside")
    big = repo("big", None, {"index.md": "# Big\n", "small.md": "# Small\n"})
    with open(big / "docs/huge.md", "wb") as fh:   # sparse: 50 MB on paper, instant
        fh.truncate(50 * 1024 * 1024)
    return repos


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    marker = root / "MARKER-code-ran"
    repos = hostile_repos(root, marker)
    jobs = [DocsJob(f"component:default/{n}", n, p, ".", f"catalog/default/component/{n}/",
                    f"docs/default/component/{n}", n.title(), "Component", "group:default/t")
            for n, p in repos.items()]
    site = root / "site"
    problems = build_all_docs(jobs, site, root / "cache", workers=2,
                              iframe_hosts=["www.youtube.com"], progress=False)
    texts = {}
    for f in site.rglob("*"):
        if f.is_file():
            texts[str(f.relative_to(site))] = f.read_bytes().decode("utf-8", "replace")
    return {"root": root, "site": site, "problems": problems, "marker": marker, "texts": texts}


def common(run, repo: str) -> None:
    assert not run["marker"].exists(), "repo code ran"
    blob = "\n".join(run["texts"].values())
    assert OUTSIDE_SECRET not in blob
    assert PASSWD_MARK not in blob
    assert "docs/default/component/good/index.html" in run["texts"]
    assert "docs/default/component/good/more/index.html" in run["texts"]


def problems_for(run, repo: str, file: str | None = "mkdocs.yml") -> list:
    return [p for p in run["problems"] if p.repo == repo and (file is None or p.file == file)]


def page(run, repo: str, rel: str = "index.html") -> str:
    return run["texts"][f"docs/default/component/{repo}/{rel}"]


def test_hooks_never_run(run):
    common(run, "hooks")
    probs = problems_for(run, "hooks")
    assert any("'hooks'" in p.message and p.line == 2 for p in probs)
    assert "Hooks" in page(run, "hooks")


def test_python_name_tags_are_inert(run):
    common(run, "pyname")
    msgs = [p.message for p in problems_for(run, "pyname")]
    assert any("!!python/object/apply:os.system" in m for m in msgs)
    assert any("!!python/name:os.system" in m for m in msgs)
    assert "docs/default/component/pyname/index.html" in run["texts"]


def test_inherit_is_not_followed(run):
    common(run, "inherit")
    assert any("'INHERIT'" in p.message and p.line == 1 for p in problems_for(run, "inherit"))
    assert "<title>Inherit</title>" in page(run, "inherit")


def test_docs_dir_outside_repo(run):
    common(run, "docsdir")
    assert any("docs_dir" in p.message for p in problems_for(run, "docsdir"))
    assert "docsdir" in page(run, "docsdir").lower()      # built from the repo's own docs/


def test_theme_custom_dir_and_extra_assets_dropped(run):
    common(run, "theme")
    msgs = " ".join(p.message for p in problems_for(run, "theme"))
    assert "custom_dir" in msgs and "extra_javascript" in msgs and "extra_css" in msgs
    assert "CUSTOMDIR-RAN" not in page(run, "theme")
    assert "evil.js" not in page(run, "theme") and "evil.css" not in page(run, "theme")


def test_plugins_and_extensions_outside_allowlist(run):
    common(run, "plugins")
    msgs = " ".join(p.message for p in problems_for(run, "plugins"))
    for name in ("macros", "evil-plugin", "pymdownx.snippets", "markdown_inline_graphviz"):
        assert name in msgs, name
    assert "plugin 'techdocs-core'" not in msgs and "plugin 'search'" not in msgs


def test_html_is_sanitized(run):
    common(run, "xss")
    html = page(run, "xss")
    for bad in ("SCRIPT-RAN", "ONERROR-RAN", "javascript:", "EVILFRAME",
                'src="https://evil.example.net', "position:fixed", "<script>alert"):
        assert bad not in html, bad
    assert "https://www.youtube.com/embed/GOODFRAME" in html        # allowlisted host kept
    assert html.count('id="__config"') == 1                          # material's own only
    front = page(run, "xss", "front/index.html")
    assert "FRONT-RAN" not in front and 'onload="alert' not in front
    # the heading's <img onerror> may survive as escaped text, never as a tag
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+\s*=", front.split("</header>", 1)[-1])
    files = run["texts"].keys()
    assert "docs/default/component/xss/page.html" not in files       # raw HTML not published
    assert "docs/default/component/xss/logo.svg" not in files        # active SVG not published
    probs = problems_for(run, "xss", None)
    assert any(p.file == "docs/logo.svg" for p in probs)
    assert any(".html" in p.message for p in probs)


def test_image_paths_leaving_docs(run):
    common(run, "img")
    html = page(run, "img")
    assert 'src="../secret.png"' not in html and "outside/secret.png" not in html
    assert not [f for f in run["texts"] if f.endswith("secret.png")]
    assert "docs/default/component/img/ok.png" in run["texts"]


def test_symlinks_out_of_repo_not_read(run):
    common(run, "symlink")
    files = set(run["texts"])
    assert not [f for f in files if "/symlink/" in f and ("passwd" in f or "etcdir" in f
                                                          or "outside" in f)]
    probs = problems_for(run, "symlink", None)
    named = {p.file for p in probs}
    assert {"docs/passwd.md", "docs/passwd.txt", "docs/etcdir", "docs/outside"} <= named


def test_huge_markdown_skipped_rest_builds(run):
    common(run, "big")
    probs = problems_for(run, "big", "docs/huge.md")
    assert probs and "limit" in probs[0].message
    assert "docs/default/component/big/small/index.html" in run["texts"]
    assert "docs/default/component/big/huge/index.html" not in run["texts"]
