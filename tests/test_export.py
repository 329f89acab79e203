"""`lookout export backstage`: one catalog-info.yaml per repo; reading them back gives the same catalog."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from generator.catalog_json import to_json_bytes
from generator.config import Config
from generator.demo import demo_root
from generator.export import LOCATION_ANNOTATIONS, export_backstage
from generator.pipeline import build_catalog


def _catalog(folder: Path) -> dict:
    cfg = Config(repos_dirs=[folder], read_cache=False)
    catalog, _ = build_catalog(cfg, show_progress=False, workers=1)
    return json.loads(to_json_bytes(catalog))


def _comparable(catalog: dict, leave_out: set[str] = frozenset()) -> dict[str, tuple]:
    """Entities and relations, without where each was written (that is what export changes)."""
    out = {}
    for ent in catalog["entities"]:
        if ent["kind"] == "Location":
            continue
        meta = dict(ent["metadata"])
        meta["annotations"] = {k: v for k, v in (meta.get("annotations") or {}).items()
                               if k not in LOCATION_ANNOTATIONS}
        spec = {k: v for k, v in (ent.get("spec") or {}).items() if not _is_ref_field(k)}
        rels = sorted((r["type"], r["targetRef"]) for r in ent.get("relations") or []
                      if r["targetRef"] not in leave_out)
        key = f'{ent["kind"]}:{meta["namespace"]}/{meta["name"]}'.lower()
        if key in leave_out:
            continue
        out[key] = (ent["apiVersion"], json.dumps(meta, sort_keys=True), json.dumps(spec, sort_keys=True), rels)
    return out


def _is_ref_field(name: str) -> bool:
    # written as full refs by the export; the relations they make are compared instead
    return name in {"owner", "system", "domain", "subcomponentOf", "providesApis", "consumesApis", "dependsOn",
                    "dependencyOf", "parent", "children", "members", "memberOf", "subdomainOf"}


def _round_trip(org: Path, tmp: Path):
    before = _catalog(org)
    report = export_backstage(before, tmp / "export")
    return before, _catalog(tmp / "export"), report


def test_demo_org_round_trip_gives_the_same_entities_and_relations(tmp_path):
    before, after, report = _round_trip(demo_root(), tmp_path)
    left_out = {ref for ref, _, _ in report.left_out}
    assert _comparable(after) == _comparable(before, left_out)
    # what Backstage would reject is left out and said, with where Lookout read it and why
    assert "component:default/reconciliation-jobs" in left_out
    why = dict((ref, (where, msg)) for ref, where, msg in report.left_out)["component:default/reconciliation-jobs"]
    assert why[0] == "reconciliation-jobs/.af/service.tf:1" and "lifecycle" in why[1]
    locations = sum(e["kind"] == "Location" for e in before["entities"])
    assert sum(report.written.values()) == len(before["entities"]) - len(left_out) - locations
    # no new mistakes: the only errors are the ones the demo org already had (a deliberate dangling ref)
    errors = {(p["entityRef"], p["message"]) for p in after["problems"] if p["severity"] == "error"}
    assert errors <= {(p["entityRef"], p["message"]) for p in before["problems"] if p["severity"] == "error"}
    # Terraform-declared services are among them, now as plain descriptors
    docs = list(yaml.safe_load_all((tmp_path / "export/kafka-platform/catalog-info.yaml").read_text()))
    assert any(d["kind"] == "Resource" and d["spec"]["type"] == "kafka-cluster" for d in docs)
    assert all("relations" not in d and "status" not in d for d in docs)


def test_a_data_lookup_becomes_an_explicit_dependency(tmp_path):
    before, _, _ = _round_trip(demo_root(), tmp_path)
    # a consumer of the shared Kafka cluster declared it only through a `data` block
    cluster = next(e for e in before["entities"] if e["kind"] == "Resource"
                   and e["spec"].get("type") == "kafka-cluster")
    ref = f'resource:default/{cluster["metadata"]["name"]}'
    consumers = [r["targetRef"] for r in cluster["relations"] if r["type"] == "dependencyOf"
                 and r["targetRef"].startswith("component:")]
    assert consumers
    repo_of = {f'component:default/{e["metadata"]["name"]}': e["metadata"]["annotations"]["lookout/repo"]
               for e in before["entities"] if e["kind"] == "Component"}
    name = consumers[0]
    docs = yaml.safe_load_all((tmp_path / "export" / repo_of[name] / "catalog-info.yaml").read_text())
    comp = next(d for d in docs if d["kind"] == "Component" and f'component:default/{d["metadata"]["name"]}' == name)
    assert ref in comp["spec"]["dependsOn"]


def test_generated_org_round_trip(tmp_path):
    from generator.demo.generate import generate_org

    generate_org(tmp_path / "org", repos=25, resources=300, docs_pages=1, seed=7)
    before, after, report = _round_trip(tmp_path / "org", tmp_path)
    assert len(before["entities"]) > 100
    assert _comparable(after) == _comparable(before, {ref for ref, _, _ in report.left_out})


def test_export_is_deterministic_and_the_cli_writes_it(tmp_path):
    out1, out2 = tmp_path / "a", tmp_path / "b"
    for out in (out1, out2):
        res = subprocess.run([sys.executable, "-m", "generator.cli", "export", "backstage", str(out)],
                             capture_output=True, text=True, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
    files = sorted(p.relative_to(out1) for p in out1.rglob("*.yaml"))
    assert files and files == sorted(p.relative_to(out2) for p in out2.rglob("*.yaml"))
    assert all((out1 / f).read_bytes() == (out2 / f).read_bytes() for f in files)
    assert "catalog-info.yaml" in res.stdout
