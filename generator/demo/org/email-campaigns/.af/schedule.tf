# Weekly newsletter send, Tuesdays 08:00 CET.
resource "aws_cloudwatch_event_rule" "weekly_newsletter" {
  name                = "email-campaigns-weekly-newsletter"
<<<<<<< HEAD
  schedule_expression = "cron(0 7 ? * TUE *)"
=======
  schedule_expression = "cron(0 6 ? * TUE *)"
>>>>>>> summer-time
  is_enabled          = true
}

resource "aws_sqs_queue" "send_batches" {
  name                       = "email-campaigns-send-batches"
  visibility_timeout_seconds = 600
}
