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


def test_the_graph_is_the_one_add_edge_builds():
    """from_entities writes networkx's structures itself: the same nodes, entities, edges
    (in order), predecessors and shared key dicts as add_node/add_edge, duplicates included."""
    import networkx as nx

    from generator.entity.refs import entity_ref

    entities = json.loads(SMALL.read_text())["entities"]
    twin = json.loads(json.dumps(entities[3]))
    twin["relations"] = [*twin.get("relations", []), {"type": "dependsOn", "targetRef": entities[0]["kind"]
                         + ":default/" + entities[0]["metadata"]["name"]}]
    entities = [*entities, twin, {"kind": "Component", "metadata": {"name": "lonely"},
                                  "relations": [{"type": "dependsOn", "targetRef": "component:default/nowhere"}]}]
    want = nx.MultiDiGraph()
    for ent in entities:
        want.add_node(entity_ref(ent), entity=ent)
    for ref, data in list(want.nodes(data=True)):
        for rel in data["entity"].get("relations", ()):
            if rel["targetRef"].lower() in want:
                want.add_edge(ref, rel["targetRef"].lower(), key=rel["type"])
    got = CatalogGraph.from_entities(entities).g
    assert list(got.nodes(data=True)) == list(want.nodes(data=True))
    assert list(got.edges(keys=True, data=True)) == list(want.edges(keys=True, data=True))
    assert {n: list(p) for n, p in got.pred.items()} == {n: list(p) for n, p in want.pred.items()}
    assert all(got._succ[u][v] is got._pred[v][u] for u, v, _ in got.edges(keys=True))
    assert got.number_of_edges() > 20 and got.has_edge(entity_ref(twin), entity_ref(entities[0]), "dependsOn")
