module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "search-indexer"
  language           = "rust"
  description        = "Keeps the product search index in OpenSearch in step with the catalog, prices and stock."
  pagerDutyServiceID = "PX2Y7MC"
  owner              = "storefront"
  lifecycle          = "production"
  system             = "storefront"
  tags               = ["search", "opensearch"]
  dependencies       = ["component:product-catalog"]
  consumes_apis      = ["product-catalog-grpc"]
}
