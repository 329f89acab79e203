module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.2.0"
  service_name       = "email-campaigns"
  language           = "ruby"
  description        = "Old Rails app for newsletter and campaign emails. Being replaced by the marketing automation SaaS; do not add features."
  pagerDutyServiceID = "PM1C4DQ"
  owner              = "growth"
  lifecycle          = "deprecated"
  system             = "customer-engagement"
  tags               = ["rails", "newsletter"]
  links = [
    { url = "https://wiki.acme.example/display/GROWTH/Campaign+tool+migration", title = "Migration plan" },
  ]
}
