variable "environment" {
  type    = string
  default = "prod"
}

locals {
  prefix = "${var.environment}-fraud"
}

data "aws_msk_cluster" "events" {
  cluster_name = "events-prod"
}

resource "aws_dynamodb_table" "velocity" {
  name         = "${local.prefix}-velocity-counters"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "key"

  attribute {
    name = "key"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }
}

resource "aws_s3_bucket" "decisions" {
  bucket = "acme-${local.prefix}-decisions"
}
