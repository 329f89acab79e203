# Orders are published to Kafka (events-prod). The outbox relay drains the
# outbox table; failed publishes go to the SQS dead-letter queue below.

data "aws_msk_cluster" "events" {
  cluster_name = "events-prod"
}

resource "aws_sqs_queue" "outbox_dlq" {
  name                      = "${local.prefix}-outbox-dlq"
  message_retention_seconds = 1209600
  tags                      = local.tags
}
