"""Resource folding: supporting Terraform blocks are listed on the Resource they belong to."""
from __future__ import annotations

from pathlib import Path

from generator.config import ConfigError, ReadConfig, load_config
from generator.model import Repo
from generator.read import read_repo
from generator.read.resource_types import is_part

import pytest

SERVICE = """
module "service" {
  source       = "git::https://git.example.com/devops/terraform/modules/service?ref=v1.0.0"
  service_name = "orders"
  owner        = "payments"
}
"""

STORAGE = """
resource "random_pet" "suffix" {}

resource "aws_s3_bucket" "logs" {
  bucket = "orders-logs-${random_pet.suffix.id}"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = "{}"
}

resource "aws_iam_role" "app" {
  name = "orders-app"
}

resource "aws_iam_policy" "read_logs" {
  name   = "orders-read-logs"
  policy = "{}"
}

resource "aws_iam_role_policy_attachment" "read_logs" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.read_logs.arn
}

resource "aws_kms_key" "events" {}

resource "aws_sqs_queue" "events" {
  name              = "orders-events"
  kms_master_key_id = aws_kms_key.events.id
}

resource "null_resource" "bootstrap" {}

resource "acme_widget" "thing" {
  name = "widget"
}
"""


def make_repo(tmp_path: Path, files: dict[str, str]) -> Repo:
    root = tmp_path / "orders-repo"
    (root / ".af").mkdir(parents=True)
    for rel, text in files.items():
        (root / ".af" / rel).write_text(text, encoding="utf-8")
    return Repo(name="orders-repo", path=root, commit="abc", web_url=None)


def entities(result) -> dict[str, dict]:
    return {d.entity["metadata"]["annotations"]["lookout/terraform-address"]: d.entity for d in result.drafts}


def blocks(entity) -> list[str]:
    return [b["address"] for b in entity["spec"].get("terraformBlocks", [])]


def test_supporting_blocks_fold_into_what_they_belong_to(tmp_path):
    result = read_repo(make_repo(tmp_path, {"service.tf": SERVICE, "storage.tf": STORAGE}), ReadConfig())
    found = entities(result)
    # only what a person would name is an entity of its own; unknown types still are
    assert sorted(found) == ["acme_widget.thing", "aws_iam_role.app", "aws_s3_bucket.logs",
                             "aws_sqs_queue.events", "module.service"]
    # what it refers to (bucket = aws_s3_bucket.logs.id), and what refers to it (the random_pet in its name)
    assert blocks(found["aws_s3_bucket.logs"]) == ["random_pet.suffix", "aws_s3_bucket_versioning.logs",
                                                   "aws_s3_bucket_policy.logs"]
    # a policy reaches the role through its attachment
    assert blocks(found["aws_iam_role.app"]) == ["aws_iam_policy.read_logs", "aws_iam_role_policy_attachment.read_logs"]
    assert blocks(found["aws_sqs_queue.events"]) == ["aws_kms_key.events"]
    # a block that belongs to nothing is listed on the repo's Component
    assert blocks(found["module.service"]) == ["null_resource.bootstrap"]
    first = found["aws_s3_bucket.logs"]["spec"]["terraformBlocks"][1]
    assert first == {"address": "aws_s3_bucket_versioning.logs", "type": "aws_s3_bucket_versioning",
                     "file": ".af/storage.tf", "line": 8}
    # references to folded blocks are gone; the Component depends on the named Resources only
    assert "dependsOn" not in found["aws_sqs_queue.events"]["spec"]
    # and a folded block took no name its owner wanted (the kms key "events" came before the queue)
    assert found["module.service"]["spec"]["dependsOn"] == [
        "resource:orders-logs", "resource:orders-app", "resource:orders-events", "resource:orders-thing"]
    # no "not in Lookout's table" note for any folded block, one for the unknown type
    infos = [p.message for p in result.problems if p.severity == "info"]
    assert not any(word in m for m in infos for word in ("random_pet", "versioning", "null_resource", "kms_key"))
    assert any("acme_widget" in m for m in infos)


def test_without_a_component_an_orphan_part_is_dropped_quietly(tmp_path):
    result = read_repo(make_repo(tmp_path, {"x.tf": 'resource "time_sleep" "wait" {}\n'
                                                    'resource "aws_ec2_tag" "none" { for_each = {} }\n'
                                                    'resource "acme_thing" "none" { count = 0 }\n'
                                                    'resource "aws_sqs_queue" "q" { name = "q" }\n'}), ReadConfig())
    assert sorted(entities(result)) == ["aws_sqs_queue.q"]
    assert not [p for p in result.problems if "time_sleep" in p.message or "aws_ec2_tag" in p.message]
    # a type a person would name keeps its note that no instance is created
    assert [p.severity for p in result.problems if "acme_thing.none" in p.message] == ["info"]


def test_lookout_yaml_adds_and_keeps_types(tmp_path):
    cfg = tmp_path / "lookout.yaml"
    cfg.write_text("resource_parts:\n  acme_*: true\n  aws_kms_key: false\n", encoding="utf-8")
    read_cfg = load_config(cfg).read
    assert is_part("acme_widget", read_cfg) and not is_part("aws_kms_key", read_cfg)
    assert is_part("aws_s3_bucket_versioning", read_cfg) and not is_part("aws_s3_bucket", read_cfg)
    result = read_repo(make_repo(tmp_path, {"service.tf": SERVICE, "storage.tf": STORAGE}), read_cfg)
    found = entities(result)
    assert "aws_kms_key.events" in found and "acme_widget.thing" not in found
    cfg.write_text("resource_parts:\n  acme_widget: fold\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="resource_parts"):
        load_config(cfg)


def test_catalog_json_and_the_resource_page_list_the_folded_blocks(tmp_path):
    from generator.catalog_json import load_catalog, write_catalog
    from generator.config import Config
    from generator.pipeline import build_catalog
    from generator.portal.entity_page import EntityPageBuilder
    from generator.portal.index import PortalIndex

    repo = make_repo(tmp_path, {"service.tf": SERVICE, "storage.tf": STORAGE})
    repo = Repo(name=repo.name, path=repo.path, commit="abc", web_url="https://git.example.com/team/orders")
    catalog, _ = build_catalog(Config(read_cache=False), repos=[repo], workers=1, show_progress=False)
    write_catalog(catalog, tmp_path / "catalog.json")
    data = load_catalog(tmp_path / "catalog.json")
    bucket = next(e for e in data["entities"] if e["metadata"]["name"] == "orders-logs")
    assert [b["type"] for b in bucket["spec"]["terraformBlocks"]] == [
        "random_pet", "aws_s3_bucket_versioning", "aws_s3_bucket_policy"]
    assert not any(e["metadata"]["annotations"].get("lookout/terraform-type") == "aws_s3_bucket_versioning"
                   for e in data["entities"])
    page = EntityPageBuilder(PortalIndex(data)).build("resource:default/orders-logs", "../../../..")
    section = next(s for s in page["sections"] if s["id"] == "terraform-blocks")
    html = str(section["html"])
    assert "<code>aws_s3_bucket_versioning.logs</code>" in html and "Configured by" in html
    assert 'href="https://git.example.com/team/orders/' in html and ".af/storage.tf:8" in html


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "terraform"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-world corpus is not at {CORPUS}")
def test_real_terraform_folds_without_losing_a_block():
    """Every corpus folder as an .af: no part is left an entity, and each one folded is listed
    on a Resource or Component of its folder, unless it belongs to nothing there."""
    from generator.model import ANN_TF_ADDRESS, ANN_TF_TYPE
    from generator.read.fold import fold
    from generator.read.terraform import read_terraform

    cfg = ReadConfig()
    before = after = info_before = info_after = listed = orphans = 0
    for folder in sorted({p.parent for p in CORPUS.rglob("*.tf")}):
        top = folder.relative_to(CORPUS).parts[0]
        repo = Repo(top, CORPUS / top)
        af = folder.relative_to(CORPUS / top).as_posix()
        result = read_terraform(repo, cfg, af)
        before += len(result.drafts)
        info_before += sum(p.severity == "info" for p in result.problems)
        parts = {d.entity["metadata"]["annotations"][ANN_TF_ADDRESS]: d for d in result.drafts
                 if d.entity["kind"] == "Resource" and is_part(d.entity["metadata"]["annotations"][ANN_TF_TYPE], cfg)}
        named = {d.entity["metadata"]["name"].lower() for d in result.drafts}
        refs = {d.entity["metadata"]["annotations"][ANN_TF_ADDRESS]:
                {r.split(":")[-1].lower() for r in d.entity["spec"].get("dependsOn", [])} for d in result.drafts}
        fold(result, cfg)
        after += len(result.drafts)
        info_after += sum(p.severity == "info" for p in result.problems)
        kinds = {d.entity["metadata"]["annotations"].get(ANN_TF_TYPE) for d in result.drafts}
        assert not [k for k in kinds if k and is_part(k, cfg)], folder
        shown = {b["address"] for d in result.drafts for b in d.entity["spec"].get("terraformBlocks", [])}
        for address, draft in parts.items():
            if address in shown:
                listed += 1
                continue
            # dropped: then nothing in the folder refers to it and it refers to nothing kept
            name = draft.entity["metadata"]["name"].lower()
            assert not any(name in r for a, r in refs.items() if a not in parts), (folder, address)
            assert not (refs[address] & (named - {p.entity["metadata"]["name"].lower() for p in parts.values()})), \
                (folder, address)
            orphans += 1
    print(f"\ncorpus: {before} entities -> {after}; info problems {info_before} -> {info_after}; "
          f"{listed} blocks listed on their Resource, {orphans} belonging to nothing left out")
    assert after < before and info_after < info_before and listed > 100


def test_a_mistake_in_a_folded_block_is_still_reported_on_its_owner(tmp_path):
    files = {"s3.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "orders-data"\n}\n'
                      'resource "aws_s3_bucket_versioning" "v" {\n  bucket = aws_s3_bucket.b.id\n'
                      '  tags   = { owner = 5 }\n}\n'}
    result = read_repo(make_repo(tmp_path, files), ReadConfig())
    assert sorted(entities(result)) == ["aws_s3_bucket.b"]
    [problem] = [p for p in result.problems if "aws_s3_bucket_versioning.v" in p.message]
    assert problem.severity == "error" and (problem.file, problem.line) == (".af/s3.tf", 6)
    assert problem.entity_ref == "resource:default/orders-data"
