module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "reconciliation-jobs"
  language           = "python"
  description        = "Matches PSP settlement reports line by line against the ledger and reports every difference to finance."
  pagerDutyServiceID = "PR8J1XS"
  owner              = "payments-ledger"
  system             = "ledger"
  tags               = ["finance", "batch"]
  dependencies       = ["component:ledger-service"]
}
