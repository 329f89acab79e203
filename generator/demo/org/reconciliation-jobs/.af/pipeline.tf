# Adyen and PayPal drop settlement reports into the inbound bucket (SFTP via
# AWS Transfer Family). Each new object is queued and parsed by a Lambda.

resource "aws_s3_bucket" "settlements" {
  bucket = "${local.prefix}-settlements"
}

resource "aws_sqs_queue" "settlement_files_dlq" {
  name = "${local.prefix}-settlement-files-dlq"
}

resource "aws_sqs_queue" "settlement_files" {
  name                       = "${local.prefix}-settlement-files"
  visibility_timeout_seconds = 900
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.settlement_files_dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_s3_bucket_notification" "settlements_new_files" {
  bucket = aws_s3_bucket.settlements.id

  queue {
    queue_arn     = aws_sqs_queue.settlement_files.arn
    events        = ["s3:ObjectCreated:*"]
    filter_suffix = ".csv"
  }
}

resource "aws_lambda_function" "parse_settlement" {
  function_name = "${local.prefix}-parse-settlement"
  runtime       = var.lambda_runtime
  handler       = "recon.parse.handler"
  s3_bucket     = var.artifact_bucket
  s3_key        = "reconciliation-jobs/parse-settlement.zip"
  memory_size   = 2048
  timeout       = 900
  role          = "arn:aws:iam::418273645012:role/recon-parse-settlement"

  environment {
    variables = {
      SETTLEMENT_BUCKET = aws_s3_bucket.settlements.bucket
      LEDGER_DB_HOST    = "prod-ledger-db-replica.cj4ks1o9yv2p.eu-west-1.rds.amazonaws.com"
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.settlement_files_dlq.arn
  }
}

resource "aws_lambda_event_source_mapping" "parse_settlement_trigger" {
  event_source_arn = aws_sqs_queue.settlement_files.arn
  function_name    = aws_lambda_function.parse_settlement.arn
  batch_size       = 1
}

resource "aws_lambda_function" "match" {
  function_name = "${local.prefix}-match"
  runtime       = var.lambda_runtime
  handler       = "recon.match.handler"
  s3_bucket     = var.artifact_bucket
  s3_key        = "reconciliation-jobs/match.zip"
  memory_size   = 3008
  timeout       = 900
  role          = "arn:aws:iam::418273645012:role/recon-match"
}

resource "aws_cloudwatch_event_rule" "daily_match" {
  name                = "${local.prefix}-daily-match"
  schedule_expression = "cron(30 5 * * ? *)"
}

resource "aws_cloudwatch_event_target" "daily_match_lambda" {
  rule = aws_cloudwatch_event_rule.daily_match.name
  arn  = aws_lambda_function.match.arn
}

resource "datadog_monitor" "unmatched_lines" {
  name    = "Unmatched settlement lines after daily match"
  type    = "metric alert"
  query   = "max(last_1h):max:recon.unmatched_lines{env:prod} > 0"
  message = "The daily match left PSP settlement lines without a ledger entry. Finance needs the report by 09:00 CET. @slack-payments-ledger"
  tags    = ["team:payments-ledger", "service:reconciliation-jobs"]
}
