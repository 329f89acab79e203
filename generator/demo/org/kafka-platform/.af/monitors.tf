resource "datadog_monitor" "under_replicated" {
  name    = "Under-replicated partitions on events-prod"
  type    = "metric alert"
  query   = "max(last_10m):sum:aws.kafka.under_replicated_partitions{cluster_name:events-prod} > 0"
  message = <<-EOT
    {{#is_alert}}Partitions on events-prod are under-replicated. A broker is probably down or
    throttled. Runbook: https://docs.internal.acme.example/kafka-platform/runbook/{{/is_alert}}
    @pagerduty-kafka-platform @slack-data-platform-alerts
  EOT

  monitor_thresholds {
    critical = 0
  }

  tags = ["team:data-platform", "service:kafka-platform"]
}

resource "datadog_monitor" "disk_usage" {
  name    = "Broker disk above 80% on events-prod"
  type    = "metric alert"
  query   = "avg(last_15m):max:aws.kafka.kafka_data_logs_disk_used{cluster_name:events-prod} by {broker_id} > 80"
  message = "Broker {{broker_id.name}} is filling up. Check for a topic with runaway retention before adding storage. @slack-data-platform-alerts"

  monitor_thresholds {
    warning  = 70
    critical = 80
  }

  tags = ["team:data-platform", "service:kafka-platform"]
}

resource "pagerduty_service" "kafka" {
  name                    = "Kafka platform (production)"
  description             = "events-prod MSK cluster and Schema Registry"
  escalation_policy       = var.escalation_policy_id
  acknowledgement_timeout = 1800
  alert_creation          = "create_alerts_and_incidents"
}

variable "escalation_policy_id" {
  type    = string
  default = "PD3EPL1"
}
