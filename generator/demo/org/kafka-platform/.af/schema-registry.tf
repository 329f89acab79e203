resource "aws_instance" "schema_registry" {
  count         = 2
  ami           = "ami-0e8a5c3b1d7f9a2c4"
  instance_type = "m6i.large"
  subnet_id     = var.private_subnet_ids[0]

  tags = {
    Name        = "schema-registry-${var.environment}"
    team        = "data-platform"
    cost-center = "cc-4410"
  }
}

resource "aws_s3_bucket" "msk_broker_logs" {
  bucket = "acme-${local.cluster_name}-broker-logs"
  tags   = local.common_tags
}
