"""lookout.yaml: read when present, checked key by key with lines, no silent fallbacks."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.config import ConfigError, load_config
from generator.config_schema import SCHEMA
from generator.demo import demo_root

REPO = Path(__file__).resolve().parents[1]


def _readme_config() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme.split("### `lookout.yaml`", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def _mistakes(tmp_path: Path, text: str) -> str:
    path = tmp_path / "lookout.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    return str(exc.value)


def test_the_readme_config_reference_is_what_the_loader_accepts(tmp_path):
    text = _readme_config()
    (tmp_path / "lookout.yaml").write_text(text)
    cfg = load_config(tmp_path / "lookout.yaml")
    assert set(yaml.safe_load(text)) == set(SCHEMA["properties"]), "the README lists every key, and only those"
    assert cfg.org_dir == (tmp_path / "checkouts/org").resolve()
    assert cfg.read.resource_types["aws_opensearch_domain"].name_attr == "domain_name"
    assert cfg.read.resource_parts == {"acme_widget_policy": True, "aws_route53_record": False}


def test_a_typo_at_any_level_is_an_error_at_its_line(tmp_path):
    msg = _mistakes(tmp_path, "repos: [x]\nresource_types:\n  aws_kms_key:\n    type: kms\n    name_atr: alias\n"
                              "site_nme: Acme\n")
    lines = msg.splitlines()
    assert len(lines) == 2, msg
    assert lines[0].startswith(f"{tmp_path / 'lookout.yaml'}:5: resource_types.aws_kms_key: unknown key 'name_atr'")
    assert "did you mean 'name_attr'?" in lines[0]
    assert lines[1].startswith(f"{tmp_path / 'lookout.yaml'}:6: lookout.yaml: unknown key 'site_nme'")


def test_broken_regexes_and_wrong_types_are_errors_with_lines(tmp_path):
    msg = _mistakes(tmp_path, 'service_module_sources:\n  - "ok/service"\n  - "modules/(service"\n'
                              'resource_modules:\n  "modules/[pg": {type: rds}\nresource_parts: {aws_x: yes please}\n'
                              "iframe_hosts: www.youtube.com\nresource_types: {aws_y: {name_attr: id}}\n")
    assert ":3: service_module_sources[1]: 'modules/(service' is not a valid regular expression" in msg
    assert ":5: resource_modules.modules/[pg: 'modules/[pg' is not a valid regular expression" in msg
    assert ":6: resource_parts.aws_x: 'yes please' is not of type 'boolean'" in msg
    assert ":7: iframe_hosts: 'www.youtube.com' is not of type 'array'" in msg
    assert ":8: resource_types.aws_y: 'type' is a required property" in msg


def test_duplicate_keys_and_bad_yaml_are_errors_with_lines(tmp_path):
    assert ":2: key 'repos' is given twice" in _mistakes(tmp_path, "repos: [a]\nrepos: [b]\n")
    assert f"{tmp_path / 'lookout.yaml'}:2: not valid YAML" in _mistakes(tmp_path, "repos: [a\nsite_name: x\n")


def _org(tmp_path: Path) -> Path:
    """The README's layout: checkouts/ with the org repo inside it, plus repos Lookout cannot use."""
    checkouts = tmp_path / "checkouts"
    shutil.copytree(demo_root() / "org", checkouts / "org")
    shutil.copytree(demo_root() / "ledger-service", checkouts / "ledger-service")
    (checkouts / "ledger-service/.af/modules/db").mkdir(parents=True)
    (checkouts / "ledger-service/.af/modules/db/main.tf").write_text('resource "aws_db_instance" "x" {}\n')
    (checkouts / "empty").mkdir()
    (checkouts / "handbook/docs").mkdir(parents=True)
    (checkouts / "handbook/mkdocs.yml").write_text("site_name: Handbook\n")
    (checkouts / "handbook/docs/index.md").write_text("# Handbook\n")
    (tmp_path / "lookout.yaml").write_text("repos: [checkouts/]\norg: checkouts/org\n")
    return tmp_path


def test_lookout_yaml_in_the_current_folder_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(_org(tmp_path))
    res = CliRunner().invoke(main, ["catalog", "-o", "out/catalog.json"])
    assert res.exit_code == 0, res.output
    assert "demo" not in res.output
    catalog = yaml.safe_load((tmp_path / "out/catalog.json").read_text())
    assert sorted(s["repo"] for s in catalog["sources"]) == ["empty", "handbook", "ledger-service", "org"]
    problems = catalog["problems"]
    assert not [p for p in problems if "two repos are named" in p["message"]]
    info = {(p["repo"], p["file"]): p["message"] for p in problems if p["severity"] == "info"}
    assert "nothing to read" in info[("empty", None)] and "lookout new service" in info[("empty", None)]
    assert "docs are not published" in info[("handbook", "mkdocs.yml")]
    assert "not read" in info[("ledger-service", ".af/modules/db")]


def test_with_nothing_configured_the_demo_is_built_and_said_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["catalog", "-o", "catalog.json"])
    assert res.exit_code == 0, res.output
    assert "using the embedded demo org" in res.stderr


def test_a_missing_repos_folder_is_one_line_and_exit_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lookout.yaml").write_text("repos: [checkouts/]\n")
    for cmd in (["catalog"], ["build", "--no-search"]):
        res = CliRunner().invoke(main, cmd)
        assert res.exit_code == 1, res.output
        assert res.stderr.strip().count("\n") == 0, res.stderr
        assert "checkouts does not exist" in res.stderr and "internal error" not in res.stderr
