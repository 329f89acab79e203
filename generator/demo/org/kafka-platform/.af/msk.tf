# The one Kafka cluster every team publishes to and consumes from.
# Topics are created by the topic operator, not here: see docs/topics.md.

resource "aws_security_group" "msk" {
  name        = "${local.cluster_name}-brokers"
  description = "Kafka brokers: TLS (9094) and IAM (9098) from the VPC"
  vpc_id      = "vpc-0c2d8e4f6a1b3c5d7"

  ingress {
    from_port   = 9094
    to_port     = 9098
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
}

resource "aws_msk_configuration" "events_config" {
  name           = "${local.cluster_name}-config"
  kafka_versions = [var.kafka_version]

  server_properties = <<-PROPERTIES
    auto.create.topics.enable = false
    default.replication.factor = 3
    min.insync.replicas = 2
    num.partitions = 12
    log.retention.hours = 168
  PROPERTIES
}

resource "aws_msk_cluster" "events" {
  cluster_name           = "events-prod"
  kafka_version          = var.kafka_version
  number_of_broker_nodes = 6

  broker_node_group_info {
    instance_type   = var.broker_instance_type
    client_subnets  = var.private_subnet_ids
    security_groups = [aws_security_group.msk.id]

    storage_info {
      ebs_storage_info {
        volume_size = 2000
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.events_config.arn
    revision = aws_msk_configuration.events_config.latest_revision
  }

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  client_authentication {
    sasl {
      iam = true
    }
  }

  tags = local.common_tags
}
