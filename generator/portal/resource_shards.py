"""Sharded Resources: one page per namespace renders any of them from a JSON shard.

When a catalog has more Resources than ``RESOURCE_PAGES_MAX`` (index.py), a
page each would be most of the site's bytes and files (250,000 resources:
half a million files with their search fragments). Instead, per namespace:

- ``catalog/<ns>/resource/index.html``: the entity page's shell around a
  loader; ``?name=<name>`` says which Resource. Works on any static host, no
  server rule, no 404 trick; linkable and shareable.
- ``catalog/<ns>/resource/shards/<repo>-<k>.json.gz``: the Resources of one
  repo (its ``lookout/repo`` annotation; those without one are a group of
  their own), split into ``ceil(n / PER_SHARD)`` chunks by ``name_hash(name)``;
  ``<repo>`` is a hash of the repo's name. So one repo's change rewrites that
  repo's shards only, and no other repo's change renames them (a running
  number over all repos would). Gzip of

      {"v": 2, "ns": "default", "shard": "5d41402abc4b-0", "repo": "payments",
       "resources": {"<name>": {"ref": "resource:default/<name>", "title": "…",
                                "body": "<div class=\"lk-entity\" …>…</div>"}}}

  ``body`` is the entity page's body, rendered and escaped by the same code
  as a static entity page (entity_page.py + theme/lookout/entity.html), with
  links relative to ``catalog/<ns>/resource/``.
- ``catalog/<ns>/resource/shards/dir/<j>.json.gz``: which shard holds a name,
  for the names with ``name_hash(name) % dirs == j`` (``dirs``: a power of two
  giving about ``DIR_NAMES`` names a file; the page carries it), gzip of
  ``{"v": 2, "ns": "default", "dir": 3, "dirs": 8, "names": {"<name>": "5d41402abc4b-0"}}``.
  Every one of the ``dirs`` files is written, empty or not.

The browser (theme/assets/lookout/entity.js) fetches the name's directory
file, then its shard (un-gzipped with DecompressionStream), and shows the
body. ``name_hash`` is CRC-32 (zlib's) of the name's UTF-8 bytes: C in Python,
a few lines in entity.js (tested to agree). ``find_resource`` finds one in
Python (tests, other tools), ``read_shard`` reads any of these files.

A shard is rebuilt only when one of its Resources' page keys changed, a
directory file only when what it lists changed (entity_pages.py); gzip with a
fixed mtime, so the bytes are reproducible.
"""
from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import escape

from generator import jsonbytes
from generator.portal.index import ANN_REPO, PortalIndex, split_ref

PER_SHARD = 64
DIR_NAMES = 256
# Measured on L's shards (~550 KB of JSON each): level 6 took 7.0 ms and gave 32.8 KB,
# level 4 3.6 ms and 37.9 KB.
SHARD_GZIP_LEVEL = 4
SHARD_DIR = "shards"
FORMAT = 2


def name_hash(name: str) -> int:
    """CRC-32 of the UTF-8 bytes (entity.js has the same)."""
    return zlib.crc32(name.encode("utf-8"))


def dir_count(n: int) -> int:
    count = 1
    while count * DIR_NAMES < n:
        count *= 2
    return count


@dataclass
class Shard:
    file: str               # "<repo hash>-<k>", the file's name without .json.gz
    repo: str | None
    refs: list[str]         # sorted


@dataclass
class NamespacePlan:
    shards: list[Shard] = field(default_factory=list)
    dirs: list[list[tuple[str, str]]] = field(default_factory=list)  # per file: (name, shard file), sorted


def _repo_stems(repos: list[str | None]) -> dict[str | None, str]:
    """A file-name stem per repo: a hash of its name, so it stays when other repos come and go.
    A collision (48 bits: unlikely) is settled in sorted order, so it is still deterministic."""
    out: dict[str | None, str] = {}
    taken: set[str] = set()
    for repo in sorted(repos, key=lambda r: (r is not None, r or "")):
        seed, salt = (b"no-repo" if repo is None else b"repo\0" + repo.encode("utf-8")), 0
        while True:
            stem = hashlib.blake2b(seed + (b"\0%d" % salt if salt else b""), digest_size=6).hexdigest()
            if stem not in taken:
                break
            salt += 1
        taken.add(stem)
        out[repo] = stem
    return out


def plan(ix: PortalIndex) -> dict[str, NamespacePlan]:
    """namespace -> its shards (grouped by repo) and directory files."""
    by_ns: dict[str, dict[str | None, list[str]]] = defaultdict(lambda: defaultdict(list))
    for ref in sorted(ix.sharded):
        by_ns[split_ref(ref)[1]][ix.ann(ref, ANN_REPO)].append(ref)
    out: dict[str, NamespacePlan] = {}
    for ns in sorted(by_ns):
        groups = by_ns[ns]
        stems = _repo_stems(list(groups))
        p = out[ns] = NamespacePlan()
        names: list[tuple[str, str]] = []
        for repo in sorted(groups, key=lambda r: stems[r]):
            refs = groups[repo]
            # Chunks by hash, not by position: one Resource more moves no other between shards
            # (nor changes its directory entry) until the repo's chunk count grows.
            chunks: list[list[str]] = [[] for _ in range(-(-len(refs) // PER_SHARD))]
            for ref in refs:
                chunks[name_hash(split_ref(ref)[2]) % len(chunks)].append(ref)
            for k, chunk in enumerate(chunks):
                if chunk:
                    shard = Shard(f"{stems[repo]}-{k}", repo, chunk)
                    p.shards.append(shard)
                    names.extend((split_ref(r)[2], shard.file) for r in chunk)
        d = dir_count(len(names))
        p.dirs = [[] for _ in range(d)]
        for name, file in sorted(names):
            p.dirs[name_hash(name) % d].append((name, file))
    return out


def shard_path(ns: str, file: str) -> str:
    return f"catalog/{ns}/resource/{SHARD_DIR}/{file}.json.gz"


def dir_path(ns: str, j: int) -> str:
    return f"catalog/{ns}/resource/{SHARD_DIR}/dir/{j}.json.gz"


def shard_key(ns: str, shard: Shard, members: list[tuple[str, str]]) -> str:
    """The key of a shard file: where it is, and the page keys of its Resources, in order."""
    h = hashlib.blake2b(b"resource-shard-v%d\0" % FORMAT, digest_size=20)
    h.update(jsonbytes.dumps([ns, shard.file, shard.repo]))
    for ref, key in members:
        h.update(f"{ref}\0{key}\n".encode())
    return h.hexdigest()


def dir_key(ns: str, j: int, d: int, entries: list[tuple[str, str]]) -> str:
    """The key of a directory file: what it lists."""
    h = hashlib.blake2b(b"resource-dir-v%d\0" % FORMAT, digest_size=20)
    h.update(jsonbytes.dumps([ns, j, d, entries]))
    return h.hexdigest()


def _gzip(doc: dict) -> bytes:
    return gzip.compress(jsonbytes.dumps(doc, sort_keys=False), compresslevel=SHARD_GZIP_LEVEL, mtime=0)


def shard_bytes(ns: str, shard: Shard, resources: list[tuple[str, str, str]]) -> bytes:
    """``resources``: (ref, title, body HTML), sorted by ref."""
    return _gzip({"v": FORMAT, "ns": ns, "shard": shard.file, "repo": shard.repo,
                  "resources": {split_ref(ref)[2]: {"ref": ref, "title": title, "body": body}
                                for ref, title, body in resources}})


def dir_bytes(ns: str, j: int, d: int, entries: list[tuple[str, str]]) -> bytes:
    return _gzip({"v": FORMAT, "ns": ns, "dir": j, "dirs": d, "names": dict(entries)})


def read_shard(path: Path) -> dict:
    """A shard or directory file, as JSON."""
    return jsonbytes.loads(gzip.decompress(Path(path).read_bytes()))


_DIRS_ATTR = re.compile(rb'id="lk-resource"[^>]*\bdata-dirs="(\d+)"')


def find_resource(site: Path, ns: str, name: str) -> dict | None:
    """A sharded Resource's record ({"ref", "title", "body"}) as the browser finds it: the
    page's directory count, the name's directory file, its shard; None if it is in none."""
    base = Path(site) / f"catalog/{ns}/resource"
    m = _DIRS_ATTR.search((base / "index.html").read_bytes())
    if m is None:
        raise ValueError(f"{base / 'index.html'} is not a sharded resource page")
    d = int(m.group(1))
    file = read_shard(Path(site) / dir_path(ns, name_hash(name) % d))["names"].get(name)
    return None if file is None else read_shard(Path(site) / shard_path(ns, file))["resources"].get(name)


def loader_body(ns: str, dirs: int, base: str, site_name: str, mermaid: str | None = None) -> str:
    """The namespace page's body: entity.js fills it from the shard the directory names for
    ?name=, then loads ``mermaid`` (the script's path in the site; None: no diagrams) and draws
    the diagram."""
    e = escape
    script = f' data-mermaid="{e(base)}/{e(mermaid)}"' if mermaid else ""
    return (f'<div class="lk-resource" id="lk-resource" data-ns="{e(ns)}" data-dirs="{dirs}" '
            f'data-src="{SHARD_DIR}/" data-site-name="{e(site_name)}"{script}>'
            f'<h1 id="lk-resource-title">Resources in {e(ns)}</h1>'
            f'<p class="lk-note" id="lk-resource-status">Loading…</p>'
            f'<noscript><p>This page shows one Resource, rendered in the browser: it needs JavaScript. '
            f'The <a href="{e(base)}/catalog/">catalog</a> lists every Resource.</p></noscript></div>')
