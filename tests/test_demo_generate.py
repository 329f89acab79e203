"""`lookout demo generate`: the generated org is the same for a seed, as big as asked, and reads as planned."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from generator.config import Config
from generator.demo.generate import BROKEN_KINDS, generate_org
from generator.model import ANN_TF_ADDRESS
from generator.pipeline import build_catalog
from generator.techdocs.yamlload import load_mkdocs_yaml

ROOT = Path(__file__).resolve().parents[1]
SIZE = dict(repos=30, resources=300, docs_pages=3)


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen") / "org"
    return root, generate_org(root, seed=7, **SIZE)


def test_same_seed_same_bytes_other_seed_other_org(org, tmp_path):
    root, summary = org
    again = generate_org(tmp_path / "again", seed=7, **SIZE)
    assert tree(tmp_path / "again") == tree(root)
    assert again == summary
    other = tmp_path / "other"
    generate_org(other, seed=8, **SIZE)
    assert tree(other) != tree(root)


def test_sizes_are_what_was_asked(org):
    root, summary = org
    repos = sorted(p for p in root.iterdir() if p.is_dir())
    assert len(repos) == SIZE["repos"] == summary.repos
    blocks = sum(len(re.findall(r'^resource "', f.read_text(), re.M)) for f in root.glob("*/.af/*.tf"))
    assert blocks == SIZE["resources"] == summary.resource_blocks
    sites = [r for r in repos if (r / "mkdocs.yml").is_file()]
    assert len(sites) == summary.docs_sites >= 0.9 * (len(repos) - 1)
    assert all(len(list((r / "docs").rglob("*.md"))) == SIZE["docs_pages"] for r in sites)
    # no docs site is broken unplanned: each mkdocs.yml parses as the docs builder parses it
    # (a platform repo's "Shared Kafka clusters: events-prod" once made two invalid)
    for r in sites:
        assert load_mkdocs_yaml((r / "mkdocs.yml").read_text()).data["site_description"], r.name
    # About 2% broken, but at least one of each kind at this size.
    assert sorted({b.kind for b in summary.broken}) == sorted(BROKEN_KINDS)
    text = "\n".join(f.read_text() for f in root.glob("*/.af/*.tf"))
    for construct in ("tags = merge(local.tags,", "for_each", "count", "<<-EOT", 'data "aws_msk_cluster"',
                      "dependencies ", "default     ="):
        assert construct in text, construct
    assert "depends_on" not in text   # the module's explicit dependencies are `dependencies`
    docs = "\n".join(f.read_text() for f in root.glob("*/docs/*.md"))
    assert "```mermaid" in docs and "!!! warning" in docs and "|---|" in docs
    assert "$text: ./specs/" in "\n".join(f.read_text() for f in root.glob("*/.af/api.yaml"))


def test_reads_as_planned_and_every_mistake_is_a_problem_on_its_line(org):
    root, summary = org
    catalog, _ = build_catalog(Config(repos_dirs=[root], read_cache=False), show_progress=False)
    kinds = Counter(e["kind"] for e in catalog.entities)
    assert kinds["Component"] == summary.components
    assert kinds["API"] == summary.apis - sum(b.apis_lost for b in summary.broken)
    assert (kinds["Group"], kinds["User"], kinds["System"], kinds["Domain"]) == (
        summary.groups, summary.users, summary.systems, summary.domains)
    resources = [e for e in catalog.entities if e["kind"] == "Resource"]
    # One Resource per count/for_each instance (aws_sqs_queue.x[0]); an MSK configuration folds into its cluster.
    assert len(resources) == summary.resources - sum(b.resources_lost for b in summary.broken)
    assert any("[" in e["metadata"]["annotations"][ANN_TF_ADDRESS] for e in resources)
    # Shared clusters are found by name across repos: the busiest one has many consumers.
    dependents = Counter(r["targetRef"] for e in catalog.entities if e["kind"] == "Component"
                         for r in e.get("relations", []) if r["type"] == "dependsOn"
                         and r["targetRef"].startswith("resource:default/events-prod"))
    assert dependents and max(dependents.values()) >= 3
    where = {(p.repo, p.file, p.line) for p in catalog.problems if p.severity in ("error", "warning")}
    for b in summary.broken:
        assert (b.repo, b.file, b.line) in where, b


def test_cli_refuses_a_full_folder_and_impossible_sizes(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "generator.cli", "demo", "generate", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)

    ok = run(str(tmp_path / "o"), "--repos", "10", "--resources", "40", "--docs-pages", "1")
    assert ok.returncode == 0 and "10 repos" in ok.stdout and "lookout build --repos" in ok.stdout
    again = run(str(tmp_path / "o"))
    assert again.returncode == 2 and "not empty" in again.stderr and "Traceback" not in again.stderr
    small = run(str(tmp_path / "p"), "--repos", "30", "--resources", "5")
    assert small.returncode == 2 and "--resources must be at least" in small.stderr
    assert not (tmp_path / "p").exists()
