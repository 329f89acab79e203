module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "identity-service"
  language           = "go"
  description        = "Sign-up, sign-in (password, passkeys, Google, Apple), sessions and OAuth2 access tokens for customers."
  pagerDutyServiceID = "PI3N5KD"
  owner              = "identity"
  lifecycle          = "production"
  system             = "identity"
  tags               = ["auth", "oauth2", "tier-1"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/idn-7hc-3ea/identity-service", title = "Service dashboard" },
    { url = "https://auth.acme-shop.example/.well-known/openid-configuration", title = "OIDC discovery" },
  ]
  provides_apis = ["identity-api"]
}
