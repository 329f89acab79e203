"""What the search index holds: one record per entity (from catalog.json) and per docs page;
in a large org (sharded Resources), one record per group of Resources (repo, type, owner).

Entity records are written from catalog.json, not read back from the
entity pages, so an entity is searchable however its page is rendered (a
static page or a client-rendered shard). Each record is a small HTML
document for Pagefind: the title and name weigh most, then what the
entity is ("Kind: Resource · Type: kafka-cluster"), then owner, lifecycle,
system and tags, then the description. Labels and values are separate
words, so a search for ``kafka`` matches the type, not "Typekafka".

Docs pages are the HTML the docs stage wrote (theme/techdocs/main.html
marks their body, filters and meta); mermaid sources are excluded by the
index config (see index.EXCLUDE), so diagrams are not prose.

Every value comes from a repo, so everything is escaped here.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Iterator

from markupsafe import escape as _escape

from generator.portal.index import canonical_ref, kind_label, page_url, shard_resources, split_ref


@dataclass(frozen=True)
class Record:
    """One page of the index: ``key`` picks its bucket, ``sig`` says when it changed."""
    key: str
    url: str
    sig: str
    path: Path | None = None     # a docs page: its HTML is read from here when the bucket is built
    html: str | None = None      # an entity: its record, built from catalog.json

    def content(self) -> str:
        if self.html is not None:
            return self.html
        assert self.path is not None
        return self.path.read_text(encoding="utf-8", errors="replace")


def escape(text: str) -> str:
    """HTML-escape (markupsafe's C speedups: a quiet night re-makes every record)."""
    return str(_escape(text))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _short(ref: Any) -> str:
    """``group:default/payments`` -> ``payments`` (what pages and docs show as the owner)."""
    return split_ref(ref)[2] if isinstance(ref, str) and ref else ""


@dataclass(frozen=True)
class _Fields:
    """What a record shows of one entity (every value from a repo: escaped when written)."""
    name: str
    title: str
    kind: str
    type: str
    owner: str
    lifecycle: str
    system: str
    tags: list[str]
    description: str

    @classmethod
    def of(cls, entity: dict[str, Any]) -> _Fields:
        meta, spec = entity.get("metadata") or {}, entity.get("spec") or {}
        name = _text(meta.get("name"))
        return cls(name=name, title=_text(meta.get("title")) or name,
                   kind=kind_label(str(entity.get("kind") or "")), type=_text(spec.get("type")),
                   owner=_short(spec.get("owner")), lifecycle=_text(spec.get("lifecycle")),
                   system=_short(spec.get("system")),
                   tags=sorted({t.strip() for t in meta.get("tags") or [] if isinstance(t, str) and t.strip()}),
                   description=_text(meta.get("description")))

    def body(self, heading: str) -> list[str]:
        """The searchable text: title (weight 10), name (8), what it is (4), the rest (2), description."""
        e = escape
        what = [f"Kind: {self.kind}"] + ([f"Type: {self.type}"] if self.type else [])
        more = [f"{label}: {value}" for label, value in
                (("Owner", self.owner), ("Lifecycle", self.lifecycle), ("System", self.system)) if value]
        if self.tags:
            more.append("Tags: " + ", ".join(self.tags))
        parts = [heading]
        if self.name and self.name != self.title:
            parts.append(f'<p data-pagefind-weight="8">{e(self.name)}</p>')
        parts.append(f'<p data-pagefind-weight="4">{e(" · ".join(what))}</p>')
        if more:
            parts.append(f'<p data-pagefind-weight="2">{e(" · ".join(more))}</p>')
        if self.description:
            parts.append(f"<p>{e(self.description)}</p>")
        return parts


def _record_html(filters: list[tuple[str, str]], metas: list[tuple[str, str]], body: list[str]) -> str:
    e = escape
    parts = ['<html lang="en"><body>']
    parts += [f'<span data-pagefind-filter="{k}">{e(v)}</span>' for k, v in filters]
    parts += [f'<span data-pagefind-meta="{k}">{e(v)}</span>' for k, v in metas if v]
    parts.append("<main data-pagefind-body>")
    parts += body
    parts.append("</main></body></html>")
    return "".join(parts)


def entity_html(entity: dict[str, Any], sharded: bool = False) -> tuple[str, str] | None:
    """(url, record HTML) of one catalog entity, or None if it has no page URL.
    ``sharded``: the catalog's Resources are shards (a Resource's URL is ``…/resource/?name=``)."""
    url = page_url(canonical_ref(entity), sharded)
    if url is None:
        return None
    f = _Fields.of(entity)
    filters = [("is", "entity"), ("kind", f.kind)] + [(k, v) for k, v in (
        ("type", f.type), ("owner", f.owner), ("lifecycle", f.lifecycle)) if v] + [("tag", t) for t in f.tags]
    metas = [("title", f.title), ("name", f.name), ("kind", f.kind), ("type", f.type), ("owner", f.owner),
             ("lifecycle", f.lifecycle)]
    body = f.body(f'<h1 data-pagefind-weight="10">{escape(f.title)}</h1>')
    return "/" + url, _record_html(filters, metas, body)


# A group record holds at most this many Resources (a bigger group is split, in name order):
# a record is one fragment, loaded whole for a hit.
GROUP_MAX = 100


def group_html(ns: str, key: str, members: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """(url, record HTML) of sharded Resources that share repo, type and owner (``key`` names
    the group; ``members``: each by the name of its ref, the one its URL holds). One record,
    each member a heading whose id is that name, so Pagefind answers a query with the members
    it matched as sub-results (``url#name``). The browser turns each into a hit of its own
    (search-core.js ``expand``), from the ``members`` meta: [name, title or "", lifecycle,
    tags] each. Type and owner are the group's; lifecycle and tag filters list every member's
    value and the browser keeps the members that match."""
    fields = [(slug, _Fields.of(members[slug])) for slug in sorted(members)]
    first = fields[0][1]
    lifecycles = sorted({f.lifecycle for _, f in fields if f.lifecycle})
    tags = sorted({t for _, f in fields for t in f.tags})
    filters = ([("is", "entity"), ("kind", first.kind)] + [(k, v) for k, v in (
        ("type", first.type), ("owner", first.owner)) if v]
        + [("lifecycle", v) for v in lifecycles] + [("tag", t) for t in tags])
    table = [[slug, "" if f.title == slug else f.title, f.lifecycle, f.tags] for slug, f in fields]
    metas = [("title", f"{first.type or first.kind} of {first.owner}"), ("kind", first.kind),
             ("type", first.type), ("owner", first.owner),
             ("members", json.dumps(table, ensure_ascii=False, separators=(",", ":")))]
    body = []
    for slug, f in fields:  # the ref's name is [a-z0-9-_.] (page_url checked it): safe as an id
        body += f.body(f'<h2 id="{slug}" data-pagefind-weight="10">{escape(f.title)}</h2>')
    return f"/catalog/{ns}/resource/?group={key}", _record_html(filters, metas, body)


def _record(repo: Any, url: str, html: str) -> Record:
    return Record(key=str(repo or ""), url=url, html=html, sig=hashlib.sha256(html.encode("utf-8")).hexdigest())


def _repo(entity: dict[str, Any]) -> Any:
    ann = (entity.get("metadata") or {}).get("annotations") or {}
    return ann.get("lookout/repo") if isinstance(ann, dict) else None


def entity_records(catalog: dict[str, Any], resource_pages: str = "auto") -> list[Record]:
    """Every entity that has a page; bucketed by its repo, so one repo's change touches one bucket.

    When Resources are shards (a large org), those of one repo, type and owner are one group
    record (group_html): a few records instead of one per Resource, which is what a query
    loads (Pagefind's list of pages, ~6 bytes each, for every bucket)."""
    out: dict[str, Record] = {}
    sharded = shard_resources(catalog, resource_pages)  # the portal's choice, so links match its pages
    groups: dict[tuple[str, str, str, str], dict[str, dict[str, Any]]] = {}
    for entity in catalog.get("entities") or []:
        if not isinstance(entity, dict):
            continue
        made = entity_html(entity, sharded)
        if made is None:
            continue
        if sharded and str(entity.get("kind") or "").lower() == "resource":
            _, ns, slug = split_ref(canonical_ref(entity))
            spec = entity.get("spec") or {}
            gkey = (str(_repo(entity) or ""), ns, _text(spec.get("type")), _text(spec.get("owner")))
            groups.setdefault(gkey, {})[slug] = entity  # one per URL, the last as above
            continue
        url, html = made
        out[url] = _record(_repo(entity), url, html)
    for (repo, ns, etype, owner), members in groups.items():
        if len(members) == 1:  # a group of one is the Resource's own record
            url, html = entity_html(next(iter(members.values())), sharded)  # type: ignore[misc]
            out[url] = _record(repo, url, html)
            continue
        slugs = sorted(members)
        digest = hashlib.sha256(f"{repo}\0{etype}\0{owner}".encode()).hexdigest()[:12]
        for i in range(0, len(slugs), GROUP_MAX):
            url, html = group_html(ns, f"{digest}-{i // GROUP_MAX}",
                                   {slug: members[slug] for slug in slugs[i:i + GROUP_MAX]})
            out[url] = _record(repo, url, html)
    return [out[u] for u in sorted(out)]


def _pages(site_root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(site_root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".html") and name != "404.html":
                yield Path(folder, name)


def docs_records(site_dir: Path, docs_subdir: str = "docs") -> list[Record]:
    """Every docs page under ``site_dir/docs/<ns>/<kind>/<name>/``; bucketed by its docs site.

    A page's signature is its size and mtime: unchanged docs sites are hard links
    into the docs cache (same inode, same mtime), so a quiet night reads no HTML.
    """
    root = Path(site_dir) / docs_subdir
    out: list[Record] = []
    if not root.is_dir():
        return out
    for path in _pages(root):
        rel = path.relative_to(site_dir).as_posix()
        parts = rel.split("/")
        if len(parts) < 5:
            continue
        url = "/" + (rel[: -len("index.html")] if path.name == "index.html" else rel)
        st = path.stat()
        out.append(Record(key="/".join(parts[1:4]), url=url, path=path,
                          sig=f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"))
    return out
