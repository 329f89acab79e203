""".af/*.tf.json (Terraform's JSON syntax, what CDK for Terraform writes) reads like .tf."""
from __future__ import annotations

import json

from tests.test_read_terraform import by_address, messages, read

SERVICE_JSON = {
    "//": "written by cdktf",
    "variable": {"env": {"default": "prod"}},
    "locals": {"prefix": "orders-${var.env}"},
    "module": {"service": {
        "source": "git::https://git.example.com/devops/terraform/modules/service?ref=v1.0.0",
        "service_name": "orders", "owner": "payments", "lifecycle": "production",
        "dependencies": ["component:cart"],
    }},
    "resource": {
        "aws_sqs_queue": {
            "jobs": {"name": "${local.prefix}-jobs", "tags": {"Owner": "sre"}},
            "by_tier": {"for_each": "${toset([\"high\", \"low\"])}", "name": "${local.prefix}-${each.key}"},
        },
        "aws_s3_bucket": [{"logs": {"bucket": "${upper(\"x\")}-logs", "depends_on": ["aws_sqs_queue.jobs"]}}],
    },
    "data": {"aws_msk_cluster": {"events": {"cluster_name": "events-${var.env}"}}},
}


def test_tf_json_has_the_same_meaning_as_tf_with_lines(tmp_path):
    text = json.dumps(SERVICE_JSON, indent=2)
    result = read(tmp_path, {"main.tf.json": text})
    ents = by_address(result)
    assert messages(result, "error") == [] and messages(result, "warning") == []
    assert ents["module.service"]["spec"]["owner"] == "payments"
    assert "component:cart" in ents["module.service"]["spec"]["dependsOn"]
    jobs = ents["aws_sqs_queue.jobs"]
    assert jobs["metadata"]["name"] == "orders-prod-jobs" and jobs["spec"]["owner"] == "sre"
    lines = text.splitlines()
    assert lines[int(jobs["metadata"]["annotations"]["lookout/line"]) - 1].strip().startswith('"jobs"')
    assert jobs["metadata"]["annotations"]["lookout/file"] == ".af/main.tf.json"
    assert ents["aws_s3_bucket.logs"]["metadata"]["name"] == "X-logs"
    assert ents['aws_sqs_queue.by_tier["low"]']["metadata"]["name"] == "orders-prod-low"
    assert ents["aws_s3_bucket.logs"]["spec"]["dependsOn"] == ["resource:orders-prod-jobs"]
    component = next(d for d in result.drafts if d.entity["kind"] == "Component")
    assert [(lk.physical_name, lk.address) for lk in component.lookups] == [("events-prod", "data.aws_msk_cluster.events")]


def test_tf_json_for_each_and_variable_defaults_are_literal(tmp_path):
    doc = {"variable": {"name": {"default": "${not-a-template}"}},
           "resource": {"aws_sns_topic": {"t": {"name": "${var.name}"}}}}
    ents = by_address(read(tmp_path, {"a.tf.json": json.dumps(doc)}))
    assert ents["aws_sns_topic.t"]["metadata"]["title"] == "${not-a-template}"


def test_tfvars_json_overrides_defaults(tmp_path):
    files = {"main.tf": 'variable "env" {\n  default = "dev"\n}\nresource "aws_sns_topic" "t" {\n  name = "t-${var.env}"\n}\n',
             "terraform.tfvars.json": '{"env": "prod"}'}
    assert by_address(read(tmp_path, files))["aws_sns_topic.t"]["metadata"]["name"] == "t-prod"


def test_bad_json_is_one_error_at_its_line_and_other_files_are_read(tmp_path):
    files = {"bad.tf.json": '{\n  "resource": {\n    "aws_sqs_queue": {\n      "q": {"name": "q",}\n',
             "ok.tf": 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n'}
    result = read(tmp_path, files)
    assert [d.entity["metadata"]["name"] for d in result.drafts] == ["t"]
    (problem,) = result.problems
    assert problem.severity == "error" and problem.file == ".af/bad.tf.json" and problem.line == 4
    assert "invalid JSON" in problem.message


def test_a_new_tf_json_file_is_seen_by_the_read_cache(tmp_path):
    from generator.config import ReadConfig
    from generator.read import read_repo_cached
    from tests.test_read_terraform import make_repo
    repo = make_repo(tmp_path, {"a.tf": 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n'})
    cache = tmp_path / "cache"
    assert read_repo_cached(repo, ReadConfig(), cache)[1] is False
    assert read_repo_cached(repo, ReadConfig(), cache)[1] is True
    (repo.path / ".af" / "b.tf.json").write_text('{"resource": {"aws_sns_topic": {"u": {"name": "u"}}}}')
    result, hit = read_repo_cached(repo, ReadConfig(), cache)
    assert hit is False and sorted(d.entity["metadata"]["name"] for d in result.drafts) == ["t", "u"]


def test_a_bad_template_in_json_is_named_at_the_strings_line(tmp_path):
    files = {"bad.tf.json": '{\n  "locals": {\n    "x": "%{ if true }open"\n  }\n}\n'}
    (problem,) = read(tmp_path, files).problems
    assert problem.line == 3 and "has no %{ endif }" in problem.message
