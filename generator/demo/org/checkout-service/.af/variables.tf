variable "environment" {
  type    = string
  default = "prod"
}

variable "db_instance_class" {
  type    = string
  default = "db.r6g.xlarge"
}

locals {
  prefix = "${var.environment}-checkout"
  tags = {
    service = "checkout-service"
    team    = "payments-checkout"
  }
}
