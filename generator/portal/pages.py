"""Virtual pages: a Page whose body is a template, never Markdown.

``GeneratedPage`` skips the Markdown pass entirely (empty source, no
``markdown.Markdown`` instance per page). When the page is built, the plugin
renders its body template (``theme/lookout/<name>.html``, in an autoescaping
jinja environment of its own) from the view model ``view(base_url)`` and
hands the HTML to material's ``main.html`` as ``page.content``.
Index pages (home, catalog, graph, problems, teams) compute their data once.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from collections.abc import Callable

from markupsafe import Markup, escape
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from generator.portal.html import html_title, safe_url
from generator.portal.index import SEVERITIES, PortalIndex, kind_label


class GeneratedPage(Page):
    def __init__(self, title: str, file: File, config, *, template: str,
                 view: Callable[[str], dict[str, Any]], toc: list[tuple[str, str]] = (),
                 meta: dict[str, Any] | None = None):
        # material prints page.title unescaped (header, nav): hand it escaped HTML.
        super().__init__(html_title(title), file, config)
        self.plain_title = title
        self._template = template
        self._view = view
        self._toc = toc
        self._meta = meta if meta is not None else {}

    def read_source(self, config) -> None:
        self.markdown = ""
        self.meta = self._meta  # shared, read-only

    def render(self, config, files) -> None:
        self.content = ""
        self.toc = TableOfContents([AnchorLink(html_title(t), i, 2) for i, t in self._toc])
        self.present_anchor_ids = set()
        self.links_to_anchors = None

    @property
    def body_template(self) -> str:
        return self._template

    def view(self, base_url: str) -> dict[str, Any]:
        return self._view(base_url)


def add_page(files, config, src_uri: str, title: str, *, in_nav: bool, **kw) -> GeneratedPage:
    inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        files.remove(existing)
    f = File.generated(config, src_uri, content="", inclusion=inclusion)
    files.append(f)
    return GeneratedPage(title, f, config, **kw)


# -- index page views (computed once) -----------------------------------------------
def home_view(ix: PortalIndex) -> dict[str, Any]:
    return {
        "kinds": [{"kind": kind_label(k), "count": n} for k, n in ix.kind_counts()],
        "total": len(ix.entities),
        "coverage": ix.coverage(),
        "migration": migration_view(ix),
        "severities": ix.severity_counts(),
        "problems_total": sum(ix.severity_counts().values()),
    }


def problems_view(ix: PortalIndex) -> dict[str, Any]:
    """One table per repo, errors first; info rows are there but hidden until asked for."""
    by_repo: dict[str, list] = defaultdict(list)
    for p in ix.problems:
        repo = p.get("repo") if isinstance(p.get("repo"), str) else ""
        sev = p.get("severity") if p.get("severity") in SEVERITIES else "error"
        by_repo[repo].append((sev, p))
    for pp in ix.portal_problems:
        by_repo["(portal)"].append((pp.severity, {"message": pp.message, "entityRef": pp.entity_ref}))
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    repos = []
    for i, repo in enumerate(sorted(by_repo, key=lambda r: (r == "", r))):
        rows = sorted(by_repo[repo], key=lambda sp: rank[sp[0]])  # stable: catalog order within a severity
        counts = {s: 0 for s in SEVERITIES}
        for sev, _ in rows:
            counts[sev] += 1
        repos.append({
            "repo": repo or "(no repo)", "anchor": f"repo-{i}",
            "url": safe_url(ix.source_url(repo, None)) if repo else None,
            "counts": counts, "info_only": counts["info"] == len(rows),
            "rows": [dict(_problem_row(ix, p), severity=sev) for sev, p in rows],
        })
    return {"repos": repos, "severities": ix.severity_counts()}


_BREAK_AFTER = re.compile(r"([-_/.:])")


def breakable(name: str) -> Markup:
    """``name`` escaped, with a line-break opportunity after each - _ / . :, so a long
    entity name wraps between its words and never inside one."""
    return Markup("").join(Markup("%s<wbr>") % part if _BREAK_AFTER.fullmatch(part) else escape(part)
                           for part in _BREAK_AFTER.split(name) if part)


def _problem_row(ix: PortalIndex, p: dict) -> dict[str, Any]:
    file, line = p.get("file"), p.get("line")
    where = str(file) if file else ""
    if where and line not in (None, ""):
        where += f":{line}"
    ref = str(p.get("entityRef") or "").lower()
    return {"message": str(p.get("message") or ""), "where": where,
            "url": safe_url(ix.source_url(p.get("repo"), file, line)) if file else None,
            "ref": ref or None, "ref_title": breakable(ix.title(ref)) if ref else "",
            "ref_url": ix.urls.get(ref)}


def teams_view(ix: PortalIndex) -> dict[str, Any]:
    """Every group as a tree, with members and what it owns (directly and in total)."""
    g = ix.graph
    groups = [r for r in ix.entities if r.startswith("group:")]
    children = {r: g.related(r, "parentOf") for r in groups}
    direct = {r: len(g.related(r, "ownerOf")) for r in groups}
    # Pre-order walk from the roots (iterative: a hostile catalog may nest deeply or loop).
    order: list[tuple[str, int]] = []
    tree_parent: dict[str, str] = {}
    seen: set[str] = set()
    roots = [r for r in groups if not g.related(r, "childOf")] + groups
    for root in roots:
        stack: list[tuple[str, int, str | None]] = [(root, 0, None)]
        while stack:
            r, depth, parent = stack.pop()
            if r in seen:
                continue
            seen.add(r)
            order.append((r, depth))
            if parent is not None:
                tree_parent[r] = parent
            stack.extend((c, depth + 1, r) for c in reversed(children.get(r, ())) if c in direct)
    # Totals bottom-up: reversed pre-order sees every child before its parent.
    total = dict(direct)
    for r, _ in reversed(order):
        if r in tree_parent:
            total[tree_parent[r]] += total[r]
    rows = [{"ref": r, "title": ix.title(r), "url": ix.urls.get(r), "depth": min(d, 8),
             "type": str(ix.spec(r, "type") or ""), "members": len(g.related(r, "hasMember")),
             "direct": direct[r], "total": total[r]} for r, d in order]
    return {"rows": rows}



def create_view(template_dirs: list[str]) -> dict[str, Any]:
    """The Create page: every software template, its parameters and the command that runs it."""
    from pathlib import Path

    from generator.scaffold import TemplateProblem, find_templates

    try:
        templates = [t.to_json() for t in find_templates([Path(d) for d in template_dirs]).values()]
        error = None
    except TemplateProblem as exc:
        templates, error = [], str(exc)
    return {"templates": templates, "error": error}


_ORG_KINDS = ("group:", "user:", "system:", "domain:", "location:")


def migration_view(ix: PortalIndex) -> dict[str, Any]:
    """Migration into .af by team: services declared in .af, only in YAML; repos declaring none."""
    by_team: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    service_repos: set[str] = set()
    for ref in ix.entities:
        if not ref.startswith("component:"):
            continue
        by_team[ix.owner(ref) or ""][0 if ix.ann(ref, "lookout/terraform-address") else 1] += 1
        service_repos.add(ix.ann(ref, "lookout/repo") or "")
    # A repo of only Groups, Users, Systems... (the org repo) declares no service and needs none.
    repo_kinds: dict[str, set[bool]] = defaultdict(set)
    for ref in ix.entities:
        repo_kinds[ix.ann(ref, "lookout/repo") or ""].add(ref.startswith(_ORG_KINDS))
    nowhere = sorted(r for r in ix.sources if r not in service_repos and repo_kinds.get(r) != {True})
    rows = [{"team": ix.title(t) if t else "(no owner)", "url": ix.urls.get(t), "in_af": a, "yaml_only": y,
             "pct": round(100 * a / (a + y)) if a + y else 0}
            for t, (a, y) in sorted(by_team.items(), key=lambda kv: (-kv[1][1], kv[0]))]
    return {"rows": rows, "nowhere": nowhere}
