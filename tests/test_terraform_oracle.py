"""Lookout's evaluator held against Terraform itself (terraform 1.11 on PATH).

One folder of outputs and terraform_data resources (Terraform's built-in
provider, nothing downloaded) is planned by `terraform plan`; every output
and every instance's address and input must be what Lookout's reader makes
of the same files. Skipped, saying so, where no terraform binary is present.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.config import ReadConfig, ResourceMapping
from generator.model import Repo
from generator.read.terraform import _Reader, read_terraform

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="no terraform binary on PATH to compare against")

LOCALS = r'''
locals {
  m       = { b = 2, a = 1, "c-d" = 3 }
  l       = ["x", "y", "z"]
  objs    = [{ name = "a", n = 1 }, { name = "b", n = 2 }]
  nested  = { k = { inner = ["v0", "v1"] } }
  s       = "Hello"
  queues  = { high = 30, low = 300 }
  env     = var.env
}
variable "env" {
  default = "prod"
}
variable "tiers" {
  default = ["gold", "silver"]
}
'''

EXPRESSIONS = [
    # operators and their precedence, conversions
    "1 + 2 * 3 - 4 / 2", "(1 + 2) * 3", "7 / 2", "-7 % 3", "7 % -3", "2 * -3", "10 / 4 * 2",
    '"5" + 1', '1 == "1"', '"a" == "a"', "1 < 2 && 2 < 1 || !false", "!true", "3 >= 3", "1.5 + 1.5",
    "[1, 2] == [1, 2]", '{ a = 1 } == { a = 1 }', "null == null",
    # conditionals
    'local.env == "prod" ? "big" : "small"', 'false ? 1 : 2', 'true ? 1 : "a"', "length(local.l) > 2 ? local.l[0] : null",
    # for expressions
    "[for s in local.l : upper(s)]", '[for i, s in local.l : "${i}-${s}" if s != "y"]',
    "{for k, v in local.m : k => v * 10}", "[for k, v in local.m : k]",
    '{for o in local.objs : o.name => o.n}', '{for s in ["ab", "ac", "b"] : substr(s, 0, 1) => s...}',
    "[for o in local.objs : o if o.n > 1]",
    # splat and indexes
    "local.objs[*].name", "local.objs.*.n", 'local.nested["k"].inner[1]', "local.nested.k.inner.0",
    "local.l[1]", 'local.m["c-d"]', "length(local.objs[*])",
    # templates and heredocs
    '"${local.s}, ${local.env}!"', '"%{ if local.env == "prod" }P%{ else }D%{ endif }"',
    '"%{ for s in local.l }[${s}]%{ endfor }"', '"a ${~ "b" ~} c"', '"$${literal} and %%{x}"',
    r'"tab\there \"quoted\" \u00e9 \\ back"', '"${1.5} ${10 / 4} ${2 * 3} ${true}"',
    '"x${local.l[0]}${"-${local.s}"}"',
    "<<EOT\nhello\nworld\nEOT\n", "<<-EOT\n    a\n      b\n\n    c\n    EOT\n",
    '<<-EOT\n  first\n  ${local.s}\n    indented\n  EOT\n', "<<EOT\n%{ for s in local.l ~}\n${s},\n%{~ endfor }\nEOT\n",
    # functions, namespaced and expanded
    'format("%s-%03d", lower(local.s), 7)', 'join("-", ["x", local.env])', 'core::upper("ns")',
    "max(3, 9, 2)", "max([3, 9, 2]...)", 'merge(local.m, { a = 100 })', 'lookup(local.m, "zz", "dflt")',
    'coalesce("", "second")', 'replace("a-b-c", "-", "_")', 'trimsuffix("orders-queue", "-queue")',
    'jsonencode({ b = [1, "two"], a = null })', 'try(local.m.missing, "fallback")', "can(local.m.missing)",
    "can(local.m.a)", 'try(local.nested.k.inner[5], local.nested.k.inner[0])', "keys(local.m)",
    'toset(["b", "a", "b"])', 'element(local.l, 4)', "range(3)", 'split(",", "a,b,,c")',
]

RESOURCES = r'''
resource "terraform_data" "each_map" {
  for_each = local.queues
  input    = "orders-${each.key}-${each.value}"
}
resource "terraform_data" "each_set" {
  for_each = toset(var.tiers)
  input    = "tier-${each.value}"
}
resource "terraform_data" "counted" {
  count = length(local.l)
  input = "bucket-${local.l[count.index]}-${count.index}"
}
resource "terraform_data" "none" {
  count = local.env == "dev" ? 1 : 0
  input = "never"
}
resource "terraform_data" "dlq" {
  input = "${terraform_data.counted[1].input}-dlq"
}
resource "terraform_data" "chained" {
  input = upper(terraform_data.each_map["high"].input)
}
resource "terraform_data" "from_for" {
  for_each = { for o in local.objs : o.name => o }
  input    = format("%s-%d", each.key, each.value.n)
}
'''


def _terraform(folder: Path, *args: str) -> str:
    env = {**os.environ, "HOME": str(folder), "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1",
           "TF_CLI_CONFIG_FILE": str(folder / "none.tfrc")}
    done = subprocess.run([TERRAFORM, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    root = tmp_path_factory.mktemp("tf")
    af = root / ".af"
    af.mkdir()
    (root / "none.tfrc").write_text("")
    outputs = "".join(f'output "o{i}" {{\n  value = {expr}\n}}\n' for i, expr in enumerate(EXPRESSIONS))
    (af / "main.tf").write_text(LOCALS + RESOURCES + outputs)
    _terraform(af, "init", "-input=false", "-backend=false")
    _terraform(af, "plan", "-input=false", "-out=p.plan")
    plan = json.loads(_terraform(af, "show", "-json", "p.plan"))
    return root, plan


def test_every_expression_evaluates_as_terraform_does(planned):
    root, plan = planned
    reader = _Reader(Repo(name="tf", path=root), ReadConfig(), ".af")
    reader.load()
    reader.build_scope()
    assert reader.out.problems == []
    outputs = {b.labels[0]: b.body["value"] for b in reader.blocks if b.type == "output"}
    theirs = plan["planned_values"]["outputs"]
    wrong = []
    for i, expr in enumerate(EXPRESSIONS):
        ours, want = reader.scope.evaluate(outputs[f"o{i}"]), theirs[f"o{i}"]["value"]
        if ours != want or isinstance(ours, bool) != isinstance(want, bool):   # True == 1 in Python
            wrong.append(f"{expr!r}: Lookout {ours!r}, Terraform {want!r}")
    assert wrong == []


def test_count_and_for_each_instances_are_addressed_and_named_as_terraform_does(planned):
    root, plan = planned
    cfg = ReadConfig(resource_types={"terraform_data": ResourceMapping("data", "input")})
    result = read_terraform(Repo(name="tf", path=root), cfg)
    ours = {d.entity["metadata"]["annotations"]["lookout/terraform-address"]:
            d.entity["metadata"]["annotations"].get("lookout/physical-name") for d in result.drafts}
    theirs = {rc["address"]: rc["change"]["after"]["input"] for rc in plan["resource_changes"]}
    assert ours == theirs
    assert len(theirs) == 2 + 2 + 3 + 2 + 2


JSON_DOC = {
    "//": "as CDK for Terraform writes it",
    "variable": {"env": {"default": "prod"}, "raw": {"default": "${not-a-template}"}},
    "locals": {"s": "Hello", "n": 41, "queues": {"high": 30, "low": 300}},
    "output": {
        "j0": {"value": "${upper(local.s)}-x"}, "j1": {"value": "${local.n + 1}"}, "j2": {"value": "plain"},
        "j3": {"value": {"k": "${local.s}", "${local.s}-key": [1, True, None]}},
        "j4": {"value": "%{ for k, v in local.queues }${k}=${v};%{ endfor }"}, "j5": {"value": "${var.raw}"},
        "j6": {"value": "$${kept}"}, "j7": {"value": ["${var.env}", 2.5]},
    },
    "resource": {"terraform_data": {
        "q": {"for_each": "${local.queues}", "input": "orders-${each.key}"},
        "c": {"count": 2, "input": "c-${count.index}"},
    }},
}


def test_tf_json_means_what_terraform_reads_in_it(tmp_path):
    af = tmp_path / ".af"
    af.mkdir()
    (tmp_path / "none.tfrc").write_text("")
    (af / "main.tf.json").write_text(json.dumps(JSON_DOC, indent=2))
    _terraform(af, "init", "-input=false", "-backend=false")
    _terraform(af, "plan", "-input=false", "-out=p.plan")
    plan = json.loads(_terraform(af, "show", "-json", "p.plan"))
    reader = _Reader(Repo(name="tf", path=tmp_path), ReadConfig(), ".af")
    reader.load()
    reader.build_scope()
    assert reader.out.problems == []
    ours = {b.labels[0]: reader.scope.evaluate(b.body["value"]) for b in reader.blocks if b.type == "output"}
    assert ours == {k: v["value"] for k, v in plan["planned_values"]["outputs"].items()}
    cfg = ReadConfig(resource_types={"terraform_data": ResourceMapping("data", "input")})
    result = read_terraform(Repo(name="tf", path=tmp_path), cfg)
    named = {d.entity["metadata"]["annotations"]["lookout/terraform-address"]:
             d.entity["metadata"]["annotations"].get("lookout/physical-name") for d in result.drafts}
    assert named == {rc["address"]: rc["change"]["after"]["input"] for rc in plan["resource_changes"]}
