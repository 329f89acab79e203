module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "ledger-service"
  language           = "java"
  description        = "Double-entry ledger: books every order, capture, refund, chargeback and payout as balanced journal entries."
  pagerDutyServiceID = "PL6D3HV"
  owner              = "payments-ledger"
  lifecycle          = "production"
  system             = "ledger"
  tags               = ["ledger", "finance", "tier-1"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/ldg-4zt-8uc/ledger-service", title = "Service dashboard" },
    { url = "https://finance.internal.acme.example/close-calendar", title = "Finance close calendar" },
  ]
  consumes_apis = ["payments-api", "order-events"]
}
