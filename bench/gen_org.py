"""Generate a synthetic org of N repos with .af folders (deterministic).

Shape per repo: a service module, an RDS instance, an S3 bucket, an SQS
queue, a Datadog monitor, and (for 2 in 3 repos) a `data` lookup of one of
the shared Kafka clusters declared by the platform repos. One org repo holds
the groups (45 teams under 9 departments) and users.
"""
from __future__ import annotations

import argparse
from pathlib import Path

LANGS = ("go", "python", "java", "typescript", "kotlin", "rust")


def team(i: int) -> str:
    return f"team-{i % 45:02d}"


def write_org(root: Path, repos: int, resources_per_repo: int = 4) -> None:
    org = root / "org"
    org.mkdir(parents=True, exist_ok=True)
    docs = []
    for d in range(9):
        docs.append(f"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: dept-{d}\n"
                    f"spec:\n  type: department\n  children: []\n")
    for t in range(45):
        docs.append(f"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{t:02d}\n"
                    f"spec:\n  type: team\n  parent: dept-{t % 9}\n  children: []\n"
                    f"  profile:\n    displayName: Team {t:02d}\n")
    for u in range(180):
        docs.append(f"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: user-{u:03d}\n"
                    f"spec:\n  memberOf: [team-{u % 45:02d}]\n")
    (org / "catalog-info.yaml").write_text("---\n".join(docs))
    kafka_clusters = max(1, repos // 100)
    for i in range(repos):
        af = root / f"svc-{i:05d}" / ".af"
        af.mkdir(parents=True, exist_ok=True)
        name = f"svc-{i:05d}"
        (af / "service.tf").write_text(f'''module "service" {{
  source             = "git::https://git.example.com/devops/terraform/modules/service?ref=v1.0.0"
  service_name       = "{name}"
  language           = "{LANGS[i % len(LANGS)]}"
  description        = "Service number {i}"
  pagerDutyServiceID = "P{i:06d}"
  owner              = "{team(i)}"
  lifecycle          = "production"
}}
''')
        blocks = [f'''variable "env" {{
  default = "prod"
}}
locals {{
  prefix = "{name}-${{var.env}}"
}}
''']
        for r in range(resources_per_repo):
            kind = r % 4
            if kind == 0:
                blocks.append(f'resource "aws_db_instance" "db{r}" {{\n  identifier = "${{local.prefix}}-db{r}"\n'
                              f'  engine = "postgres"\n  instance_class = "db.t3.micro"\n}}\n')
            elif kind == 1:
                blocks.append(f'resource "aws_s3_bucket" "b{r}" {{\n  bucket = "${{local.prefix}}-bucket{r}"\n}}\n')
            elif kind == 2:
                blocks.append(f'resource "aws_sqs_queue" "q{r}" {{\n  name = "${{local.prefix}}-q{r}"\n}}\n')
            else:
                blocks.append(f'resource "datadog_monitor" "m{r}" {{\n  name = "High error rate on {name} #{r}"\n'
                              f'  type = "metric alert"\n  query = "avg(last_5m):sum:errors{{service:{name}}} > 5"\n'
                              f'  message = "@pagerduty-{name}"\n}}\n')
        if i < kafka_clusters:
            blocks.append(f'resource "aws_msk_cluster" "events" {{\n  cluster_name = "events-{i}"\n'
                          f'  kafka_version = "3.6.0"\n  number_of_broker_nodes = 3\n}}\n')
        elif i % 3:
            blocks.append(f'data "aws_msk_cluster" "events" {{\n  cluster_name = "events-{i % kafka_clusters}"\n}}\n')
        (af / "resources.tf").write_text("\n".join(blocks))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--repos", type=int, default=100)
    ap.add_argument("--resources", type=int, default=4)
    a = ap.parse_args()
    write_org(a.dest, a.repos, a.resources)
