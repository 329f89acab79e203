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

import fnmatch
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


# Terraform types that configure another resource rather than being one a
# person would name: they are folded into the Resource they belong to (see
# generator/read/fold.py) and listed on its page. ``*`` matches any run of
# characters. lookout.yaml's ``resource_parts`` adds patterns (true) or keeps
# a matching type as a Resource of its own (false).
BUILTIN_PARTS: tuple[str, ...] = (
    # S3: a bucket's settings are resources of their own since AWS provider v4
    "aws_s3_bucket_*", "aws_s3_object", "aws_s3_bucket_object",
    # IAM: policies, their attachments, instance profiles
    "aws_iam_policy", "aws_iam_role_policy", "aws_iam_*_policy_attachment", "aws_iam_policy_attachment",
    "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_instance_profile",
    "aws_iam_openid_connect_provider",
    # secrets and keys
    "aws_secretsmanager_secret_version", "aws_secretsmanager_secret_rotation", "aws_secretsmanager_secret_policy",
    "aws_kms_key", "aws_kms_alias", "aws_kms_grant", "aws_kms_key_policy", "aws_ssm_parameter",
    # queues, topics, functions, logs, events: policies, subscriptions, permissions
    "aws_sqs_queue_policy", "aws_sqs_queue_redrive_policy", "aws_sqs_queue_redrive_allow_policy",
    "aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_lambda_permission", "aws_lambda_alias",
    "aws_lambda_function_event_invoke_config", "aws_lambda_event_source_mapping",
    "aws_lambda_provisioned_concurrency_config", "aws_lambda_function_url", "aws_lambda_layer_version",
    "aws_cloudwatch_log_stream", "aws_cloudwatch_log_subscription_filter", "aws_cloudwatch_log_metric_filter",
    "aws_cloudwatch_event_target", "aws_cloudwatch_log_resource_policy",
    # networking details of something else
    "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
    "aws_route", "aws_route_table_association", "aws_ec2_tag", "aws_placement_group", "aws_eip_association",
    "aws_network_interface_attachment", "aws_volume_attachment", "aws_lb_listener", "aws_lb_listener_rule",
    "aws_lb_target_group_attachment",
    # data store and cluster settings
    "aws_db_subnet_group", "aws_db_parameter_group", "aws_db_option_group", "aws_rds_cluster_instance",
    "aws_rds_cluster_parameter_group", "aws_elasticache_subnet_group", "aws_elasticache_parameter_group",
    "aws_msk_configuration", "aws_msk_scram_secret_association", "aws_dynamodb_table_item",
    "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy", "aws_eks_addon", "aws_eks_access_entry",
    "aws_eks_access_policy_association", "aws_eks_identity_provider_config",
    "aws_api_gateway_resource", "aws_api_gateway_method*", "aws_api_gateway_integration*",
    "aws_api_gateway_deployment", "aws_api_gateway_stage", "aws_apigatewayv2_route", "aws_apigatewayv2_integration",
    "aws_apigatewayv2_stage", "aws_apigatewayv2_deployment", "aws_route53_record",
    # Google Cloud IAM bindings
    "google_*_iam_member", "google_*_iam_binding", "google_*_iam_policy",
    # Terraform's own helpers: random names, waits, files, no-ops
    "random_*", "null_resource", "terraform_data", "time_*", "local_file", "local_sensitive_file",
    "tls_private_key", "tls_self_signed_cert",
    # on-call and monitoring details
    "pagerduty_service_integration", "pagerduty_team_membership", "pagerduty_user_contact_method",
    "pagerduty_user_notification_rule", "pagerduty_service_dependency", "pagerduty_event_orchestration_*",
    "pagerduty_tag_assignment", "pagerduty_service_custom_field_value", "datadog_monitor_notification_rule",
    "datadog_slo_correction", "kafka_acl",
)


# A part that refers to several Resources belongs to this type among them
# (an event source mapping names a queue and a function; it is the function's).
PART_OWNERS: dict[str, str] = {
    "aws_lambda_event_source_mapping": "aws_lambda_function",
    "aws_lambda_permission": "aws_lambda_function",
    "aws_cloudwatch_event_target": "aws_cloudwatch_event_rule",
    "aws_sns_topic_subscription": "aws_sns_topic",
    "aws_iam_role_policy_attachment": "aws_iam_role",
    "aws_iam_role_policy": "aws_iam_role",
    "aws_cloudwatch_log_subscription_filter": "aws_cloudwatch_log_group",
}


def is_part(tf_type: str, cfg: ReadConfig) -> bool:
    """Whether blocks of ``tf_type`` fold into the Resource they belong to.

    lookout.yaml decides first (an exact type, then the first matching
    pattern); a type of the naming table or a module is never a part unless
    configured so.
    """
    if tf_type in cfg.resource_parts:
        return cfg.resource_parts[tf_type]
    for pattern, fold in cfg.resource_parts.items():
        if fnmatch.fnmatchcase(tf_type, pattern):
            return fold
    if tf_type in BUILTIN_TYPES or tf_type == "module":
        return False
    return any(fnmatch.fnmatchcase(tf_type, pattern) for pattern in BUILTIN_PARTS)
