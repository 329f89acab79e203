resource "datadog_monitor" "p99_latency" {
  name    = "High p99 latency on checkout-service"
  type    = "metric alert"
  query   = "percentile(last_5m):p99:trace.http.request{service:checkout-service,env:prod,resource_name:post_/v1/orders} > 1.2"
  message = <<-EOT
    {{#is_alert}}POST /v1/orders p99 is above 1.2s. Check the payment-gateway latency first -
    authorisation is most of the request time.{{/is_alert}}
    @pagerduty-checkout-service
  EOT

  monitor_thresholds {
    warning  = 0.8
    critical = 1.2
  }

  tags = ["team:payments-checkout", "service:checkout-service"]
}

resource "datadog_monitor" "error_rate" {
  name    = "Order placement error rate on checkout-service"
  type    = "query alert"
  query   = "sum(last_10m):sum:trace.http.request.errors{service:checkout-service,env:prod}.as_count() / sum:trace.http.request.hits{service:checkout-service,env:prod}.as_count() > 0.02"
  message = "More than 2% of checkout requests fail. @pagerduty-checkout-service @slack-payments-checkout"

  monitor_thresholds {
    critical = 0.02
  }

  tags = ["team:payments-checkout", "service:checkout-service"]
}

resource "datadog_monitor" "outbox_dlq_messages" {
  name    = "Messages in checkout outbox DLQ"
  type    = "metric alert"
  query   = "max(last_5m):max:aws.sqs.approximate_number_of_messages_visible{queuename:prod-checkout-outbox-dlq} > 0"
  message = "Order events failed to reach Kafka and are waiting in ${aws_sqs_queue.outbox_dlq.name}. Replay with `make replay-dlq`. @slack-payments-checkout"
  tags    = ["team:payments-checkout", "service:checkout-service"]
}

resource "pagerduty_service" "checkout" {
  name                    = "Checkout (production)"
  escalation_policy       = var.escalation_policy_id
  acknowledgement_timeout = 600
  alert_creation          = "create_alerts_and_incidents"
}

variable "escalation_policy_id" {
  type    = string
  default = "PD7CHK2"
}
