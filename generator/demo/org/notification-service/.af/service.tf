module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "notification-service"
  language           = "typescript"
  description        = "Sends order confirmations, shipping updates, password resets and cart reminders by email, push and SMS."
  pagerDutyServiceID = "PN8F3WJ"
  owner              = "growth"
  lifecycle          = "production"
  system             = "customer-engagement"
  tags               = ["email", "push", "sms"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/ntf-6kd-1ze/notification-service", title = "Service dashboard" },
    { url = "https://templates.internal.acme.example", title = "Template editor" },
  ]
  dependencies  = ["component:customer-profile", "component:sms-gateway"]
  consumes_apis = ["order-events"]
}
