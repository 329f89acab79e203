variable "environment" {
  type    = string
  default = "prod"
}

variable "kafka_cluster_name" {
  type    = string
  default = "events-prod"
}

locals {
  lake_prefix = "acme-${var.environment}-datalake"
}

data "aws_msk_cluster" "events" {
  cluster_name = var.kafka_cluster_name
}

resource "aws_s3_bucket" "raw" {
  bucket = "${local.lake_prefix}-raw"
}

resource "aws_s3_bucket" "curated" {
  bucket = "${local.lake_prefix}-curated"
}

resource "aws_glue_catalog_database" "clickstream" {
  name = "clickstream_${var.environment}"
}

resource "aws_kinesis_firehose_delivery_stream" "collector" {
  name        = "${var.environment}-clickstream-collector"
  destination = "extended_s3"

  extended_s3_configuration {
    bucket_arn         = aws_s3_bucket.raw.arn
    role_arn           = "arn:aws:iam::418273645012:role/clickstream-firehose"
    prefix             = "events/dt=!{timestamp:yyyy-MM-dd}/"
    buffering_interval = 300
    buffering_size     = 128
  }
}

resource "aws_lambda_function" "compact" {
  function_name = "${var.environment}-clickstream-compact"
  runtime       = "python3.12"
  handler       = "compact.handler"
  s3_bucket     = "acme-lambda-artifacts"
  s3_key        = "clickstream-pipeline/compact.zip"
  timeout       = 900
  memory_size   = 4096
  role          = "arn:aws:iam::418273645012:role/clickstream-compact"

  environment {
    variables = {
      RAW_BUCKET     = aws_s3_bucket.raw.bucket
      CURATED_BUCKET = aws_s3_bucket.curated.bucket
    }
  }
}

resource "aws_instance" "spark_driver" {
  ami           = "ami-0b7c3e5a9d1f2e4c6"
  instance_type = "r6i.2xlarge"

  tags = {
    Name = "clickstream-spark-driver"
    team = "data-platform"
  }
}

resource "datadog_monitor" "freshness" {
  name    = "Clickstream data lake freshness"
  type    = "metric alert"
  query   = "max(last_30m):max:clickstream.curated.partition_age_minutes{env:prod} > 120"
  message = "The curated clickstream tables are more than two hours old. Dashboards and recommendations training read stale data. @slack-data-platform-alerts"
  tags    = ["team:data-platform", "service:clickstream-pipeline"]
}
