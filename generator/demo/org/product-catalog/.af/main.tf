variable "environment" {
  type    = string
  default = "prod"
}

variable "image_sizes" {
  type    = list(number)
  default = [160, 480, 960, 1600]
}

locals {
  prefix = "${var.environment}-catalog"
}

data "aws_msk_cluster" "events" {
  cluster_name = "events-prod"
}

resource "aws_db_instance" "catalog" {
  identifier              = "${local.prefix}-db"
  engine                  = "postgres"
  engine_version          = "15.5"
  instance_class          = "db.r6g.xlarge"
  allocated_storage       = 300
  multi_az                = true
  storage_encrypted       = true
  backup_retention_period = 7
}

resource "aws_elasticache_cluster" "prices" {
  cluster_id      = "${local.prefix}-prices"
  engine          = "redis"
  node_type       = "cache.r6g.large"
  num_cache_nodes = 1
}

resource "aws_s3_bucket" "images_original" {
  bucket = "acme-${local.prefix}-images-original"
}

resource "aws_s3_bucket" "images_resized" {
  bucket = "acme-${local.prefix}-images"
}

resource "aws_lambda_function" "resize" {
  function_name = "${local.prefix}-image-resize"
  runtime       = "python3.12"
  handler       = "resize.handler"
  memory_size   = 2048
  timeout       = 60
  s3_bucket     = "acme-lambda-artifacts"
  s3_key        = "product-catalog/image-resize.zip"
  role          = "arn:aws:iam::418273645012:role/catalog-image-resize"

  environment {
    variables = {
      SOURCE_BUCKET = aws_s3_bucket.images_original.bucket
      TARGET_BUCKET = aws_s3_bucket.images_resized.bucket
      SIZES         = join(",", var.image_sizes)
    }
  }
}

resource "datadog_monitor" "stock_sync" {
  name    = "Stock sync from warehouse delayed"
  type    = "metric alert"
  query   = "max(last_15m):max:catalog.stock_sync.age_seconds{env:prod} > 900"
  message = "Stock levels are more than 15 minutes old; customers may buy items we no longer have. @pagerduty-product-catalog"
  tags    = ["team:storefront", "service:product-catalog"]
}
