variable "environment" {
  type    = string
  default = "prod"
}

locals {
  prefix = "acme-${var.environment}-ledger"
}

data "aws_msk_cluster" "events" {
  cluster_name = "events-prod"
}

resource "aws_db_instance" "ledger" {
  identifier                   = "${var.environment}-ledger-db"
  engine                       = "postgres"
  engine_version               = "15.5"
  instance_class               = "db.r6g.2xlarge"
  allocated_storage            = 1500
  multi_az                     = true
  storage_encrypted            = true
  backup_retention_period      = 35
  performance_insights_enabled = true
  deletion_protection          = true
}

resource "aws_db_instance" "ledger_replica" {
  identifier          = "${var.environment}-ledger-db-replica"
  replicate_source_db = aws_db_instance.ledger.identifier
  instance_class      = "db.r6g.xlarge"
  storage_encrypted   = true
}

# Month-end exports for finance, kept ten years (legal retention).
resource "aws_s3_bucket" "exports" {
  bucket = "${local.prefix}-exports"
}

resource "aws_s3_bucket_object_lock_configuration" "exports_retention" {
  bucket = aws_s3_bucket.exports.id

  rule {
    default_retention {
      mode  = "COMPLIANCE"
      years = 10
    }
  }
}

resource "datadog_monitor" "unbalanced" {
  name    = "Unbalanced journal entries in ledger"
  type    = "metric alert"
  query   = "sum(last_5m):sum:ledger.journal.unbalanced{env:prod}.as_count() > 0"
  message = "A journal entry did not balance and was parked. Finance close is blocked until it is resolved. @pagerduty-ledger-service"
  tags    = ["team:payments-ledger", "service:ledger-service"]
}

resource "datadog_monitor" "consumer_lag" {
  name    = "Kafka consumer lag on ledger-service"
  type    = "metric alert"
  query   = "avg(last_15m):max:aws.kafka.sum_offset_lag{consumer_group:ledger-service,cluster_name:events-prod} > 50000"
  message = "The ledger is more than 50k events behind. Balances shown to finance are stale. @slack-payments-ledger"
  tags    = ["team:payments-ledger", "service:ledger-service"]
}

resource "pagerduty_service" "ledger_oncall" {
  name              = "Ledger (production)"
  escalation_policy = "PD4LDG7"
  alert_creation    = "create_alerts_and_incidents"
}
