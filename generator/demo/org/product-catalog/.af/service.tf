module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "product-catalog"
  language           = "python"
  description        = "Products, variants, prices and stock levels, served over gRPC; publishes catalog changes to Kafka."
  pagerDutyServiceID = "PT4B8GW"
  owner              = "storefront"
  lifecycle          = "production"
  system             = "storefront"
  tags               = ["catalog", "grpc", "tier-1"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/cat-2pw-5ry/product-catalog", title = "Service dashboard" },
    { url = "https://pim.internal.acme.example", title = "PIM (merchandising tool)" },
  ]
  provides_apis = ["product-catalog-grpc"]
}
