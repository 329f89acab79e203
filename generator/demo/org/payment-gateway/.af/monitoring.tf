resource "datadog_monitor" "auth_rate" {
  name    = "Card authorisation rate dropped"
  type    = "query alert"
  query   = "sum(last_15m):sum:payments.authorisation{result:authorised,env:prod}.as_count() / sum:payments.authorisation{env:prod}.as_count() < 0.85"
  message = <<-EOT
    Fewer than 85% of card authorisations succeed. This is almost always the PSP or a
    card scheme, not us: check https://status.adyen.com before digging into our code.
    @pagerduty-payment-gateway @slack-payments-incidents
  EOT

  monitor_thresholds {
    warning  = 0.9
    critical = 0.85
  }

  tags = ["team:payments", "service:payment-gateway"]
}

resource "datadog_monitor" "webhook_backlog" {
  name    = "PSP webhook backlog on payment-gateway"
  type    = "metric alert"
  query   = "avg(last_10m):max:aws.sqs.approximate_age_of_oldest_message{queuename:prod-payments-psp-webhooks} > 300"
  message = "Webhooks from the PSPs are older than 5 minutes. Captures and refunds will look stuck to customers. @pagerduty-payment-gateway"
  tags    = ["team:payments", "service:payment-gateway"]
}

resource "pagerduty_service" "gateway" {
  name                    = "Payment gateway (production)"
  escalation_policy       = "PD1PAY9"
  acknowledgement_timeout = 600
  alert_creation          = "create_alerts_and_incidents"
}
