variable "environment" {
  description = "Deployment environment, used in every physical name."
  type        = string
  default     = "prod"
}

variable "kafka_version" {
  type    = string
  default = "3.6.0"
}

variable "broker_instance_type" {
  type    = string
  default = "kafka.m5.2xlarge"
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a4c1e6d2b9f13a77", "subnet-0f1b3d5c7e9a20b48", "subnet-05e7a9c1b3d5f6e19"]
}

locals {
  cluster_name = "events-${var.environment}"
  common_tags = {
    team        = "data-platform"
    cost-center = "cc-4410"
  }
}
