module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "customer-profile"
  language           = "kotlin"
  description        = "Addresses, saved payment method references, communication preferences and GDPR exports for customers."
  pagerDutyServiceID = "PP5V9QE"
  owner              = "identity"
  lifecycle          = "production"
  system             = "identity"
  tags               = ["pii", "gdpr"]
  dependencies       = ["component:identity-service"]
  consumes_apis      = ["identity-api"]
}
