module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "fraud-scoring"
  language           = "rust"
  description        = "Scores every checkout for fraud risk in under 20 ms; runs in shadow mode next to the PSP's own risk checks."
  pagerDutyServiceID = "PF7H2ZU"
  owner              = "payments-checkout"
  lifecycle          = "experimental"
  system             = "payments"
  tags               = ["fraud", "ml"]
  consumes_apis      = ["order-events"]
}
