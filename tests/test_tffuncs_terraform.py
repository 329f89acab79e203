"""Lookout's Terraform functions held against the real terraform binary.

All calls in tests/tffuncs_cases.py go to ONE `terraform console` run as a
single object expression, each call wrapped as ``try([call], "ERR")`` so a
call Terraform rejects is recorded rather than stopping the run; the object
comes back base64(jsonencode(...)) so console's own quoting cannot interfere.
Lookout must give the same JSON text for every call Terraform answers and a
FunctionError for every call it rejects (an Unknown is allowed only where the
result depends on the world, e.g. base64gzip's compressor).
"""
from __future__ import annotations

import base64
import json
import math
import os
import shutil
import subprocess

import pytest

from generator.read.tffuncs import FunctionError, TfSet, Unknown, call, json_text
from generator.read.tffuncs.core import number_text
from tffuncs_cases import CALLS, KNOWN_UNKNOWN

TERRAFORM = shutil.which("terraform")


def hcl_literal(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value) if not (isinstance(value, float) and not math.isfinite(value)) else "0"
    if isinstance(value, str):
        out = []
        for i, ch in enumerate(value):
            if ch in "$%" and value[i + 1:i + 2] == "{":
                out.append(ch + ch)
            elif ch == "\\":
                out.append("\\\\")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\r":
                out.append("\\r")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    if isinstance(value, TfSet):
        return "toset([" + ", ".join(hcl_literal(v) for v in value) + "])"
    if isinstance(value, list):
        return "[" + ", ".join(hcl_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{hcl_literal(k)} = {hcl_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def terraform_answers(tmp_path) -> dict[str, object]:
    body = "\n".join(f'  e{i} = try([{name}({", ".join(hcl_literal(a) for a in args)})], "ERR")'
                      for i, (name, args) in enumerate(CALLS))
    # console reads one line of at most 64 KiB, so the calls live in a local
    (tmp_path / "main.tf").write_text(f"locals {{\n answers = base64encode(jsonencode({{\n{body}\n}}))\n}}\n",
                                      encoding="utf-8")
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    done = subprocess.run([TERRAFORM, "console", "-no-color"], input="local.answers\n",
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    encoded = done.stdout.strip().strip('"')
    return json.loads(base64.b64decode(encoded))


@pytest.mark.skipif(TERRAFORM is None, reason="the terraform binary is not on PATH")
def test_functions_agree_with_terraform(tmp_path):
    answers = terraform_answers(tmp_path)
    disagreements = []
    for i, (name, args) in enumerate(CALLS):
        expected = answers[f"e{i}"]
        try:
            ours = call(name, args)
        except FunctionError as err:
            ours = "ERR"
            detail = str(err)
        except Exception as err:  # a crash is a disagreement too, and must name the call
            disagreements.append(f"{name}{args!r}: Lookout crashed: {type(err).__name__}: {err}")
            continue
        else:
            detail = ""
        if (name, args) in KNOWN_UNKNOWN:
            if not isinstance(ours, Unknown) or expected == "ERR":
                disagreements.append(f"{name}{args!r} is listed as left Unknown, but Lookout gives "
                                     f"{ours!r} and Terraform {expected!r}")
            continue
        if isinstance(ours, Unknown):
            if expected != "ERR":
                disagreements.append(f"{name}{args!r}: Lookout Unknown ({ours}), Terraform {expected!r}")
            continue
        if expected == "ERR":
            if ours != "ERR":
                disagreements.append(f"{name}{args!r}: Lookout {json_text(ours)}, Terraform rejects it")
            continue
        want = json.dumps(expected[0], ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        if ours == "ERR":
            disagreements.append(f"{name}{args!r}: Lookout error ({detail}), Terraform {want}")
            continue
        got = json_text(ours)
        if not _same(json.loads(got), expected[0]):
            disagreements.append(f"{name}{args!r}: Lookout {got}, Terraform {want}")
    assert not disagreements, f"{len(disagreements)} of {len(CALLS)} calls disagree:\n" + "\n".join(disagreements)


def _same(a, b) -> bool:
    """Equal JSON values of equal JSON types (Python's True == 1 and 1 == 1.0 are not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b
