"""The search stage: Pagefind bundles, one per bucket of records, cached by their inputs.

Records (see records.py) fall into buckets by a stable hash: entities by
their repo, docs pages by their docs site. Each bucket is its own Pagefind
index, written once and kept under ``<cache>/search/`` keyed by the hash of
everything it shows; a build reuses every bucket whose records did not
change and rebuilds only the others, so the output of an incremental build
is byte-identical to a cold one. The browser merges the buckets with
Pagefind's multisite ``mergeIndex`` (theme/assets/lookout/search-core.js).

File count: Pagefind writes one fragment file per record. Lookout packs each
bucket's fragments into a few gzipped JSON files (``packs/<n>.json.gz``)
that the browser unpacks, so the search files grow with buckets, not pages.

Layout of ``<site>/pagefind/``::

    pagefind.js                 Pagefind's search runtime
    lookout-search.json         the buckets: [{"path": "e03/", "packs": 8}, …]
    <bucket>/                   pagefind-entry.json, *.pf_meta, index/, filter/, packs/
                                (the first bucket also holds the wasm)
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.search.canonical import canonicalize
from generator.search.records import Record, docs_records, entity_records
from generator.search.service import PagefindService, PagefindServiceError

OUTPUT_SUBDIR = "pagefind"
MANIFEST = "lookout-search.json"
# Bump when the records or the bundle layout change: every cached bucket is rebuilt.
FORMAT = "lookout-search-3"
# Heading permalinks and copy buttons are chrome; mermaid blocks are diagram source.
EXCLUDE = [".headerlink", ".md-clipboard", ".mermaid", "[data-pagefind-ignore]"]
RUNTIME = ("pagefind.js",)
WASM = ("wasm.en.pagefind", "wasm.unknown.pagefind")
# Records per bucket, and at most this many buckets (each adds a request per query).
ENTITIES_PER_BUCKET, MAX_ENTITY_BUCKETS = 1000, 64
DOCS_PER_BUCKET, MAX_DOCS_BUCKETS = 1000, 32
FRAGMENTS_PER_PACK = 16
_DECODE_PREFIX = b"pagefind_dcd"


class SearchIndexError(RuntimeError):
    """Pagefind failed on the whole site (not a repo's fault: a broken build)."""


@dataclass
class SearchStats:
    pages: int = 0
    buckets: int = 0
    rebuilt: int = 0
    files: int = 0
    filter_names: list[str] = field(default_factory=list)
    index_bytes: int = 0
    seconds: float = 0.0


@dataclass
class Bucket:
    name: str
    records: list[Record]

    def key(self, version: str) -> str:
        h = hashlib.sha256(f"{FORMAT}\n{version}\n{self.name}\n".encode())
        for r in self.records:
            h.update(f"{r.url}\0{r.sig}\n".encode())
        return h.hexdigest()[:20]


def _pow2(n: int, per: int, cap: int) -> int:
    want, b = max(1, -(-n // per)), 1
    while b < want and b < cap:
        b *= 2
    return b


def _stable(key: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") % n


def buckets(entities: list[Record], docs: list[Record]) -> list[Bucket]:
    """Records in buckets; the number of buckets only changes when the org doubles or halves."""
    out = []
    for prefix, recs, per, cap in (("e", entities, ENTITIES_PER_BUCKET, MAX_ENTITY_BUCKETS),
                                   ("d", docs, DOCS_PER_BUCKET, MAX_DOCS_BUCKETS)):
        n = _pow2(len(recs), per, cap)
        groups: dict[int, list[Record]] = {}
        for r in recs:
            groups.setdefault(_stable(r.key, n), []).append(r)
        width = len(str(n - 1))
        out += [Bucket(f"{prefix}{i:0{width}d}", sorted(groups[i], key=lambda r: r.url))
                for i in sorted(groups)]
    return out


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version
        return version("pagefind_bin")
    except Exception:  # noqa: BLE001 - any install without metadata: key on nothing
        return "unknown"


def _pack(fragments: dict[str, bytes], out: Path) -> int:
    """Fragments (hash -> gzipped bytes) -> ``out/packs/<n>.json.gz``; returns the number of packs."""
    packs = 1
    while packs * FRAGMENTS_PER_PACK < len(fragments) and packs < 4096:
        packs *= 2
    groups: dict[int, dict[str, str]] = {}
    for stem, raw in fragments.items():
        data = gzip.decompress(raw)
        if data.startswith(_DECODE_PREFIX):
            data = data[len(_DECODE_PREFIX):]
        groups.setdefault(pack_of(stem, packs), {})[stem] = data.decode("utf-8")
    (out / "packs").mkdir(parents=True)
    for n, group in groups.items():
        body = json.dumps(group, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (out / "packs" / f"{n}.json.gz").write_bytes(gzip.compress(body.encode("utf-8"), 9, mtime=0))
    return packs


def pack_of(fragment_hash: str, packs: int) -> int:
    """Which pack holds a fragment (the browser computes the same: search-core.js packOf)."""
    digits = fragment_hash.split("_", 1)[-1]
    return int(digits[:6], 16) % packs


def _keep(path: str) -> bool:
    """What Lookout publishes of a bundle: not Pagefind's own UIs, worker or playground."""
    top = path.split("/", 1)[0]
    return (top in ("index", "filter") or path in RUNTIME + WASM + ("pagefind-entry.json",)
            or (top == path and path.endswith(".pf_meta")))


def _build_bucket(service: PagefindService, bucket: Bucket, out: Path) -> None:
    """One Pagefind index of the bucket's records, written to ``out`` and packed.

    The files come back through the service (in memory): the fragments, one per
    page, go straight into packs and never touch the disk one by one.
    """
    index = service.new_index({"force_language": "en", "exclude_selectors": EXCLUDE})
    pages = []
    for r in bucket.records:
        html = r.content()
        if "data-pagefind-body" in html:
            pages.append((r.url, html))
    service.add_html(index, pages)
    fragments: dict[str, bytes] = {}
    for path, data in service.files(index):
        if path.startswith("fragment/") and path.endswith(".pf_fragment"):
            fragments[path[len("fragment/"):-len(".pf_fragment")]] = data
        elif _keep(path):
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    canonicalize(out)
    packs = _pack(fragments, out)
    (out / "lookout-bucket.json").write_text(json.dumps({"packs": packs, "pages": len(pages)}))


def _link_tree(src: Path, dst: Path, skip: tuple[str, ...] = ()) -> None:
    """Hard-link ``src`` into ``dst`` (a copy across devices). Safe: nothing writes into a
    published search file in place."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_dir() or rel.as_posix() in skip:
            continue
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def build_search(catalog: dict[str, Any], site_dir: Path, cache_dir: Path | None = None, *,
                 jobs: int | None = None, resource_pages: str = "auto",
                 docs_elsewhere: dict[str, Path] | None = None) -> SearchStats:
    """Write ``site_dir/pagefind/`` from catalog.json's entities and the docs pages in ``site_dir``.
    ``resource_pages``: the portal's setting (auto/pages/shards), which decides Resources' URLs.
    ``docs_elsewhere``: docs sites not in ``site_dir`` (``docs/<ns>/<kind>/<name>`` -> the
    site folder holding it), indexed as if they were."""
    t0 = time.perf_counter()
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchIndexError(f"site folder {site_dir} does not exist")
    version = _pagefind_version()
    plan = buckets(entity_records(catalog, resource_pages), docs_records(site_dir, elsewhere=docs_elsewhere))
    tmp_root = None
    if cache_dir is None:
        tmp_root = Path(tempfile.mkdtemp(prefix="lookout-search-"))
        store = tmp_root
    else:
        store = Path(cache_dir) / "search"
        store.mkdir(parents=True, exist_ok=True)
    try:
        wanted = {b.name: store / f"{b.name}-{b.key(version)}" for b in plan}
        todo = [b for b in plan if not (wanted[b.name] / "lookout-bucket.json").is_file()]
        if todo:
            _build_all(todo, wanted, jobs)
        out = site_dir / OUTPUT_SUBDIR
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        manifest = []
        for i, b in enumerate(plan):
            src = wanted[b.name]
            info = json.loads((src / "lookout-bucket.json").read_text())
            skip = tuple(RUNTIME) + ("lookout-bucket.json",) + (() if i == 0 else WASM)
            _link_tree(src, out / b.name, skip=skip)
            manifest.append({"path": f"{b.name}/", "packs": info["packs"], "pages": info["pages"]})
        if plan:
            shutil.copyfile(wanted[plan[0].name] / "pagefind.js", out / "pagefind.js")
        # "groups": how many group records (records.group_html), absent when none: the browser
        # then ranks without Pagefind's page-length term (search-core.js)
        groups = sum(1 for b in plan for r in b.records if "?group=" in r.url)
        body = {"indexes": manifest, **({"groups": groups} if groups else {})}
        (out / MANIFEST).write_text(json.dumps(body, separators=(",", ":")) + "\n")
        if cache_dir is not None:  # keep only what this build uses
            keep = set(wanted.values())
            for old in store.iterdir():
                if old not in keep:
                    shutil.rmtree(old, ignore_errors=True)
        files = [f for f in out.rglob("*") if f.is_file()]
        return SearchStats(pages=sum(m["pages"] for m in manifest), buckets=len(plan),
                           rebuilt=len(todo), files=len(files), filter_names=read_filter_names(out),
                           index_bytes=sum(f.stat().st_size for f in files),
                           seconds=time.perf_counter() - t0)
    finally:
        if tmp_root is not None:
            shutil.rmtree(tmp_root, ignore_errors=True)


def _build_all(todo: list[Bucket], wanted: dict[str, Path], jobs: int | None) -> None:
    """Build buckets on one Pagefind service per worker thread (the binary does the work)."""
    workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
    queue = sorted(todo, key=lambda b: -len(b.records))

    def work(part: list[Bucket]) -> None:
        with PagefindService() as service:
            for b in part:
                final = wanted[b.name]
                tmp = final.with_name(final.name + ".tmp")
                shutil.rmtree(tmp, ignore_errors=True)
                _build_bucket(service, b, tmp)
                shutil.rmtree(final, ignore_errors=True)
                os.replace(tmp, final)

    parts = [queue[i::workers] for i in range(workers)]
    try:
        with ThreadPoolExecutor(workers) as pool:
            for f in [pool.submit(work, p) for p in parts]:
                f.result()
    except (PagefindServiceError, ValueError, OSError) as exc:
        raise SearchIndexError(str(exc)) from None


# ---- reading a written bundle back (tests and reports) ------------------------------------

def _cbor_text(data: bytes, pos: int) -> tuple[str, int]:
    """A CBOR text string at ``pos`` (just enough CBOR to read a filter's name)."""
    head = data[pos]
    if head >> 5 != 3:
        raise ValueError("not a CBOR text string")
    n, pos = head & 0x1F, pos + 1
    if n >= 24:
        width = {24: 1, 25: 2, 26: 4, 27: 8}[n]
        n, pos = int.from_bytes(data[pos:pos + width], "big"), pos + width
    return data[pos:pos + n].decode("utf-8"), pos + n


def read_filter_names(root: Path) -> list[str]:
    """Names of the filters in every bundle under ``root`` (``*/filter/*.pf_filter``)."""
    names = set()
    for path in Path(root).glob("**/filter/*.pf_filter"):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_DECODE_PREFIX):
            data = data[len(_DECODE_PREFIX):]
        try:
            names.add(_cbor_text(data, 1)[0])  # an array [name, [[value, [page…]]…]]
        except (ValueError, IndexError, KeyError):
            continue
    return sorted(names)


def read_fragments(root: Path) -> list[dict]:
    """Every indexed page's fragment (url, content, filters, meta), from the packs."""
    out = []
    for path in sorted(Path(root).glob("**/packs/*.json.gz")):
        for text in json.loads(gzip.decompress(path.read_bytes())).values():
            out.append(json.loads(text))
    return sorted(out, key=lambda f: f["url"])
