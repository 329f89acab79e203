"""Sharded Resources: one page per namespace renders any of them from a JSON shard.

When a catalog has more Resources than ``RESOURCE_PAGES_MAX`` (index.py), a
page each would be most of the site's bytes and files (250,000 resources:
half a million files with their search fragments). Instead:

- ``catalog/<ns>/resource/index.html``: one page per namespace, the entity
  page's shell around a loader; ``?name=<name>`` says which Resource. Works on
  any static host, no server rule, no 404 trick; linkable and shareable.
- ``catalog/<ns>/resource/shards/<i>.json.gz``: the Resources whose name hashes
  to shard ``i`` (FNV-1a 32 over the name's UTF-8 bytes, modulo the shard
  count, a power of two giving about ``PER_SHARD`` per shard), gzip of

      {"v": 1, "ns": "default", "shard": 3, "shards": 512,
       "resources": {"<name>": {"ref": "resource:default/<name>", "title": "…",
                                "body": "<div class=\"lk-entity\" …>…</div>"}}}

  ``body`` is the entity page's body, rendered and escaped by the same code
  as a static entity page (entity_page.py + theme/lookout/entity.html), with
  links relative to ``catalog/<ns>/resource/``. The browser (theme/assets/
  lookout/entity.js) fetches the shard, un-gzips it (DecompressionStream) and
  shows the body. ``read_shard`` reads one in Python (tests, other tools).

Shards are rebuilt only when one of their Resources' page keys changed
(entity_pages.py); gzip with a fixed mtime, so the bytes are reproducible.
"""
from __future__ import annotations

import gzip
import hashlib
from collections import defaultdict
from pathlib import Path

from markupsafe import escape

from generator import jsonbytes
from generator.portal.index import PortalIndex, split_ref

PER_SHARD = 64
# Measured on L's shards (~550 KB of JSON each): level 6 took 7.0 ms and gave 32.8 KB,
# level 4 3.6 ms and 37.9 KB. One repo's change re-assembles hundreds of them.
SHARD_GZIP_LEVEL = 4
SHARD_DIR = "shards"


def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_count(n: int) -> int:
    count = 1
    while count * PER_SHARD < n:
        count *= 2
    return count


def plan(ix: PortalIndex) -> dict[str, list[list[str]]]:
    """namespace -> shards, each the refs (sorted) of the Resources in it."""
    by_ns: dict[str, list[str]] = defaultdict(list)
    for ref in sorted(ix.sharded):
        by_ns[split_ref(ref)[1]].append(ref)
    out: dict[str, list[list[str]]] = {}
    for ns, refs in sorted(by_ns.items()):
        n = shard_count(len(refs))
        shards: list[list[str]] = [[] for _ in range(n)]
        for ref in refs:
            shards[fnv1a(split_ref(ref)[2]) % n].append(ref)
        out[ns] = shards
    return out


def shard_path(ns: str, i: int) -> str:
    return f"catalog/{ns}/resource/{SHARD_DIR}/{i}.json.gz"


def shard_key(members: list[tuple[str, str]]) -> str:
    """The key of a shard file: the page keys of its Resources, in order."""
    h = hashlib.blake2b(b"resource-shard-v1", digest_size=20)
    for ref, key in members:
        h.update(f"{ref}\0{key}\n".encode())
    return h.hexdigest()


def shard_bytes(ns: str, i: int, n: int, resources: list[tuple[str, str, str]]) -> bytes:
    """``resources``: (ref, title, body HTML), sorted by ref."""
    doc = {"v": 1, "ns": ns, "shard": i, "shards": n,
           "resources": {split_ref(ref)[2]: {"ref": ref, "title": title, "body": body}
                         for ref, title, body in resources}}
    raw = jsonbytes.dumps(doc, sort_keys=False)
    return gzip.compress(raw, compresslevel=SHARD_GZIP_LEVEL, mtime=0)


def read_shard(path: Path) -> dict:
    return jsonbytes.loads(gzip.decompress(Path(path).read_bytes()))


def loader_body(ns: str, shards: int, base: str, site_name: str, mermaid: str | None = None) -> str:
    """The namespace page's body: entity.js fills it from the shard named by ?name=, then
    loads ``mermaid`` (the script's path in the site; None: no diagrams) and draws the diagram."""
    e = escape
    script = f' data-mermaid="{e(base)}/{e(mermaid)}"' if mermaid else ""
    return (f'<div class="lk-resource" id="lk-resource" data-ns="{e(ns)}" data-shards="{shards}" '
            f'data-src="{SHARD_DIR}/" data-site-name="{e(site_name)}"{script}>'
            f'<h1 id="lk-resource-title">Resources in {e(ns)}</h1>'
            f'<p class="lk-note" id="lk-resource-status">Loading…</p>'
            f'<noscript><p>This page shows one Resource, rendered in the browser: it needs JavaScript. '
            f'The <a href="{e(base)}/catalog/">catalog</a> lists every Resource.</p></noscript></div>')
