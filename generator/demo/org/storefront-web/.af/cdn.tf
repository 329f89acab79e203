variable "environment" {
  type    = string
  default = "prod"
}

variable "domain" {
  type    = string
  default = "www.acme-shop.example"
}

locals {
  assets_bucket = "acme-${var.environment}-storefront-assets"
}

resource "aws_s3_bucket" "assets" {
  bucket = local.assets_bucket
}

# Images uploaded before 2022 still live in the old bucket, owned by nobody
# in particular. It is read-only; see docs/architecture.md.
data "aws_s3_bucket" "legacy_assets" {
  bucket = "acme-static-assets-legacy"
}

resource "aws_cloudfront_distribution" "shop" {
  enabled         = true
  aliases         = [var.domain]
  price_class     = "PriceClass_100"
  http_version    = "http2and3"
  is_ipv6_enabled = true

  origin {
    origin_id   = "next-ssr"
    domain_name = "storefront-web.prod.eks.acme.example"
  }

  origin {
    origin_id   = "static-assets"
    domain_name = aws_s3_bucket.assets.bucket_regional_domain_name
  }

  default_cache_behavior {
    target_origin_id       = "next-ssr"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn = "arn:aws:acm:us-east-1:418273645012:certificate/5d1c7e0a-9b2f-4e6d-8a3c-1f0e2d4b6c8a"
    ssl_support_method  = "sni-only"
  }
}

resource "datadog_monitor" "lcp" {
  name    = "Largest Contentful Paint regression on product pages"
  type    = "rum alert"
  query   = "rum(\"@type:view @view.url_path_group:/p/*\").rollup(\"pc75\", \"@view.largest_contentful_paint\").last(\"30m\") > 2500000000"
  message = "p75 LCP on product pages is above 2.5s. Check the last deploy and image sizes. @slack-storefront"
  tags    = ["team:storefront", "service:storefront-web"]
}

resource "datadog_monitor" "http_5xx" {
  name    = "5xx rate on www.acme-shop.example"
  type    = "metric alert"
  query   = "sum(last_5m):sum:aws.cloudfront.5xx_error_rate{distributionid:e2q8z1shop} > 1"
  message = "More than 1% of page requests fail at the CDN. @pagerduty-storefront-web"
  tags    = ["team:storefront", "service:storefront-web"]
}
