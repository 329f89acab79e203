"""An entity's relation diagram as Mermaid flowchart text.

Neighbours are grouped by relation into subgraphs; each group shows at most
``cap`` nodes and then one "+ N more" node linking to the full table on the
page. Node ids are generated (n0, n1...), never taken from the catalog;
labels keep only plain characters and encode everything else as Mermaid
entity codes (``#60;``), which Mermaid turns into HTML character references:
text, never markup or directives. Click targets are the portal's own URLs.
"""
from __future__ import annotations

import re
from functools import lru_cache

from generator.portal.index import kind_label, split_ref

# Relation -> (group title, arrow points from the group to the entity?)
RELATION_LABELS: dict[str, str] = {
    "ownedBy": "Owner", "ownerOf": "Owns", "partOf": "Part of", "hasPart": "Has part",
    "dependsOn": "Depends on", "dependencyOf": "Dependents", "providesApi": "Provides API",
    "apiProvidedBy": "Provided by", "consumesApi": "Consumes API", "apiConsumedBy": "Consumed by",
    "childOf": "Parent group", "parentOf": "Sub-groups", "memberOf": "Member of", "hasMember": "Members",
}
INCOMING = {"ownerOf", "hasPart", "dependencyOf", "apiProvidedBy", "apiConsumedBy", "parentOf", "hasMember"}
ORDER = ["ownedBy", "partOf", "dependsOn", "consumesApi", "providesApi", "memberOf", "childOf",
         "dependencyOf", "apiConsumedBy", "apiProvidedBy", "hasPart", "parentOf", "hasMember", "ownerOf"]

ROWS = 4  # nodes stacked per column inside a relation group
_PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,/:()")


@lru_cache(maxsize=65536)  # a neighbour's title is labelled on every page it appears on
def label(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return "".join(ch if ch in _PLAIN else f"#{ord(ch)};" for ch in text)


_SAFE_HREF = re.compile(r"[A-Za-z0-9._/#-]+(\?name=[a-z0-9._-]+)?")


def _href(url: str) -> str | None:
    # Our own URLs only ([a-zA-Z0-9._/-] and '#', a sharded Resource's ?name=); anything else
    # gets no link.
    return url if url and _SAFE_HREF.fullmatch(url) else None


def rel_anchor(rel: str) -> str:
    return "rel-" + re.sub(r"[^A-Za-z0-9]", "-", str(rel))


def relation_groups(relations: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """[(relation type, [target refs])] in display order."""
    by_type: dict[str, list[str]] = {}
    for rel, target in relations:
        by_type.setdefault(rel, []).append(target)
    order = {r: i for i, r in enumerate(ORDER)}
    return sorted(by_type.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))


def mermaid(ref: str, title: str, groups: list[tuple[str, list[str]]], *, titles, urls, base: str,
            cap: int = 12) -> str:
    """``titles(ref)`` gives a node's title, ``urls(ref)`` its page URL or None; ``base`` prefixes URLs."""
    lines = ["flowchart LR", f'  n0["{label(title)}<br>{label(kind_label(split_ref(ref)[0]))}"]', "  class n0 lkSelf"]
    clicks = []
    n = 1
    for gi, (rel, targets) in enumerate(groups):
        name = RELATION_LABELS.get(rel, rel)
        lines.append(f'  subgraph g{gi}["{label(name)} ({len(targets)})"]')
        lines.append("    direction LR")
        members = []
        for target in targets[:cap]:
            node = f"n{n}"
            n += 1
            members.append(node)
            kind = kind_label(split_ref(target)[0])
            lines.append(f'    {node}["{label(titles(target))}<br>{label(kind)}"]')
            url = urls(target)
            href = _href(base + url) if url else None
            if href:
                clicks.append(f'  click {node} href "{href}" "Open {label(kind)}"')
        if len(targets) > cap:
            node = f"n{n}"
            n += 1
            lines.append(f'    {node}["+ {len(targets) - cap} more"]')
            clicks.append(f'  click {node} href "#{rel_anchor(rel)}" "Show all"')
            members.append(node)
        # Columns of ROWS nodes: invisible links push node i+ROWS one rank to the right.
        lines.extend(f"    {members[i]} ~~~ {members[i + ROWS]}" for i in range(len(members) - ROWS))
        lines.append("  end")
        lines.append(f"  g{gi} --> n0" if rel in INCOMING else f"  n0 --> g{gi}")
    lines.append("  classDef lkSelf stroke-width:3px")
    return "\n".join(lines + clicks) + "\n"
