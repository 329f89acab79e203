"""link: all drafts -> entities with relations in both directions, and problems.

Backstage semantics: refs default their kind per field and their namespace
to the referrer's; an entity Backstage would reject is rejected (reported,
left out); a reference to nothing is a dangling reference (an error at the
line the reference is written, with the closest existing name; no relation
written). The order of the input never changes the output: drafts
are sorted by (repo, file, line) before anything is decided.
"""
from __future__ import annotations

import difflib
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any

from generator.entity.refs import RefError, entity_ref, js_falsy, parse_backstage_ref
from generator.entity.relations import FIELD_RELATIONS
from generator.entity.rules import validate_entity
from generator.graph import dependency_cycles
from generator.link.merge import merge_drafts, title_index
from generator.model import (ANN_PHYSICAL_NAME, Draft, Location, Lookup, Problem, ReadResult, Repo)


@dataclass
class Catalog:
    """What link hands to the catalog.json writer."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    # Written by `lookout build` after the docs stage: entity ref -> {"status": "built"|"failed"}.
    # None when no docs were built (`lookout catalog`), so readers can tell "unknown" from "failed".
    docs: dict[str, dict[str, str]] | None = None
    # References that could not be checked (link(whole_org=False)); not written to catalog.json.
    unchecked: list[str] = field(default_factory=list)
    # Every resolved `data` lookup: (component ref, resource type, physical name, address,
    # Location); the compact validation catalog publishes them, so a merge request that
    # renames a physical name can tell whose lookup it breaks.
    lookups: list[tuple[str, str, str, str, Location]] = field(default_factory=list)


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


# FIELD_RELATIONS by kind: (spec field, relation), in the table's order.
_FIELDS_BY_KIND: dict[str, list] = defaultdict(list)
for (_kind, _field), _rel in FIELD_RELATIONS.items():
    _FIELDS_BY_KIND[_kind].append((_field, _rel))

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
    errors = list(draft.errors) if draft.errors is not None else validate_entity(ent)
    ref = entity_ref(ent) if isinstance(meta, dict) else None
    if draft.source == "terraform":
        # The reader and the ownerless check already say these in the owner's terms.
        errors = [e for e in errors if not e.startswith(_TF_REPORTED_ELSEWHERE)]
    for msg in errors:
        sev = "warning" if draft.source == "terraform" else "error"
        problems.append(Problem.at(sev, msg, draft.location, ref))
    return not errors or draft.source == "terraform"


class _Linker:
    def __init__(self, drafts: list[Draft], whole_org: bool = True, more_names: Iterable[str] = ()):
        self.problems: list[Problem] = []
        own = [Draft(_own_copy(d.entity), d.location, d.source, d.lookups, d.owner_explained,
                     field_locations=d.field_locations, errors=d.errors) for d in drafts]
        admitted = [d for d in sorted(own, key=_draft_key) if _admit(d, self.problems)]
        merged, dup_problems = merge_drafts(admitted)
        self.problems += dup_problems
        self.drafts = {entity_ref(d.entity): d for d in merged}
        self.entities = {ref: d.entity for ref, d in self.drafts.items()}
        self.relations: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.depends: dict[str, set[str]] = defaultdict(set)   # dependsOn targets, for cycles
        self.owned: set[str] = set()   # the sources of an ownedBy relation (report_ownerless)
        self.titles = title_index(self.entities)
        self.warned_titles: set[tuple] = set()
        # False when the drafts are a few repos without the rest of the org
        # (`lookout validate` with no published catalog): a reference to
        # nothing may be another repo's entity, so it is collected, not reported.
        self.whole_org = whole_org
        self.unchecked: set[str] = set()
        self.owner_unchecked: set[str] = set()    # owner unknown or unknowable: no "ownerless" too
        self.resolved_lookups: list[tuple[str, str, str, str, Location]] = []
        self.dangling: dict[tuple, list[str]] = {}
        self._names: _Names | None = None
        self.more_names = more_names  # refs that exist but were left out of the drafts (validate)
        # (raw ref, default kind, namespace) -> its key, or the RefError it raised. At 250,000
        # Resources that is 800,000 references written with a few thousand distinct strings
        # (every Resource inherits its module's owner and system): parsed once each.
        self._parsed: dict[tuple[str, str, str], str | RefError] = {}

    def relate(self, source: str, rel: str, inverse: str, target: str) -> None:
        self.relations[source].add((rel, target))
        self.relations[target].add((inverse, source))
        if rel == "dependsOn":
            self.depends[source].add(target)
        elif rel == "ownedBy":
            self.owned.add(source)
        elif inverse == "ownedBy":
            self.owned.add(target)

    def depends_on_graph(self) -> dict[str, set[tuple[str, str]]]:
        """The dependsOn relations that can be part of a cycle: between entities that depend
        on something (at 250,000 Resources, most edges end at a Resource that depends on
        nothing; a graph of them all took seconds to build)."""
        return {src: {("dependsOn", t) for t in targets if t in self.depends}
                for src, targets in self.depends.items()}

    def resolve(self, ref: str, raw: Any, spec_field: str, default_kind: str) -> str | None:
        draft = self.drafts[ref]
        own_ns = self.entities[ref]["metadata"].get("namespace", "default")
        target = self._parse(raw, default_kind, own_ns)
        if isinstance(target, RefError):
            self.problems.append(Problem.at("error", f"spec.{spec_field}: {target}", draft.location, ref))
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
        loc = draft.field_locations.get(spec_field, draft.location)
        if draft.source == "catalog":
            return None  # the published catalog's own gaps were reported when it was built
        if not self.whole_org:
            self.unchecked.add(target)  # another repo's entity, maybe: not knowable here
            if spec_field == "owner":
                self.owner_unchecked.add(ref)
            return None
        key = (loc, spec_field, target)
        if key in self.dangling:
            # One problem per place written: ten Resources inheriting a mistyped owner share it.
            self.dangling[key].append(ref)
            if spec_field == "owner":
                self.owner_unchecked.add(ref)
            return None
        self.dangling[key] = [ref]
        if spec_field == "owner":
            self.owner_unchecked.add(ref)  # the error says it; no "ownerless" warning as well
        hint = did_you_mean(target, self.names_by_kind())
        self.problems.append(Problem.at(
            "error", f"dangling reference: spec.{spec_field} names {target}, which is not in the catalog"
            + (f"; did you mean `{hint}`?" if hint else ""), loc, ref))
        return None

    def _parse(self, raw: Any, default_kind: str, own_ns: str) -> str | RefError:
        memo = (raw, default_kind, own_ns) if isinstance(raw, str) else None
        if memo is not None and memo in self._parsed:
            return self._parsed[memo]
        try:
            target: str | RefError = parse_backstage_ref(raw, default_kind, own_ns).key
        except RefError as exc:
            target = exc
        if memo is not None:
            self._parsed[memo] = target
        return target

    def names_by_kind(self) -> _Names:
        if self._names is None:
            self._names = _Names(itertools.chain(self.entities, self.more_names))
        return self._names

    def link_fields(self) -> None:
        for ref, ent in self.entities.items():
            spec = ent.get("spec")
            if not isinstance(spec, dict):
                continue
            for fname, rel in _FIELDS_BY_KIND.get(ref.split(":", 1)[0], ()):
                if fname not in spec:
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
        if not targets and not self.whole_org:
            self.unchecked.add(f"{lk.resource_type} {lk.physical_name!r} ({lk.address})")
            return
        if not targets:
            self.problems.append(Problem.at(
                "info", f"{lk.address} looks up {lk.resource_type} {lk.physical_name!r}, "
                f"which no repo in the catalog declares", lk.location, ref))
            return
        self.resolved_lookups.append((ref, lk.resource_type, lk.physical_name, lk.address, lk.location))
        for target in targets:
            if target != ref:
                self.relate(ref, "dependsOn", "dependencyOf", target)
                spec = self.entities[ref].setdefault("spec", {})
                deps = spec.get("dependsOn", [])
                if isinstance(deps, list) and target not in deps:
                    spec["dependsOn"] = [*deps, target]

    def report_ownerless(self) -> None:
        for ref in sorted(self.entities.keys() - self.owned):
            if ref.startswith(("component:", "api:", "resource:", "system:")) and \
                    ref not in self.owner_unchecked and self.drafts[ref].source != "catalog" and \
                    not self.drafts[ref].owner_explained:
                self.problems.append(Problem.at(
                    "warning", "ownerless: no owner resolves for this entity", self.drafts[ref].location, ref))

    def finish(self) -> list[dict[str, Any]]:
        out = []
        # One dict per distinct relation, shared by every entity that has it (never edited in
        # place): at 250,000 Resources, 1.60 M relations are 0.80 M distinct ones (every
        # Resource's ownedBy, partOf and its component's dependencyOf are shared).
        shared: dict[tuple[str, str], dict[str, str]] = {}
        for ref in sorted(self.entities):
            ent = self.entities[ref]
            spec = ent.get("spec")
            if isinstance(spec, dict) and isinstance(spec.get("dependsOn"), list):
                spec["dependsOn"] = sorted(set(spec["dependsOn"]), key=str)
            rels = []
            for pair in sorted(self.relations.get(ref, ())):
                rel = shared.get(pair)
                if rel is None:
                    rel = shared[pair] = {"type": pair[0], "targetRef": pair[1]}
                rels.append(rel)
            ent["relations"] = rels
            out.append(ent)
        return out


class _Names:
    """Entity names by (kind, namespace), and by their first two letters where there are many."""

    def __init__(self, refs: Iterable[str]):
        self.pools: dict[tuple[str, str], list[str]] = defaultdict(list)
        for key in refs:
            kind, rest = key.split(":", 1)
            ns, name = rest.split("/", 1)
            self.pools[(kind, ns)].append(name)
        self.buckets: dict[tuple[str, str, str], list[str]] = {}

    def candidates(self, kind: str, ns: str, name: str) -> list[str]:
        pool = self.pools.get((kind, ns), [])
        if len(pool) <= 5000:
            return pool
        # 250,000 Resources: a typo rarely hits the first two letters; compare with those only
        # (get_close_matches over them all would take seconds per unknown reference).
        if not self.buckets:
            for (k, n), names in self.pools.items():
                if len(names) > 5000:
                    for x in names:
                        self.buckets.setdefault((k, n, x[:2]), []).append(x)
        return self.buckets.get((kind, ns, name[:2]), [])


def did_you_mean(target: str, names: _Names) -> str | None:
    """The closest existing name of the same kind and namespace (a typo's likely intent).

    Names are compared without the namespace, which would make every pair look alike.
    """
    kind, rest = target.split(":", 1)
    ns, name = rest.split("/", 1)
    match = difflib.get_close_matches(name, names.candidates(kind, ns, name), n=1, cutoff=0.8)
    if not match:
        return None
    return match[0] if ns == "default" else f"{ns}/{match[0]}"


def link(results: list[ReadResult], repos: list[Repo], whole_org: bool = True,
         more_names: Iterable[str] = ()) -> Catalog:
    """Link every repo's read result into one catalog.

    ``whole_org=False``: the results are some repos only (validate without a
    published catalog); references to nothing are listed in ``Catalog.unchecked``
    instead of reported, since they may name another repo's entity. ``more_names``:
    refs of entities that exist but are not among the drafts, for "did you mean".
    """
    drafts = [d for r in results for d in r.drafts]
    linker = _Linker(drafts, whole_org, more_names)
    linker.link_fields()
    linker.link_lookups()
    linker.report_ownerless()
    entities = linker.finish()
    problems = [p for r in results for p in r.problems] + linker.problems
    for cycle in dependency_cycles(linker.depends_on_graph()):
        problems.append(Problem.at("warning", "dependency cycle: " + " -> ".join(cycle + cycle[:1]),
                                   linker.drafts[cycle[0]].location, cycle[0]))
    sources = [{"repo": r.name, "commit": r.commit, "url": r.web_url} for r in sorted(repos, key=lambda r: r.name)]
    return Catalog(entities, sorted(problems, key=Problem.sort_key), sources,
                   unchecked=sorted(linker.unchecked), lookups=linker.resolved_lookups)
