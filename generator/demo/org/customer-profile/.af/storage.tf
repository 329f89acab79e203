variable "environment" {
  type    = string
  default = "prod"
}

locals {
  prefix = "${var.environment}-customer-profile"
}

resource "aws_dynamodb_table" "profiles" {
  name         = local.prefix
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "customer_id"

  attribute {
    name = "customer_id"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }
}

resource "aws_dynamodb_table" "addresses" {
  name         = "${local.prefix}-addresses"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "customer_id"
  range_key    = "address_id"

  attribute {
    name = "customer_id"
    type = "S"
  }

  attribute {
    name = "address_id"
    type = "S"
  }
}

# GDPR data exports, deleted after 30 days.
resource "aws_s3_bucket" "gdpr_exports" {
  bucket = "acme-${local.prefix}-gdpr-exports"
}

resource "aws_sqs_queue" "erasure_requests" {
  name                       = "${local.prefix}-erasure-requests"
  visibility_timeout_seconds = 300
}

resource "aws_lambda_function" "erasure" {
  function_name = "${local.prefix}-erasure"
  runtime       = "java21"
  handler       = "com.acme.profile.gdpr.EraseCustomer::handle"
  s3_bucket     = "acme-lambda-artifacts"
  s3_key        = "customer-profile/erasure.jar"
  role          = "arn:aws:iam::418273645012:role/customer-profile-erasure"
  timeout       = 300

  environment {
    variables = {
      REQUESTS_QUEUE_ARN = aws_sqs_queue.erasure_requests.arn
      PROFILES_TABLE     = aws_dynamodb_table.profiles.name
    }
  }
}
