"""The compact JSON files the portal's own JavaScript reads.

``catalog/entities.json``: one column array per field, with dictionaries for
repeated values (kinds, owners, tags...), so 250,000 rows stay a few MB and
parse fast. ``graph/graph.json``: the refs and one direction of every
relation pair as flat ``[source, target, ...]`` index arrays; the explorer
derives the inverse direction itself.

Served as separate files (never inlined into a page), so no catalog string
ever lands inside a ``<script>``.
"""
from __future__ import annotations

from typing import Any

from generator import jsonbytes
from generator.portal.index import PortalIndex, kind_label, split_ref

FORWARD_RELATIONS = ("ownedBy", "partOf", "dependsOn", "providesApi", "consumesApi", "childOf", "memberOf")
DESC_MAX = 120


class _Dict:
    """Interns values to small integers (-1 for none)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: Any) -> int:
        if value in (None, ""):
            return -1
        value = str(value)
        i = self._index.get(value)
        if i is None:
            i = self._index[value] = len(self.values)
            self.values.append(value)
        return i


def dumps(doc: dict) -> bytes:
    return jsonbytes.dumps(doc, sort_keys=False)


def entities_json(index: PortalIndex) -> bytes:
    return dumps(entities_doc(index))


def entities_doc(index: PortalIndex) -> dict:
    kinds, types, owners, lifecycles, systems, namespaces, tags = (_Dict() for _ in range(7))
    cols: dict[str, list] = {k: [] for k in ("ref", "name", "title", "kind", "ns", "type", "owner",
                                             "lifecycle", "system", "tags", "problems", "desc", "url")}
    problem_count = {ref: len(ps) for ref, ps in index.problems_by_ref.items()}
    for ref, ent in index.entities.items():
        meta = ent["metadata"]
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        kind, ns, _ = split_ref(ref)
        owner = index.owner(ref)
        system = index.graph.first_related(ref, "partOf")
        title = meta.get("title")
        desc = meta.get("description")
        desc = str(desc)[:DESC_MAX] if desc else ""
        label, name = kind_label(str(ent.get("kind", kind))), str(meta.get("name", ""))
        cols["ref"].append("" if _derivable(ref, label, ns, name) else ref)
        cols["name"].append(name)
        cols["title"].append(str(title) if title and title != meta.get("name") else "")
        cols["kind"].append(kinds(label))
        cols["ns"].append(namespaces(ns))
        cols["type"].append(types(spec.get("type") if isinstance(spec.get("type"), str) else None))
        cols["owner"].append(owners(owner))
        cols["lifecycle"].append(lifecycles(spec.get("lifecycle") if isinstance(spec.get("lifecycle"), str) else None))
        cols["system"].append(systems(system))
        raw_tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        cols["tags"].append([tags(t) for t in raw_tags if isinstance(t, (str, int))])
        cols["problems"].append(problem_count.get(ref, 0))
        cols["desc"].append(desc)
        # 1: a page at catalog/<ns>/<kind>/<name>/, 2: a sharded Resource (?name=), 0: none.
        cols["url"].append(0 if ref not in index.urls else 2 if ref in index.sharded else 1)
    doc = {
        "v": 1,
        "dict": {
            "kind": kinds.values, "type": types.values, "owner": owners.values,
            "ownerTitle": [index.title(r) for r in owners.values], "lifecycle": lifecycles.values,
            "system": systems.values, "systemTitle": [index.title(r) for r in systems.values],
            "ns": namespaces.values, "tag": tags.values,
        },
        "rows": cols,
    }
    return doc


def owner_slices(doc: dict) -> list[bytes]:
    """``catalog/owner/<k>.json`` for the k-th owner of ``doc["dict"]["owner"]``: that owner's
    rows, in the whole file's order and with its dictionaries, and the whole file's row count.

    A link to the catalog filtered by owner (what a team shares) shows from its owner's file
    first: at 250,000 entities the whole file took 0.6 s to fetch and parse, the busiest
    owner's 12% of it a tenth of that. Every other filter only narrows an owner's rows."""
    rows = doc["rows"]
    by_owner: list[list[int]] = [[] for _ in doc["dict"]["owner"]]
    for i, owner in enumerate(rows["owner"]):
        if owner >= 0:
            by_owner[owner].append(i)
    total = len(rows["owner"])
    return [dumps({"v": 1, "total": total, "dict": doc["dict"],
                    "rows": {col: [values[i] for i in picked] for col, values in rows.items()}})
            for picked in by_owner]


def _derivable(ref: str, label: str, ns: str, name: str) -> bool:
    """Whether ``ref`` is its row's kind, namespace and name lower-cased (catalog.js derives it
    then: a row's ref was a third of the file). ASCII only: JavaScript's toLowerCase and
    Python's lower() part ways beyond it."""
    text = f"{label}:{ns}/{name}"
    return text.isascii() and text.lower() == ref


def row_refs(doc: dict) -> list[str]:
    """Every row's ref, as catalog.js reads them out of entities.json."""
    d, rows = doc["dict"], doc["rows"]
    return [ref or f"{d['kind'][k]}:{d['ns'][n]}/{name}".lower()
            for ref, k, n, name in zip(rows["ref"], rows["kind"], rows["ns"], rows["name"], strict=True)]


def graph_json(index: PortalIndex) -> bytes:
    refs = [r for r in index.entities if r in index.urls]
    pos = {r: i for i, r in enumerate(refs)}
    kinds = _Dict()
    edges: dict[str, list[int]] = {rel: [] for rel in FORWARD_RELATIONS}
    for ref in refs:
        for rel in index.entities[ref].get("relations") or ():
            if not isinstance(rel, dict):
                continue
            lst = edges.get(rel.get("type"))
            if lst is None:
                continue
            target = pos.get(str(rel.get("targetRef", "")).lower())
            if target is not None:
                lst.extend((pos[ref], target))
    doc = {
        "v": 1,
        "refs": refs,
        "title": [index.title(r) for r in refs],
        "kind": [kinds(kind_label(split_ref(r)[0])) for r in refs],
        "kinds": kinds.values,
        "edges": edges,
        "sharded": sorted({split_ref(r)[0] for r in index.sharded}),  # kinds linked as ?name=
    }
    return dumps(doc)
