# This repo's entry in the developer portal (the .af contract).
module "service" {
  source       = ${{ values.module_source | hcl }}
  service_name = ${{ values.name | hcl }}
  description  = ${{ values.description | hcl }}
  owner        = ${{ values.owner | hcl }}
  language     = ${{ values.language | hcl }}
  lifecycle    = ${{ values.lifecycle | hcl }}
{%- if values.system %}
  system       = ${{ values.system | hcl }}
{%- endif %}
{%- if values.pagerduty_service_id %}
  pagerDutyServiceID = ${{ values.pagerduty_service_id | hcl }}
{%- endif %}

  # Entity refs this service depends on, e.g. ["component:payments-api"].
  dependencies  = []
  provides_apis = []
  consumes_apis = []
}
