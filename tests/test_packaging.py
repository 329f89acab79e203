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
