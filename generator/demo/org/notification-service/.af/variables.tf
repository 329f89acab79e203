variable "environment" {
  type    = string
  default = "staging"
}

variable "kafka_cluster_name" {
  description = "MSK cluster the order and shipping events are read from."
  type        = string
}

variable "sender_domain" {
  type    = string
  default = "mail.acme-shop.example"
}

locals {
  prefix = "${var.environment}-notifications"
}
