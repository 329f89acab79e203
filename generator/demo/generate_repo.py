"""One generated repository's `.af` folder: service module, variables, data lookups, resources.

``write_service`` and ``write_platform`` take the repo's plan (see
generate.py) and return how many resource blocks and Resources (count and
for_each expanded) they wrote. Files are assembled as lists of lines so
that a deliberately broken input knows the line it broke.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from generator.demo.generate_tf import FILE_OF, RepoTf, _align, block, oncall_service, pick_type

if TYPE_CHECKING:
    from generator.demo.generate import Platform, Service

MODULE_SOURCE = "git::https://git.acme.example/platform/terraform/modules/service?ref=v2.3.0"
FILE_ORDER = ("oncall", "storage", "messaging", "compute", "network", "monitoring")
FILE_NOTES = {
    "oncall": "# On-call: the PagerDuty service the module's pagerDutyServiceID points at.",
    "storage": "# Data stores owned by this service. Shared databases are looked up in data.tf.",
    "messaging": "# Queues, topics and schedules.",
    "compute": "# Runtime: ECS services, functions, roles, logs and secrets.",
    "network": "# Security groups. The VPC itself belongs to the network platform.",
    "monitoring": "# Datadog monitors, SLOs and synthetics. Alerts page the on-call through @pagerduty.",
}


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def service_module(svc: Service) -> list[str]:
    pairs = [("source", f'"{MODULE_SOURCE}"'), ("service_name", f'"{svc.name}"'),
             ("language", f'"{svc.language}"'), ("description", f'"{svc.description}"')]
    if svc.pagerduty:
        pairs.append(("pagerDutyServiceID", f'"{svc.pagerduty}"'))
    pairs.append(("owner", f'"{svc.team}"'))
    if svc.lifecycle:
        pairs.append(("lifecycle", f'"{svc.lifecycle}"'))
    pairs += [("system", f'"{svc.system}"'), ("tags", _list(svc.tags))]
    if svc.type != "service":
        pairs.insert(2, ("type", f'"{svc.type}"'))
    lines = [f"# {svc.name}: the catalog entry of this repo (see the platform team's service module docs).",
             'module "service" {', *_align(pairs), "  links = [",
             f'    {{ url = "https://app.datadoghq.eu/dashboard/{svc.dashboard}/{svc.name}", title = "Dashboard" }},',
             f'    {{ url = "https://git.acme.example/{svc.team}/{svc.name}", title = "Repository" }},', "  ]"]
    tail = []
    # Explicit dependencies on other components: `dependencies`, not Terraform's
    # meta-argument `depends_on` (which only takes resource references).
    if svc.deps:
        tail.append(("dependencies", _list(svc.deps)))
    if svc.api:
        tail.append(("provides_apis", _list([svc.api.name])))
    if svc.consumes:
        tail.append(("consumes_apis", _list(svc.consumes)))
    return lines + (_align(tail) if tail else []) + ["}"]


def variables(name: str, team: str, rng: random.Random, *, replica: bool, kafka_var: str | None) -> list[str]:
    def var(vname: str, vtype: str, desc: str, default: str) -> list[str]:
        return [f'variable "{vname}" {{', f"  type        = {vtype}", f'  description = "{desc}"',
                f"  default     = {default}", "}", ""]

    lines = var("environment", "string", "Deployment environment", '"prod"')
    lines += var("db_instance_class", "string", "Instance class of this service's databases",
                 f'"{rng.choice(("db.t4g.medium", "db.r6g.large", "db.r6g.xlarge"))}"')
    lines += var("log_retention_days", "number", "How long CloudWatch keeps logs", str(rng.choice((14, 30, 90))))
    lines += var("vpc_id", "string", "The shared VPC", '"vpc-0c2d8e4f6a1b3c5d7"')
    lines += var("escalation_policy_id", "string", "PagerDuty escalation policy", f'"P{rng.randrange(16**5):05X}"')
    lines += var("oncall_schedule_id", "string", "PagerDuty schedule", f'"P{rng.randrange(16**5):05X}"')
    if replica:
        lines += var("create_read_replica", "bool", "Add a read replica to the primary database", "true")
    if kafka_var:
        lines += var("kafka_cluster_name", "string", "The shared Kafka cluster this service uses", f'"{kafka_var}"')
    return lines + ["locals {", f'  prefix = "${{var.environment}}-{name}"', "  tags = {",
                    *_align([("service", f'"{name}"'), ("team", f'"{team}"'), ("environment", "var.environment"),
                             ("managed_by", '"terraform"')], "    "), "  }", "}"]


def data_lookups(svc: Service) -> list[str]:
    lines = ["# Shared infrastructure this service uses, declared by the platform repos.", ""]
    for i, cluster in enumerate(svc.kafka):
        value = "var.kafka_cluster_name" if i == 0 and svc.kafka_via_var else f'"{cluster}"'
        lines += [f'data "aws_msk_cluster" "{cluster.replace("-", "_")}" {{', f"  cluster_name = {value}", "}", ""]
    for db in svc.dbs:
        lines += [f'data "aws_rds_cluster" "{db.replace("-", "_")}" {{', f'  cluster_identifier = "{db}"', "}", ""]
    return lines[:-1]


def write_service(root: Path, svc: Service, rng: random.Random) -> tuple[dict[str, list[str]], dict[str, list[int]]]:
    """Write ``root/.af``; ({file: lines}, {file: [resource blocks, Resources]}).

    The lines are kept so that a deliberate mistake can be made in one, and
    the counts so that the summary can say what a broken file loses.
    """
    ctx = RepoTf(svc.name, svc.team, svc.language, rng)
    files: dict[str, list[str]] = {}
    counts: dict[str, list[int]] = {}
    for i in range(svc.blocks):
        if i == 0 and svc.pagerduty:
            lines, kind, n = oncall_service(ctx), "oncall", 1
        else:
            tf_type = pick_type(rng)
            lines, n = block(ctx, tf_type)
            kind = FILE_OF[tf_type]
        body = files.setdefault(f".af/{kind}.tf", [FILE_NOTES[kind], ""])
        body += lines + [""]
        count = counts.setdefault(f".af/{kind}.tf", [0, 0])
        count[0] += 1
        count[1] += n
    out = {".af/service.tf": service_module(svc),
           ".af/variables.tf": variables(svc.name, svc.team, rng, replica=ctx.needs_replica_var,
                                         kafka_var=svc.kafka[0] if svc.kafka_via_var else None)}
    if svc.kafka or svc.dbs:
        out[".af/data.tf"] = data_lookups(svc)
    for kind in FILE_ORDER:
        if f".af/{kind}.tf" in files:
            out[f".af/{kind}.tf"] = files[f".af/{kind}.tf"][:-1]
    if svc.tfvars:
        out[".af/terraform.tfvars"] = ['environment = "prod"']
    for rel, lines in out.items():
        write(root / rel, lines)
    return out, counts


def _msk(name: str) -> list[str]:
    label = name.replace("-", "_")
    return [f'resource "aws_msk_cluster" "{label}" {{',
            *_align([("cluster_name", f'"{name}"'), ("kafka_version", '"3.6.0"'), ("number_of_broker_nodes", "6")]),
            "", "  broker_node_group_info {", '    instance_type   = "kafka.m5.2xlarge"',
            "    client_subnets  = var.private_subnet_ids", "    security_groups = [aws_security_group.brokers.id]",
            "", "    storage_info {", "      ebs_storage_info {", "        volume_size = 2000", "      }", "    }",
            "  }", "", "  configuration_info {", f"    arn      = aws_msk_configuration.{label}.arn",
            f"    revision = aws_msk_configuration.{label}.latest_revision", "  }", "",
            "  encryption_info {", "    encryption_in_transit {", '      client_broker = "TLS"',
            "      in_cluster    = true", "    }", "  }", "", f'  tags = merge(local.tags, {{ cluster = "{name}" }})',
            "}", "", f'resource "aws_msk_configuration" "{label}" {{', f'  name              = "{name}-config"',
            '  kafka_versions    = ["3.6.0"]', "  server_properties = <<-EOT", "    auto.create.topics.enable = false",
            "    default.replication.factor = 3", "    min.insync.replicas = 2", "  EOT", "}"]


def _aurora(name: str) -> list[str]:
    label = name.replace("-", "_")
    short = name.removeprefix("prod-")
    return [f'resource "aws_rds_cluster" "{label}" {{',
            *_align([("cluster_identifier", f'"${{var.environment}}-{short}"'), ("engine", '"aurora-postgresql"'),
                     ("engine_version", '"15.4"'), ("database_name", f'"{short.replace("-", "_")}"'),
                     ("master_username", '"platform"'), ("manage_master_user_password", "true"),
                     ("backup_retention_period", "14"), ("deletion_protection", "true")]), "",
            "  serverlessv2_scaling_configuration {", "    min_capacity = 2", "    max_capacity = 64", "  }", "",
            f'  tags = merge(local.tags, {{ database = "{short}" }})', "}"]


def _shared_monitors(p: Platform, name: str) -> list[str]:
    if p.kind == "kafka":
        checks = [("Under-replicated partitions", "sum:aws.kafka.under_replicated_partitions", 0),
                  ("Broker disk above 80%", "max:aws.kafka.kafka_data_logs_disk_used", 80)]
        scope = f"cluster_name:{name}"
    else:
        checks = [("Replica lag", "max:aws.rds.aurora_replica_lag", 2000),
                  ("Connections near limit", "max:aws.rds.database_connections", 4000)]
        scope = f"dbclusteridentifier:{name}"
    out = []
    for title, metric, threshold in checks:
        label = f"{name}_{title.split()[0]}".replace("-", "_").lower()
        out += [f'resource "datadog_monitor" "{label}" {{',
                *_align([("name", f'"{title} on {name}"'), ("type", '"metric alert"'),
                         ("query", f'"max(last_10m):{metric}{{{scope}}} > {threshold}"')]),
                "  message = <<-EOT", f"    {{{{#is_alert}}}}{title} on {name}.{{{{/is_alert}}}}",
                f"    @pagerduty-{p.name} @slack-{p.team}-alerts", "  EOT", "",
                f'  tags = ["team:{p.team}", "service:{p.name}"]', "}", ""]
    return out


def write_platform(root: Path, p: Platform, rng: random.Random) -> tuple[int, int]:
    """A platform repo declaring shared Kafka clusters or databases; (blocks, Resources).

    A cluster's ``aws_msk_configuration`` is a block but not a Resource of its
    own: the reader folds it into the cluster (``resource_types.is_part``).
    """
    main, blocks = [f"# Shared {'Kafka clusters' if p.kind == 'kafka' else 'databases'}: other teams' services "
                    "find these through data blocks, by name.", ""], 0
    monitors = ["# Health of the shared clusters.", ""]
    for name in p.shared:
        main += (_msk(name) if p.kind == "kafka" else _aurora(name)) + [""]
        blocks += 2 if p.kind == "kafka" else 1
        monitors += _shared_monitors(p, name)
        blocks += 2
    if p.kind == "kafka":
        main += ['resource "aws_security_group" "brokers" {', f'  name        = "{p.name}-brokers"',
                 '  description = "Kafka brokers: TLS from the VPC"', "  vpc_id      = var.vpc_id", "",
                 "  ingress {", "    from_port   = 9094", "    to_port     = 9098", '    protocol    = "tcp"',
                 '    cidr_blocks = ["10.0.0.0/8"]', "  }", "}", ""]
        blocks += 1
    ctx = RepoTf(p.name, p.team, "hcl", rng)
    oncall = ["# On-call for the shared clusters.", "", *oncall_service(ctx)]
    blocks += 1
    module = ["module \"service\" {", *_align([
        ("source", f'"{MODULE_SOURCE}"'), ("service_name", f'"{p.name}"'), ("type", '"platform"'),
        ("language", '"hcl"'), ("description", f'"{p.description}"'), ("pagerDutyServiceID", f'"{p.pagerduty}"'),
        ("owner", f'"{p.team}"'), ("lifecycle", '"production"'), ("system", f'"{p.system}"'),
        ("tags", '["platform", "shared"]')]), "}"]
    var_lines = variables(p.name, p.team, rng, replica=False, kafka_var=None)
    if p.kind == "kafka":
        var_lines = ['variable "private_subnet_ids" {', "  type    = list(string)",
                     '  default = ["subnet-0a1b2c3d", "subnet-1b2c3d4e", "subnet-2c3d4e5f"]', "}", ""] + var_lines
    write(root / ".af/service.tf", module)
    write(root / ".af/variables.tf", var_lines)
    write(root / f".af/{'msk' if p.kind == 'kafka' else 'aurora'}.tf", main[:-1])
    write(root / ".af/monitors.tf", monitors[:-1])
    write(root / ".af/oncall.tf", oncall)
    return blocks, blocks - (len(p.shared) if p.kind == "kafka" else 0)
