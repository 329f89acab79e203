"""What the search index holds: one record per entity (from catalog.json) and per docs page.

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


def entity_html(entity: dict[str, Any], sharded: bool = False) -> tuple[str, str] | None:
    """(url, record HTML) of one catalog entity, or None if it has no page URL.
    ``sharded``: the catalog's Resources are shards (a Resource's URL is ``…/resource/?name=``)."""
    ref = canonical_ref(entity)
    url = page_url(ref, sharded)
    if url is None:
        return None
    meta, spec = entity.get("metadata") or {}, entity.get("spec") or {}
    name = _text(meta.get("name"))
    title = _text(meta.get("title")) or name
    kind = kind_label(str(entity.get("kind") or ""))
    etype, lifecycle = _text(spec.get("type")), _text(spec.get("lifecycle"))
    owner, system = _short(spec.get("owner")), _short(spec.get("system"))
    tags = sorted({t.strip() for t in meta.get("tags") or [] if isinstance(t, str) and t.strip()})
    description = _text(meta.get("description"))

    what = [f"Kind: {kind}"] + ([f"Type: {etype}"] if etype else [])
    more = [f"{label}: {value}" for label, value in
            (("Owner", owner), ("Lifecycle", lifecycle), ("System", system)) if value]
    if tags:
        more.append("Tags: " + ", ".join(tags))
    filters = [("is", "entity"), ("kind", kind)] + [(k, v) for k, v in (
        ("type", etype), ("owner", owner), ("lifecycle", lifecycle)) if v] + [("tag", t) for t in tags]
    metas = [("title", title), ("name", name), ("kind", kind), ("type", etype), ("owner", owner),
             ("lifecycle", lifecycle)]
    e = escape
    parts = ['<html lang="en"><body>']
    parts += [f'<span data-pagefind-filter="{k}">{e(v)}</span>' for k, v in filters]
    parts += [f'<span data-pagefind-meta="{k}">{e(v)}</span>' for k, v in metas if v]
    parts.append("<main data-pagefind-body>")
    parts.append(f'<h1 data-pagefind-weight="10">{e(title)}</h1>')
    if name and name != title:
        parts.append(f'<p data-pagefind-weight="8">{e(name)}</p>')
    parts.append(f'<p data-pagefind-weight="4">{e(" · ".join(what))}</p>')
    if more:
        parts.append(f'<p data-pagefind-weight="2">{e(" · ".join(more))}</p>')
    if description:
        parts.append(f"<p>{e(description)}</p>")
    parts.append("</main></body></html>")
    return "/" + url, "".join(parts)


def entity_records(catalog: dict[str, Any]) -> list[Record]:
    """Every entity that has a page; bucketed by its repo, so one repo's change touches one bucket."""
    out: dict[str, Record] = {}
    sharded = shard_resources(catalog)  # the portal's choice ("auto"), so links match its pages
    for entity in catalog.get("entities") or []:
        if not isinstance(entity, dict):
            continue
        made = entity_html(entity, sharded)
        if made is None:
            continue
        url, html = made
        ann = (entity.get("metadata") or {}).get("annotations") or {}
        repo = ann.get("lookout/repo") if isinstance(ann, dict) else None
        out[url] = Record(key=str(repo or ""), url=url, html=html,
                          sig=hashlib.sha256(html.encode("utf-8")).hexdigest())
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
