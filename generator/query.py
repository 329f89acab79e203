"""Answers to the everyday questions, from catalog.json.

"who owns X?", "who consumes from my Kafka cluster?", "what breaks if X
breaks?", "what does my team own?", "what does nobody own?".
"""
from __future__ import annotations

from typing import Any

from generator.entity.refs import RefError, parse_ref
from generator.graph import CatalogGraph

QUESTIONS = ("owner", "consumers", "dependents", "owns", "orphans")


class QueryError(Exception):
    pass


def find_ref(graph: CatalogGraph, text: str) -> str:
    """Accept a full ref, or a bare name when exactly one entity has it."""
    try:
        ref = parse_ref(text, default_kind="__any__")
    except RefError as exc:
        raise QueryError(str(exc)) from None
    if ref.kind != "__any__":
        if ref.key in graph:
            return ref.key
        raise QueryError(f"no entity {ref.key} in the catalog")
    matches = [r for r in graph.refs() if r.split("/", 1)[1] == ref.name
               and ("/" not in text or r.split(":", 1)[1].split("/")[0] == ref.namespace)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise QueryError(f"no entity named {text!r} in the catalog")
    raise QueryError(f"{text!r} is ambiguous; say which: {', '.join(matches)}")


def answer(catalog: dict[str, Any], question: str, text: str | None) -> list[str]:
    graph = CatalogGraph.from_catalog(catalog)
    if question == "orphans":
        return graph.ownerless()
    if not text:
        raise QueryError(f"`query {question}` needs an entity (e.g. component:default/orders or orders)")
    ref = find_ref(graph, text)
    if question == "owner":
        owner = graph.owner(ref)
        return [owner] if owner else []
    if question == "consumers":
        return graph.consumers(ref)
    if question == "dependents":
        return graph.dependents(ref)
    if question == "owns":
        return graph.owned_by(ref, include_subgroups=True)
    raise QueryError(f"unknown question {question!r}; one of {', '.join(QUESTIONS)}")
