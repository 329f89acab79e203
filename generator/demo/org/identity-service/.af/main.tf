variable "environment" {
  type    = string
  default = "prod"
}

variable "session_node_type" {
  type    = string
  default = "cache.r6g.large"
}

locals {
  prefix = "${var.environment}-identity"
  tags = {
    service             = "identity-service"
    data-classification = "pii"
  }
}

resource "aws_db_instance" "accounts" {
  identifier              = "${local.prefix}-accounts"
  engine                  = "postgres"
  engine_version          = "15.5"
  instance_class          = "db.r6g.large"
  allocated_storage       = 200
  multi_az                = true
  storage_encrypted       = true
  backup_retention_period = 14
  deletion_protection     = true
  tags                    = local.tags
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "${local.prefix}-sessions"
  description                = "Customer sessions and refresh-token families"
  engine                     = "redis"
  node_type                  = var.session_node_type
  num_cache_clusters         = 3
  automatic_failover_enabled = true
  transit_encryption_enabled = true
  tags                       = local.tags
}

resource "aws_sns_topic" "account_events" {
  name = "${local.prefix}-account-events"
}

resource "datadog_monitor" "login_failures" {
  name    = "Spike in failed sign-ins"
  type    = "anomaly alert"
  query   = "avg(last_4h):anomalies(sum:identity.signin{result:failure,env:prod}.as_count(), 'agile', 3) >= 1"
  message = <<-EOT
    Failed sign-ins are well above normal. A credential-stuffing attack looks like many
    accounts from few ASNs; ask SRE to enable the stricter WAF rule set.
    @pagerduty-identity-service @slack-identity
  EOT
  tags    = ["team:identity", "service:identity-service", "security"]
}

resource "pagerduty_service" "identity" {
  name              = "Identity (production)"
  escalation_policy = "PD2IDN4"
  alert_creation    = "create_alerts_and_incidents"
}
