"""The demo org's catalog.json: golden bytes, determinism, and the Kafka question."""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from generator.catalog_json import to_json_bytes
from generator.config import Config
from generator.demo import demo_root
from generator.graph import CatalogGraph
from generator.pipeline import build_catalog, crawl

GOLDEN = Path(__file__).parent / "golden" / "demo-catalog.json"


@pytest.fixture(scope="module")
def demo_bytes() -> bytes:
    catalog, _ = build_catalog(Config(), show_progress=False)
    return to_json_bytes(catalog)


def test_demo_catalog_matches_the_golden_file(demo_bytes):
    """Refresh after an intended change with: UPDATE_GOLDEN=1 pytest tests/test_catalog_golden.py"""
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(demo_bytes)
    assert demo_bytes == GOLDEN.read_bytes(), "catalog.json changed; review the diff, then UPDATE_GOLDEN=1"


def test_same_input_same_bytes_whatever_the_crawl_order(demo_bytes):
    repos, _ = crawl(Config())
    for seed in (1, 2):
        shuffled = repos[:]
        random.Random(seed).shuffle(shuffled)
        catalog, _ = build_catalog(Config(), repos=shuffled, workers=2, show_progress=False)
        assert to_json_bytes(catalog) == demo_bytes
    again, _ = build_catalog(Config(), show_progress=False)
    assert to_json_bytes(again) == demo_bytes
    assert b"/work/" not in demo_bytes and b"/tmp/" not in demo_bytes  # no machine paths


def test_consumers_of_the_shared_kafka_cluster_are_exactly_the_data_block_repos(demo_bytes, tmp_path):
    import json
    readme = (demo_root().parent / "README.md").read_text()
    block = readme.split("events-prod consumers: begin")[1].split("events-prod consumers: end")[0]
    expected = sorted(f"component:default/{m}" for m in re.findall(r"^- ([\w-]+)", block, re.M))
    # The README's list is checked against the .tf files by test_demo; here, against the graph.
    graph = CatalogGraph.from_catalog(json.loads(demo_bytes))
    assert graph.consumers("resource:default/events-prod") == expected
    assert len(expected) >= 4
    # ...and as a user asks it.
    from click.testing import CliRunner

    from generator.cli import main
    cat = tmp_path / "catalog.json"
    cat.write_bytes(demo_bytes)
    result = CliRunner().invoke(main, ["query", "consumers", "events-prod", "--catalog", str(cat)])
    assert result.exit_code == 0 and result.output.split() == expected
