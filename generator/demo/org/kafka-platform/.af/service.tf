module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "kafka-platform"
  type               = "platform"
  language           = "hcl"
  description        = "The shared Amazon MSK cluster events-prod, its topic conventions and the Confluent Schema Registry."
  pagerDutyServiceID = "PK4F7QZ"
  owner              = "data-platform"
  lifecycle          = "production"
  system             = "event-streaming"
  tags               = ["kafka", "msk", "streaming"]
  links = [
    { url = "https://app.datadoghq.eu/dashboard/kfk-3xq-9wd/kafka-events-prod", title = "Cluster dashboard" },
    { url = "https://schema-registry.internal.acme.example", title = "Schema Registry" },
  ]
}
