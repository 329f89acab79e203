"""Everything the portal needs from catalog.json, computed once per build.

O(entities + relations): one pass for URLs, problems and facets; the graph
walks (transitive dependents, what a group owns) run lazily per page and
touch only that page's neighbourhood.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from generator.graph import CatalogGraph


KIND_ORDER = ["component", "api", "resource", "system", "domain", "group", "user", "location", "template"]
KIND_LABEL = {"component": "Component", "api": "API", "resource": "Resource", "system": "System",
              "domain": "Domain", "group": "Group", "user": "User", "location": "Location",
              "template": "Template"}
SEVERITIES = ("error", "warning", "info")

ANN_REPO, ANN_FILE, ANN_LINE = "lookout/repo", "lookout/file", "lookout/line"
ANN_PAGERDUTY = "pagerduty.com/service-id"
ANN_TECHDOCS = "backstage.io/techdocs-ref"

# URL path segments: what Backstage allows, lower-cased. Anything else gets no page
# (a hand-edited catalog could hold "../x"), and is reported.
_NS_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_KIND_RE = re.compile(r"^[a-z][a-z0-9]{0,62}$")
_NAME_RE = re.compile(r"^([a-z0-9][-a-z0-9_.]{0,61})?[a-z0-9]$")


def canonical_ref(entity: dict) -> str:
    meta = entity.get("metadata") or {}
    return f"{entity.get('kind', '')}:{meta.get('namespace') or 'default'}/{meta.get('name', '')}".lower()


def split_ref(ref: str) -> tuple[str, str, str]:
    kind, _, rest = ref.partition(":")
    ns, _, name = rest.partition("/")
    return kind, ns, name


def entity_url(ref: str) -> str | None:
    """``catalog/<ns>/<kind>/<name>/`` (Backstage's shape), or None if unsafe as a path."""
    kind, ns, name = split_ref(ref)
    if _KIND_RE.match(kind) and _NS_RE.match(ns) and _NAME_RE.match(name):
        return f"catalog/{ns}/{kind}/{name}/"
    return None


# More Resources than this and they are not a page each but JSON shards, rendered in the
# browser by one page per namespace (resource_shards.py): at 25,000 resources, a page each
# was 375 MB of a site that must stay under a few hundred.
RESOURCE_PAGES_MAX = 5000
RESOURCE_PAGE_MODES = ("auto", "pages", "shards")


def shard_resources(catalog: dict[str, Any], mode: str = "auto") -> bool:
    """Whether this catalog's Resources are shards ("auto": when there are more than RESOURCE_PAGES_MAX)."""
    if mode in ("pages", "shards"):
        return mode == "shards"
    n = sum(1 for e in catalog.get("entities") or () if isinstance(e, dict) and e.get("kind") == "Resource")
    return n > RESOURCE_PAGES_MAX


def page_url(ref: str, sharded: bool) -> str | None:
    """The URL an entity is linked and shared by: its page, or for a sharded Resource the
    namespace's resource page naming it (``catalog/<ns>/resource/?name=<name>``)."""
    url = entity_url(ref)
    if url is not None and sharded and ref.startswith("resource:"):
        return _sharded_url(ref)
    return url


def _sharded_url(ref: str) -> str:
    """``page_url(ref, True)`` of a Resource whose ``entity_url`` was checked already."""
    _, ns, name = split_ref(ref)
    return f"catalog/{ns}/resource/?name={name}"


def kind_label(kind: str) -> str:
    return KIND_LABEL.get(kind.lower(), kind[:1].upper() + kind[1:])


@dataclass
class PortalProblem:
    """Something the portal itself found (a URL collision, an unsafe name)."""
    severity: str
    message: str
    entity_ref: str | None = None


class PortalIndex:
    def __init__(self, catalog: dict[str, Any], resource_pages: str = "auto"):
        self.catalog = catalog
        # Sharded Resources have a URL (urls) but no page of their own (page_refs).
        self.shards = shard_resources(catalog, resource_pages)
        self.sharded: set[str] = set()
        self.sources: dict[str, dict] = {}
        for src in catalog.get("sources") or []:
            if isinstance(src, dict) and isinstance(src.get("repo"), str):
                self.sources.setdefault(src["repo"], src)
        self.entities: dict[str, dict] = {}
        self.urls: dict[str, str] = {}
        docs = catalog.get("docs")
        # None: this catalog.json says nothing about built docs (a plain `lookout catalog`).
        self.docs_status: dict[str, str] | None = (
            {str(k).lower(): str((v or {}).get("status")) for k, v in docs.items() if isinstance(v, dict)}
            if isinstance(docs, dict) else None)
        self.portal_problems: list[PortalProblem] = []
        url_owner: dict[str, str] = {}
        for ent in catalog.get("entities") or []:
            if not isinstance(ent, dict) or not isinstance(ent.get("metadata"), dict):
                self.portal_problems.append(PortalProblem("error", "an entity without metadata was skipped"))
                continue
            ref = canonical_ref(ent)
            if ref in self.entities:
                self.portal_problems.append(PortalProblem(
                    "error", f"{_display_ref(ent)} has the same page URL as {_display_ref(self.entities[ref])} "
                             f"(entity refs are case-insensitive); only the first is shown", ref))
                continue
            self.entities[ref] = ent
            url = entity_url(ref)
            if url is None:
                self.portal_problems.append(PortalProblem(
                    "error", f"{_display_ref(ent)}: kind, namespace or name is not valid in a URL; no page", ref))
                continue
            # Belt and braces: distinct refs give distinct URLs, but check what lands on disk.
            if url in url_owner:
                self.portal_problems.append(PortalProblem(
                    "error", f"{ref} and {url_owner[url]} would both be written to /{url}; only the first is kept",
                    ref))
                continue
            url_owner[url] = ref
            if self.shards and ref.startswith("resource:"):
                self.sharded.add(ref)
                url = _sharded_url(ref)
            self.urls[ref] = url
        self.graph = CatalogGraph.from_refs(self.entities.items())
        # Owner of every entity, once (O(relations)); pages ask for it per table row. From
        # the graph's plain adjacency dicts (its nodes are these entities, its edges their
        # relations to them): the relations' own list needed a str, lower and type test each.
        self.owner_of: dict[str, str] = {}
        for ref, adj in self.graph.g._succ.items():
            owners = [t for t, keys in adj.items() if "ownedBy" in keys]
            if owners:
                self.owner_of[ref] = min(owners)
        self.problems: list[dict] = [p for p in catalog.get("problems") or [] if isinstance(p, dict)]
        self.problems_by_ref: dict[str, list[dict]] = defaultdict(list)
        for p in self.problems:
            if isinstance(p.get("entityRef"), str):
                self.problems_by_ref[p["entityRef"].lower()].append(p)
        for pp in self.portal_problems:
            if pp.entity_ref:
                self.problems_by_ref[pp.entity_ref].append(
                    {"severity": pp.severity, "message": pp.message, "repo": None, "file": None,
                     "line": None, "entityRef": pp.entity_ref})

    @property
    def page_refs(self) -> list[str]:
        """Entities with a static page of their own."""
        return [r for r in self.urls if r not in self.sharded]

    # -- small lookups ---------------------------------------------------------------
    def entity(self, ref: str) -> dict | None:
        return self.entities.get(ref)

    def title(self, ref: str) -> str:
        ent = self.entities.get(ref)
        if ent is None:
            return split_ref(ref)[2]
        meta = ent["metadata"]
        # Groups and Users are known by their profile's display name, as Backstage shows them.
        profile = (ent.get("spec") or {}).get("profile") if ref.startswith(("group:", "user:")) else None
        display = profile.get("displayName") if isinstance(profile, dict) else None
        return str(meta.get("title") or (display if isinstance(display, str) and display.strip() else None)
                   or meta.get("name") or ref)

    def owner(self, ref: str) -> str | None:
        return self.owner_of.get(ref)

    def ann(self, ref: str, key: str) -> str | None:
        ent = self.entities.get(ref)
        ann = (ent or {}).get("metadata", {}).get("annotations") or {}
        val = ann.get(key) if isinstance(ann, dict) else None
        return str(val) if val not in (None, "") else None

    def spec(self, ref: str, key: str) -> Any:
        ent = self.entities.get(ref) or {}
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        return spec.get(key)

    def source_url(self, repo: str | None, file: str | None, line: Any = None) -> str | None:
        """Web URL of a file (and line) in a repo, when the catalog knows the repo's URL."""
        from urllib.parse import quote

        src = self.sources.get(repo or "")
        base = src.get("url") if src else None
        if not isinstance(base, str) or not base.lower().startswith(("https://", "http://")):
            return None
        if not file:
            return base
        commit = src.get("commit") or "HEAD"
        url = f"{base.rstrip('/')}/-/blob/{quote(str(commit), safe='')}/{quote(str(file), safe='/')}"
        return f"{url}#L{int(line)}" if isinstance(line, int) or (isinstance(line, str) and line.isdigit()) else url

    # -- whole-catalog summaries (once per build) ---------------------------------
    def kind_counts(self) -> list[tuple[str, int]]:
        counts = Counter(split_ref(r)[0] for r in self.entities)
        order = {k: i for i, k in enumerate(KIND_ORDER)}
        return sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))

    def severity_counts(self) -> dict[str, int]:
        counts = Counter(str(p.get("severity")) for p in self.problems)
        for pp in self.portal_problems:
            counts[pp.severity] += 1
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def docs_state(self, ref: str) -> str | None:
        """"built", "failed", or None (no docs); "built" is assumed for a techdocs-ref when
        the catalog does not record what the docs stage did."""
        if not self.ann(ref, ANN_TECHDOCS):
            return None
        if self.docs_status is None:
            return "built"
        return self.docs_status.get(ref) or None

    def coverage(self) -> dict[str, Any]:
        comps = [r for r in self.entities if r.startswith("component:")]
        total = len(comps)
        owned = sum(1 for r in comps if r in self.owner_of)   # owner_of: from the same ownedBy edges
        docs = sum(1 for r in comps if self.docs_state(r) == "built")
        oncall = sum(1 for r in comps if self.ann(r, ANN_PAGERDUTY))
        # Migration into .af: a Component drafted from Terraform carries its address.
        in_af = sum(1 for r in comps if self.ann(r, "lookout/terraform-address"))

        def pct(n: int) -> int:
            return round(100 * n / total) if total else 0
        return {"total": total, "rows": [
            ("owner", "with an owner", owned, pct(owned)),
            ("docs", "with docs", docs, pct(docs)),
            ("oncall", "with on-call", oncall, pct(oncall)),
            ("af", "declared in .af", in_af, pct(in_af)),
        ]}


def _display_ref(ent: dict) -> str:
    meta = ent.get("metadata") or {}
    return f"{ent.get('kind')}:{meta.get('namespace') or 'default'}/{meta.get('name')}"
