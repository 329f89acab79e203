"""One entity from many drafts: Terraform/YAML merging and duplicates.

When a repo's ``.af/*.tf`` and a YAML descriptor of the same repo draft the
same entity, Terraform wins on the fields it sets, YAML adds the rest, and
a disagreement is a drift warning naming both places. The same ref drafted
in two different repos (or twice by one reader) is a duplicate: the first
in a stable order wins and the problem names both places.
"""
from __future__ import annotations

import copy
from typing import Any

from generator.entity.refs import entity_ref
from generator.model import Draft, Problem

# Fields that are bookkeeping, not content: never a drift.
_QUIET_ANNOTATIONS = ("lookout/", "backstage.io/managed-by-")


def _merge_into(tf: dict, yml: dict, path: str, drifts: list[str]) -> None:
    """Recursively add YAML's fields to the Terraform dict, recording disagreements."""
    for key, yval in yml.items():
        where = f"{path}.{key}" if path else key
        if key not in tf:
            tf[key] = copy.deepcopy(yval)
        elif isinstance(tf[key], dict) and isinstance(yval, dict):
            _merge_into(tf[key], yval, where, drifts)
        elif tf[key] != yval and not (path == "metadata.annotations" and key.startswith(_QUIET_ANNOTATIONS)):
            drifts.append(where)


def merge_drafts(drafts: list[Draft]) -> tuple[list[Draft], list[Problem]]:
    """Collapse the drafts to one per entity ref; ``drafts`` must be in stable order."""
    problems: list[Problem] = []
    chosen: dict[str, Draft] = {}
    order: list[str] = []
    for draft in drafts:
        ref = entity_ref(draft.entity)
        first = chosen.get(ref)
        if first is None:
            chosen[ref] = draft
            order.append(ref)
            continue
        same_repo = first.location.repo == draft.location.repo
        if same_repo and {first.source, draft.source} == {"terraform", "yaml"}:
            tf, yml = (first, draft) if first.source == "terraform" else (draft, first)
            merged = copy.deepcopy(tf.entity)
            drifts: list[str] = []
            _merge_into(merged, yml.entity, "", drifts)
            for field in drifts:
                problems.append(Problem.at(
                    "warning",
                    f"drift: {field} differs between {tf.location} (Terraform, used) and "
                    f"{yml.location} (YAML)", yml.location, ref))
            chosen[ref] = Draft(merged, tf.location, "terraform", tf.lookups + yml.lookups, tf.owner_explained,
                                field_locations={**yml.field_locations, **tf.field_locations})
            continue
        problems.append(Problem.at(
            "error",
            f"duplicate entity {ref}: declared at {first.location} and again at {draft.location}; "
            f"the first is kept", draft.location, ref))
    return [chosen[r] for r in order], problems


def title_index(entities: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Lower-cased display title / displayName -> group ref, for owners written as titles."""
    out: dict[str, str] = {}
    for ref, ent in entities.items():
        if not ref.startswith("group:"):
            continue
        names = [(ent.get("metadata") or {}).get("title"),
                 ((ent.get("spec") or {}).get("profile") or {}).get("displayName")]
        for name in names:
            if isinstance(name, str) and name.strip():
                out.setdefault(name.strip().lower(), ref)
    return out
