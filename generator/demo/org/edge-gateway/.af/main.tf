resource "aws_lb" "public" {
  name               = "${local.name}-public"
  load_balancer_type = "network"
  subnets            = ["subnet-0e1d2c3b4a5968778", "subnet-0a9b8c7d6e5f40312", "subnet-0123456789abcdef0"]
}

resource "aws_instance" "envoy_a" {
  ami           = "ami-0f3a9c1e5b7d2468a"
  instance_type = var.envoy_instance_type

  tags = {
    Name = "${local.name}-envoy-a"
  }
}

resource "aws_instance" "envoy_b" {
  ami           = "ami-0f3a9c1e5b7d2468a"
  instance_type = var.envoy_instance_type

  tags = {
    Name = "${local.name}-envoy-b"
  }
}

resource "aws_elasticache_replication_group" "rate_limits" {
  replication_group_id = "${local.name}-ratelimits"
  description          = "Counters of the global rate limit service"
  engine               = "redis"
  node_type            = "cache.r6g.large"
  num_cache_clusters   = 2
}

resource "aws_wafv2_web_acl" "api" {
  name  = "${local.name}-api"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "aws-common"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-common"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "edge-api"
    sampled_requests_enabled   = true
  }
}

# Switched on by SRE during credential-stuffing attacks; the rules are
# maintained by the Identity team.
resource "aws_wafv2_rule_group" "signin_strict" {
  name     = "signin-strict"
  scope    = "REGIONAL"
  capacity = 100

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "signin-strict"
    sampled_requests_enabled   = true
  }

  tags = {
    owner = "identity"
  }
}

resource "datadog_monitor" "edge_5xx" {
  name    = "5xx rate at the edge gateway"
  type    = "metric alert"
  query   = "sum(last_5m):sum:envoy.cluster.upstream_rq_5xx{env:prod}.as_count() / sum:envoy.cluster.upstream_rq_total{env:prod}.as_count() > 0.01"
  message = "More than 1% of API requests fail. Check which upstream cluster in the dashboard and page its owner. @pagerduty-edge-gateway"
  tags    = ["team:sre", "service:edge-gateway"]
}

resource "datadog_monitor" "tls_expiry" {
  name    = "TLS certificate for api.acme-shop.example expires soon"
  type    = "service check"
  query   = "\"tls.cert_expiration\".over(\"host:api.acme-shop.example\").by(\"host\").last(2).count_by_status()"
  message = "The API certificate expires in less than 14 days and auto-renewal did not run. @slack-sre"
  tags    = ["team:sre", "service:edge-gateway"]
}

resource "pagerduty_service" "edge" {
  name              = "Edge (production)"
  escalation_policy = "PD8SRE1"
  alert_creation    = "create_alerts_and_incidents"
}
