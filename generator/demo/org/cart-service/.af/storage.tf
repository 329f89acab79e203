variable "environment" {
  type    = string
  default = "prod"
}

variable "cart_ttl_days" {
  type    = number
  default = 30
}

locals {
  table_prefix = "${var.environment}-carts"
}

resource "aws_dynamodb_table" "carts" {
  name         = local.table_prefix
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "cart_id"

  attribute {
    name = "cart_id"
    type = "S"
  }

  attribute {
    name = "customer_id"
    type = "S"
  }

  global_secondary_index {
    name            = "by-customer"
    hash_key        = "customer_id"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_sns_topic" "cart_abandoned" {
  name = "${local.table_prefix}-abandoned"
}

resource "datadog_monitor" "dynamodb_throttles" {
  name    = "DynamoDB throttling on cart-service"
  type    = "metric alert"
  query   = "sum(last_5m):sum:aws.dynamodb.throttled_requests{tablename:prod-carts}.as_count() > 50"
  message = "Cart reads or writes are being throttled. On-demand tables throttle when traffic doubles within 30 minutes; check for a bot. @pagerduty-cart-service"
  tags    = ["team:payments-checkout", "service:cart-service"]
}
