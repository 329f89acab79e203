"""The view model of one entity page: plain data for theme/lookout/entity.html.

Built when the page is rendered (on_page_context), from the index, so only
one page's data is alive at a time; each piece touches only the entity's
neighbourhood (its relations, and for transitive lists the reachable set).
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
import json
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from generator.portal import diagram
from generator.portal.html import safe_url
from generator.portal.index import (ANN_FILE, ANN_LINE, ANN_PAGERDUTY, ANN_REPO, ANN_TECHDOCS, KIND_ORDER,
                                    PortalIndex, kind_label, split_ref)

DESCRIPTOR_RELATIONS_MAX = 200
DESC_MAX = 140


class EntityPageBuilder:
    def __init__(self, index: PortalIndex, *, list_cap: int = 500, diagram_cap: int = 12):
        self.ix = index
        self.list_cap = list_cap
        self.diagram_cap = diagram_cap
        self._row = lru_cache(maxsize=65536)(self._row_html)

    # -- pieces ---------------------------------------------------------------------
    def link(self, ref: str, base: str) -> dict[str, Any]:
        url = self.ix.urls.get(ref)
        return {"ref": ref, "title": self.ix.title(ref), "url": f"{base}/{url}" if url else None,
                "kind": kind_label(split_ref(ref)[0])}

    def link_html(self, ref: str, base: str) -> str:
        url = self.ix.urls.get(ref)
        title = escape(self.ix.title(ref))
        if url:
            return f'<a href="{escape(base)}/{url}" data-ref="{escape(ref)}">{title}</a>'
        return f'<span data-ref="{escape(ref)}">{title}</span>'

    def _row_html(self, ref: str, base: str) -> str:
        """One table row (without its closing tag), escaped here; cached, as a hub appears on many pages."""
        ent = self.ix.entity(ref) or {}
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        meta = ent.get("metadata") or {}
        desc = _str(meta.get("description"))
        if len(desc) > DESC_MAX:
            desc = desc[:DESC_MAX] + "\u2026"
        owner = self.ix.owner(ref)
        return (f'<tr data-ref="{escape(ref)}"><td>{self.link_html(ref, base)}</td>'
                f"<td>{escape(kind_label(split_ref(ref)[0]))}</td><td>{escape(_str(spec.get('type')))}</td>"
                f"<td>{self.link_html(owner, base) if owner else ''}</td>"
                f"<td>{escape(_str(spec.get('lifecycle')))}</td><td>{escape(desc)}</td>")

    def table(self, sid: str, title: str, refs: list[str], base: str, *, anchors=(), note: str = "",
              via: dict[str, str] | None = None, empty: str = "None.", self_ref: str = "") -> dict[str, Any]:
        parts = []
        for r in refs[: self.list_cap]:
            parts.append(self._row(r, base))
            if via is not None:
                v = via.get(r)
                parts.append(f"<td>{self.link_html(v, base)}</td>" if v and v != self_ref else "<td>directly</td>")
            parts.append("</tr>")
        return {"id": sid, "title": title, "total": len(refs), "note": note, "empty": empty,
                "anchors": [diagram.rel_anchor(a) for a in anchors], "via": via is not None,
                "shown": min(len(refs), self.list_cap), "rows_html": Markup("".join(parts))}

    # -- the page ----------------------------------------------------------------------
    def build(self, ref: str, base: str) -> dict[str, Any]:
        ix, g = self.ix, self.ix.graph
        ent = ix.entity(ref)
        assert ent is not None
        meta = ent["metadata"]
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        kind, ns, name = split_ref(ref)
        owner = ix.owner(ref)
        rel = self.relations(ent)
        systems = rel.get("partOf", [])
        groups = diagram.relation_groups([(t, r) for t, targets in rel.items() for r in targets])
        v: dict[str, Any] = {
            "ref": ref, "kind": kind_label(str(ent.get("kind", kind))), "kind_lc": kind, "namespace": ns,
            "name": str(meta.get("name", name)), "title": ix.title(ref),
            "type": _str(spec.get("type")), "lifecycle": _str(spec.get("lifecycle")),
            "description": _str(meta.get("description")),
            "tags": [str(t) for t in meta.get("tags") or [] if isinstance(t, (str, int))],
            "owner": self.link(owner, base) if owner else None,
            "part_of": [self.link(s, base) for s in systems],
            "links": self._links(meta),
            "oncall": ix.ann(ref, ANN_PAGERDUTY),
            "source": self._source(ref),
            "docs_url": f"{base}/docs/{ns}/{kind}/{name}/" if ix.ann(ref, ANN_TECHDOCS) else None,
            "graph_url": f"{base}/graph/?root={quote(ref, safe=':/')}",
            "catalog_url": f"{base}/catalog/",
            "problems": self._problems(ref),
            "descriptor": self._descriptor(ent),
        }
        v["filters"] = self._filters(v, owner)
        v["diagram"] = diagram.mermaid(ref, v["title"], groups, titles=ix.title, urls=ix.urls.get,
                                       base=base + "/", cap=self.diagram_cap) if groups else ""
        sections = self._kind_sections(ref, kind, base, rel)
        covered = {a for s in sections for a in s["anchors"]}
        v["sections"] = sections
        v["relations"] = [
            self.table(diagram.rel_anchor(rel), diagram.RELATION_LABELS.get(rel, rel), targets, base)
            for rel, targets in groups if diagram.rel_anchor(rel) not in covered]
        return v

    def relations(self, ent: dict) -> dict[str, list[str]]:
        """The entity's own relations by type (catalog.json holds them sorted): no graph walk needed."""
        out: dict[str, list[str]] = {}
        entities = self.ix.entities
        for r in ent.get("relations") or ():
            if isinstance(r, dict):
                target = str(r.get("targetRef", "")).lower()
                if target in entities:
                    lst = out.setdefault(str(r.get("type")), [])
                    if not lst or lst[-1] != target:
                        lst.append(target)
        return out

    def _kind_sections(self, ref: str, kind: str, base: str, rel: dict[str, list[str]]) -> list[dict[str, Any]]:
        g = self.ix.graph
        out = []
        if kind in ("component", "resource", "api"):
            if kind == "api":
                out.append(self.table("providers", "Provided by", rel.get("apiProvidedBy", []), base,
                                      anchors=("apiProvidedBy",)))
            consumers = g.consumers(ref)
            direct = set(rel.get("dependencyOf", [])) | set(rel.get("apiConsumedBy", []))
            # The graph leaves out e.g. the declaring repo's own Component; then the raw
            # relation tables stay on the page as well.
            out.append(self.table("consumers", "Consumers", consumers, base,
                                  anchors=("dependencyOf", "apiConsumedBy") if direct == set(consumers) else (),
                                  note="Entities that depend on this one or consume it as an API."))
            out.append(self.table("dependents", "Everything that breaks with it", g.dependents(ref), base,
                                  note="Everything that depends on this entity, directly or transitively."))
            if kind != "api":
                out.append(self.table("depends-on", "Depends on", rel.get("dependsOn", []), base,
                                      anchors=("dependsOn",)))
            if kind == "component":
                out.append(self.table("apis-provided", "Provided APIs", rel.get("providesApi", []), base,
                                      anchors=("providesApi",)))
                out.append(self.table("apis-consumed", "Consumed APIs", rel.get("consumesApi", []), base,
                                      anchors=("consumesApi",)))
        elif kind == "group":
            owned = g.owned_by(ref, include_subgroups=True)
            subgroups = g.subgroups(ref)
            via: dict[str, str] = {}
            for owner in [ref] + subgroups:
                for t in g.related(owner, "ownerOf"):
                    via.setdefault(t, owner)
            counts = Counter((kind_label(split_ref(r)[0]), _str((self.ix.spec(r, "type")))) for r in owned)
            order = {kind_label(k): i for i, k in enumerate(KIND_ORDER)}
            out.append({"id": "owned-counts", "title": "What this group owns", "counts": True,
                        "anchors": [], "total": len(owned),
                        "direct": sum(1 for r in owned if via.get(r) == ref),
                        "rows": [{"kind": k, "type": t, "count": c} for (k, t), c in
                                 sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0]))]})
            out.append(self.table("owned", "Owned entities", owned, base, anchors=("ownerOf",), via=via,
                                  self_ref=ref, note="Owned directly or through a sub-group."))
            out.append(self.table("members", "Members", rel.get("hasMember", []), base,
                                  anchors=("hasMember",)))
            out.append(self.table("subgroups", "Sub-groups", subgroups, base, anchors=("parentOf",),
                                  note="Every group below this one, transitively."))
        elif kind == "user":
            out.append(self.table("groups", "Groups", rel.get("memberOf", []), base, anchors=("memberOf",)))
            out.append(self.table("owned", "Owned entities", rel.get("ownerOf", []), base,
                                  anchors=("ownerOf",)))
        elif kind in ("system", "domain"):
            out.append(self.table("parts", "Parts", rel.get("hasPart", []), base, anchors=("hasPart",)))
        return out

    def _links(self, meta: dict) -> list[dict[str, Any]]:
        out = []
        for link in meta.get("links") or []:
            if not isinstance(link, dict):
                continue
            url = _str(link.get("url"))
            out.append({"title": _str(link.get("title")) or url, "url": safe_url(url), "text": url})
        return out

    def _source(self, ref: str) -> dict[str, Any] | None:
        repo, file, line = (self.ix.ann(ref, k) for k in (ANN_REPO, ANN_FILE, ANN_LINE))
        if not repo:
            return None
        return {"repo": repo, "file": file, "line": line,
                "url": safe_url(self.ix.source_url(repo, file, line))}

    def _problems(self, ref: str) -> list[dict[str, Any]]:
        out = []
        for p in self.ix.problems_by_ref.get(ref, ()):
            out.append({"severity": _str(p.get("severity")), "message": _str(p.get("message")),
                        "where": _where(p), "url": safe_url(self.ix.source_url(p.get("repo"), p.get("file"),
                                                                               p.get("line")))
                        if p.get("file") else None})
        return out

    def _descriptor(self, ent: dict) -> str:
        doc = dict(ent)
        rels = doc.get("relations")
        extra = ""
        if isinstance(rels, list) and len(rels) > DESCRIPTOR_RELATIONS_MAX:
            doc["relations"] = rels[:DESCRIPTOR_RELATIONS_MAX]
            extra = f"... and {len(rels) - DESCRIPTOR_RELATIONS_MAX} more relations (see the tables above)"
        # Compact (C encoder); theme/assets/lookout/entity.js pretty-prints it when opened.
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + ("\n" + extra if extra else "")

    def _filters(self, v: dict[str, Any], owner: str | None) -> list[tuple[str, str]]:
        f = [("is", "entity"), ("kind", v["kind"])]
        if v["type"]:
            f.append(("type", v["type"]))
        if owner:
            f.append(("owner", split_ref(owner)[2]))
        if v["lifecycle"]:
            f.append(("lifecycle", v["lifecycle"]))
        f.extend(("tag", t) for t in v["tags"])
        return f


def _str(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def _where(p: dict) -> str:
    parts = [str(p.get("repo") or ""), str(p.get("file") or "")]
    where = "/".join(x for x in parts if x)
    if p.get("line") not in (None, ""):
        where += f":{p.get('line')}"
    return where
