"""read_terraform: what a service owner's .af/*.tf turns into (drafts + problems)."""
from __future__ import annotations

import os
import time
from pathlib import Path


from generator.config import ReadConfig, ResourceMapping
from generator.model import Lookup, Repo
from generator.read.terraform import read_terraform

SERVICE = """
module "service" {
  source             = "git::https://git.example.com/devops/terraform/modules/service?ref=v1.0.0"
  service_name       = "orders"
  language           = "Go"
  description        = "Takes orders"
  pagerDutyServiceID = "PABC123"
  owner              = "Payments Team"
  lifecycle          = "production"
  system             = "checkout"
  tags               = ["tier-1", "Customer Facing"]
  links              = [{ url = "https://grafana.example.com/d/orders", title = "Dashboard" }]
  dependencies       = ["component:cart"]
  provides_apis      = ["orders-api"]
  consumes_apis      = ["payments-api"]
}
"""


def make_repo(tmp_path: Path, files: dict[str, str | bytes], name: str = "orders-repo",
              web_url: str | None = None) -> Repo:
    root = tmp_path / name
    (root / ".af").mkdir(parents=True)
    for rel, content in files.items():
        path = root / ".af" / rel
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return Repo(name=name, path=root, commit="abc123", web_url=web_url)


def read(tmp_path: Path, files: dict[str, str | bytes], cfg: ReadConfig | None = None, **kw):
    return read_terraform(make_repo(tmp_path, files, **kw), cfg or ReadConfig())


def by_address(result) -> dict[str, dict]:
    return {d.entity["metadata"]["annotations"]["lookout/terraform-address"]: d.entity for d in result.drafts}


def messages(result, severity: str | None = None) -> list[str]:
    return [p.message for p in result.problems if severity is None or p.severity == severity]


# -- the service module ---------------------------------------------------------------------

def test_service_module_becomes_a_component_with_every_field(tmp_path):
    result = read(tmp_path, {"service.tf": SERVICE}, web_url="https://git.example.com/team/orders")
    assert result.problems == []
    (draft,) = result.drafts
    ent = draft.entity
    assert ent["apiVersion"] == "backstage.io/v1alpha1" and ent["kind"] == "Component"
    meta, spec = ent["metadata"], ent["spec"]
    assert meta["name"] == "orders" and meta["namespace"] == "default"
    assert meta["description"] == "Takes orders"
    assert meta["tags"] == ["go", "tier-1", "customer-facing"]
    assert meta["links"] == [{"url": "https://grafana.example.com/d/orders", "title": "Dashboard"}]
    ann = meta["annotations"]
    assert ann["pagerduty.com/service-id"] == "PABC123"
    assert ann["lookout/terraform-address"] == "module.service"
    assert ann["lookout/repo"] == "orders-repo"
    assert ann["lookout/file"] == ".af/service.tf"
    assert ann["lookout/line"] == "2"
    url = "url:https://git.example.com/team/orders/-/blob/abc123/.af/service.tf"
    assert ann["backstage.io/managed-by-location"] == url
    assert ann["backstage.io/managed-by-origin-location"] == url
    assert spec == {"type": "service", "lifecycle": "production", "owner": "Payments Team",
                    "system": "checkout", "dependsOn": ["component:cart"],
                    "providesApis": ["orders-api"], "consumesApis": ["payments-api"]}
    assert draft.source == "terraform"
    assert (draft.location.repo, draft.location.file, draft.location.line) == ("orders-repo", ".af/service.tf", 2)


def test_missing_lifecycle_is_a_warning_and_not_guessed(tmp_path):
    src = SERVICE.replace('  lifecycle          = "production"\n', "")
    result = read(tmp_path, {"service.tf": src})
    (draft,) = result.drafts
    assert "lifecycle" not in draft.entity["spec"]
    (problem,) = result.problems
    assert problem.severity == "warning" and "no lifecycle" in problem.message
    assert (problem.file, problem.line) == (".af/service.tf", 2)


def test_without_web_url_the_location_is_a_file_location(tmp_path):
    result = read(tmp_path, {"service.tf": SERVICE})
    ann = result.drafts[0].entity["metadata"]["annotations"]
    assert ann["backstage.io/managed-by-location"] == "file:orders-repo/.af/service.tf"


def test_only_configured_module_sources_are_services(tmp_path):
    other = SERVICE.replace("modules/service?ref=v1.0.0", "modules/something-else")
    assert read(tmp_path, {"service.tf": other}).drafts == []
    cfg = ReadConfig(service_module_sources=[r"modules/something-else$"])
    (draft,) = read(tmp_path / "b", {"service.tf": other}, cfg).drafts
    assert draft.entity["kind"] == "Component"


def test_two_service_modules_give_two_components(tmp_path):
    second = SERVICE.replace('module "service"', 'module "worker"').replace('"orders"', '"orders-worker"')
    result = read(tmp_path, {"service.tf": SERVICE + second})
    assert [d.entity["metadata"]["name"] for d in result.drafts] == ["orders", "orders-worker"]
    assert [d.location.line for d in result.drafts] == [2, 18]


def test_service_name_is_made_a_valid_entity_name_and_namespace_comes_from_config(tmp_path):
    src = SERVICE.replace('"orders"', '"Orders Service"')
    (draft,) = read(tmp_path, {"service.tf": src}, ReadConfig(namespace="shop")).drafts
    assert draft.entity["metadata"]["name"] == "orders-service"
    assert draft.entity["metadata"]["title"] == "Orders Service"
    assert draft.entity["metadata"]["namespace"] == "shop"


# -- values -----------------------------------------------------------------------------------

def test_var_local_and_tfvars_resolution(tmp_path):
    files = {
        "variables.tf": 'variable "env" { default = "dev" }\nvariable "team" {}\n'
                        'variable "suffix" { default = "db" }\n',
        "locals.tf": 'locals {\n  name   = "${local.prefix}-${var.suffix}"\n  prefix = "orders-${var.env}"\n'
                     '  owner  = var.team\n}\n',
        "service.tf": SERVICE.replace('"Payments Team"', "local.owner"),
        "db.tf": 'resource "aws_db_instance" "main" {\n  identifier = local.name\n}\n',
        "terraform.tfvars": 'env = "staging"\nteam = "payments"\n',
        "z.auto.tfvars": 'env = "prod"\n',  # auto.tfvars is applied after terraform.tfvars
    }
    result = read(tmp_path, files)
    assert messages(result) == []
    ents = by_address(result)
    assert ents["aws_db_instance.main"]["metadata"]["name"] == "orders-prod-db"
    assert ents["aws_db_instance.main"]["metadata"]["annotations"]["lookout/physical-name"] == "orders-prod-db"
    assert ents["module.service"]["spec"]["owner"] == "payments"
    assert ents["aws_db_instance.main"]["spec"]["owner"] == "payments"


def test_local_cycle_is_reported_not_looped(tmp_path):
    files = {"main.tf": 'locals {\n  a = "${local.b}-x"\n  b = "${local.a}-y"\n}\n'
                        'resource "aws_sqs_queue" "q" {\n  name = local.a\n}\n'}
    result = read(tmp_path, files)
    (draft,) = result.drafts
    assert draft.entity["metadata"]["name"] == "orders-repo-q"
    (msg,) = messages(result, "warning")
    assert "cycle" in msg and "aws_sqs_queue.q" in msg


def test_escapes_heredocs_and_literal_dollar_braces_are_unquoted(tmp_path):
    files = {"main.tf": 'resource "datadog_monitor" "m" {\n  name = "Say \\"hi\\" $${x}"\n}\n'
                        'resource "aws_sqs_queue" "q" {\n  name = <<-EOT\n    q-heredoc\n    EOT\n}\n'}
    ents = by_address(read(tmp_path, files))
    assert ents["datadog_monitor.m"]["metadata"]["title"] == 'Say "hi" ${x}'
    assert ents["datadog_monitor.m"]["metadata"]["name"] == "say-hi-x"
    assert ents["aws_sqs_queue.q"]["metadata"]["annotations"]["lookout/physical-name"].rstrip("\n") == "q-heredoc"


# -- resources --------------------------------------------------------------------------------

def test_monitor_name_becomes_a_slug_and_the_title_keeps_it(tmp_path):
    files = {"service.tf": SERVICE,
             "monitors.tf": 'resource "datadog_monitor" "cpu" {\n  name = "High CPU on api"\n  type = "metric alert"\n}\n'}
    result = read(tmp_path, files)
    ent = by_address(result)["datadog_monitor.cpu"]
    assert ent["kind"] == "Resource"
    assert ent["metadata"]["name"] == "high-cpu-on-api"
    assert ent["metadata"]["title"] == "High CPU on api"
    ann = ent["metadata"]["annotations"]
    assert ann["lookout/physical-name"] == "High CPU on api"
    assert ann["lookout/terraform-type"] == "datadog_monitor"
    assert ann["lookout/file"] == ".af/monitors.tf" and ann["lookout/line"] == "1"
    assert ent["spec"] == {"type": "datadog-monitor", "owner": "Payments Team", "system": "checkout"}


def test_a_very_long_name_is_cut_to_63_characters_and_stays_distinct(tmp_path):
    long = "Latency above the agreed threshold on the orders api for the checkout flow"
    files = {"m.tf": f'resource "datadog_monitor" "a" {{ name = "{long} A" }}\n'
                     f'resource "datadog_monitor" "b" {{ name = "{long} B" }}\n'}
    names = [d.entity["metadata"]["name"] for d in read(tmp_path, files).drafts]
    assert all(len(n) <= 63 for n in names) and len(set(names)) == 2


def test_component_depends_on_every_resource_and_resources_on_what_they_reference(tmp_path):
    files = {
        "service.tf": SERVICE,
        "storage.tf": 'resource "aws_s3_bucket" "exports" {\n  bucket = "acme-orders-exports"\n}\n'
                      'resource "aws_kms_key" "k" {}\n',
        "lambda.tf": 'resource "aws_lambda_function" "export" {\n  function_name = "orders-export"\n'
                     '  environment {\n    variables = { BUCKET = "s3://${aws_s3_bucket.exports.id}/x" }\n  }\n'
                     '  kms_key_arn = aws_kms_key.k.arn\n  role = data.aws_s3_bucket.exports.arn\n}\n',
    }
    ents = by_address(read(tmp_path, files))
    assert ents["module.service"]["spec"]["dependsOn"] == [
        # files in name order (lambda.tf, service.tf, storage.tf), blocks in file order
        "component:cart", "resource:orders-export", "resource:acme-orders-exports", "resource:orders-k"]
    assert ents["aws_lambda_function.export"]["spec"]["dependsOn"] == [
        "resource:acme-orders-exports", "resource:orders-k"]
    assert "dependsOn" not in ents["aws_s3_bucket.exports"]["spec"]


def test_unknown_type_is_kept_with_the_terraform_type(tmp_path):
    files = {"service.tf": SERVICE, "x.tf": 'resource "acme_widget" "blue" {\n  name = "blue"\n}\n'}
    result = read(tmp_path, files)
    ent = by_address(result)["acme_widget.blue"]
    assert ent["spec"]["type"] == "acme_widget"
    assert ent["metadata"]["name"] == "orders-blue"
    assert "lookout/physical-name" not in ent["metadata"]["annotations"]
    (problem,) = [p for p in result.problems if "acme_widget" in p.message]
    assert problem.severity == "info" and problem.line == 1


def test_config_adds_resource_types_and_resource_modules(tmp_path):
    cfg = ReadConfig(resource_types={"acme_widget": ResourceMapping("widget", "name")},
                     resource_modules={r"modules/queue$": ResourceMapping("queue", "queue_name")})
    files = {"x.tf": 'resource "acme_widget" "blue" { name = "blue-widget" }\n'
                     'module "jobs" {\n  source = "git::https://git.example.com/modules/queue"\n'
                     '  queue_name = "orders-jobs"\n}\n'
                     'module "ignored" { source = "./modules/whatever" }\n'}
    result = read(tmp_path, files, cfg)
    ents = by_address(result)
    assert set(ents) == {"acme_widget.blue", "module.jobs"}
    assert (ents["acme_widget.blue"]["spec"]["type"], ents["acme_widget.blue"]["metadata"]["name"]) == (
        "widget", "blue-widget")
    assert (ents["module.jobs"]["spec"]["type"], ents["module.jobs"]["metadata"]["name"]) == ("queue", "orders-jobs")


def test_registry_resource_module_becomes_a_resource(tmp_path):
    files = {"db.tf": 'module "db" {\n  source = "terraform-aws-modules/rds/aws"\n  version = "~> 6.0"\n'
                      '  identifier = "orders-db"\n}\n'
                      'module "alias" { source = "terraform-aws-modules/lambda/aws//modules/alias" }\n'}
    ents = by_address(read(tmp_path, files))
    assert set(ents) == {"module.db"}
    assert ents["module.db"]["spec"]["type"] == "rds"
    assert ents["module.db"]["metadata"]["annotations"]["lookout/physical-name"] == "orders-db"


def test_owner_tag_overrides_the_service_owner(tmp_path):
    files = {"service.tf": SERVICE,
             "q.tf": 'resource "aws_sqs_queue" "a" {\n  name = "a"\n  tags = { Owner = "data-platform" }\n}\n'
                     'resource "aws_sqs_queue" "b" {\n  name = "b"\n  tags = merge(local.t, {})\n}\n'}
    ents = by_address(read(tmp_path, files))
    assert ents["aws_sqs_queue.a"]["spec"]["owner"] == "data-platform"
    assert ents["aws_sqs_queue.b"]["spec"]["owner"] == "Payments Team"


def test_no_service_module_and_no_owner_tag_leaves_owner_absent(tmp_path):
    files = {"q.tf": 'resource "aws_sqs_queue" "a" { name = "a" }\n'
                     'resource "aws_sqs_queue" "b" {\n  name = "b"\n  tags = { owner = "sre" }\n}\n'}
    ents = by_address(read(tmp_path, files))
    assert "owner" not in ents["aws_sqs_queue.a"]["spec"]
    assert ents["aws_sqs_queue.b"]["spec"]["owner"] == "sre"


def test_same_physical_name_in_two_types_gives_two_distinct_resources(tmp_path):
    files = {"m.tf": 'resource "aws_sqs_queue" "q" { name = "orders" }\n'
                     'resource "aws_sns_topic" "t" { name = "orders" }\n'}
    result = read(tmp_path, files)
    names = [d.entity["metadata"]["name"] for d in result.drafts]
    assert names == ["orders", "orders-sns-topic"]
    assert result.drafts[1].entity["metadata"]["title"] == "orders"
    assert any("already used" in m for m in messages(result, "info"))


def test_unresolved_name_falls_back_to_service_and_label_with_a_problem(tmp_path):
    files = {"service.tf": SERVICE,
             "db.tf": 'variable "env" {}\n\nresource "aws_db_instance" "main" {\n'
                      '  identifier = "orders-${var.env}"\n}\n'}
    result = read(tmp_path, files)
    ent = by_address(result)["aws_db_instance.main"]
    assert ent["metadata"]["name"] == "orders-main"
    assert "lookout/physical-name" not in ent["metadata"]["annotations"]
    (problem,) = [p for p in result.problems if "aws_db_instance.main" in p.message]
    assert problem.severity == "warning"
    assert (problem.file, problem.line) == (".af/db.tf", 3)
    assert "var.env" in problem.message and "orders-main" in problem.message


def test_a_bare_identifier_is_not_taken_for_a_name(tmp_path):
    # python-hcl2 writes `bucket = foo` as the plain string "foo", unlike "${foo.bar}".
    result = read(tmp_path, {"b.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = foo\n}\n'})
    assert result.drafts[0].entity["metadata"]["name"] == "orders-repo-b"
    (problem,) = result.problems
    assert problem.severity == "warning" and "does not resolve: foo" in problem.message


def test_fallback_uses_repo_name_when_there_is_no_service(tmp_path):
    files = {"b.tf": 'resource "aws_s3_bucket" "logs" {}\n'}
    result = read(tmp_path, files)
    assert result.drafts[0].entity["metadata"]["name"] == "orders-repo-logs"
    assert any('no "bucket"' in m for m in messages(result, "info"))


# -- data lookups -----------------------------------------------------------------------------

def test_data_block_becomes_a_lookup_on_the_component(tmp_path):
    files = {"service.tf": SERVICE,
             "kafka.tf": 'variable "cluster" { default = "events-prod" }\n'
                         'data "aws_msk_cluster" "events" {\n  cluster_name = var.cluster\n}\n'
                         'data "aws_db_instance" "shared" {\n  db_instance_identifier = "shared-db"\n}\n'
                         'data "aws_sqs_queue" "mystery" {\n  name = some_resource.x.name\n}\n'
                         'data "aws_iam_policy_document" "p" {}\n'}
    result = read(tmp_path, files)
    (draft,) = result.drafts
    assert [(lk.resource_type, lk.physical_name, lk.address, lk.location.line) for lk in draft.lookups] == [
        ("kafka-cluster", "events-prod", "data.aws_msk_cluster.events", 2),
        ("rds", "shared-db", "data.aws_db_instance.shared", 5),
    ]
    assert isinstance(draft.lookups[0], Lookup) and draft.lookups[0].location.file == ".af/kafka.tf"
    (problem,) = result.problems
    assert problem.severity == "info" and "data.aws_sqs_queue.mystery" in problem.message
    assert problem.line == 8


# -- broken input -----------------------------------------------------------------------------

def test_syntax_error_is_one_error_with_its_line_and_other_files_are_still_read(tmp_path):
    files = {"a_broken.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n  oops = = 3\n}\n',
             "b_ok.tf": 'resource "aws_sns_topic" "t" { name = "t" }\n'}
    result = read(tmp_path, files)
    assert [d.entity["metadata"]["name"] for d in result.drafts] == ["t"]
    (problem,) = result.problems
    assert problem.severity == "error"
    assert (problem.repo, problem.file, problem.line) == ("orders-repo", ".af/a_broken.tf", 3)
    assert "syntax error" in problem.message


def test_unclosed_block_reports_end_of_file(tmp_path):
    result = read(tmp_path, {"a.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n'})
    (problem,) = result.problems
    assert problem.severity == "error" and "end of file" in problem.message
    assert problem.line in (2, 3)


def test_wrong_types_are_reported_with_attribute_and_line_and_the_rest_goes_on(tmp_path):
    src = """module "service" {
  source       = "git::https://git.example.com/modules/service"
  service_name = 42
  description  = ["not", "a", "string"]
  owner        = ["a"]
  tags         = "x"
  links        = [{ title = "no url" }]
  lifecycle    = "production"
  system       = "checkout"
}
resource "aws_s3_bucket" "b" {
  bucket = { a = 1 }
}
"""
    result = read(tmp_path, {"service.tf": src})
    ents = by_address(result)
    comp = ents["module.service"]
    assert comp["metadata"]["name"] == "orders-repo"
    assert comp["spec"]["system"] == "checkout" and comp["spec"]["lifecycle"] == "production"
    assert "owner" not in comp["spec"] and "description" not in comp["metadata"]
    errors = {p.line: p.message for p in result.problems if p.severity == "error"}
    assert errors[3] == ('module.service: "service_name" must be a string, got a number (42); '
                         "the Component is named 'orders-repo'")
    assert '"description" must be a string, got a list' in errors[4]
    assert '"owner" must be a string, got a list' in errors[5]
    assert '"tags" must be a list of strings, got a string' in errors[6]
    assert '"url"' in errors[7]
    assert '"bucket" must be a string, got a map' in errors[11]
    assert ents["aws_s3_bucket.b"]["metadata"]["name"] == "orders-repo-b"
    assert all(p.file == ".af/service.tf" for p in result.problems)


def test_deeply_nested_hcl_is_a_problem_not_a_crash(tmp_path):
    deep = "locals {\n  x = " + "[" * 5000 + "]" * 5000 + "\n}\n"
    files = {"deep.tf": deep, "ok.tf": 'resource "aws_sns_topic" "t" { name = "t" }\n'}
    result = read(tmp_path, files)
    assert [d.entity["metadata"]["name"] for d in result.drafts] == ["t"]
    (problem,) = result.problems
    assert problem.severity == "error" and problem.file == ".af/deep.tf" and problem.line == 2
    assert "deep" in problem.message


def test_symlink_out_of_the_repo_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.tf"
    secret.write_text('resource "aws_sqs_queue" "leak" { name = "TOP-SECRET-VALUE" }\n')
    repo = make_repo(tmp_path, {"ok.tf": 'resource "aws_sns_topic" "t" { name = "t" }\n'})
    os.symlink(secret, repo.path / ".af" / "evil.tf")
    os.symlink("/etc/passwd", repo.path / ".af" / "passwd.tf")
    result = read_terraform(repo, ReadConfig())
    assert [d.entity["metadata"]["name"] for d in result.drafts] == ["t"]
    problems = {p.file: p for p in result.problems}
    assert set(problems) == {".af/evil.tf", ".af/passwd.tf"}
    assert all(p.severity == "error" and "outside the repository" in p.message for p in problems.values())
    dump = repr(result)
    assert "TOP-SECRET-VALUE" not in dump and "root:" not in dump


def test_a_symlinked_af_folder_is_not_followed(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_sqs_queue" "leak" { name = "leak" }\n')
    (tmp_path / "repo").mkdir()
    os.symlink(outside, tmp_path / "repo" / ".af")
    result = read_terraform(Repo("repo", tmp_path / "repo"), ReadConfig())
    assert result.drafts == []
    (problem,) = result.problems
    assert problem.file == ".af" and "outside the repository" in problem.message


def test_non_utf8_file_is_a_problem(tmp_path):
    result = read(tmp_path, {"bad.tf": b'resource "aws_sqs_queue" "q" {\n  name = "caf\xe9"\n}\n'})
    assert result.drafts == []
    (problem,) = result.problems
    assert problem.severity == "error" and problem.file == ".af/bad.tf" and "UTF-8" in problem.message


def test_huge_file_is_refused_quickly(tmp_path):
    repo = make_repo(tmp_path, {})
    with open(repo.path / ".af" / "huge.tf", "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: costs no disk
    start = time.monotonic()
    result = read_terraform(repo, ReadConfig())
    assert time.monotonic() - start < 2
    (problem,) = result.problems
    assert problem.severity == "error" and problem.file == ".af/huge.tf" and "limit" in problem.message


def test_duplicate_address_is_an_error_naming_both_places(tmp_path):
    files = {"a.tf": 'resource "aws_sqs_queue" "q" { name = "first" }\n',
             "b.tf": '\nresource "aws_sqs_queue" "q" { name = "second" }\n'}
    result = read(tmp_path, files)
    assert [d.entity["metadata"]["name"] for d in result.drafts] == ["first"]
    (problem,) = result.problems
    assert (problem.severity, problem.file, problem.line) == ("error", ".af/b.tf", 2)
    assert ".af/a.tf:1" in problem.message


def test_no_af_folder_reads_nothing_quietly(tmp_path):
    (tmp_path / "plain").mkdir()
    result = read_terraform(Repo("plain", tmp_path / "plain"), ReadConfig())
    assert result.drafts == [] and result.problems == []


def test_a_broken_service_file_is_one_problem_not_one_ownerless_warning_per_resource(tmp_path):
    from generator.link import link
    files = {"service.tf": SERVICE.replace('service_name       = "orders"', "service_name = "),
             "queues.tf": "".join(f'resource "aws_sqs_queue" "q{i}" {{\n  name = "q{i}"\n}}\n' for i in range(5))}
    repo = make_repo(tmp_path, files)
    result = read_terraform(repo, ReadConfig())
    catalog = link([result], [repo])
    messages_ = [p.message for p in catalog.problems]
    assert len(result.drafts) == 5
    assert [m for m in messages_ if "ownerless" in m] == []
    (syntax,) = [p for p in catalog.problems if p.severity == "error"]
    assert syntax.line == 4 and "expected a value after `=`" in syntax.message


def test_file_functions_read_the_repo_relative_to_af_and_nothing_outside(tmp_path):
    (tmp_path / "secret.txt").write_text("outside")
    files = {"names.txt": "orders-from-file\n",
             "q.tf": 'resource "aws_sqs_queue" "a" {\n  name = trimspace(file("${path.module}/names.txt"))\n}\n'
                     'resource "aws_sqs_queue" "b" {\n  name = file("../../secret.txt")\n}\n'
                     'resource "aws_sqs_queue" "c" {\n  name = fileexists("/etc/passwd") ? "yes" : "no"\n}\n'}
    result = read(tmp_path, files)
    ents = by_address(result)
    assert ents["aws_sqs_queue.a"]["metadata"]["name"] == "orders-from-file"
    assert ents["aws_sqs_queue.b"]["metadata"]["name"] == "orders-repo-b"
    assert "outside the repository" in " ".join(messages(result))
    assert "outside" not in ents["aws_sqs_queue.b"]["metadata"].get("title", "")
    assert ents["aws_sqs_queue.c"]["metadata"]["name"] == "orders-repo-c"


def test_a_resource_named_after_another_resources_configured_name_is_named(tmp_path):
    src = ('resource "aws_sqs_queue" "main" {\n  name = "orders-jobs"\n}\n'
           'resource "aws_sqs_queue" "dlq" {\n  name = "${aws_sqs_queue.main.name}-dlq"\n}\n'
           'resource "aws_sqs_queue" "arn" {\n  name = aws_sqs_queue.main.arn\n}\n')
    result = read(tmp_path, {"q.tf": src})
    ents = by_address(result)
    assert ents["aws_sqs_queue.dlq"]["metadata"]["name"] == "orders-jobs-dlq"
    assert ents["aws_sqs_queue.dlq"]["spec"]["dependsOn"] == ["resource:orders-jobs"]
    (problem,) = [p for p in result.problems if "aws_sqs_queue.arn" in p.message]
    assert "aws_sqs_queue.main.arn is only known after apply" in problem.message


def test_a_string_in_depends_on_is_the_error_terraform_would_give_with_what_to_write(tmp_path):
    src = SERVICE.replace('dependencies       = ["component:cart"]',
                          'depends_on         = ["component:cart", aws_sqs_queue.q]')
    result = read(tmp_path, {"service.tf": src, "q.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'})
    (problem,) = result.problems
    assert problem.severity == "error" and (problem.file, problem.line) == (".af/service.tf", 13)
    assert 'Terraform rejects a string in depends_on' in problem.message
    assert 'write dependencies = ["component:cart"] instead' in problem.message
    # The edge is kept while the repo migrates, and the reference is not an entity ref.
    assert by_address(result)["module.service"]["spec"]["dependsOn"] == ["component:cart", "resource:q"]
