"""`lookout validate` as a merge request runs it: build's checks for one repo, and blast radius.

The published catalog is the demo org's, in both forms (catalog.json and the
compact api/validate.json.gz); each test changes one demo repo the way a
merge request would and reads the report a reviewer gets.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog_json import to_json_bytes
from generator.cli import main
from generator.config import Config
from generator.demo import demo_root
from generator.pipeline import build_catalog
from generator.published import compact_bytes, load_published


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    catalog, _ = build_catalog(Config(), show_progress=False)
    folder = tmp_path_factory.mktemp("portal")
    (folder / "catalog.json").write_bytes(to_json_bytes(catalog))
    (folder / "validate.json.gz").write_bytes(compact_bytes(catalog))
    return folder


def checkout(tmp_path: Path, repo: str) -> Path:
    """A merge request's checkout of one demo repo (same folder name, as CI clones it)."""
    dest = tmp_path / "mr" / repo
    shutil.copytree(demo_root() / repo, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def validate(*args: str):
    result = CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def problems(*args: str) -> list[dict]:
    code, out = validate(*args, "--format", "json")
    return json.loads(out)


def blast(found: list[dict]) -> list[dict]:
    return [p for p in found if p["message"].startswith("blast radius:")]


# -- validate judges like build --------------------------------------------------------------

def test_owner_typo_is_one_error_at_the_owner_line_with_did_you_mean(tmp_path, published):
    repo = checkout(tmp_path, "checkout-service")
    edit(repo / ".af" / "service.tf", '"payments-checkout"', '"payments-chekout"')
    line = next(i for i, t in enumerate((repo / ".af" / "service.tf").read_text().splitlines(), 1)
                if "owner" in t)
    for cat in ("validate.json.gz", "catalog.json"):
        code, out = validate(str(repo), "--catalog", str(published / cat), "--no-docs")
        assert code == 1, out
        errors = [x for x in out.splitlines() if ": error: " in x]
        assert len(errors) == 1, out
        assert f".af/service.tf:{line}: error: " in errors[0]
        assert "payments-chekout" in errors[0] and "did you mean `payments-checkout`?" in errors[0]
        assert "ownerless" not in out  # the ten resources inheriting the owner say nothing more


def test_unknown_references_to_other_repos_suggest_the_published_name(tmp_path, published):
    repo = checkout(tmp_path, "checkout-service")
    edit(repo / ".af" / "service.tf", '["component:cart-service"]', '["component:cart-servce", "resource:events-prd"]')
    found = [p for p in problems(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs")
             if p["severity"] == "error"]
    assert [(p["file"], p["line"]) for p in found] == [(".af/service.tf", 15)] * 2
    assert {m["message"].rsplit("; ", 1)[1] for m in found} == \
        {"did you mean `cart-service`?", "did you mean `events-prod`?"}


def test_without_a_catalog_a_clean_repo_is_not_a_wall_of_warnings(tmp_path):
    repo = checkout(tmp_path, "storefront-web")
    found = problems(str(repo), "--no-docs")
    assert not [p for p in found if p["severity"] in ("error", "warning")], found
    notes = [p for p in found if "not checked" in p["message"]]
    assert len(notes) == 1 and "8 reference(s)" in notes[0]["message"]
    assert "--catalog" in notes[0]["message"]


def test_docs_problems_fail_validate_with_their_mkdocs_line(tmp_path, published):
    repo = checkout(tmp_path, "cart-service")
    mk = repo / "mkdocs.yml"
    mk.write_text("site_name: cart-service\nnav:\n  - Overview: index.md\n  - Ops:\n"
                  "      - Runbook: runbook.md\n      - Gone: no-such-page.md\n")
    code, out = validate(str(repo), "--catalog", str(published / "validate.json.gz"))
    nav_line = 6
    assert f"mkdocs.yml:{nav_line}: warning: nav path 'no-such-page.md' does not exist" in out, out
    # a docs_dir that does not exist: the build would publish no docs, so it is an error, at its line
    mk.write_text(mk.read_text() + "docs_dir: documentation\n")
    code, out = validate(str(repo), "--catalog", str(published / "validate.json.gz"))
    dd_line = len(mk.read_text().splitlines())
    assert code == 1
    assert f"mkdocs.yml:{dd_line}: error: docs folder 'documentation' does not exist" in out, out
    assert ":None" not in out
    # invalid YAML
    mk.write_text("site_name: [unclosed\n")
    code, out = validate(str(repo), "--catalog", str(published / "validate.json.gz"))
    assert re.search(r"mkdocs\.yml:\d+: error: .*YAML", out), out


def test_build_strict_fails_on_errors_and_prints_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # its .lookout-cache too
    result = CliRunner().invoke(
        main, ["build", "--out", str(tmp_path / "site"), "--no-search", "--strict",
               "--catalog-out", str(tmp_path / "catalog.json")])
    assert result.exit_code == 1
    assert "notification-service/.af/service.tf:15: dangling reference" in result.stderr
    assert "email-campaigns/.af/schedule.tf:4:" in result.stderr
    assert (tmp_path / "site" / "index.html").is_file()          # published all the same
    compact = tmp_path / "site" / "api" / "validate.json.gz"     # beside api/catalog.json
    pub = load_published(compact)
    assert "resource:default/events-prod" in pub.entities and pub.lookups
    assert compact.stat().st_size < (tmp_path / "site" / "api" / "catalog.json").stat().st_size / 10


# -- blast radius ----------------------------------------------------------------------------

def test_resource_renamed_that_others_look_up_is_an_error_naming_them(tmp_path, published):
    repo = checkout(tmp_path, "kafka-platform")
    edit(repo / ".af" / "msk.tf", '"events-prod"', '"events-prod-2"')
    for cat in ("validate.json.gz", "catalog.json"):
        found = blast(problems(str(repo), "--catalog", str(published / cat), "--no-docs"))
        assert len(found) == 1 and found[0]["severity"] == "error", found
        msg = found[0]["message"]
        assert "resource:default/events-prod is renamed to resource:default/events-prod-2" in msg
        for user, owner in (("clickstream-pipeline", "data-platform"), ("payment-gateway", "payments")):
            assert f"component:default/{user} ({user}, owner group:default/{owner})" in msg
        assert found[0]["file"] == ".af/msk.tf" and found[0]["line"]
    compact = blast(problems(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs"))
    assert "data.aws_msk_cluster.events in clickstream-pipeline/.af/main.tf:" in compact[0]["message"]


def test_resource_removed_that_others_depend_on(tmp_path, published):
    repo = checkout(tmp_path, "kafka-platform")
    msk = repo / ".af" / "msk.tf"
    text = msk.read_text()
    start = text.index('resource "aws_msk_cluster" "events"')
    end = text.index("\n}\n", start) + 3
    msk.write_text(text[:start] + text[end:])
    code, out = validate(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs")
    assert code == 1
    line = next(x for x in out.splitlines() if "blast radius:" in x)
    assert "resource:default/events-prod is removed" in line and "8 entities in other repos" in line
    assert "component:default/search-indexer (search-indexer, owner group:default/storefront)" in line


def test_api_removed_that_others_consume(tmp_path, published):
    repo = checkout(tmp_path, "checkout-service")
    edit(repo / ".af" / "service.tf", '["checkout-api", "order-events"]', '["order-events"]')
    api = repo / ".af" / "api.yaml"
    api.write_text(api.read_text().split("---\n", 1)[1])  # the checkout-api document goes
    found = blast(problems(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs"))
    assert len(found) == 1 and found[0]["severity"] == "error"
    assert "api:default/checkout-api is removed" in found[0]["message"]
    assert "consume it: component:default/storefront-web (storefront-web, owner group:default/storefront)" \
        in found[0]["message"]


def test_owner_change_is_reported_once_with_who_depends(tmp_path, published):
    repo = checkout(tmp_path, "kafka-platform")
    edit(repo / ".af" / "service.tf", '"data-platform"', '"sre"')
    code, out = validate(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs")
    assert code == 0, out
    found = blast(problems(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs"))
    assert found and all("changes from group:default/data-platform to group:default/sre" in p["message"]
                         for p in found)
    assert {(p["file"], p["line"]) for p in found} == {(".af/service.tf", 8)}   # where the owner is written
    assert any(p["severity"] == "warning" and "component:default/clickstream-pipeline" in p["message"]
               for p in found)


def test_unchanged_repo_has_no_blast_radius(tmp_path, published):
    repo = checkout(tmp_path, "kafka-platform")
    assert not blast(problems(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs"))


# -- reports ---------------------------------------------------------------------------------

def test_reports_for_the_merge_request(tmp_path, published):
    repo = checkout(tmp_path, "kafka-platform")
    edit(repo / ".af" / "msk.tf", '"events-prod"', '"events-prod-2"')
    reports = tmp_path / "reports"
    code, md = validate(str(repo), "--catalog", str(published / "validate.json.gz"), "--no-docs",
                        "--format", "markdown", "--codequality", str(reports / "cq.json"),
                        "--junit", str(reports / "junit.xml"))
    assert code == 1
    assert md.startswith("### Lookout: `kafka-platform` fails")
    assert "#### What this change does to other repos" in md and "events-prod-2" in md
    assert len(md.splitlines()) < 40
    cq = json.loads((reports / "cq.json").read_text())
    assert any(c["severity"] == "major" and c["location"]["path"] == ".af/msk.tf" for c in cq)
    suite = ET.parse(reports / "junit.xml").getroot()
    failures = suite.findall(".//testcase/failure")
    assert len(failures) == 1 and "events-prod" in failures[0].get("message")
    assert suite.get("failures") == "1"


def test_markdown_report_keeps_repo_text_inert(tmp_path):
    repo = tmp_path / "svc"
    (repo / ".af").mkdir(parents=True)
    (repo / ".af" / "service.tf").write_text(
        'module "service" {\n  source = "git::https://x/modules/service"\n  service_name = "svc"\n'
        '  owner = "<img src=x onerror=alert(1)>|[x](javascript:alert(1))"\n  lifecycle = "production"\n}\n')
    code, md = validate(str(repo), "--format", "markdown", "--no-docs")
    assert "<img" not in md and "](javascript" not in md


def test_compact_catalog_is_deterministic_and_gzip(published):
    catalog, _ = build_catalog(Config(), show_progress=False)
    data = compact_bytes(catalog)
    assert data == (published / "validate.json.gz").read_bytes()
    doc = json.loads(gzip.decompress(data))
    assert doc["format"] == "lookout-validate" and doc["lookups"]


def test_a_damaged_catalog_is_one_clear_line(tmp_path):
    bad = tmp_path / "validate.json.gz"
    bad.write_bytes(gzip.compress(b'{"format": "lookout-validate", "version": 1, "entities": [[1]]}'))
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--catalog", str(bad)])
    assert result.exit_code == 2 and "damaged validation catalog" in result.stderr
