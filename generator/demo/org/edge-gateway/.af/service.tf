module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "edge-gateway"
  language           = "go"
  description        = "Envoy-based API gateway for api.acme-shop.example: TLS, routing, rate limits and the WAF in front of every public API."
  pagerDutyServiceID = "PS3E9GT"
  owner              = "sre"
  lifecycle          = "production"
  system             = "edge"
  tags               = ["envoy", "ingress", "tier-0"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/edg-9xw-4qa/edge-gateway", title = "Edge dashboard" },
    { url = "https://status.acme-shop.example", title = "Public status page" },
  ]
  dependencies = ["component:checkout-service", "component:identity-service", "component:payment-gateway"]
}
