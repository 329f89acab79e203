resource "aws_db_instance" "orders" {
  identifier                   = "${local.prefix}-orders"
  engine                       = "postgres"
  engine_version               = "15.5"
  instance_class               = var.db_instance_class
  allocated_storage            = 500
  multi_az                     = true
  storage_encrypted            = true
  backup_retention_period      = 14
  performance_insights_enabled = true
  deletion_protection          = true
  tags                         = local.tags
}

resource "aws_elasticache_replication_group" "idempotency" {
  replication_group_id = "${local.prefix}-idempotency"
  description          = "Idempotency keys for POST /orders, 24h TTL"
  engine               = "redis"
  node_type            = "cache.r6g.large"
  num_cache_clusters   = 2
  tags                 = local.tags
}
