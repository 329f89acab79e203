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

import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from markupsafe import escape as _escape

from generator.portal.index import canonical_ref, kind_label, page_url, shard_resources, split_ref


@dataclass(frozen=True)
class Record:
    """One page of the index: ``key`` picks its bucket, ``sig`` says when it changed.

    Its HTML is made (an entity) or read (a docs page) only when its bucket is built: a
    build with one repo changed needs the HTML of one bucket's records, and every other
    record's signature only, which costs a digest of the values the record shows."""
    key: str
    url: str
    sig: str
    make: Callable[[], str]     # its HTML: an entity's or a group's written, a docs page's read

    def content(self) -> str:
        return self.make()


def escape(text: str) -> str:
    """HTML-escape (markupsafe's C speedups: a quiet night re-makes every record)."""
    return str(_escape(text))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _short(ref: Any) -> str:
    """``group:default/payments`` -> ``payments`` (what pages and docs show as the owner)."""
    return split_ref(ref)[2] if isinstance(ref, str) and ref else ""


def _inputs(entity: dict[str, Any]) -> tuple:
    """Every value of an entity that its record shows or is bucketed and grouped by, as it is
    in catalog.json. _Fields reads nothing else, so a record is a function of these (its URL
    aside, which is part of every bucket's key anyway) and their digest is its signature."""
    meta, spec = entity.get("metadata") or {}, entity.get("spec") or {}
    ann = meta.get("annotations")
    return (entity.get("kind"), meta.get("namespace"), meta.get("name"), meta.get("title"),
            meta.get("tags"), meta.get("description"), spec.get("type"), spec.get("owner"),
            spec.get("lifecycle"), spec.get("system"),
            ann.get("lookout/repo") if isinstance(ann, dict) else None)


@functools.lru_cache(maxsize=1)
def _code() -> bytes:
    """What else a record is a function of: the code that writes it (this module, the portal's
    URLs and kind labels, markupsafe), so a new Lookout never reuses an old bucket."""
    try:
        escaper = version("markupsafe")
    except PackageNotFoundError:
        escaper = "unknown"
    h = hashlib.sha256(f"{sys.version_info[:2]}\0{escaper}\0".encode())
    for module in sorted({__name__} | {f.__module__ for f in (canonical_ref, kind_label, page_url, split_ref)}):
        try:
            h.update(Path(sys.modules[module].__file__ or "").read_bytes())
        except OSError:  # no source file (a frozen install): its name, and the versions above
            h.update(module.encode())
    return h.digest()[:16]


def _sig(*parts: Any) -> str:
    # repr is exact for what JSON holds (str, numbers, None, lists, dicts), so two inputs
    # share a signature only if they are equal
    text = repr(parts).encode("utf-8", "backslashreplace")
    return hashlib.blake2b(text, digest_size=16, key=_code()).hexdigest()


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
        kind, _ns, name, title, tags, description, etype, owner, lifecycle, system, _repo = _inputs(entity)
        name = _text(name)
        return cls(name=name, title=_text(title) or name, kind=kind_label(str(kind or "")), type=_text(etype),
                   owner=_short(owner), lifecycle=_text(lifecycle), system=_short(system),
                   tags=sorted({t.strip() for t in tags or [] if isinstance(t, str) and t.strip()}),
                   description=_text(description))

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


def entity_records(catalog: dict[str, Any], resource_pages: str = "auto") -> list[Record]:
    """Every entity that has a page; bucketed by its repo, so one repo's change touches one bucket.

    When Resources are shards (a large org), those of one repo, type and owner are one group
    record (group_html): a few records instead of one per Resource, which is what a query
    loads (Pagefind's list of pages, ~6 bytes each, for every bucket).

    A record's signature is the digest of its entities' inputs (_inputs), its HTML is made
    only if its bucket is built (Record.make): unchanged entities cost a digest each."""
    out: dict[str, Record] = {}
    sharded = shard_resources(catalog, resource_pages)  # the portal's choice, so links match its pages
    groups: dict[tuple[str, str, str, str], dict[str, tuple[str, dict[str, Any], tuple]]] = {}
    for entity in catalog.get("entities") or []:
        if not isinstance(entity, dict):
            continue
        ref = canonical_ref(entity)
        url = page_url(ref, sharded)
        if url is None:
            continue
        inputs = _inputs(entity)
        if sharded and str(entity.get("kind") or "").lower() == "resource":
            _, ns, slug = split_ref(ref)
            gkey = (str(inputs[-1] or ""), ns, _text(inputs[6]), _text(inputs[7]))
            groups.setdefault(gkey, {})[slug] = ("/" + url, entity, inputs)  # one per URL, the last
            continue
        out["/" + url] = _single("/" + url, entity, inputs, sharded)
    for (repo, ns, etype, owner), members in groups.items():
        if len(members) == 1:  # a group of one is the Resource's own record
            url, entity, inputs = next(iter(members.values()))
            out[url] = _single(url, entity, inputs, sharded)
            continue
        slugs = sorted(members)
        digest = hashlib.sha256(f"{repo}\0{etype}\0{owner}".encode()).hexdigest()[:12]
        for i in range(0, len(slugs), GROUP_MAX):
            chunk = slugs[i:i + GROUP_MAX]
            key = f"{digest}-{i // GROUP_MAX}"
            url = f"/catalog/{ns}/resource/?group={key}"
            out[url] = Record(key=repo, url=url, sig=_sig("group", [(s, members[s][2]) for s in chunk]),
                              make=functools.partial(_group, ns, key, {s: members[s][1] for s in chunk}))
    return [out[u] for u in sorted(out)]


def _single(url: str, entity: dict[str, Any], inputs: tuple, sharded: bool) -> Record:
    return Record(key=str(inputs[-1] or ""), url=url, sig=_sig("entity", inputs),
                  make=functools.partial(_entity, entity, sharded))


def _entity(entity: dict[str, Any], sharded: bool) -> str:
    return entity_html(entity, sharded)[1]  # type: ignore[index]  # it has a URL (entity_records)


def _group(ns: str, key: str, members: dict[str, dict[str, Any]]) -> str:
    return group_html(ns, key, members)[1]


def docs_records(site_dir: Path, docs_subdir: str = "docs",
                 elsewhere: dict[str, Path] | None = None) -> list[Record]:
    """Every docs page under ``site_dir/docs/<ns>/<kind>/<name>/``; bucketed by its docs site.

    A page's signature is its size, mtime and inode: unchanged docs sites are hard links
    into the docs cache (the same inode and mtime), so a quiet night reads no HTML.
    Plain strings, not Paths: ~8,000 pages at 1,000 repos, walked on every build.
    ``elsewhere``: docs sites held by another site folder (``docs/<ns>/<kind>/<name>`` ->
    that folder), in the order a walk of one tree holding them all gives.
    """
    site = os.fspath(site_dir)
    by_site: dict[str, list[Record]] = {}
    for sub, root in sorted((elsewhere or {}).items()):
        by_site[sub] = _site_pages(os.path.join(os.fspath(root), sub), sub)
    for folder, dirs, _ in os.walk(os.path.join(site, docs_subdir)):
        dirs.sort()
        rel = os.path.relpath(folder, site).replace(os.sep, "/")
        if len(rel.split("/")) == 4:   # docs/<ns>/<kind>/<name>/
            by_site[rel] = _site_pages(folder, rel)
            dirs.clear()
    # A walk of one tree: sites in the order of their path's parts, each as walked.
    return [r for sub in sorted(by_site, key=lambda k: k.split("/")) for r in by_site[sub]]


def _site_pages(top: str, sub: str) -> list[Record]:
    key = "/".join(sub.split("/")[1:4])
    out: list[Record] = []
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        inner = os.path.relpath(folder, top).replace(os.sep, "/")
        rel = sub if inner == "." else f"{sub}/{inner}"
        for name in sorted(files):
            if not name.endswith(".html") or name == "404.html":
                continue
            path = os.path.join(folder, name)
            st = os.stat(path)
            url = f"/{rel}/" if name == "index.html" else f"/{rel}/{name}"
            out.append(Record(key=key, url=url, sig=f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}",
                              make=functools.partial(_docs_page, path)))
    return out


# Where what Pagefind reads of a docs page begins (theme/techdocs/main.html's content block:
# the filter and meta spans, then the body). Before it is the theme's chrome (the header, the
# navigation, ~60% of a page's bytes) and nothing Pagefind reads.
_CONTENT_MARKS = ('<span hidden data-pagefind-filter="', '<span hidden data-pagefind-meta="',
                  "<div data-pagefind-body>")


def _docs_page(path: str) -> str:
    """A docs page's HTML as Pagefind is fed it: its head, then from the content block on.
    Pagefind writes the same bundle either way (a test builds both), parsing 40% of the bytes.
    Without the marks (a page not from that template), the page as it is."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        html = fh.read()
    body = html.find(_CONTENT_MARKS[2])
    head = html.find("</head>")
    if body < 0 or head < 0:
        return html
    start = min([body] + [i for i in (html.find(m, 0, body) for m in _CONTENT_MARKS[:2]) if i >= 0])
    return html if start < head else html[:head + len("</head>")] + html[start:]
