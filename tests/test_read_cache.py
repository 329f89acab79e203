"""The read cache: unchanged repos are not parsed again, and any change is seen."""
from __future__ import annotations

import shutil

import pytest

from generator.catalog_json import to_json_bytes
from generator.config import Config
from generator.demo import demo_root
from generator.pipeline import Timings, build_catalog


@pytest.fixture()
def org(tmp_path):
    repos = tmp_path / "repos"
    for name in ("org", "kafka-platform", "ledger-service", "checkout-service"):
        shutil.copytree(demo_root() / name, repos / name)
    return Config(repos_dirs=[repos], cache_dir=tmp_path / "cache"), repos


def run(cfg):
    timings = Timings()
    catalog, _ = build_catalog(cfg, show_progress=False, timings=timings, workers=1)
    return to_json_bytes(catalog), timings.cached_repos


def test_a_second_run_reads_nothing_and_gives_the_same_bytes(org):
    cfg, _ = org
    cold, hits = run(cfg)
    assert hits == 0
    warm, hits = run(cfg)
    assert hits == 4 and warm == cold
    cfg.read_cache = False
    assert run(cfg) == (cold, 0)


def test_a_changed_tf_file_is_read_again_and_only_its_repo(org):
    cfg, repos = org
    run(cfg)
    msk = repos / "kafka-platform" / ".af" / "msk.tf"
    msk.write_text(msk.read_text().replace('"events-prod"', '"events-prod-2"', 1))
    out, hits = run(cfg)
    assert hits == 3
    assert b'"lookout/physical-name": "events-prod-2"' in out


def test_new_files_and_location_targets_are_seen(org):
    cfg, repos = org
    run(cfg)
    (repos / "ledger-service" / ".af" / "extra.tf").write_text(
        'resource "aws_sqs_queue" "new" {\n  name = "brand-new-queue"\n}\n')
    groups = next((repos / "org").rglob("groups.yaml"))  # reached through the org's Location
    groups.write_text(groups.read_text().replace("displayName:", "displayName: X", 1))
    out, hits = run(cfg)
    assert hits == 2
    assert b"brand-new-queue" in out and b'"displayName": "X' in out


def test_a_changed_config_reads_everything_again(org):
    cfg, _ = org
    run(cfg)
    cfg.read.namespace = "shop"
    out, hits = run(cfg)
    assert hits == 0 and b'"namespace": "shop"' in out
