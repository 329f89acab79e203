module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "payment-gateway"
  language           = "java"
  description        = "One API in front of our payment service providers (Adyen for cards, PayPal, Klarna): authorise, capture, refund."
  pagerDutyServiceID = "PG2W8NA"
  owner              = "Payments Team"
  lifecycle          = "production"
  system             = "payments"
  tags               = ["psp", "pci", "tier-1"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/pgw-1ha-6dz/payment-gateway", title = "Service dashboard" },
    { url = "https://ca-live.adyen.com/ca/ca/overview/default.shtml", title = "Adyen customer area" },
  ]
  provides_apis = ["payments-api"]
  consumes_apis = ["order-events"]
}
