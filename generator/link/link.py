"""link: all drafts -> entities with relations in both directions, and problems.

Backstage semantics: refs default their kind per field and their namespace
to the referrer's; an entity Backstage would reject is rejected (reported,
left out); a reference to nothing is a dangling reference (reported, no
relation written). The order of the input never changes the output: drafts
are sorted by (repo, file, line) before anything is decided.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from generator.entity.refs import RefError, entity_ref, js_falsy, parse_backstage_ref
from generator.entity.relations import FIELD_RELATIONS
from generator.entity.rules import validate_entity
from generator.graph import dependency_cycles
from generator.link.merge import merge_drafts, title_index
from generator.model import (ANN_PHYSICAL_NAME, Draft, Lookup, Problem, ReadResult, Repo)


@dataclass
class Catalog:
    """What link hands to the catalog.json writer."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    # Written by `lookout build` after the docs stage: entity ref -> {"status": "built"|"failed"}.
    # None when no docs were built (`lookout catalog`), so readers can tell "unknown" from "failed".
    docs: dict[str, dict[str, str]] | None = None


def _own_copy(entity: dict[str, Any]) -> dict[str, Any]:
    """A copy of the parts link edits (metadata, spec), so the caller's drafts stay as they were.

    Cheaper than a deep copy (a third of link's time at 50,000 entities);
    nested values are replaced, never edited in place.
    """
    out = dict(entity)
    for key in ("metadata", "spec"):
        if isinstance(out.get(key), dict):
            out[key] = dict(out[key])
    return out


def _draft_key(d: Draft) -> tuple:
    return (d.location.repo, d.location.file, d.location.line or 0,
            0 if d.source == "terraform" else 1, entity_ref(d.entity))


_TF_REPORTED_ELSEWHERE = ("/spec must have required property 'owner'",
                          "/spec must have required property 'lifecycle'")


def _admit(draft: Draft, problems: list[Problem]) -> bool:
    """Validate as Backstage would. YAML the author wrote is rejected on error;
    Terraform drafts are shaped by us, so their gaps (no lifecycle, no owner)
    are warnings and the entity stays: a real service must not vanish."""
    ent = draft.entity
    meta = ent.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("name"), str):
        meta.setdefault("namespace", "default")
    if draft.source == "catalog":  # already validated when the published catalog was built
        return True
    errors = validate_entity(ent)
    ref = entity_ref(ent) if isinstance(meta, dict) else None
    if draft.source == "terraform":
        # The reader and the ownerless check already say these in the owner's terms.
        errors = [e for e in errors if not e.startswith(_TF_REPORTED_ELSEWHERE)]
    for msg in errors:
        sev = "warning" if draft.source == "terraform" else "error"
        problems.append(Problem.at(sev, msg, draft.location, ref))
    return not errors or draft.source == "terraform"


class _Linker:
    def __init__(self, drafts: list[Draft]):
        self.problems: list[Problem] = []
        own = [Draft(_own_copy(d.entity), d.location, d.source, d.lookups, d.owner_explained) for d in drafts]
        admitted = [d for d in sorted(own, key=_draft_key) if _admit(d, self.problems)]
        merged, dup_problems = merge_drafts(admitted)
        self.problems += dup_problems
        self.drafts = {entity_ref(d.entity): d for d in merged}
        self.entities = {ref: d.entity for ref, d in self.drafts.items()}
        self.relations: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.titles = title_index(self.entities)
        self.warned_titles: set[tuple] = set()

    def relate(self, source: str, rel: str, inverse: str, target: str) -> None:
        self.relations[source].add((rel, target))
        self.relations[target].add((inverse, source))

    def resolve(self, ref: str, raw: Any, spec_field: str, default_kind: str) -> str | None:
        draft = self.drafts[ref]
        own_ns = self.entities[ref]["metadata"].get("namespace", "default")
        try:
            target = parse_backstage_ref(raw, default_kind, own_ns).key
        except RefError as exc:
            self.problems.append(Problem.at("error", f"spec.{spec_field}: {exc}", draft.location, ref))
            return None
        if target in self.entities:
            return target
        if spec_field == "owner" and isinstance(raw, str) and raw.strip().lower() in self.titles:
            canonical = self.titles[raw.strip().lower()]
            # One warning per repo, not one per resource inheriting the owner.
            if (draft.location.repo, raw) in self.warned_titles:
                return canonical
            self.warned_titles.add((draft.location.repo, raw))
            self.problems.append(Problem.at(
                "warning", f"owner {raw!r} is a display title; resolved to {canonical} "
                f"(write owner = \"{canonical.split('/', 1)[1]}\")", draft.location, ref))
            return canonical
        self.problems.append(Problem.at(
            "warning", f"dangling reference: spec.{spec_field} names {target}, which is not in the catalog",
            draft.location, ref))
        return None

    def link_fields(self) -> None:
        for ref, ent in self.entities.items():
            spec = ent.get("spec")
            if not isinstance(spec, dict):
                continue
            kind = ref.split(":", 1)[0]
            for (fkind, fname), rel in FIELD_RELATIONS.items():
                if fkind != kind or fname not in spec:
                    continue
                raw = spec[fname]
                if js_falsy(raw):  # Backstage emits no relation for null, "", 0, false
                    continue
                values = raw if isinstance(raw, list) else [raw]
                if rel.many and not isinstance(raw, list) or not rel.many and isinstance(raw, list):
                    self.problems.append(Problem.at(
                        "warning", f"spec.{fname} should be {'a list of refs' if rel.many else 'a single ref'}",
                        self.drafts[ref].location, ref))
                resolved = []
                for value in values:
                    target = self.resolve(ref, value, fname, rel.default_kind)
                    if target:
                        self.relate(ref, rel.relation, rel.inverse, target)
                        resolved.append(target)
                # Normalise spec refs to full form so scripts need no default-kind table.
                if resolved and len(resolved) == len(values):
                    spec[fname] = resolved if isinstance(raw, list) else resolved[0]

    def link_lookups(self) -> None:
        by_physical: dict[tuple[str, str], list[str]] = defaultdict(list)
        for ref, ent in self.entities.items():
            if ref.startswith("resource:"):
                name = (ent["metadata"].get("annotations") or {}).get(ANN_PHYSICAL_NAME)
                rtype = (ent.get("spec") or {}).get("type")
                if name and rtype:
                    by_physical[(str(rtype), str(name))].append(ref)
        for ref, draft in self.drafts.items():
            for lk in draft.lookups:
                self._link_lookup(ref, lk, by_physical)

    def _link_lookup(self, ref: str, lk: Lookup, index: dict) -> None:
        targets = index.get((lk.resource_type, lk.physical_name), [])
        if not targets:
            self.problems.append(Problem.at(
                "info", f"{lk.address} looks up {lk.resource_type} {lk.physical_name!r}, "
                f"which no repo in the catalog declares", lk.location, ref))
            return
        for target in targets:
            if target != ref:
                self.relate(ref, "dependsOn", "dependencyOf", target)
                spec = self.entities[ref].setdefault("spec", {})
                deps = spec.get("dependsOn", [])
                if isinstance(deps, list) and target not in deps:
                    spec["dependsOn"] = [*deps, target]

    def report_ownerless(self) -> None:
        for ref in sorted(self.entities):
            if ref.startswith(("component:", "api:", "resource:", "system:")) and \
                    not any(r == "ownedBy" for r, _ in self.relations.get(ref, ())) and \
                    not self.drafts[ref].owner_explained:
                self.problems.append(Problem.at(
                    "warning", "ownerless: no owner resolves for this entity", self.drafts[ref].location, ref))

    def finish(self) -> list[dict[str, Any]]:
        out = []
        for ref in sorted(self.entities):
            ent = self.entities[ref]
            spec = ent.get("spec")
            if isinstance(spec, dict) and isinstance(spec.get("dependsOn"), list):
                spec["dependsOn"] = sorted(set(spec["dependsOn"]), key=str)
            ent["relations"] = [{"type": t, "targetRef": r} for t, r in sorted(self.relations.get(ref, ()))]
            out.append(ent)
        return out


def link(results: list[ReadResult], repos: list[Repo]) -> Catalog:
    """Link every repo's read result into one catalog."""
    drafts = [d for r in results for d in r.drafts]
    linker = _Linker(drafts)
    linker.link_fields()
    linker.link_lookups()
    linker.report_ownerless()
    entities = linker.finish()
    problems = [p for r in results for p in r.problems] + linker.problems
    for cycle in dependency_cycles(linker.relations):
        problems.append(Problem.at("warning", "dependency cycle: " + " -> ".join(cycle + cycle[:1]),
                                   linker.drafts[cycle[0]].location, cycle[0]))
    sources = [{"repo": r.name, "commit": r.commit, "url": r.web_url} for r in sorted(repos, key=lambda r: r.name)]
    return Catalog(entities, sorted(problems, key=Problem.sort_key), sources)
