variable "environment" {
  type    = string
  default = "prod"
}

variable "envoy_instance_type" {
  type    = string
  default = "c6gn.xlarge"
}

variable "azs" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

locals {
  name = "${var.environment}-edge"
}
