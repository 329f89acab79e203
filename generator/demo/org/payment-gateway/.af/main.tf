variable "environment" {
  type    = string
  default = "prod"
}

variable "webhook_handler_version" {
  type    = string
  default = "2024.04.2"
}

locals {
  name = "${var.environment}-payments"
}

data "aws_msk_cluster" "events" {
  cluster_name = "events-prod"
}

resource "aws_kms_key" "card_tokens" {
  description             = "Encrypts PSP card tokens at rest (PCI scope)"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_db_instance" "payments" {
  identifier              = "${local.name}-db"
  engine                  = "postgres"
  engine_version          = "15.5"
  instance_class          = "db.r6g.2xlarge"
  allocated_storage       = 800
  multi_az                = true
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.card_tokens.arn
  backup_retention_period = 35
  deletion_protection     = true
}

# PSP webhooks (Adyen notifications, PayPal IPN) land on a Lambda behind API
# Gateway, which only validates the HMAC and queues them for the service.
resource "aws_sqs_queue" "psp_webhooks_dlq" {
  name                      = "${local.name}-psp-webhooks-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "psp_webhooks" {
  name                       = "${local.name}-psp-webhooks"
  visibility_timeout_seconds = 120
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.psp_webhooks_dlq.arn
    maxReceiveCount     = 8
  })
}

resource "aws_lambda_function" "webhook_receiver" {
  function_name = "${local.name}-webhook-receiver"
  runtime       = "java21"
  handler       = "com.acme.payments.webhooks.Receiver::handleRequest"
  memory_size   = 1024
  timeout       = 10
  s3_bucket     = "acme-lambda-artifacts"
  s3_key        = "payment-gateway/webhook-receiver-${var.webhook_handler_version}.jar"
  role          = "arn:aws:iam::418273645012:role/payments-webhook-receiver"

  environment {
    variables = {
      QUEUE_URL = aws_sqs_queue.psp_webhooks.url
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.psp_webhooks_dlq.arn
  }
}

resource "aws_sns_topic" "chargebacks" {
  name = "${local.name}-chargebacks"
}
