"""Which Terraform types and modules become which kind of Resource.

The table maps a Terraform resource type to a Lookout resource ``spec.type``
and to the attribute(s) holding the resource's physical (cloud) name. The
physical name is what lets a ``data`` block in one repo find the Resource
another repo declares, so the same ``spec.type`` must come out of a
resource, of the matching ``data`` source and of the matching registry
module: that is why the three tables share their type strings.

``lookout.yaml`` extends or overrides both tables (``resource_types``,
``resource_modules``); see :class:`generator.config.ReadConfig`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from generator.config import ReadConfig, ResourceMapping


@dataclass(frozen=True)
class TypeSpec:
    """How one Terraform type (or module) turns into a Resource.

    ``name_attrs`` are tried in order; a dotted entry (``tags.Name``) looks
    inside a map. ``data_name_attrs`` are the same for the type's ``data``
    source, whose argument names sometimes differ from the resource's
    (``aws_db_instance`` takes ``identifier``, its data source
    ``db_instance_identifier``). Empty means "no usable name".
    """

    type: str
    name_attrs: tuple[str, ...]
    data_name_attrs: tuple[str, ...]


def _t(rtype: str, *name_attrs: str, data: tuple[str, ...] | None = None) -> TypeSpec:
    return TypeSpec(rtype, tuple(name_attrs), tuple(name_attrs) if data is None else data)


# Terraform type -> TypeSpec. Kept to the types a developer portal user asks
# about (data stores, queues, compute, on-call, monitors); anything else still
# becomes a Resource whose spec.type is the Terraform type.
BUILTIN_TYPES: dict[str, TypeSpec] = {
    # AWS data stores
    "aws_db_instance": _t("rds", "identifier", data=("db_instance_identifier",)),
    "aws_rds_cluster": _t("rds", "cluster_identifier"),
    "aws_docdb_cluster": _t("docdb", "cluster_identifier"),
    "aws_neptune_cluster": _t("neptune", "cluster_identifier"),
    "aws_redshift_cluster": _t("redshift", "cluster_identifier"),
    "aws_dynamodb_table": _t("dynamodb-table", "name"),
    "aws_elasticache_cluster": _t("elasticache", "cluster_id"),
    "aws_elasticache_replication_group": _t("elasticache", "replication_group_id"),
    "aws_elasticache_serverless_cache": _t("elasticache", "name"),
    "aws_memorydb_cluster": _t("memorydb", "name"),
    "aws_opensearch_domain": _t("opensearch", "domain_name"),
    "aws_elasticsearch_domain": _t("opensearch", "domain_name"),
    "aws_s3_bucket": _t("s3-bucket", "bucket"),
    "aws_efs_file_system": _t("efs", "creation_token", data=("creation_token",)),
    # AWS messaging and streaming
    "aws_msk_cluster": _t("kafka-cluster", "cluster_name"),
    "aws_msk_serverless_cluster": _t("kafka-cluster", "cluster_name"),
    "aws_sqs_queue": _t("sqs-queue", "name"),
    "aws_sns_topic": _t("sns-topic", "name"),
    "aws_kinesis_stream": _t("kinesis-stream", "name"),
    "aws_kinesis_firehose_delivery_stream": _t("firehose", "name"),
    "aws_mq_broker": _t("mq-broker", "broker_name"),
    "aws_cloudwatch_event_bus": _t("eventbridge-bus", "name"),
    "aws_sfn_state_machine": _t("step-function", "name"),
    # AWS compute and delivery
    "aws_lambda_function": _t("lambda", "function_name"),
    # EC2 instances have no name argument; the console shows the Name tag.
    # Its data source selects by filters, not by a name, hence no data attrs.
    "aws_instance": _t("ec2", "tags.Name", data=()),
    "aws_eks_cluster": _t("eks-cluster", "name"),
    "aws_ecs_cluster": _t("ecs-cluster", "name", data=("cluster_name",)),
    "aws_ecs_service": _t("ecs-service", "name", data=("service_name",)),
    "aws_ecr_repository": _t("ecr-repository", "name"),
    "aws_lb": _t("load-balancer", "name"),
    "aws_alb": _t("load-balancer", "name"),
    "aws_api_gateway_rest_api": _t("api-gateway", "name"),
    "aws_apigatewayv2_api": _t("api-gateway", "name"),
    "aws_cognito_user_pool": _t("cognito-user-pool", "name"),
    "aws_secretsmanager_secret": _t("secret", "name"),
    "aws_route53_zone": _t("dns-zone", "name"),
    "aws_cloudwatch_log_group": _t("log-group", "name"),
    "aws_cloudwatch_event_rule": _t("eventbridge-rule", "name"),
    "aws_security_group": _t("security-group", "name"),
    "aws_iam_role": _t("iam-role", "name"),
    # Google Cloud
    "google_storage_bucket": _t("gcs-bucket", "name"),
    "google_sql_database_instance": _t("cloudsql", "name"),
    "google_pubsub_topic": _t("pubsub-topic", "name"),
    "google_pubsub_subscription": _t("pubsub-subscription", "name"),
    "google_container_cluster": _t("gke-cluster", "name"),
    "google_bigquery_dataset": _t("bigquery-dataset", "dataset_id"),
    # Kafka topics (Mongey/kafka provider)
    "kafka_topic": _t("kafka-topic", "name"),
    # Observability and on-call
    "datadog_monitor": _t("datadog-monitor", "name"),
    "datadog_dashboard": _t("datadog-dashboard", "title", data=("name",)),
    "datadog_synthetics_test": _t("datadog-synthetics-test", "name"),
    "datadog_service_level_objective": _t("datadog-slo", "name"),
    "pagerduty_service": _t("pagerduty-service", "name"),
    "pagerduty_schedule": _t("pagerduty-schedule", "name"),
    "pagerduty_escalation_policy": _t("pagerduty-escalation-policy", "name"),
    "pagerduty_team": _t("pagerduty-team", "name"),
}


def _registry(module: str) -> str:
    """A regex for the root of a terraform-aws-modules module, however sourced.

    Matches the registry form (``terraform-aws-modules/rds/aws``, optionally
    ``?ref=``) and the GitHub forms (``github.com/terraform-aws-modules/
    terraform-aws-rds``, ``git::https://…/terraform-aws-rds.git?ref=v6``),
    but not submodules (``…//modules/alias``), which are usually helpers
    (an alias, a parameter group) rather than the thing itself.
    """
    m = re.escape(module)
    return (rf"(^|/)terraform-aws-modules/({m}/aws|terraform-aws-{m}(\.git)?)"
            r"/?(\?[^/]*)?$")


BUILTIN_MODULES: dict[str, TypeSpec] = {
    _registry("rds"): _t("rds", "identifier"),
    _registry("rds-aurora"): _t("rds", "name"),
    _registry("s3-bucket"): _t("s3-bucket", "bucket"),
    _registry("msk-kafka-cluster"): _t("kafka-cluster", "name"),
    _registry("lambda"): _t("lambda", "function_name"),
    _registry("ec2-instance"): _t("ec2", "name"),
    # v21 of the EKS module renamed cluster_name to name.
    _registry("eks"): _t("eks-cluster", "name", "cluster_name"),
    _registry("sqs"): _t("sqs-queue", "name"),
    _registry("sns"): _t("sns-topic", "name"),
    _registry("dynamodb-table"): _t("dynamodb-table", "name"),
    _registry("elasticache"): _t("elasticache", "cluster_id", "replication_group_id"),
    _registry("ecr"): _t("ecr-repository", "repository_name"),
}


def _from_mapping(mapping: ResourceMapping) -> TypeSpec:
    attrs = (mapping.name_attr,) if mapping.name_attr else ()
    return TypeSpec(mapping.type, attrs, attrs)


def resource_type(tf_type: str, cfg: ReadConfig) -> TypeSpec | None:
    """The TypeSpec of a Terraform resource/data type; None when unknown."""
    if tf_type in cfg.resource_types:
        return _from_mapping(cfg.resource_types[tf_type])
    return BUILTIN_TYPES.get(tf_type)


def resource_module(source: str, cfg: ReadConfig) -> TypeSpec | None:
    """The TypeSpec of a module whose source is a resource module, else None.

    Configured patterns win over the built-in ones; an invalid configured
    regex never matches (the config loader is the place to report it).
    """
    for pattern, mapping in cfg.resource_modules.items():
        try:
            if re.search(pattern, source):
                return _from_mapping(mapping)
        except re.error:
            continue
    for pattern, spec in BUILTIN_MODULES.items():
        if re.search(pattern, source):
            return spec
    return None


def is_service_module(source: str, cfg: ReadConfig) -> bool:
    for pattern in cfg.service_module_sources:
        try:
            if re.search(pattern, source):
                return True
        except re.error:
            continue
    return False


_NAME_OK = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_TAG_OK = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")


def entity_name(text: str) -> str | None:
    """``text`` as a valid Backstage name; a lower-case slug if it is not one.

    "High CPU on api" -> "high-cpu-on-api". A valid name is kept as written
    (Backstage compares names case-insensitively). A slug longer than 63
    characters is cut and given a short hash of the original, so that two
    long names sharing a prefix stay distinct. None when nothing usable is left.
    """
    if len(text) <= 63 and _NAME_OK.match(text):
        return text
    slug = re.sub(r"[^a-z0-9_.]+", "-", text.lower())
    slug = re.sub(r"[-_.]*-[-_.]*", "-", slug).strip("-_.")
    if len(slug) > 63:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
        slug = slug[:56].rstrip("-_.") + "-" + digest
    return slug if slug and _NAME_OK.match(slug) else None


def tag_name(text: str) -> str | None:
    """``text`` as a valid Backstage tag: "Node JS" -> "node-js"."""
    slug = re.sub(r"[^a-z0-9:+#]+", "-", text.lower()).strip("-")[:63].strip("-")
    return slug if slug and _TAG_OK.match(slug) else None
