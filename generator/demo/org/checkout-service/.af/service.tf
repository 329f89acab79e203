module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "checkout-service"
  language           = "go"
  description        = "Turns a cart into an order: prices it, reserves stock, authorises the payment and publishes orders.order.placed.v1."
  pagerDutyServiceID = "PQ7C2MX"
  owner              = "payments-checkout"
  lifecycle          = "production"
  system             = "checkout"
  tags               = ["orders", "tier-1"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/chk-8rt-2mf/checkout-service", title = "Service dashboard" },
    { url = "https://acme.pagerduty.com/service-directory/PQ7C2MX", title = "On-call" },
  ]
  dependencies  = ["component:cart-service"]
  provides_apis = ["checkout-api", "order-events"]
  consumes_apis = ["payments-api", "identity-api", "product-catalog-grpc"]
}
