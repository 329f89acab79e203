"""count and for_each: one Resource per instance Terraform creates, addressed as Terraform does."""
from __future__ import annotations

from tests.test_read_terraform import SERVICE, by_address, messages, read


def test_for_each_over_a_map_names_each_instance_from_each_key_and_value(tmp_path):
    src = ('locals {\n  queues = { high = 30, low = 300 }\n}\n'
           'resource "aws_sqs_queue" "c" {\n  for_each = local.queues\n  name = "orders-${each.key}"\n'
           '  visibility_timeout_seconds = each.value\n  tags = { Owner = "team-${each.key}" }\n}\n')
    result = read(tmp_path, {"service.tf": SERVICE, "q.tf": src})
    ents = by_address(result)
    assert ents['aws_sqs_queue.c["high"]']["metadata"]["name"] == "orders-high"
    assert ents['aws_sqs_queue.c["low"]']["metadata"]["name"] == "orders-low"
    assert ents['aws_sqs_queue.c["low"]']["spec"]["owner"] == "team-low"
    assert ents['aws_sqs_queue.c["high"]']["metadata"]["annotations"]["lookout/line"] == "4"
    assert set(ents["module.service"]["spec"]["dependsOn"]) >= {"resource:orders-high", "resource:orders-low"}
    assert messages(result) == []


def test_count_names_each_instance_from_count_index_and_references_reach_every_instance(tmp_path):
    src = ('resource "aws_s3_bucket" "d" {\n  count = 2\n  bucket = "logs-${count.index}"\n}\n'
           'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  environment {\n'
           '    variables = { B = aws_s3_bucket.d[0].id }\n  }\n}\n')
    result = read(tmp_path, {"b.tf": src})
    ents = by_address(result)
    assert [ents[f"aws_s3_bucket.d[{i}]"]["metadata"]["name"] for i in (0, 1)] == ["logs-0", "logs-1"]
    assert ents["aws_lambda_function.f"]["spec"]["dependsOn"] == ["resource:logs-0", "resource:logs-1"]
    lam = next(d for d in result.drafts if d.entity["metadata"]["name"] == "f")
    assert lam.references == ["aws_s3_bucket.d"]


def test_an_unnamed_instance_is_named_from_service_label_and_key(tmp_path):
    src = 'resource "acme_widget" "w" {\n  for_each = { for k in ["a", "b"] : k => k }\n}\n'
    ents = by_address(read(tmp_path, {"service.tf": SERVICE, "w.tf": src}))
    assert ents['acme_widget.w["a"]']["metadata"]["name"] == "orders-w-a"


def test_an_unknown_collection_stays_one_resource_with_a_warning(tmp_path):
    src = ('resource "aws_sqs_queue" "q" {\n  for_each = data.aws_ssm_parameter.names.value\n'
           '  name = "x"\n}\n')
    result = read(tmp_path, {"q.tf": src})
    assert list(by_address(result)) == ["aws_sqs_queue.q"]
    (problem,) = result.problems
    assert problem.severity == "warning" and problem.line == 2
    assert "for_each" in problem.message and "data source" in problem.message


def test_what_terraform_rejects_is_an_error_and_zero_instances_is_said(tmp_path):
    src = ('resource "aws_sqs_queue" "l" {\n  for_each = ["a", "b"]\n  name = "l"\n}\n'
           'resource "aws_sqs_queue" "z" {\n  count = 0\n  name = "z"\n}\n'
           'resource "aws_sqs_queue" "n" {\n  count = -1\n  name = "n"\n}\n')
    result = read(tmp_path, {"q.tf": src})
    assert sorted(by_address(result)) == ["aws_sqs_queue.l", "aws_sqs_queue.n"]
    errors = {p.line: p.message for p in result.problems if p.severity == "error"}
    assert "toset" in errors[2] and "whole number" in errors[10]
    (info,) = [p for p in result.problems if p.severity == "info"]
    assert info.line == 6 and "aws_sqs_queue.z" in info.message and "no instance" in info.message


def test_expansion_stops_at_a_thousand_instances_with_a_problem(tmp_path):
    src = 'resource "aws_sqs_queue" "q" {\n  count = 5000\n  name = "q-${count.index}"\n}\n'
    result = read(tmp_path, {"q.tf": src})
    assert len(result.drafts) == 1000
    (problem,) = result.problems
    assert problem.severity == "error" and "5,000 instances" in problem.message and problem.line == 2
