module "service" {
  source             = "git::https://git.acme.example/devops/terraform/modules/service?ref=v1.4.0"
  service_name       = "recommendations"
  language           = "python"
  description        = "\"Customers also bought\" and personalised home-page rails, trained nightly on the data lake."
  pagerDutyServiceID = "PE6M2RN"
  owner              = "growth"
  lifecycle          = "experimental"
  system             = "customer-engagement"
  tags               = ["ml", "personalisation"]
  links = [
    { url = "https://mlflow.internal.acme.example/#/experiments/14", title = "MLflow experiments" },
  ]
  dependencies  = ["component:clickstream-pipeline"]
  consumes_apis = ["product-catalog-grpc"]
}
