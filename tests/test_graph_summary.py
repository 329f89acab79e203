"""dependents_summary (the portal's shared walk) agrees with dependents(), and stops at its limit."""
from __future__ import annotations

import json
from pathlib import Path

import generator.graph as graph_mod
from generator.graph import CatalogGraph

SMALL = Path(__file__).resolve().parent / "fixtures" / "catalog-small.json"


def test_the_shared_walk_is_the_per_entity_walk(monkeypatch):
    g = CatalogGraph.from_catalog(json.loads(SMALL.read_text()))
    refs = g.refs()
    for ref in refs:
        full = g.dependents(ref)
        total, first, complete = g.dependents_summary(ref, 5)
        assert (total, first, complete) == (len(full), full[:5], True), ref
    hub = max(refs, key=lambda r: len(g.dependents(r)))
    n = len(g.dependents(hub))
    assert n > 10
    monkeypatch.setattr(graph_mod, "SUMMARY_LIMIT", 10)
    g = CatalogGraph.from_catalog(json.loads(SMALL.read_text()))
    total, first, complete = g.dependents_summary(hub, 5)
    assert not complete and 10 <= total < n and len(first) == 5
