data "aws_msk_cluster" "events" {
  cluster_name = var.kafka_cluster_name
}

resource "aws_sesv2_email_identity" "sender" {
  email_identity = var.sender_domain
}

resource "aws_sqs_queue" "outgoing_dlq" {
  name = "${local.prefix}-outgoing-dlq"
}

resource "aws_sqs_queue" "outgoing" {
  name                       = "${local.prefix}-outgoing"
  visibility_timeout_seconds = 60
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.outgoing_dlq.arn
    maxReceiveCount     = 5
  })
}

# Reminder emails for carts left alone for 24 hours (topic owned by cart-service).
resource "aws_sns_topic_subscription" "cart_abandoned" {
  topic_arn = "arn:aws:sns:eu-west-1:418273645012:prod-carts-abandoned"
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.outgoing.arn
}

resource "aws_sns_topic" "push" {
  name = "${local.prefix}-push"
}

resource "aws_dynamodb_table" "sent" {
  name         = "${local.prefix}-sent"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "message_id"

  attribute {
    name = "message_id"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }
}

resource "datadog_monitor" "bounce_rate" {
  name    = "Email bounce rate above 4%"
  type    = "metric alert"
  query   = "avg(last_1h):sum:aws.ses.bounce{identity:mail.acme-shop.example}.as_count() / sum:aws.ses.send{identity:mail.acme-shop.example}.as_count() > 0.04"
  message = "SES suspends sending above 10%. Find the campaign or template causing bounces and pause it. @pagerduty-notification-service @slack-growth"

  monitor_thresholds {
    warning  = 0.025
    critical = 0.04
  }

  tags = ["team:growth", "service:notification-service"]
}

resource "pagerduty_service" "notifications" {
  name              = "Notifications (production)"
  escalation_policy = "PD6GRW3"
  alert_creation    = "create_alerts_and_incidents"
}
