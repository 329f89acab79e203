module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "storefront-web"
  type               = "website"
  language           = "typescript"
  description        = "The Acme Shop web shop: Next.js, server-rendered product pages, cart and checkout."
  pagerDutyServiceID = "PW1S6LF"
  owner              = "storefront"
  lifecycle          = "production"
  system             = "storefront"
  tags               = ["nextjs", "frontend", "tier-1"]
  links = [
    { url = "https://www.acme-shop.example", title = "Production" },
    { url = "https://staging.acme-shop.example", title = "Staging" },
    { url = "https://app.datadoghq.eu/rum/application/3c9e1f/overview", title = "Real user monitoring" },
  ]
  dependencies  = ["component:product-catalog", "component:search-indexer", "component:cart-service"]
  consumes_apis = ["checkout-api", "identity-api"]
}
