"""The package's own files: the vendored mermaid is the version package-lock.json pins,
and the code finds theme/ and site_src/ (the wheel test, tests/browser/test_installed_package.py,
checks the same from an installed wheel)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import resources
from generator.portal.assets import NODE_MERMAID, find_mermaid

REPO = Path(__file__).resolve().parents[1]


def test_vendored_mermaid_is_the_locked_version():
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]["node_modules/mermaid"]
    if not NODE_MERMAID.is_file():
        # .ci/setup runs `npm ci`; in CI a missing node_modules is a failure.
        (pytest.fail if os.environ.get("CI") else pytest.skip)("node_modules/mermaid absent: run `npm ci`")
    installed = json.loads((NODE_MERMAID.parents[1] / "package.json").read_text())["version"]
    assert installed == lock["version"], "node_modules is not what package-lock.json pins: run `npm ci`"
    vendored = resources.mermaid_js()
    assert vendored.read_bytes() == NODE_MERMAID.read_bytes(), (
        f"{vendored} is not mermaid {lock['version']}: run `python -m generator.portal.assets --update`")
    assert vendored.with_name("mermaid.LICENSE").read_text() == (NODE_MERMAID.parents[1] / "LICENSE").read_text()
    assert find_mermaid() == vendored


def test_theme_and_site_sources_are_found_in_the_checkout():
    assert resources.theme_dir() == REPO / "theme"
    assert resources.mkdocs_yml() == REPO / "site_src" / "mkdocs.yml"
    assert (resources.theme_dir() / "techdocs" / "main.html").is_file()


def _imported_top_modules() -> dict[str, str]:
    """Every third-party top-level module the package's code imports, with one file that does."""
    import ast
    import sys
    found: dict[str, str] = {}
    for path in sorted((REPO / "generator").rglob("*.py")):
        if "demo/org" in path.as_posix():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                     else [])
            for name in names:
                top = name.split(".")[0]
                if top != "generator" and top not in sys.stdlib_module_names:
                    found.setdefault(top, path.relative_to(REPO).as_posix())
    return found


def test_every_imported_library_is_a_declared_dependency():
    # The wheel test installs with --no-deps and borrows this venv's packages, so a library
    # only in requirements.lock (regex, once) passed it while `pip install` gave a broken lookout.
    import importlib.metadata
    import re
    import tomllib
    declared = set()
    for spec in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", spec).group()).lower()
        declared.add(name)
        if "[bin]" in spec:   # pagefind[bin] brings the pagefind_bin distribution
            declared.add(f"{name}-bin")
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for module, where in _imported_top_modules().items():
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in providers.get(module, [module])}
        if not dists & declared:
            missing[module] = where
    assert not missing, f"imported but not in pyproject.toml's dependencies: {missing}"
