"""`lookout new`: software templates render repos that validate, or write nothing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml


def lookout(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True,
                          cwd=cwd, stdin=subprocess.DEVNULL)


SERVICE = ["--set", "name=orders-api", "--set", "description=Orders, ${not} %{interpolated}",
           "--set", "owner=team-a", "--set", "pagerduty_service_id=PABC123"]


def test_the_service_template_renders_a_repo_that_validates(tmp_path):
    res = lookout("new", "service", *SERVICE, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    repo = tmp_path / "orders-api"
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()) == [
        ".af/service.tf", ".gitlab-ci.yml", "docs/index.md", "mkdocs.yml"]
    check = lookout("validate", str(repo), "--format", "json", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    # what the portal will show: the Component with its owner, on-call and the description verbatim
    cat = lookout("catalog", "--repos", str(tmp_path), "-o", str(tmp_path / "c.json"), cwd=tmp_path)
    assert cat.returncode == 0, cat.stderr
    import json
    comp = next(e for e in json.loads((tmp_path / "c.json").read_text())["entities"] if e["kind"] == "Component")
    assert comp["metadata"]["description"] == "Orders, ${not} %{interpolated}"
    assert comp["metadata"]["annotations"]["pagerduty.com/service-id"] == "PABC123"
    assert comp["spec"]["lifecycle"] == "experimental"
    ci = yaml.safe_load((repo / ".gitlab-ci.yml").read_text())
    assert ci["include"][0]["remote"].endswith("templates/gitlab/lookout-validate.yml")


def test_the_team_template_renders_a_valid_group(tmp_path):
    res = lookout("new", "team", "--set", "name=team-a", "--set", "display_name=Team A", "--set",
                  "members=alice, bob", "--set", "email=team-a@example.com", "--set", "parent=engineering",
                  cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "embedded demo" not in res.stderr   # no repos are read, so none are announced
    group = yaml.safe_load((tmp_path / "team-a/team-a.yaml").read_text())
    assert group["kind"] == "Group" and group["spec"]["members"] == ["alice", "bob"]
    assert group["spec"]["profile"]["email"] == "team-a@example.com" and group["spec"]["parent"] == "engineering"


def test_a_name_that_breaks_the_naming_rules_names_the_parameter_and_writes_nothing(tmp_path):
    res = lookout("new", "service", "--set", "name=Orders API", "--set", "description=x", "--set", "owner=t",
                  cwd=tmp_path)
    assert res.returncode == 2
    assert "name: 'Orders API' is not a valid entity name" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_values_without_a_terminal_are_listed(tmp_path):
    res = lookout("new", "service", "--set", "name=orders", cwd=tmp_path)
    assert res.returncode == 2
    assert "needs --set description=…, --set owner=…" in res.stderr
    assert list(tmp_path.iterdir()) == []


def _org_template(root: Path, service_tf: str, extra_skeleton: dict[str, str] | None = None) -> Path:
    tpl = root / "templates/worker"
    (tpl / "skeleton/.af").mkdir(parents=True)
    (tpl / "template.yaml").write_text(yaml.safe_dump({
        "apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template",
        "metadata": {"name": "worker", "title": "A queue worker"},
        "spec": {"owner": "platform", "type": "service", "parameters": [
            {"title": "Basics", "required": ["name", "owner"], "properties": {
                "name": {"title": "Name", "type": "string", "ui:field": "EntityNamePicker"},
                "owner": {"title": "Owner", "type": "string", "ui:field": "OwnerPicker"}}}],
            "steps": [{"id": "fetch", "action": "fetch:template", "input": {"url": "./skeleton"}}]}}))
    (tpl / "skeleton/.af/service.tf").write_text(service_tf)
    for rel, text in (extra_skeleton or {}).items():
        (tpl / "skeleton" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tpl / "skeleton" / rel).write_text(text)
    (root / "lookout.yaml").write_text("templates: [templates]\n")
    return root / "lookout.yaml"


GOOD_TF = ('module "service" {\n  source = "../modules/service"\n  service_name = "${{ values.name }}"\n'
           '  owner = "${{ values.owner }}"\n  lifecycle = "production"\n}\n')


def test_an_org_backstage_template_from_lookout_yaml_is_listed_and_renders(tmp_path):
    config = _org_template(tmp_path, GOOD_TF)
    listing = lookout("new", "--list", "--config", str(config), cwd=tmp_path)
    assert "worker: A queue worker — lookout new worker --set name=… --set owner=…" in listing.stdout
    res = lookout("new", "worker", "--config", str(config), "--set", "name=billing-worker", "--set",
                  "owner=payments", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert 'service_name = "billing-worker"' in (tmp_path / "out/.af/service.tf").read_text()


def test_rendered_output_that_does_not_validate_writes_nothing(tmp_path):
    config = _org_template(tmp_path, 'module "service" {\n  source = "../modules/service"\n  service_name = \n}\n')
    res = lookout("new", "worker", "--config", str(config), "--set", "name=w", "--set", "owner=p",
                  "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 2
    assert "do not pass `lookout validate`; nothing written" in res.stderr and ".af/service.tf:3" in res.stderr
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".lookout-new-")]


def test_a_hostile_template_runs_no_code_and_writes_nowhere_else(tmp_path):
    config = _org_template(tmp_path, "${{ ''.__class__.__mro__[1].__subclasses__() }}")
    res = lookout("new", "worker", "--config", str(config), "--set", "name=w", "--set", "owner=p",
                  "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 2 and "unsafe" in res.stderr.lower()
    (tmp_path / "templates/worker/skeleton/.af/service.tf").write_text(GOOD_TF)
    escape = tmp_path / "templates/worker/skeleton/${{ '..' }}/escaped.txt"
    escape.parent.mkdir(parents=True)
    escape.write_text("x")
    res = lookout("new", "worker", "--config", str(config), "--set", "name=w", "--set", "owner=p",
                  "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 2 and "outside the output" in res.stderr
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "out").exists()
