"""catalog.json through orjson, and through json for what orjson refuses: a Terraform number
is any size, and a build must not fail on one."""
from __future__ import annotations

from generator.catalog_json import load_catalog, write_catalog
from generator.link import Catalog


def _catalog(spec: dict) -> Catalog:
    entity = {"apiVersion": "backstage.io/v1alpha1", "kind": "Resource",
              "metadata": {"name": "big-queue", "namespace": "default"}, "spec": spec}
    return Catalog([entity], [], [{"repo": "r", "commit": None, "url": None}])


def test_catalog_json_is_sorted_indented_and_round_trips(tmp_path):
    write_catalog(_catalog({"type": "queue", "owner": "group:default/é-team", "size": 12}), tmp_path / "c.json")
    raw = (tmp_path / "c.json").read_bytes()
    assert raw.endswith(b"}\n") and b'\n  "entities": [\n' in raw and "é-team".encode() in raw
    assert raw.index(b'"entities"') < raw.index(b'"schema_version"') < raw.index(b'"sources"')
    assert load_catalog(tmp_path / "c.json")["entities"][0]["spec"]["size"] == 12


def test_a_number_beyond_64_bits_is_written_and_read_back_exactly(tmp_path):
    huge = 123456789012345678901234567890
    write_catalog(_catalog({"type": "queue", "owner": "group:default/a", "retention": huge}), tmp_path / "c.json")
    assert load_catalog(tmp_path / "c.json")["entities"][0]["spec"]["retention"] == huge
