"""``lookout export backstage``: the catalog as Backstage's own descriptor files.

One ``catalog-info.yaml`` per repo, holding every entity Lookout derived
from that repo's ``.af`` Terraform and YAML, in the shape Backstage ingests:
no ``relations`` (Backstage computes them), no ``status``, every reference
a full ``kind:namespace/name``. An organisation can feed a real Backstage
from the same ``.af`` folders, and reading the exported files back gives
the same entities and relations (tested).

Two things Lookout knows only from Terraform are written out explicitly so
that the round trip holds: a Component's dependency on another repo's
Resource found through a ``data`` lookup becomes a ``spec.dependsOn``
entry, and the annotations that say where an entity came from
(``lookout/terraform-address``, ``lookout/physical-name``) are kept.
"""
from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.entity.refs import RefError, entity_ref, parse_ref
from generator.entity.relations import FIELD_RELATIONS
from generator.entity.rules import validate_entity
from generator.model import ANN_FILE, ANN_LINE, ANN_MANAGED_BY, ANN_ORIGIN, ANN_REPO

# Set by whoever reads the file next (Lookout or Backstage): where the entity is written.
LOCATION_ANNOTATIONS = (ANN_FILE, ANN_LINE, ANN_MANAGED_BY, ANN_ORIGIN, ANN_REPO)
EXPORT_FILE = "catalog-info.yaml"


class ExportError(Exception):
    pass


def _forward_fields() -> dict[tuple[str, str], str]:
    """(kind, relation) -> the spec field that declares it, for relations Terraform can make
    without a spec entry (a ``data`` lookup's dependsOn). Inverse relations are left to the
    other side's spec, as an author would write them."""
    return {(kind.capitalize(), rel.relation): fld for (kind, fld), rel in FIELD_RELATIONS.items()
            if rel.relation == "dependsOn" and fld == "dependsOn"}


def descriptor(entity: dict[str, Any], forward: dict[tuple[str, str], str]) -> dict[str, Any]:
    """The entity as a Backstage descriptor: what its author would have written."""
    meta = dict(entity.get("metadata") or {})
    anns = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in LOCATION_ANNOTATIONS}
    if anns:
        meta["annotations"] = anns
    else:
        meta.pop("annotations", None)
    kind = entity.get("kind", "")
    spec = _full_refs(kind, dict(entity.get("spec") or {}), meta.get("namespace") or "default")
    # Relations the spec does not spell out (a data lookup's dependsOn) become spec entries.
    for rel in entity.get("relations") or []:
        fld = forward.get((kind, rel.get("type")))
        if fld is None:
            continue
        have = spec.get(fld)
        if isinstance(have, list):
            if rel["targetRef"] not in have:
                spec[fld] = [*have, rel["targetRef"]]
        elif have is None:
            spec[fld] = [rel["targetRef"]]
    out: dict[str, Any] = {"apiVersion": entity.get("apiVersion"), "kind": kind, "metadata": meta}
    if spec:
        out["spec"] = spec
    return out


def _full_ref(raw: Any, default_kind: str, namespace: str) -> Any:
    try:
        return str(parse_ref(raw, default_kind, namespace))
    except RefError:
        return raw   # reported by link already; written as it was


def _full_refs(kind: str, spec: dict[str, Any], namespace: str) -> dict[str, Any]:
    """Every reference field as ``kind:namespace/name``, each ref once, in the order written."""
    for (k, fld), rel in FIELD_RELATIONS.items():
        if k != kind.lower() or fld not in spec:
            continue
        value = spec[fld]
        if isinstance(value, list):
            spec[fld] = list(dict.fromkeys(_full_ref(v, rel.default_kind, namespace) for v in value))
        elif isinstance(value, str):
            spec[fld] = _full_ref(value, rel.default_kind, namespace)
    return spec


def exportable(entity: dict[str, Any]) -> bool:
    """Locations point at files this export does not write; the exported files replace them."""
    return entity.get("kind") != "Location"


def by_repo(entities: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    repos: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ent in entities:
        repo = ((ent.get("metadata") or {}).get("annotations") or {}).get(ANN_REPO)
        if repo:
            repos[repo].append(ent)
    return repos


def _dump(docs: list[dict[str, Any]]) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True, width=100,
                              explicit_start=True)


def _safe_repo_dir(out: Path, repo: str) -> Path:
    # Repo names come from folder names and manifests: never let one write outside OUT.
    if not repo or repo in (".", "..") or "/" in repo or "\\" in repo or "\0" in repo:
        raise ExportError(f"repo name {repo!r} cannot be a folder name")
    return out / repo


@dataclass
class ExportReport:
    written: dict[str, int] = field(default_factory=dict)      # repo -> entities written
    # (entity ref, where Lookout read it, Backstage's objection): left out, Backstage would reject them
    left_out: list[tuple[str, str, str]] = field(default_factory=list)


def export_backstage(catalog: dict[str, Any], out: Path) -> ExportReport:
    """Write OUT/<repo>/catalog-info.yaml for every repo."""
    forward = _forward_fields()
    report = ExportReport()
    for repo, ents in sorted(by_repo(e for e in catalog.get("entities") or [] if exportable(e)).items()):
        ents = sorted(ents, key=lambda e: (e.get("kind", ""), (e.get("metadata") or {}).get("namespace", ""),
                                           (e.get("metadata") or {}).get("name", "")))
        folder = _safe_repo_dir(out, repo)
        target = folder / EXPORT_FILE
        tmp = folder / f".{EXPORT_FILE}.tmp"
        docs = []
        for ent in ents:
            doc = descriptor(ent, forward)
            # Lookout keeps a Terraform-declared service that lacks a lifecycle (a warning: a real
            # service must not vanish); Backstage would reject it, so it is left out and listed.
            why = validate_entity(doc)
            if why:
                anns = ent["metadata"].get("annotations") or {}
                where = f"{repo}/{anns.get(ANN_FILE, '?')}:{anns.get(ANN_LINE, '?')}"
                report.left_out.append((entity_ref(ent), where, "; ".join(why)))
                continue
            docs.append(doc)
        if not docs:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_text(_dump(docs), encoding="utf-8")
        os.replace(tmp, target)   # a reader never sees half a file
        report.written[repo] = len(docs)
    return report
