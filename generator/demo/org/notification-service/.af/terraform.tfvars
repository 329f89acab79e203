environment        = "prod"
kafka_cluster_name = "events-prod"
