variable "environment" {
  type    = string
  default = "prod"
}

locals {
  domain_name = "${var.environment}-products"
}

data "aws_msk_cluster" "events" {
  cluster_name = "events-prod"
}

resource "aws_opensearch_domain" "products" {
  domain_name    = local.domain_name
  engine_version = "OpenSearch_2.11"

  cluster_config {
    instance_type            = "r6g.large.search"
    instance_count           = 3
    dedicated_master_enabled = true
    zone_awareness_enabled   = true
  }

  ebs_options {
    ebs_enabled = true
    volume_size = 200
  }
}

resource "aws_sqs_queue" "reindex_requests" {
  name = "${var.environment}-search-reindex-requests"
}

resource "datadog_monitor" "indexing_lag" {
  name    = "Search index lagging behind catalog"
  type    = "metric alert"
  query   = "avg(last_10m):max:search_indexer.lag_seconds{env:prod} > 600"
  message = "Search results are more than 10 minutes behind the catalog. Prices in results may be wrong. @pagerduty-search-indexer"
  tags    = ["team:storefront", "service:search-indexer"]
}
