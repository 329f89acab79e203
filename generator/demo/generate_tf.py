"""The `.af/*.tf` of a generated org, written the way real folders are.

Every resource block comes from one of the templates below: the common AWS,
Datadog and PagerDuty types, physical names built from ``local.prefix`` (a
variable with a default), ``tags = merge(local.tags, {...})``, nested
blocks, heredocs, and now and then ``count`` or ``for_each``. A template
returns the block's lines and how many Resources it is once ``count`` /
``for_each`` are expanded (Terraform's instances), so the generator can say
what a reader should find.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

# (Terraform type, weight, file the block goes to). Datadog monitors are what
# a real org has most of; a repo's on-call service is written separately.
TYPES: list[tuple[str, int, str]] = [
    ("datadog_monitor", 24, "monitoring"), ("aws_sqs_queue", 8, "messaging"),
    ("aws_cloudwatch_log_group", 7, "compute"), ("aws_iam_role", 6, "compute"),
    ("aws_s3_bucket", 6, "storage"), ("aws_lambda_function", 5, "compute"),
    ("aws_sns_topic", 4, "messaging"), ("aws_dynamodb_table", 4, "storage"),
    ("aws_security_group", 4, "network"), ("aws_secretsmanager_secret", 4, "compute"),
    ("aws_db_instance", 3, "storage"), ("aws_ecs_service", 3, "compute"),
    ("aws_elasticache_replication_group", 2, "storage"), ("aws_ecr_repository", 2, "compute"),
    ("aws_cloudwatch_event_rule", 2, "messaging"), ("datadog_service_level_objective", 2, "monitoring"),
    ("datadog_synthetics_test", 1, "monitoring"), ("pagerduty_escalation_policy", 1, "oncall"),
]
_NAMES = [t for t, _, _ in TYPES]
_WEIGHTS = [w for _, w, _ in TYPES]
FILE_OF = {t: f for t, _, f in TYPES} | {"pagerduty_service": "oncall"}

WORDS = ("orders events invoices payouts refunds sessions tokens audit exports imports reports "
         "snapshots uploads thumbnails webhooks retries notifications emails receipts ledger "
         "pricing quotes carts stock reservations shipments labels returns reviews ratings "
         "search-index feeds clicks impressions metrics traces jobs schedules batches backfill "
         "archive cache config secrets keys partners settlements chargebacks disputes").split()
METRICS = [("High p99 latency", "p99:trace.http.request.duration", 1.5, "s"),
           ("Error rate above 2%", "sum:trace.http.request.errors", 0.02, ""),
           ("Queue depth", "max:aws.sqs.approximate_number_of_messages_visible", 1000, ""),
           ("CPU above 85%", "avg:ecs.fargate.cpu.percent", 85, "%"),
           ("Memory above 90%", "avg:ecs.fargate.mem.usage_percent", 90, "%"),
           ("Consumer lag", "max:kafka.consumer_lag", 50000, ""),
           ("5xx responses", "sum:aws.applicationelb.httpcode_target_5xx", 50, ""),
           ("Disk above 80%", "max:system.disk.in_use", 0.8, ""),
           ("Lambda throttles", "sum:aws.lambda.throttles", 10, ""),
           ("DB connections near limit", "max:aws.rds.database_connections", 400, "")]
RUNTIMES = {"python": ("python3.12", "app.handler"), "go": ("provided.al2023", "bootstrap"),
            "java": ("java21", "com.acme.Handler::handleRequest"), "kotlin": ("java21", "com.acme.Handler"),
            "typescript": ("nodejs20.x", "dist/index.handler"), "rust": ("provided.al2023", "bootstrap"),
            "ruby": ("ruby3.3", "app.handler"), "scala": ("java21", "com.acme.Handler"),
            "csharp": ("dotnet8", "Acme::Acme.Function::Handler")}


@dataclass
class RepoTf:
    """What the blocks of one repo share while they are written."""

    service: str
    team: str
    language: str
    rng: random.Random
    used: set[str] = field(default_factory=set)          # labels and physical-name slugs taken
    by_type: dict[str, list[str]] = field(default_factory=dict)   # labels written, per type
    needs_replica_var: bool = False

    def slug(self) -> str:
        word = self.rng.choice(WORDS)
        name, n = word, 2
        while name in self.used:
            name, n = f"{word}-{n}", n + 1
        self.used.add(name)
        return name

    def seen(self, tf_type: str, label: str) -> None:
        self.by_type.setdefault(tf_type, []).append(label)


def _label(slug: str) -> str:
    return slug.replace("-", "_")


def _align(pairs: list[tuple[str, str]], indent: str = "  ") -> list[str]:
    width = max(len(k) for k, _ in pairs)
    return [f"{indent}{k.ljust(width)} = {v}" for k, v in pairs]


def _tags(extra: str | None) -> str:
    return f"merge(local.tags, {{ {extra} }})" if extra else "local.tags"


def pick_type(rng: random.Random) -> str:
    return rng.choices(_NAMES, _WEIGHTS)[0]


def block(ctx: RepoTf, tf_type: str) -> tuple[list[str], int]:
    """(the block's lines, how many Resources it is) for one resource of ``tf_type``."""
    s = ctx.slug()
    label = _label(s)
    lines, instances = _WRITERS[tf_type](ctx, s, label)
    ctx.seen(tf_type, label)
    return lines, instances


def _monitor(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    title, metric, threshold, _unit = ctx.rng.choice(METRICS)
    head = f'resource "datadog_monitor" "{label}" {{'
    if ctx.rng.random() < 0.04:   # one monitor per priority: for_each over a map
        return [head, "  for_each = {", "    high = " + str(threshold), "    low  = " + str(threshold * 2), "  }", "",
                *_align([("name", f'"{title} (${{each.key}}) on {ctx.service} {s}"'), ("type", '"metric alert"'),
                         ("query", f'"avg(last_10m):{metric}{{service:{ctx.service},env:prod}} > ${{each.value}}"')]),
                "", "  monitor_thresholds {", "    critical = each.value", "  }", "",
                f'  tags = ["team:{ctx.team}", "service:{ctx.service}", "priority:${{each.key}}"]', "}"], 2
    warn = round(threshold * 0.8, 3)
    return [head, *_align([("name", f'"{title} on {ctx.service} {s}"'), ("type", '"metric alert"'),
                           ("query", f'"avg(last_5m):{metric}{{service:{ctx.service},env:prod}} > {threshold}"')]),
            "  message = <<-EOT", f"    {{{{#is_alert}}}}{title} on {ctx.service} ({s}). Check the service dashboard "
            "and the last deploy first.{{/is_alert}}",
            f"    @pagerduty-{ctx.service} @slack-{ctx.team}-alerts", "  EOT", "",
            "  monitor_thresholds {", f"    warning  = {warn}", f"    critical = {threshold}", "  }", "",
            f'  tags = ["team:{ctx.team}", "service:{ctx.service}"]', "}"], 1


def _sqs(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    head = f'resource "aws_sqs_queue" "{label}" {{'
    if ctx.rng.random() < 0.05:   # sharded queues: count
        return [head, "  count = 3", "",
                *_align([("name", f'"${{local.prefix}}-{s}-${{count.index}}"'), ("message_retention_seconds", "345600"),
                         ("tags", _tags('shard = "${count.index}"'))]), "}"], 3
    pairs = [("name", f'"${{local.prefix}}-{s}"'), ("visibility_timeout_seconds", "60"),
             ("message_retention_seconds", "1209600")]
    earlier = ctx.by_type.get("aws_sqs_queue")
    if earlier and ctx.rng.random() < 0.4:   # a dead-letter queue declared earlier: a resource reference
        pairs.append(("redrive_policy", f"jsonencode({{ deadLetterTargetArn = aws_sqs_queue.{earlier[-1]}.arn, "
                                        "maxReceiveCount = 5 })"))
    pairs.append(("tags", _tags(f'queue = "{s}"')))
    return [head, *_align(pairs), "}"], 1


def _sns(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    head = f'resource "aws_sns_topic" "{label}" {{'
    if ctx.rng.random() < 0.08:   # one topic per event: for_each over a set
        return [head, '  for_each = toset(["created", "updated", "cancelled"])', "",
                *_align([("name", f'"${{local.prefix}}-{s}-${{each.key}}"'), ("tags", _tags('event = each.key'))]),
                "}"], 3
    return [head, *_align([("name", f'"${{local.prefix}}-{s}"'), ("kms_master_key_id", '"alias/aws/sns"'),
                           ("tags", "local.tags")]), "}"], 1


def _s3(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_s3_bucket" "{label}" {{',
            *_align([("bucket", f'"acme-${{var.environment}}-{ctx.service}-{s}"'),
                     ("tags", _tags('data_class = "internal"'))]), "}"], 1


def _dynamodb(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_dynamodb_table" "{label}" {{',
            *_align([("name", f'"${{local.prefix}}-{s}"'), ("billing_mode", '"PAY_PER_REQUEST"'),
                     ("hash_key", '"id"'), ("range_key", '"created_at"')]), "",
            "  attribute {", '    name = "id"', '    type = "S"', "  }", "",
            "  attribute {", '    name = "created_at"', '    type = "N"', "  }", "",
            "  ttl {", '    attribute_name = "expires_at"', "    enabled        = true", "  }", "",
            "  point_in_time_recovery {", "    enabled = true", "  }", "",
            "  tags = " + _tags(f'table = "{s}"'), "}"], 1


def _db(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    primary = ctx.by_type.get("aws_db_instance")
    if primary and ctx.rng.random() < 0.3:   # an optional read replica of an earlier database
        ctx.needs_replica_var = True
        return [f'resource "aws_db_instance" "{label}" {{', "  count = var.create_read_replica ? 1 : 0", "",
                *_align([("identifier", f'"${{local.prefix}}-{s}-replica"'),
                         ("replicate_source_db", f"aws_db_instance.{primary[0]}.identifier"),
                         ("instance_class", "var.db_instance_class"), ("tags", "local.tags")]), "}"], 1
    return [f'resource "aws_db_instance" "{label}" {{',
            *_align([("identifier", f'"${{local.prefix}}-{s}"'), ("engine", '"postgres"'),
                     ("engine_version", '"15.5"'), ("instance_class", "var.db_instance_class"),
                     ("allocated_storage", str(ctx.rng.choice((50, 100, 200, 500)))),
                     ("multi_az", 'var.environment == "prod"'), ("storage_encrypted", "true"),
                     ("backup_retention_period", "14"), ("tags", _tags('backup = "daily"'))]), "}"], 1


def _redis(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_elasticache_replication_group" "{label}" {{',
            *_align([("replication_group_id", f'"${{local.prefix}}-{s}"'),
                     ("description", f'"{s.replace("-", " ").capitalize()} cache for {ctx.service}"'),
                     ("engine", '"redis"'), ("node_type", '"cache.r6g.large"'), ("num_cache_clusters", "2"),
                     ("tags", "local.tags")]), "}"], 1


def _role(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_iam_role" "{label}" {{', f'  name               = "${{local.prefix}}-{s}"',
            "  assume_role_policy = <<-EOT", "    {", '      "Version": "2012-10-17",',
            '      "Statement": [{', '        "Effect": "Allow",',
            '        "Principal": { "Service": "lambda.amazonaws.com" },', '        "Action": "sts:AssumeRole"',
            "      }]", "    }", "  EOT", "  tags = local.tags", "}"], 1


def _lambda(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    runtime, handler = RUNTIMES.get(ctx.language, ("provided.al2023", "bootstrap"))
    roles = ctx.by_type.get("aws_iam_role")
    role = f"aws_iam_role.{roles[-1]}.arn" if roles else '"arn:aws:iam::123456789012:role/lambda-basic"'
    return [f'resource "aws_lambda_function" "{label}" {{',
            *_align([("function_name", f'"${{local.prefix}}-{s}"'), ("runtime", f'"{runtime}"'),
                     ("handler", f'"{handler}"'), ("memory_size", "512"), ("timeout", "30"), ("role", role),
                     ("filename", f'"build/{s}.zip"')]), "",
            "  environment {", "    variables = {", "      ENVIRONMENT = var.environment",
            '      LOG_LEVEL   = "info"', "    }", "  }", "", "  tags = " + _tags(f'function = "{s}"'), "}"], 1


def _logs(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_cloudwatch_log_group" "{label}" {{',
            *_align([("name", f'"/ecs/${{local.prefix}}/{s}"'), ("retention_in_days", "var.log_retention_days"),
                     ("tags", "local.tags")]), "}"], 1


def _sg(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    port = ctx.rng.choice((443, 8080, 5432, 6379, 9092))
    return [f'resource "aws_security_group" "{label}" {{',
            *_align([("name", f'"${{local.prefix}}-{s}"'), ("description", f'"{s} traffic for {ctx.service}"'),
                     ("vpc_id", "var.vpc_id")]), "",
            "  ingress {", f"    from_port   = {port}", f"    to_port     = {port}", '    protocol    = "tcp"',
            '    cidr_blocks = ["10.0.0.0/8"]', "  }", "",
            "  egress {", "    from_port   = 0", "    to_port     = 0", '    protocol    = "-1"',
            '    cidr_blocks = ["0.0.0.0/0"]', "  }", "", "  tags = local.tags", "}"], 1


def _secret(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_secretsmanager_secret" "{label}" {{',
            *_align([("name", f'"${{var.environment}}/{ctx.service}/{s}"'),
                     ("recovery_window_in_days", "7"), ("tags", "local.tags")]), "}"], 1


def _ecs(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_ecs_service" "{label}" {{',
            *_align([("name", f'"${{local.prefix}}-{s}"'), ("cluster", '"${var.environment}-apps"'),
                     ("desired_count", str(ctx.rng.choice((2, 3, 4, 6)))), ("launch_type", '"FARGATE"')]), "",
            "  load_balancer {", f'    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:'
            f'targetgroup/{ctx.service[:20]}/0f1e2d3c"', f'    container_name   = "{ctx.service}"',
            "    container_port   = 8080", "  }", "", "  tags = local.tags", "}"], 1


def _ecr(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_ecr_repository" "{label}" {{', f'  name                 = "{ctx.service}/{s}"',
            '  image_tag_mutability = "IMMUTABLE"', "", "  image_scanning_configuration {",
            "    scan_on_push = true", "  }", "}"], 1


def _rule(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "aws_cloudwatch_event_rule" "{label}" {{',
            *_align([("name", f'"${{local.prefix}}-{s}"'),
                     ("schedule_expression", f'"cron({ctx.rng.randrange(60)} {ctx.rng.randrange(24)} * * ? *)"'),
                     ("tags", "local.tags")]), "}"], 1


def _slo(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "datadog_service_level_objective" "{label}" {{',
            *_align([("name", f'"{ctx.service} {s} availability"'), ("type", '"metric"')]), "",
            "  query {", f'    numerator   = "sum:trace.http.request.hits{{service:{ctx.service}}}.as_count() - '
            f'sum:trace.http.request.errors{{service:{ctx.service}}}.as_count()"',
            f'    denominator = "sum:trace.http.request.hits{{service:{ctx.service}}}.as_count()"', "  }", "",
            "  thresholds {", '    timeframe = "30d"', "    target    = 99.9", "  }", "",
            f'  tags = ["team:{ctx.team}", "service:{ctx.service}"]', "}"], 1


def _synthetics(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "datadog_synthetics_test" "{label}" {{',
            *_align([("name", f'"{ctx.service} {s} health check"'), ("type", '"api"'), ("subtype", '"http"'),
                     ("status", '"live"'), ("locations", '["aws:eu-west-1"]')]), "",
            "  request_definition {", '    method = "GET"',
            f'    url    = "https://{ctx.service}.internal.acme.example/health"', "  }", "",
            "  options_list {", "    tick_every = 300", "  }", "}"], 1


def _escalation(ctx: RepoTf, s: str, label: str) -> tuple[list[str], int]:
    return [f'resource "pagerduty_escalation_policy" "{label}" {{', f'  name      = "{ctx.service} {s} escalation"',
            "  num_loops = 2", "", "  rule {", "    escalation_delay_in_minutes = 15", "", "    target {",
            '      type = "schedule_reference"', '      id   = var.oncall_schedule_id', "    }", "  }", "}"], 1


def oncall_service(ctx: RepoTf) -> list[str]:
    """The repo's PagerDuty service; its id is what the service module's pagerDutyServiceID names."""
    ctx.used.add("oncall")
    ctx.seen("pagerduty_service", "oncall")
    return ['resource "pagerduty_service" "oncall" {',
            *_align([("name", f'"{ctx.service} (production)"'), ("escalation_policy", "var.escalation_policy_id"),
                     ("acknowledgement_timeout", "600"), ("alert_creation", '"create_alerts_and_incidents"')]), "}"]


_WRITERS = {"datadog_monitor": _monitor, "aws_sqs_queue": _sqs, "aws_sns_topic": _sns, "aws_s3_bucket": _s3,
            "aws_dynamodb_table": _dynamodb, "aws_db_instance": _db, "aws_elasticache_replication_group": _redis,
            "aws_iam_role": _role, "aws_lambda_function": _lambda, "aws_cloudwatch_log_group": _logs,
            "aws_security_group": _sg, "aws_secretsmanager_secret": _secret, "aws_ecs_service": _ecs,
            "aws_ecr_repository": _ecr, "aws_cloudwatch_event_rule": _rule,
            "datadog_service_level_objective": _slo, "datadog_synthetics_test": _synthetics,
            "pagerduty_escalation_policy": _escalation}
