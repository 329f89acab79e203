"""Fold supporting Terraform blocks into the Resource they belong to (issue 8 item 5).

A bucket's versioning, a role's policy attachments, a secret's versions, the
``random_pet`` in a name: Terraform makes each a resource, but nobody looks
one up in a portal. After the Terraform reader has drafted one Resource per
block, :func:`fold` removes the drafts whose type is a *part*
(:func:`generator.read.resource_types.is_part`) and lists them under the
``spec.terraformBlocks`` of the Resource they belong to:

1. the first Resource (not itself a part) the block refers to
   (``bucket = aws_s3_bucket.logs.id``), read from the draft's ``dependsOn``;
2. else the owner of a part it refers to (a policy attachment -> the role);
3. else the first Resource that refers to it (the ``aws_kms_key`` an MSK
   cluster encrypts with, the ``random_pet`` in a bucket's name), directly or
   through another part (an ``aws_iam_policy`` -> its attachment -> the role);
4. else the repo's first Terraform Component, when there is one; otherwise the
   block is dropped without a word, since no page would show it.

The naming notes the reader made about a folded block (``info``) go with it,
as do its notes that made no entity at all (``count = 0``, an empty
``for_each``); a warning or error about it stays, pointed at the Resource it
now belongs to.
References to a folded block become references to its owner.
"""
from __future__ import annotations

import re
from typing import Any

from generator.config import ReadConfig
from generator.model import ANN_FILE, ANN_LINE, ANN_TF_ADDRESS, ANN_TF_TYPE, Draft, ReadResult
from generator.read.resource_types import PART_OWNERS, is_part

FIELD = "terraformBlocks"


def _name(draft: Draft) -> str:
    return str(draft.entity["metadata"]["name"]).lower()


def _refs(draft: Draft) -> list[str]:
    deps = draft.entity.get("spec", {}).get("dependsOn", [])
    return [d.split(":", 1)[1].split("/")[-1].lower() for d in deps
            if isinstance(d, str) and d.lower().startswith("resource:")]


def _entity_ref(draft: Draft) -> str:
    meta = draft.entity["metadata"]
    return f"{draft.entity['kind']}:{meta.get('namespace', 'default')}/{meta['name']}".lower()


def fold(result: ReadResult, cfg: ReadConfig) -> ReadResult:
    """``result`` with its part drafts folded into their owners (in place, and returned)."""
    resources: dict[str, Draft] = {}
    for draft in result.drafts:
        if draft.source == "terraform" and draft.entity.get("kind") == "Resource":
            resources[_name(draft)] = draft
    parts = {name for name, draft in resources.items()
             if is_part(str(draft.entity["metadata"]["annotations"].get(ANN_TF_TYPE, "")), cfg)}
    if not parts:
        return result
    refers = {name: [r for r in _refs(draft) if r in resources and r != name] for name, draft in resources.items()}
    referred_by: dict[str, list[str]] = {name: [] for name in resources}
    for name, targets in refers.items():
        for target in targets:
            referred_by[target].append(name)

    def reach(name: str, edges: tuple[dict[str, list[str]], ...]) -> str | None:
        """The nearest non-part Resource from ``name`` along ``edges`` (breadth first, in order)."""
        queue, seen = [name], {name}
        for current in queue:
            for graph in edges:
                for nxt in graph[current]:
                    if nxt not in parts:
                        return nxt
                    if nxt not in seen:
                        seen.add(nxt)
                        queue.append(nxt)
        return None

    def tf_type(name: str) -> str:
        return str(resources[name].entity["metadata"]["annotations"].get(ANN_TF_TYPE, ""))

    def owner(name: str) -> str | None:
        preferred = PART_OWNERS.get(tf_type(name))
        direct = next((r for r in refers[name] if r not in parts and tf_type(r) == preferred), None)
        # what it refers to (through other parts) first; then what refers to it
        return (direct or reach(name, (refers,)) or reach(name, (referred_by,))
                or reach(name, (refers, referred_by)))

    owners = {name: owner(name) for name in sorted(parts)}
    component = next((d for d in result.drafts if d.source == "terraform" and d.entity.get("kind") == "Component"),
                     None)
    new_ref: dict[str, str | None] = {}
    for name in sorted(parts):
        target = owners[name]
        holder = resources[target] if target else component
        new_ref[_entity_ref(resources[name])] = _entity_ref(holder) if holder else None
        if holder is not None:
            holder.entity["spec"].setdefault(FIELD, []).append(_block(resources[name]))
    folded = {id(resources[name]) for name in parts}
    result.drafts = [d for d in result.drafts if id(d) not in folded]
    for draft in result.drafts:
        _rewrite_deps(draft, owners, resources)
        blocks = draft.entity.get("spec", {}).get(FIELD)
        if blocks:
            blocks.sort(key=lambda b: (b["file"], b["line"], b["address"]))
    kept = []
    for problem in result.problems:
        ref = (problem.entity_ref or "").lower()
        if not ref and problem.severity == "info" and _about_a_part(problem.message, cfg):
            continue    # e.g. 'aws_ec2_tag.x: "for_each" is empty': no entity, and not one a person names
        if ref in new_ref:
            if problem.severity == "info" or new_ref[ref] is None:
                continue
            problem.entity_ref = new_ref[ref]
        kept.append(problem)
    result.problems = kept
    return result


_ADDRESS = re.compile(r"^([a-z][a-z0-9_]*)\.[A-Za-z_][\w-]*(\[[^\]]*\])?: ")


def _about_a_part(message: str, cfg: ReadConfig) -> bool:
    """A note the reader wrote about a block of a part type that made no draft (it starts with the address)."""
    m = _ADDRESS.match(message)
    return m is not None and m.group(1) not in ("module", "data") and is_part(m.group(1), cfg)


def _block(draft: Draft) -> dict[str, Any]:
    ann = draft.entity["metadata"]["annotations"]
    line = ann.get(ANN_LINE)
    return {"address": ann.get(ANN_TF_ADDRESS, ""), "type": ann.get(ANN_TF_TYPE, ""),
            "file": ann.get(ANN_FILE, ""), "line": int(line) if str(line).isdigit() else None}


def _rewrite_deps(draft: Draft, owner_of: dict[str, str | None], resources: dict[str, Draft]) -> None:
    spec = draft.entity.get("spec")
    deps = spec.get("dependsOn") if isinstance(spec, dict) else None
    if not isinstance(deps, list):
        return
    me = _name(draft)
    out: list[Any] = []
    for dep in deps:
        name = dep.split(":", 1)[1].split("/")[-1].lower() if isinstance(dep, str) and ":" in dep else None
        if name in owner_of and dep.lower().startswith("resource:"):
            target = owner_of[name]
            if target is None or target == me:
                continue
            dep = f"resource:{resources[target].entity['metadata']['name']}"
        if dep not in out:
            out.append(dep)
    if out:
        spec["dependsOn"] = out
    else:
        spec.pop("dependsOn", None)
