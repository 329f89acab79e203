"""The catalog as a graph, with the verbs people ask questions in.

A thin wrapper over a networkx MultiDiGraph: nodes are canonical entity
refs, each edge is one relation keyed by its type (both directions are
edges, as catalog.json holds both). Walks are hand-written BFS over the
adjacency dicts: measured, ``nx.ego_graph`` and filtered subgraph views are
orders of magnitude slower on a 250,000-node catalog.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import networkx as nx

from generator.entity.refs import entity_ref
from generator.entity.relations import (BREAKS_WITH_RELATIONS, DEPENDENCY_RELATIONS, DEPENDENT_RELATIONS,
                                        NEEDS_RELATIONS)

# What "everything that breaks with it" walks: dependents() and dependents_summary().
DEPENDENTS_WALK = BREAKS_WITH_RELATIONS
# dependents_summary walks at most this many entities (then: "more than"; measured at 25,000
# entities through APIs: 13,000 distinct walks, 7,000 reaching the limit, ~0.4 ms each at 150).
SUMMARY_LIMIT = 150


class CatalogGraph:
    def __init__(self, graph: nx.MultiDiGraph, dangling: list[tuple[str, str]] | None = None):
        self.g = graph
        # (source, target) of every relation whose target is not in the catalog: no edge, but
        # the source's page shows it, and it becomes an edge when the target appears.
        self.dangling = dangling or []
        # dependents_summary: the closure of a set of direct dependents, by that set.
        self._closures: dict[frozenset[str], tuple[tuple[str, ...], frozenset[str]]] = {}
        self._dependents_adj: _DirectDependents | None = None
        # Targets of one relation type, by relation then node: only for the relations the
        # group walks ask for again and again (parentOf, ownerOf), built as they are asked.
        self._targets: dict[str, dict[str, tuple[str, ...]]] = {}

    @classmethod
    def from_catalog(cls, catalog: dict[str, Any]) -> CatalogGraph:
        return cls.from_entities(catalog.get("entities", []))

    @classmethod
    def from_entities(cls, entities: Iterable[dict[str, Any]]) -> CatalogGraph:
        return cls.from_refs((entity_ref(ent), ent) for ent in entities)

    # (ref, entity) pairs, each ref the entity's entity_ref: the portal's index has them already.

    @classmethod
    def from_refs(cls, entities: Iterable[tuple[str, dict[str, Any]]]) -> CatalogGraph:
        """The graph ``add_node``/``add_edge`` would build (a later duplicate's entity wins,
        an edge is a (source, target, relation type)), written into networkx's own
        dict-of-dicts as ``MultiDiGraph.add_edge`` writes it, one key dict shared by
        ``_succ[u][v]`` and ``_pred[v][u]``: the portal builds this graph on every build, and
        at 1.57 M relations ``add_edge``'s per-call checks were two thirds of it (tested
        against add_edge)."""
        g = nx.MultiDiGraph()
        node, succ, pred = g._node, g._succ, g._pred
        dangling = []
        for ref, ent in entities:
            if ref in node:
                node[ref]["entity"] = ent
            else:
                node[ref], succ[ref], pred[ref] = {"entity": ent}, {}, {}
        for ref, data in node.items():
            out = succ[ref]
            for rel in data["entity"].get("relations", ()):
                target = rel["targetRef"].lower()
                if target in node:
                    keys = out.get(target)
                    if keys is None:
                        keys = out[target] = pred[target][ref] = {}
                    keys.setdefault(rel["type"], {})
                else:
                    dangling.append((ref, target))
        return cls(g, dangling)

    # -- lookups ---------------------------------------------------------
    def __contains__(self, ref: str) -> bool:
        return ref.lower() in self.g

    def __len__(self) -> int:
        return self.g.number_of_nodes()

    # The plain dicts (g._node, g._succ), never networkx's views: a view's lookup and
    # iteration cost several times a dict's (at 35,000 entities, `related` for every entity
    # was 0.54 s of entities.json's 0.84 s through AdjacencyView).
    def entity(self, ref: str) -> dict | None:
        node = self.g._node.get(ref.lower())
        return node["entity"] if node else None

    def refs(self, kind: str | None = None) -> list[str]:
        if kind is None:
            return sorted(self.g.nodes)
        prefix = kind.lower() + ":"
        return sorted(r for r in self.g.nodes if r.startswith(prefix))

    def related(self, ref: str, relation: str) -> list[str]:
        """Direct targets of one relation type from ``ref``."""
        adj = self.g._succ.get(ref.lower())
        return sorted(t for t, keys in adj.items() if relation in keys) if adj else []

    def targets(self, ref: str) -> Iterable[str]:
        """Every entity ``ref`` (lower-case) has a relation to, once each, in its relations' order."""
        return self.g._succ.get(ref, {}).keys()

    def first_related(self, ref: str, relation: str) -> str | None:
        """``related(ref, relation)[0]``, or None, without sorting them all."""
        adj = self.g._succ.get(ref.lower())
        return min((t for t, keys in adj.items() if relation in keys), default=None) if adj else None

    def _targets_of(self, node: str, relation: str) -> tuple[str, ...]:
        """``related(node, relation)`` (``node`` lower-cased), memoized: a group's adjacency
        is everything it owns, and each group page walked it again for every group above."""
        memo = self._targets.setdefault(relation, {})
        hit = memo.get(node)
        if hit is None:
            hit = memo[node] = tuple(self.related(node, relation))
        return hit

    def neighbours(self, ref: str) -> list[tuple[str, str]]:
        adj = self.g._succ.get(ref.lower(), {})
        return sorted((rel, t) for t, keys in adj.items() for rel in keys)

    # -- walks -----------------------------------------------------------
    def _walk(self, start: str, relations: tuple[str, ...], max_depth: int | None = None) -> list[str]:
        start = start.lower()
        seen = {start}
        queue = deque([(start, 0)])
        succ = self.g._succ
        while queue:
            node, depth = queue.popleft()
            if max_depth is not None and depth >= max_depth:
                continue
            for target, keys in succ.get(node, {}).items():
                if target not in seen and any(r in keys for r in relations):
                    seen.add(target)
                    queue.append((target, depth + 1))
        seen.discard(start)
        return sorted(seen)

    def subgroups(self, group_ref: str) -> list[str]:
        """Every group below ``group_ref``, transitively.

        ``_walk(group_ref, ("parentOf",))``, over memoized parentOf targets: a group's
        adjacency is mostly what it owns, and the walk from the root scanned the whole
        org's ownerOf edges, again for every group page (0.3 s of 55 Group pages at M)."""
        start = group_ref.lower()
        seen = {start}
        queue = deque([start])
        targets = self._targets_of
        while queue:
            for target in targets(queue.popleft(), "parentOf"):
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        seen.discard(start)
        return sorted(seen)

    def owned_by(self, group_ref: str, include_subgroups: bool = True) -> list[str]:
        """What a group owns (directly, and through its sub-groups when asked).

        For a User, what the user owns directly.
        """
        return sorted(set().union(*(owned for _, owned in self.owned_parts(group_ref, include_subgroups))))

    def owned_parts(self, group_ref: str, include_subgroups: bool = True) -> list[tuple[str, tuple[str, ...]]]:
        """(owner, what it owns directly, sorted) for the owners ``owned_by`` unites: the
        group, then its sub-groups in order."""
        owners = [group_ref.lower()]
        if include_subgroups:
            owners += self.subgroups(group_ref)
        return [(owner, self._targets_of(owner, "ownerOf")) for owner in owners]

    def owns(self, owner: str, ref: str) -> bool:
        """Whether ``owner`` (lower-case) has an ownerOf relation to ``ref`` (lower-case)."""
        keys = self.g._succ.get(owner, {}).get(ref)
        return keys is not None and "ownerOf" in keys

    def owner(self, ref: str) -> str | None:
        owners = self.related(ref, "ownedBy")
        return owners[0] if owners else None

    def consumers(self, ref: str) -> list[str]:
        """Who uses ``ref`` directly: depends on it or consumes it as an API.

        The Component of the repo that declares a Resource depends on it too
        (it provisions it), but it is not a consumer of it: Components of the
        declaring repo are left out.
        """
        ref = ref.lower()
        home = _repo_of(self.entity(ref))
        adj = self.g._succ.get(ref, {})
        return sorted(t for t, keys in adj.items() if any(r in keys for r in DEPENDENT_RELATIONS)
                      and not (home and t.startswith("component:") and _repo_of(self.entity(t)) == home))

    def dependents(self, ref: str) -> list[str]:
        """Everything that breaks when ``ref`` breaks: transitive consumers, through
        dependsOn and through the APIs it provides (their consumers break too)."""
        return self._walk(ref, DEPENDENTS_WALK)

    def dependents_summary(self, ref: str, cap: int) -> tuple[int, list[str], bool]:
        """(how many, the first ``cap`` in order, whether that is all) of ``dependents(ref)``,
        for every entity of a catalog at once (the portal's pages).

        One walk per page is superlinear: a hub's dependents are walked again from each
        of its hundreds of resources, and through APIs a walk reaches most of an org.
        Entities with the same direct dependents (every resource of one component) share
        one walk, memoized by that set, and a walk stops at ``SUMMARY_LIMIT`` entities:
        past it a page says "more than" (the explorer walks on). The entity itself, which
        a cycle can reach, is left out.
        """
        ref = ref.lower()
        adj = self._dependent_adjacency()
        direct = frozenset(adj[ref])
        if not direct:
            return 0, [], True
        hit = self._closures.get(direct)
        if hit is None:
            seen = set(direct)
            queue = deque(sorted(direct))
            complete = True
            while queue and complete:
                node = queue.popleft()
                for target in adj[node]:
                    if target not in seen:
                        seen.add(target)
                        queue.append(target)
                        if len(seen) > SUMMARY_LIMIT:
                            complete = False
                            break
            hit = self._closures[direct] = (tuple(sorted(seen)), frozenset(seen), complete)
        ordered, members, complete = hit
        if ref in members:
            return len(ordered) - 1, [r for r in ordered[:cap + 1] if r != ref][:cap], complete
        return len(ordered), list(ordered[:cap]), complete

    def _dependent_adjacency(self) -> _DirectDependents:
        """Each entity's direct dependents (DEPENDENTS_WALK edges only), each found once.

        A component's edges are mostly ``dependsOn`` its own hundreds of resources; walking
        them to find its few dependents, once per walk, was most of the site stage at
        250,000 resources. Found on first use, not for every node up front: a build whose
        page keys mostly carry over walks from a few thousand entities (the whole table
        was 0.8 s of such a build at L)."""
        if self._dependents_adj is None:
            self._dependents_adj = _DirectDependents(self.g._succ)
        return self._dependents_adj

    def dependencies(self, ref: str, transitive: bool = False) -> list[str]:
        """What ``ref`` uses directly; transitively, also the providers of the APIs it consumes."""
        if not transitive:
            return self._walk(ref, DEPENDENCY_RELATIONS, 1)
        return self._walk(ref, NEEDS_RELATIONS)

    def ownerless(self) -> list[str]:
        """Components, APIs, Resources and Systems nobody owns."""
        kinds = ("component:", "api:", "resource:", "system:")
        return sorted(r for r in self.g.nodes
                      if r.startswith(kinds) and not self.related(r, "ownedBy"))

    def cycles(self, limit: int = 100) -> list[list[str]]:
        """Dependency cycles (dependsOn edges only), each rotated to start at its least ref."""
        rels: dict[str, set[tuple[str, str]]] = {}
        for u, v, k in self.g.edges(keys=True):
            rels.setdefault(u, set()).add((k, v))
        return dependency_cycles(rels, limit)


def _repo_of(entity: dict | None) -> str | None:
    if not entity:
        return None
    return ((entity.get("metadata") or {}).get("annotations") or {}).get("lookout/repo")


def dependency_cycles(relations: dict[str, set[tuple[str, str]]], limit: int = 100) -> list[list[str]]:
    """dependsOn cycles, each rotated to start at its least ref (stable output)."""
    dep = nx.DiGraph((src, dst) for src, rels in relations.items() for t, dst in rels if t == "dependsOn")
    out: list[list[str]] = []
    for comp in nx.strongly_connected_components(dep):
        if len(comp) > 1 or any(dep.has_edge(n, n) for n in comp):
            for cycle in nx.simple_cycles(dep.subgraph(comp)):
                i = cycle.index(min(cycle))
                out.append(cycle[i:] + cycle[:i])
                if len(out) >= limit:
                    return sorted(out)
    return sorted(out)


class _DirectDependents(dict):
    """ref -> the entities with a DEPENDENTS_WALK edge from it, found on first use."""

    _WALK = frozenset(DEPENDENTS_WALK)

    def __init__(self, succ: dict):
        super().__init__()
        self._succ = succ   # the graph's plain adjacency dicts: faster than its views

    def __missing__(self, ref: str) -> tuple[str, ...]:
        nbrs = self._succ.get(ref)
        # One C-level set test per edge, not a generator over the walk's relations: at
        # 250,000 Resources (1.5 M edges) 1.24 -> 0.6 s for all of them.
        walk = self._WALK
        deps = self[ref] = tuple(t for t, keys in nbrs.items() if not walk.isdisjoint(keys)) if nbrs else ()
        return deps
