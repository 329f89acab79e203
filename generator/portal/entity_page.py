"""The view model of one entity page: plain data for theme/lookout/entity.html.

Built when the page is rendered (on_page_context), from the index, so only
one page's data is alive at a time; each piece touches only the entity's
neighbourhood (its relations, and for transitive lists the reachable set).
"""
from __future__ import annotations

from functools import lru_cache
import json
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from generator.portal import diagram
from generator.portal.group_summary import GroupSummaries, owned_counts_section
from generator.portal.html import as_text, safe_url
from generator.portal.index import (ANN_FILE, ANN_LINE, ANN_PAGERDUTY, ANN_REPO, PortalIndex, kind_label,
                                    split_ref)

DESCRIPTOR_RELATIONS_MAX = 200
DESC_MAX = 140
PROFILE_MEMBERS = 12   # members named in a team's profile; the Members table lists them all
# Annotation keys (substrings) that name a team's or person's chat: slack.com/channel, ...
CHAT_ANNOTATIONS = ("slack", "chat", "teams.microsoft", "mattermost", "discord")


# Relation -> (forward relation as graph/graph.json and the explorer name it, direction
# from the page's entity): the "see all" link of a capped table opens the explorer there.
EXPLORE = {
    "ownedBy": ("ownedBy", "out"), "ownerOf": ("ownedBy", "in"), "partOf": ("partOf", "out"),
    "hasPart": ("partOf", "in"), "dependsOn": ("dependsOn", "out"), "dependencyOf": ("dependsOn", "in"),
    "providesApi": ("providesApi", "out"), "apiProvidedBy": ("providesApi", "in"),
    "consumesApi": ("consumesApi", "out"), "apiConsumedBy": ("consumesApi", "in"),
    "childOf": ("childOf", "out"), "parentOf": ("childOf", "in"), "memberOf": ("memberOf", "out"),
    "hasMember": ("memberOf", "in"),
}
TABLE_HEAD = ("<thead><tr><th>Name</th><th>Kind</th><th>Type</th><th>Owner</th><th>Lifecycle</th>"
              "<th>Description</th>{via}</tr></thead>")


class EntityPageBuilder:
    """Builds one entity page's view; the hot parts (rows, links, tables) as escaped HTML strings.

    Jinja macro calls cost ~40 us each and a page made ~10 of them per table; the
    tables are plain string building here instead, every catalog string through
    ``markupsafe.escape``. Rows and links are cached (a hub appears on many pages).
    """

    def __init__(self, index: PortalIndex, *, list_cap: int = 100, diagram_cap: int = 12,
                 pagerduty_url: str = ""):
        self.ix = index
        # Only an http(s) base makes on-call a link (safe_url refuses anything else).
        self.pagerduty_url = safe_url(pagerduty_url.rstrip("/")) if pagerduty_url else None
        self.list_cap = max(1, list_cap)
        self.diagram_cap = diagram_cap
        self._row = lru_cache(maxsize=65536)(self._row_html)
        self.link_html = lru_cache(maxsize=65536)(self._link_html)
        self._cell_link = lru_cache(maxsize=65536)(self._cell_link_html)
        self.group_summary = GroupSummaries(index, self.list_cap)

    # -- pieces ---------------------------------------------------------------------
    def _link_html(self, ref: str, base: str) -> Markup:
        url = self.ix.urls.get(ref)
        title = escape(self.ix.title(ref))
        if url:
            return Markup(f'<a href="{escape(base)}/{url}" data-ref="{escape(ref)}">{title}</a>')
        return Markup(f'<span data-ref="{escape(ref)}">{title}</span>')

    def _owner_html(self, owner: str, base: str) -> Markup:
        """The owner's link; its name too when a display name is shown, so both are searchable."""
        html = self.link_html(owner, base)
        name = split_ref(owner)[2]
        if self.ix.title(owner) != name:
            html += Markup(' <span class="lk-muted">(%s)</span>') % name
        return html

    def _cell_link_html(self, ref: str, base: str) -> Markup:
        """A link inside a table row: no data-ref (the row's ``tr[data-ref]`` names the entity)."""
        url = self.ix.urls.get(ref)
        title = escape(self.ix.title(ref))
        return Markup(f'<a href="{escape(base)}/{url}">{title}</a>') if url else title

    def _row_html(self, ref: str, base: str) -> str:
        """One table row (without its closing tag), escaped here; cached, as a hub appears on many pages."""
        ent = self.ix.entity(ref) or {}
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        meta = ent.get("metadata") or {}
        desc = as_text(meta.get("description"))
        if len(desc) > DESC_MAX:
            desc = desc[:DESC_MAX] + "\u2026"
        owner = self.ix.owner(ref)
        link = self._cell_link
        return (f'<tr data-ref="{escape(ref)}"><td>{link(ref, base)}</td>'
                f"<td>{escape(kind_label(split_ref(ref)[0]))}</td><td>{escape(as_text(spec.get('type')))}</td>"
                f"<td>{link(owner, base) if owner else ''}</td>"
                f"<td>{escape(as_text(spec.get('lifecycle')))}</td><td>{escape(desc)}</td>")

    def table(self, sid: str, title: str, refs: list[str], base: str, *, anchors=(), note: str = "",
              via: dict[str, str] | None = None, empty: str = "None.", self_ref: str = "",
              explore: tuple[tuple[str, ...], str, int] | None = None,
              total: int | None = None) -> dict[str, Any]:
        """One relation table as a whole ``<section>``: at most ``list_cap`` rows, then a count and
        a link to the graph explorer (``explore`` = (forward relations, direction, depth)).
        ``total``: how many there are when ``refs`` holds only the first ones."""
        total = len(refs) if total is None else max(total, len(refs))
        shown = min(total, self.list_cap)
        out = [f'<section class="lk-section" id="{escape(sid)}">\n']
        out.extend(f'<span id="{escape(diagram.rel_anchor(a))}" class="lk-anchor"></span>' for a in anchors)
        out.append(f'<h3>{escape(title)} <span class="lk-count">{total:,}</span></h3>\n')
        if note:
            out.append(f'<p class="lk-note">{escape(note)}</p>\n')
        if shown:
            out.append("<table>\n")
            out.append(TABLE_HEAD.format(via="<th>Via</th>" if via is not None else ""))
            out.append("\n<tbody>")
            row = self._row
            for r in refs[:shown]:
                out.append(row(r, base))
                if via is not None:
                    v = via.get(r)
                    out.append(f"<td>{self._cell_link(v, base)}</td>" if v and v != self_ref else "<td>directly</td>")
                out.append("</tr>")
            out.append("</tbody>\n</table>\n")
            if total > shown:
                out.append(f'<p class="lk-note lk-more">Showing {shown:,} of {total:,}')
                if explore and self_ref:
                    rels, direction, depth = explore
                    q = f"root={quote(self_ref, safe=':/')}&dir={direction}&depth={depth}&rel={','.join(rels)}"
                    out.append(f' &middot; <a class="lk-more__link" href="{escape(base)}/graph/?{escape(q)}">'
                               f"all {total - shown:,} more in the graph explorer</a>")
                out.append(".</p>\n")
        else:
            out.append(f'<p class="lk-empty">{escape(empty)}</p>\n')
        out.append("</section>\n")
        return {"id": sid, "anchors": [diagram.rel_anchor(a) for a in anchors], "total": total,
                "shown": shown, "html": Markup("".join(out))}

    def rel_table(self, rel: str, refs: list[str], base: str, self_ref: str) -> dict[str, Any]:
        fwd = EXPLORE.get(rel)
        return self.table(diagram.rel_anchor(rel), diagram.RELATION_LABELS.get(rel, rel), refs, base,
                          self_ref=self_ref, explore=((fwd[0],), fwd[1], 1) if fwd else None)

    # -- the page ----------------------------------------------------------------------
    def build(self, ref: str, base: str) -> dict[str, Any]:
        ix = self.ix
        ent = ix.entity(ref)
        assert ent is not None
        meta = ent["metadata"]
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        kind, ns, name = split_ref(ref)
        owner = ix.owner(ref)
        rel = self.relations(ent)
        systems = rel.get("partOf", [])
        groups = diagram.relation_groups([(t, r) for t, targets in rel.items() for r in targets])
        link = self.link_html
        v: dict[str, Any] = {
            "ref": ref, "kind": kind_label(str(ent.get("kind", kind))), "kind_lc": kind, "namespace": ns,
            "name": str(meta.get("name", name)), "title": ix.title(ref),
            "type": as_text(spec.get("type")), "lifecycle": as_text(spec.get("lifecycle")),
            "description": as_text(meta.get("description")),
            "tags": [str(t) for t in meta.get("tags") or [] if isinstance(t, (str, int))],
            "owner": self._owner_html(owner, base) if owner else None,
            "part_of": Markup(", ").join(link(s, base) for s in systems),
            "links": self._links(meta),
            "oncall": ix.ann(ref, ANN_PAGERDUTY),
            "oncall_url": (f"{self.pagerduty_url}/service-directory/{quote(ix.ann(ref, ANN_PAGERDUTY), safe='')}"
                           if self.pagerduty_url and ix.ann(ref, ANN_PAGERDUTY) else None),
            "source": self._source(ref),
            "docs_url": f"{base}/docs/{ns}/{kind}/{name}/" if ix.docs_state(ref) == "built" else None,
            "docs_failed": ix.docs_state(ref) == "failed",
            "definition": api_definition(spec) if kind == "api" else None,
            "graph_url": f"{base}/graph/?root={quote(ref, safe=':/')}",
            "catalog_url": f"{base}/catalog/",
            "problems": self._problems(ref),
            "descriptor": self._descriptor(ent),
            # A team or a person has no owner, lifecycle or docs: their About card is a profile.
            "profile": self._profile(kind, spec, meta, rel, base) if kind in ("group", "user") else None,
        }
        v["filters"] = self._filters(v, owner)
        v["diagram"] = _text_markup(diagram.mermaid(ref, v["title"], groups, titles=ix.title, urls=ix.urls.get,
                                                    base=base + "/", cap=self.diagram_cap)) if groups else ""
        v["diagram_size"] = _diagram_size(groups, self.diagram_cap)
        sections = self._kind_sections(ref, kind, base, rel)
        covered = {a for s in sections for a in s["anchors"]}
        about = {"partOf"} | ({"ownedBy"} if rel.get("ownedBy") == [owner] else set())
        sections.extend(self.rel_table(r, targets, base, ref) for r, targets in groups
                        if diagram.rel_anchor(r) not in covered and r not in about)
        v["about_anchors"] = [diagram.rel_anchor(r) for r in sorted(about) if r in rel]
        if spec.get("terraformBlocks"):
            sections.append(self._terraform_blocks(ref, spec["terraformBlocks"]))
        v["sections"] = sections
        v["sections_html"] = Markup("").join(s["html"] for s in sections)
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
        t = self.table
        if kind in ("component", "resource", "api"):
            if kind == "api":
                out.append(t("providers", "Provided by", rel.get("apiProvidedBy", []), base,
                             anchors=("apiProvidedBy",), self_ref=ref, explore=(("providesApi",), "in", 1)))
            consumers = g.consumers(ref)
            direct = set(rel.get("dependencyOf", [])) | set(rel.get("apiConsumedBy", []))
            # The graph leaves out e.g. the declaring repo's own Component; then the raw
            # relation tables stay on the page as well.
            uses = (("dependsOn", "consumesApi"), "in")
            out.append(t("consumers", "Consumers", consumers, base,
                         anchors=("dependencyOf", "apiConsumedBy") if direct == set(consumers) else (),
                         note=("Entities that depend on this one or consume it as an API, other than the "
                               "Components of its own repo (which declare it)."),
                         self_ref=ref, explore=(*uses, 1)))
            # Transitive: a count, the first list_cap, and the rest in the explorer.
            n_dependents, dependents, complete = g.dependents_summary(ref, self.list_cap)
            out.append(t("dependents", "Everything that breaks with it", dependents, base,
                         note="Everything that depends on this entity, directly or transitively."
                              + ("" if complete else f" More than {n_dependents - 1:,} (counted up to there); "
                                                     "the graph explorer walks on."),
                         self_ref=ref, explore=(*uses, 4), total=n_dependents))
            if kind != "api":
                out.append(t("depends-on", "Depends on", rel.get("dependsOn", []), base,
                             anchors=("dependsOn",), self_ref=ref, explore=(("dependsOn",), "out", 1)))
            if kind == "component":
                out.append(t("apis-provided", "Provided APIs", rel.get("providesApi", []), base,
                             anchors=("providesApi",), self_ref=ref, explore=(("providesApi",), "out", 1)))
                out.append(t("apis-consumed", "Consumed APIs", rel.get("consumesApi", []), base,
                             anchors=("consumesApi",), self_ref=ref, explore=(("consumesApi",), "out", 1)))
        elif kind == "group":
            gs = self.group_summary(ref)
            out.append(owned_counts_section(gs))
            out.append(t("owned", "Owned entities", gs.first_owned, base, anchors=("ownerOf",), via=gs.via,
                         total=gs.total,
                         self_ref=ref, note="Owned directly or through a sub-group.",
                         explore=(("ownedBy", "childOf"), "in", 4)))
            out.append(t("members", "Members", rel.get("hasMember", []), base,
                         anchors=("hasMember",), self_ref=ref, explore=(("memberOf",), "in", 1)))
            out.append(t("subgroups", "Sub-groups", gs.subgroups, base, anchors=("parentOf",),
                         note="Every group below this one, transitively.",
                         self_ref=ref, explore=(("childOf",), "in", 4)))
        elif kind == "user":
            out.append(t("groups", "Groups", rel.get("memberOf", []), base, anchors=("memberOf",),
                         self_ref=ref, explore=(("memberOf",), "out", 1)))
            out.append(t("owned", "Owned entities", rel.get("ownerOf", []), base,
                         anchors=("ownerOf",), self_ref=ref, explore=(("ownedBy",), "in", 1)))
        elif kind in ("system", "domain"):
            out.append(t("parts", "Parts", rel.get("hasPart", []), base, anchors=("hasPart",),
                         self_ref=ref, explore=(("partOf",), "in", 1)))
        return out

    def _links(self, meta: dict) -> list[dict[str, Any]]:
        out = []
        for link in meta.get("links") or []:
            if not isinstance(link, dict):
                continue
            url = as_text(link.get("url"))
            out.append({"title": as_text(link.get("title")) or url, "url": safe_url(url), "text": url})
        return out

    def _profile(self, kind: str, spec: dict, meta: dict, rel: dict[str, list[str]],
                 base: str) -> dict[str, Any]:
        """A group's or user's profile: e-mail, chat, and where it sits in the org."""
        profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
        email = as_text(profile.get("email"))
        chat = []
        for key, value in sorted((meta.get("annotations") or {}).items()):
            if isinstance(value, str) and value and any(w in key.lower() for w in CHAT_ANNOTATIONS):
                chat.append({"label": key, "text": value, "url": safe_url(value)})
        link = self.link_html
        join = Markup(", ").join
        out = {"display_name": as_text(profile.get("displayName")), "email": email,
               "email_url": safe_url(f"mailto:{email}") if email and "@" in email else None, "chat": chat}
        if kind == "group":
            out["parent"] = join(link(r, base) for r in rel.get("childOf", []))
            out["children"] = join(link(r, base) for r in rel.get("parentOf", []))
            members = rel.get("hasMember", [])
            out["members"] = join(link(r, base) for r in members[:PROFILE_MEMBERS])
            out["members_more"] = max(0, len(members) - PROFILE_MEMBERS)
            out["members_count"] = len(members)
        else:
            out["groups"] = join(link(r, base) for r in rel.get("memberOf", []))
        return out

    def _terraform_blocks(self, ref: str, blocks: Any) -> dict[str, Any]:
        """The supporting blocks folded into this Resource (read/fold.py), each linked to its source."""
        repo = self.ix.ann(ref, ANN_REPO)
        rows = []
        for b in blocks if isinstance(blocks, list) else []:
            if not isinstance(b, dict):
                continue
            where = f"{as_text(b.get('file'))}:{as_text(b.get('line'))}" if b.get("line") else as_text(b.get("file"))
            url = safe_url(self.ix.source_url(repo, b.get("file"), b.get("line"))) if repo and b.get("file") else None
            cell = f'<a href="{escape(url)}" rel="noopener nofollow">{escape(where)}</a>' if url else escape(where)
            rows.append(f"<tr><td><code>{escape(as_text(b.get('address')))}</code></td>"
                        f"<td>{escape(as_text(b.get('type')))}</td><td>{cell}</td></tr>")
        html = ('<section class="lk-section" id="terraform-blocks">\n'
                f'<h3>Configured by <span class="lk-count">{len(rows):,}</span></h3>\n'
                "<table>\n<thead><tr><th>Terraform block</th><th>Type</th><th>Where</th></tr></thead>\n<tbody>"
                + "".join(rows) + "</tbody>\n</table>\n</section>\n")
        return {"id": "terraform-blocks", "anchors": [], "total": len(rows), "shown": len(rows), "html": Markup(html)}

    def _source(self, ref: str) -> dict[str, Any] | None:
        repo, file, line = (self.ix.ann(ref, k) for k in (ANN_REPO, ANN_FILE, ANN_LINE))
        if not repo:
            return None
        return {"repo": repo, "file": file, "line": line,
                "url": safe_url(self.ix.source_url(repo, file, line))}

    def _problems(self, ref: str) -> list[dict[str, Any]]:
        out = []
        for p in self.ix.problems_by_ref.get(ref, ()):
            out.append({"severity": as_text(p.get("severity")), "message": as_text(p.get("message")),
                        "where": _where(p), "url": safe_url(self.ix.source_url(p.get("repo"), p.get("file"),
                                                                               p.get("line")))
                        if p.get("file") else None})
        return out

    def _descriptor(self, ent: dict) -> Markup:
        doc = dict(ent)
        rels = doc.get("relations")
        extra = ""
        if isinstance(rels, list) and len(rels) > DESCRIPTOR_RELATIONS_MAX:
            doc["relations"] = rels[:DESCRIPTOR_RELATIONS_MAX]
            extra = f"... and {len(rels) - DESCRIPTOR_RELATIONS_MAX} more relations (see the tables above)"
        # Compact (C encoder); theme/assets/lookout/entity.js pretty-prints it when opened.
        # Element content, never an attribute: only & < > escaped (quotes as &#34; were a
        # quarter of a resource page).
        return _text_markup(json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
                            + ("\n" + extra if extra else ""))

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


def _text_markup(text: str) -> Markup:
    """Text for an element's content (never an attribute): only & < > need escaping."""
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _diagram_size(groups: list[tuple[str, list[str]]], cap: int) -> str:
    """s / m / l by the nodes drawn: CSS caps a small diagram's width instead of stretching it."""
    nodes = 1 + sum(min(len(t), cap) + (len(t) > cap) for _, t in groups)
    if nodes <= 4 and len(groups) <= 3:
        return "s"
    if nodes <= 12:
        return "m"
    return "l"


def _where(p: dict) -> str:
    parts = [str(p.get("repo") or ""), str(p.get("file") or "")]
    where = "/".join(x for x in parts if x)
    if p.get("line") not in (None, ""):
        where += f":{p.get('line')}"
    return where


DEFINITION_MAX = 512 * 1024  # characters shown; a longer definition is cut, with a note
_DEFINITION_LEXERS = {"openapi": "yaml", "asyncapi": "yaml", "graphql": "graphql", "grpc": "protobuf",
                      "trpc": "typescript"}


def api_definition(spec: dict[str, Any]) -> dict[str, Any] | None:
    """An API's definition, highlighted by Pygments (which escapes it), as Backstage's API page
    shows it. Computed per API page only: APIs are few, and this is the page's reason to exist."""
    text = spec.get("definition")
    if not isinstance(text, str) or not text.strip():
        return None
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name

    api_type = str(spec.get("type") or "").lower()
    lang = "json" if text.lstrip().startswith("{") else _DEFINITION_LEXERS.get(api_type, "text")
    try:
        lexer = get_lexer_by_name(lang)
    except Exception:  # noqa: BLE001 - an unknown language is shown as plain text
        lexer = TextLexer()
    cut = len(text) > DEFINITION_MAX
    html = highlight(text[:DEFINITION_MAX], lexer, HtmlFormatter(cssclass="highlight", wrapcode=True))
    return {"html": Markup(html), "lang": lang, "lines": text.count("\n") + 1, "cut": cut}
