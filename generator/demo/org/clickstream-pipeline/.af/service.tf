module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "clickstream-pipeline"
  language           = "scala"
  description        = "Collects web and app behaviour events, enriches them with order events from Kafka and lands them in the S3 data lake."
  pagerDutyServiceID = "PD9K5LA"
  owner              = "data-platform"
  lifecycle          = "production"
  system             = "analytics"
  tags               = ["spark", "data-lake", "analytics"]
  links = [
    { url = "https://airflow.internal.acme.example/dags/clickstream_daily", title = "Airflow DAG" },
  ]
  consumes_apis = ["order-events"]
}
