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


def test_what_a_build_wrote_reads_back_the_same_without_reading_the_file(tmp_path):
    """The site stage decodes the bytes write_catalog returned (with orjson when orjson wrote
    them): the same catalog as reading the file, a number beyond 64 bits included."""
    for spec in ({"type": "queue", "owner": "group:default/a", "size": 2**63 + 5, "ratio": 0.1, "x": -0.0},
                 {"type": "queue", "owner": "group:default/a", "retention": 123456789012345678901234567890}):
        path = tmp_path / "c.json"
        written = write_catalog(_catalog(spec), path)
        assert written.raw == path.read_bytes()
        assert written.exact_ints == ("retention" not in spec)   # orjson refused the huge one
        path.write_bytes(b"{}")   # proves the bytes, not the file, were read
        assert load_catalog(path, written)["entities"][0]["spec"] == spec
