module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "cart-service"
  language           = "kotlin"
  description        = "Shopping carts for signed-in and anonymous customers, merged at sign-in."
  pagerDutyServiceID = "PC9R4TB"
  owner              = "payments-checkout"
  lifecycle          = "production"
  system             = "checkout"
  tags               = ["carts", "tier-1"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/crt-5nb-7kp/cart-service", title = "Service dashboard" },
  ]
  consumes_apis = ["product-catalog-grpc", "identity-api"]
}
