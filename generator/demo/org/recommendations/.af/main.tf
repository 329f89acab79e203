variable "environment" {
  type    = string
  default = "prod"
}

variable "endpoint_instance_type" {
  type    = string
  default = "ml.c6i.xlarge"
}

data "aws_caller_identity" "current" {}

locals {
  prefix = "${var.environment}-recs"
}

# Model artifacts. The account id in the name keeps it globally unique.
resource "aws_s3_bucket" "models" {
  bucket = "acme-${data.aws_caller_identity.current.account_id}-recs-models"
}

resource "aws_dynamodb_table" "rails" {
  name         = "${local.prefix}-rails"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "customer_id"
  range_key    = "rail"

  attribute {
    name = "customer_id"
    type = "S"
  }

  attribute {
    name = "rail"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }
}

resource "aws_sagemaker_endpoint_configuration" "also_bought_config" {
  name = "${local.prefix}-also-bought"

  production_variants {
    variant_name           = "primary"
    model_name             = "${local.prefix}-also-bought-2024-05"
    instance_type          = var.endpoint_instance_type
    initial_instance_count = 2
  }
}

resource "aws_sagemaker_endpoint" "also_bought" {
  name                 = "${local.prefix}-also-bought"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.also_bought_config.name
}

resource "datadog_monitor" "endpoint_latency" {
  name    = "Slow recommendations endpoint"
  type    = "metric alert"
  query   = "avg(last_10m):avg:aws.sagemaker.model_latency{endpointname:prod-recs-also-bought} > 150000"
  message = "Model latency is above 150 ms; the home page falls back to bestsellers. No page, fix during working hours. @slack-growth"
  tags    = ["team:growth", "service:recommendations"]
}
