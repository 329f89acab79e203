"""The whole pipeline over the real corpus: every Terraform folder and Backstage example
as a repo, built into a portal. Odd inputs (unknown types, a name with a space, other
namespaces, Templates, Locations) must not stop the build or reach a page unescaped."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import Config

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    root = tmp_path_factory.mktemp("corpus")
    repos = root / "repos"
    for folder in sorted((CORPUS / "terraform").iterdir()):
        for i, tf_dir in enumerate(sorted({p.parent for p in folder.rglob("*.tf")})):
            name = f"{folder.name[:40]}-{i:03d}"
            (repos / name / ".af").mkdir(parents=True)
            for tf in tf_dir.glob("*.tf"):
                shutil.copy(tf, repos / name / ".af" / tf.name)
    for folder in ("backstage__demo", "backstage__backstage"):
        shutil.copytree(CORPUS / "backstage" / folder, repos / folder)
    examples = "packages/catalog-model/examples"
    (repos / "backstage__backstage" / "catalog-info.yaml").write_text(
        f"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: examples\n"
        f"spec:\n  targets:\n    - ./{examples}/all.yaml\n    - ./{examples}/acme-corp.yaml\n")
    report = build(Config(repos_dirs=[repos], cache_dir=root / "cache"), root / "site", progress=False,
                   search=False)
    return root / "site", report


def test_the_corpus_builds_into_a_portal(corpus_site):
    site, report = corpus_site
    doc = json.loads((site / "api" / "catalog.json").read_text())
    kinds = {e["kind"] for e in doc["entities"]}
    assert {"Component", "Resource", "API", "Group", "User", "System", "Domain"} <= kinds
    assert report.entities > 500
    pages = list((site / "catalog").rglob("index.html"))
    assert len(pages) > report.entities * 0.99   # a page for (nearly) every entity: collisions are reported
    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    assert errors and all(p["repo"] and p["file"] for p in errors)


def test_no_corpus_string_reaches_a_page_as_markup(corpus_site):
    site, _ = corpus_site
    for page in (site / "catalog").rglob("index.html"):
        html = page.read_text()
        body = html.split('<div class="md-content"', 1)[-1]
        assert "<script>alert" not in body and "javascript:" not in body.lower(), page
