variable "environment" {
  type = string
}

variable "settlement_retention_days" {
  type    = number
  default = 400
}

variable "lambda_runtime" {
  type    = string
  default = "python3.11"
}

variable "artifact_bucket" {
  type    = string
  default = "acme-lambda-artifacts"
}

locals {
  prefix = "acme-${var.environment}-recon"
}
