"""A Group's walk over the org below it: what it and its sub-groups own, counted by kind
and type. Its page shows the counts table and the first rows; its page key hashes the
same summary (entity_pages.py), so each group's is computed once per build.
"""
from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from generator.portal.html import as_text
from generator.portal.index import KIND_ORDER, PortalIndex, kind_label

EM_DASH = "\u2014"


@dataclass(frozen=True)
class GroupSummary:
    """A Group's walk over the org: what it owns through its sub-groups, and its counts."""
    first_owned: list[str]      # the first list_cap of what it owns, sorted
    total: int                  # how many it owns
    subgroups: list[str]        # sorted, transitively
    via: dict[str, str]         # for the first list_cap of owned: who of the group and its sub-groups owns it
    direct: int                 # how many of owned the group owns itself
    counts: list[tuple[tuple[str, str], int]]   # ((kind label, type), how many), sorted


class GroupSummaries:
    """``summaries(ref)``: the Group's summary, memoized (its page key asks first, its page after)."""

    def __init__(self, index: PortalIndex, list_cap: int):
        self.ix = index
        self.list_cap = list_cap
        self._kind_type = _KindType(index)
        self._groups: dict[str, GroupSummary] = {}
        self._by_owner: dict[str, Counter] = {}

    def __call__(self, ref: str) -> GroupSummary:
        hit = self._groups.get(ref)
        if hit is None:
            g = self.ix.graph
            parts = g.owned_parts(ref)
            owners = [owner for owner, _ in parts]
            owned = set().union(*(part for _, part in parts))
            # Only the first rows are shown: the smallest list_cap of the set, not all of it
            # sorted (the org's root group owns everything, and every group above an entity
            # sorted it again: ~1 s of a build at 250,000 Resources).
            first = heapq.nsmallest(self.list_cap, owned)
            # Via: the first of the group and its sub-groups (in order) that owns it.
            via = {r: next(o for o in owners if g.owns(o, r)) for r in first}
            if len(owned) == sum(len(part) for _, part in parts):
                # Each entity under one owner (the usual case): the counts are the owners'
                # own counts added up, each entity counted once per build, not once per group
                # above it.
                counts: Counter = Counter()
                for owner, part in parts:
                    counts.update(self._owner_counts(owner, part))
            else:
                counts = Counter(map(self._kind_type.__getitem__, owned))
            hit = self._groups[ref] = GroupSummary(first, len(owned), owners[1:], via, len(parts[0][1]),
                                                   sorted(counts.items()))
        return hit

    def _owner_counts(self, owner: str, owned: tuple[str, ...]) -> Counter:
        hit = self._by_owner.get(owner)
        if hit is None:
            hit = self._by_owner[owner] = Counter(map(self._kind_type.__getitem__, owned))
        return hit


def owned_counts_section(gs: GroupSummary) -> dict[str, Any]:
    """What a group owns, counted by kind and type (a fixed-size table, whatever it owns)."""
    order = {kind_label(k): i for i, k in enumerate(KIND_ORDER)}
    direct, counts, total = gs.direct, dict(gs.counts), gs.total
    out = [f'<section class="lk-section" id="owned-counts" data-total="{total}">\n'
           f'<h3>What this group owns <span class="lk-count">{total:,}</span></h3>\n'
           f'<p class="lk-note">{direct:,} directly, {total - direct:,} through sub-groups.</p>\n']
    if counts:
        out.append("<table>\n<thead><tr><th>Kind</th><th>Type</th><th>Count</th></tr></thead>\n<tbody>")
        for (k, ty), c in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0])):
            k, ty = escape(k), escape(ty)
            out.append(f'<tr data-kind="{k}" data-type="{ty}"><td>{k}</td><td>{ty or EM_DASH}</td>'
                       f'<td class="lk-num">{c:,}</td></tr>')
        out.append("</tbody>\n</table>\n")
    else:
        out.append('<p class="lk-empty">Owns nothing.</p>\n')
    out.append("</section>\n")
    return {"id": "owned-counts", "anchors": [], "total": total, "html": Markup("".join(out))}


class _KindType(dict):
    """ref -> (kind label, type) as a group's counts table shows it, filled on first use."""

    def __init__(self, index: PortalIndex):
        super().__init__()
        self.ix = index
        self.labels: dict[str, str] = {}

    def __missing__(self, ref: str) -> tuple[str, str]:
        # Once per entity of the org (250,000 at the largest): the kind's label looked up once.
        kind = ref.partition(":")[0]
        label = self.labels.get(kind)
        if label is None:
            label = self.labels[kind] = kind_label(kind)
        v = self[ref] = (label, as_text(self.ix.spec(ref, "type")))
        return v
