"""`lookout migrate`: YAML-described repos move into .af in three checked steps, or stay exactly as they were."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.catalog_json import to_json_bytes
from generator.config import Config
from generator.demo import demo_root
from generator.export import export_backstage
from generator.pipeline import build_catalog


def _catalog(folder: Path) -> dict:
    catalog, _ = build_catalog(Config(repos_dirs=[folder], read_cache=False), show_progress=False, workers=1)
    return json.loads(to_json_bytes(catalog))


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def lookout(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def yaml_org(tmp_path_factory) -> Path:
    """The demo org as it looked before .af: every repo described only by catalog-info.yaml."""
    out = tmp_path_factory.mktemp("yaml-org")
    export_backstage(_catalog(demo_root()), out)
    return out


def _relations(catalog: dict, kind: str = "Component") -> dict[str, tuple]:
    return {e["metadata"]["name"]: (e["spec"].get("owner"), sorted((r["type"], r["targetRef"]) for r in e["relations"]))
            for e in catalog["entities"] if e["kind"] == kind}


def test_dry_run_prints_the_diff_and_writes_nothing(yaml_org, tmp_path):
    org = tmp_path / "org"
    shutil.copytree(yaml_org, org)
    before = _tree(org)
    res = lookout("migrate", str(org), "--dry-run", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "embedded demo" not in res.stderr   # the repos given are what it works on
    assert "+++ b/.af/service.tf" in res.stdout and '+module "service" {' in res.stdout
    assert "cart-service: would migrate" in res.stdout
    assert "cart-service: same catalog ok (" in res.stdout   # each step logged with its duration
    assert _tree(org) == before


def test_a_folder_of_repos_migrates_with_the_same_catalog_and_a_report(yaml_org, tmp_path):
    org = tmp_path / "org"
    shutil.copytree(yaml_org, org)
    before = _catalog(org)
    res = lookout("migrate", str(org), "--report", str(tmp_path / "report.json"), cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    report = {r["repo"]: r for r in json.loads((tmp_path / "report.json").read_text())}
    assert report["cart-service"]["status"] == "migrated"
    assert [s["step"] for s in report["cart-service"]["steps"]] == ["write", "parse", "same catalog"]
    assert report["org"]["status"] == "nothing to migrate"
    tf = (org / "cart-service/.af/service.tf").read_text()
    assert re.search(r'^  service_name +' + re.escape('= "cart-service"'), tf, re.M)
    assert re.search(r"^  dependencies +=", tf, re.M) and "depends_on" not in tf
    after = _catalog(org)
    assert _relations(after) == _relations(before)
    # the service is now declared by Terraform (the home page's migration figure counts this)
    cart = next(e for e in after["entities"] if e["metadata"]["name"] == "cart-service")
    assert cart["metadata"]["annotations"]["lookout/terraform-address"] == "module.service"
    again = lookout("migrate", str(org / "cart-service"), cwd=tmp_path)
    assert "cart-service: already in .af" in again.stdout


def test_the_written_terraform_is_what_terraform_fmt_writes(yaml_org, tmp_path):
    if shutil.which("terraform") is None:
        pytest.skip("no terraform binary on PATH")
    repo = tmp_path / "cart-service"
    shutil.copytree(yaml_org / "cart-service", repo)
    assert lookout("migrate", str(repo), cwd=tmp_path).returncode == 0
    res = subprocess.run(["terraform", "fmt", "-check", "-diff", str(repo / ".af")], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_an_existing_service_tf_is_not_overwritten_without_force(yaml_org, tmp_path):
    repo = tmp_path / "cart-service"
    shutil.copytree(yaml_org / "cart-service", repo)
    (repo / ".af").mkdir()
    (repo / ".af/service.tf").write_text("# hand-written, not yet a module\n")
    before = _tree(repo)
    res = lookout("migrate", str(repo), cwd=tmp_path)
    assert res.returncode == 1
    assert "service.tf exists; not overwritten without --force" in res.stdout
    assert _tree(repo) == before
    assert lookout("migrate", str(repo), "--force", cwd=tmp_path).returncode == 0
    assert 'module "service"' in (repo / ".af/service.tf").read_text()


def test_a_different_entity_in_step_three_leaves_the_repo_untouched(yaml_org, tmp_path):
    org = tmp_path / "org"
    shutil.copytree(yaml_org, org)
    before = _tree(org)
    res = lookout("migrate", str(org / "cart-service"), "--repos", str(org), "--set", "owner=growth", cwd=tmp_path)
    assert res.returncode == 1
    assert "same catalog FAILED" in res.stdout
    assert "component:default/cart-service: a catalog build would not give the same entity: owner" in res.stdout
    assert _tree(org) == before


def test_no_metadata_and_an_invalid_descriptor_are_clear_failures(tmp_path):
    empty = tmp_path / "bare"
    (empty / "src").mkdir(parents=True)
    (empty / ".git").mkdir()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Bad Name\n"
        "spec:\n  type: service\n  owner: x\n  lifecycle: production\n")
    before = _tree(tmp_path)
    res = lookout("migrate", str(empty), str(bad), cwd=tmp_path)
    assert res.returncode == 1
    assert "bare: failed: bare: no metadata at all" in res.stdout
    assert "bad: failed: fix this first: bad/catalog-info.yaml:" in res.stdout
    assert _tree(tmp_path) == before


def test_a_repo_with_resources_already_in_af_migrates_and_its_component_depends_on_them(tmp_path):
    # half-migrated: Terraform resources in .af, the Component still only in catalog-info.yaml
    res = lookout("demo", "init", str(tmp_path / "org"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    export_backstage(_catalog(tmp_path / "org"), tmp_path / "yaml")
    repo = tmp_path / "org/checkout-service"
    (repo / ".af/service.tf").unlink()
    (repo / ".af/api.yaml").unlink()
    docs = list(yaml.safe_load_all((tmp_path / "yaml/checkout-service/catalog-info.yaml").read_text()))
    for doc in docs:   # as written by hand: the Component does not list the repo's own resources
        if doc["kind"] == "Component":
            doc["spec"]["dependsOn"] = [r for r in doc["spec"].get("dependsOn", []) if not r.startswith("resource:")]
    (repo / "catalog-info.yaml").write_text(yaml.safe_dump_all(docs))
    res = lookout("migrate", str(repo), "--repos", str(tmp_path / "org"), cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "checkout-service: same catalog ok (" in res.stdout and "Resource(s) its .af declares or looks up" in res.stdout
    after = _catalog(tmp_path / "org")
    comp = next(e for e in after["entities"] if e["metadata"]["name"] == "checkout-service")
    assert comp["metadata"]["annotations"]["lookout/terraform-address"] == "module.service"
    own = {f"resource:default/{e['metadata']['name']}" for e in after["entities"] if e["kind"] == "Resource"
           and e["metadata"]["annotations"].get("lookout/repo") == "checkout-service"}
    assert own and own <= {r["targetRef"] for r in comp["relations"] if r["type"] == "dependsOn"}
