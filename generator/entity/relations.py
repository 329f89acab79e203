"""Which spec fields make which relations: one table, as Backstage emits them.

Each row: (entity kind, spec field) -> (relation, its inverse, default kind
of the target, whether the field holds a list). Link walks the table; no
chain of ifs per kind.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldRelation:
    relation: str
    inverse: str
    default_kind: str
    many: bool


OWNED_BY = FieldRelation("ownedBy", "ownerOf", "group", False)

# (kind, field) -> relation. Kinds are lower-case; fields are spec keys.
FIELD_RELATIONS: dict[tuple[str, str], FieldRelation] = {
    ("component", "owner"): OWNED_BY,
    ("component", "system"): FieldRelation("partOf", "hasPart", "system", False),
    ("component", "subcomponentOf"): FieldRelation("partOf", "hasPart", "component", False),
    ("component", "providesApis"): FieldRelation("providesApi", "apiProvidedBy", "api", True),
    ("component", "consumesApis"): FieldRelation("consumesApi", "apiConsumedBy", "api", True),
    ("component", "dependsOn"): FieldRelation("dependsOn", "dependencyOf", "component", True),
    ("component", "dependencyOf"): FieldRelation("dependencyOf", "dependsOn", "component", True),
    ("api", "owner"): OWNED_BY,
    ("api", "system"): FieldRelation("partOf", "hasPart", "system", False),
    ("resource", "owner"): OWNED_BY,
    ("resource", "system"): FieldRelation("partOf", "hasPart", "system", False),
    ("resource", "dependsOn"): FieldRelation("dependsOn", "dependencyOf", "resource", True),
    ("resource", "dependencyOf"): FieldRelation("dependencyOf", "dependsOn", "resource", True),
    ("system", "owner"): OWNED_BY,
    ("system", "domain"): FieldRelation("partOf", "hasPart", "domain", False),
    ("domain", "owner"): OWNED_BY,
    ("domain", "subdomainOf"): FieldRelation("partOf", "hasPart", "domain", False),
    ("group", "parent"): FieldRelation("childOf", "parentOf", "group", False),
    ("group", "children"): FieldRelation("parentOf", "childOf", "group", True),
    ("group", "members"): FieldRelation("hasMember", "memberOf", "user", True),
    ("user", "memberOf"): FieldRelation("memberOf", "hasMember", "group", True),
    ("template", "owner"): OWNED_BY,
}

INVERSE: dict[str, str] = {}
for _rel in FIELD_RELATIONS.values():
    INVERSE[_rel.relation] = _rel.inverse
    INVERSE[_rel.inverse] = _rel.relation

# Relations that mean "if the target breaks, the source breaks": direct
# dependencies and direct consumers.
DEPENDENCY_RELATIONS = ("dependsOn", "consumesApi")
DEPENDENT_RELATIONS = ("dependencyOf", "apiConsumedBy")
# Blast radius walks also cross an API to its provider: when a Component
# breaks, the APIs it provides break, and so does every consumer of them.
# "What breaks with X" follows providesApi out of X; "what X needs" follows
# apiProvidedBy from an API X consumes back to the Component serving it.
BREAKS_WITH_RELATIONS = (*DEPENDENT_RELATIONS, "providesApi")
NEEDS_RELATIONS = (*DEPENDENCY_RELATIONS, "apiProvidedBy")
