"""One Pagefind index over the finished site: entity pages and every docs site.

Pagefind runs as its own binary (``pagefind[bin]``; no network) over the
HTML that is already on disk, after the portal and all docs are built.
Pages opt in with ``data-pagefind-body``; facets come from
``data-pagefind-filter="name:value"`` attributes (entity pages from the
portal, docs pages from theme/techdocs/main.html), and result labels from
``data-pagefind-meta``.
"""
from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT_SUBDIR = "pagefind"
_DECODE_PREFIX = b"pagefind_dcd"


class SearchIndexError(RuntimeError):
    """Pagefind failed on the whole site (not a repo's fault: a broken build)."""


@dataclass
class SearchStats:
    pages: int = 0
    words: int = 0
    filters: int = 0
    filter_names: list[str] = field(default_factory=list)
    languages: int = 0
    index_bytes: int = 0
    seconds: float = 0.0
    log: str = ""


def _number(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m.group(1).replace(",", "")) if m else 0


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


def read_filter_names(bundle: Path) -> list[str]:
    """Names of the filters in a written Pagefind bundle (``<bundle>/filter/*.pf_filter``)."""
    names = set()
    for path in (bundle / "filter").glob("*.pf_filter"):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_DECODE_PREFIX):
            data = data[len(_DECODE_PREFIX):]
        try:
            # an array [name, [[value, [page…]]…]]: skip the array header
            names.add(_cbor_text(data, 1)[0])
        except (ValueError, IndexError, KeyError):
            continue
    return sorted(names)


def read_fragments(bundle: Path) -> list[dict]:
    """Every indexed page's fragment (url, content, filters, meta): for tests and reports."""
    import json

    out = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_DECODE_PREFIX):
            data = data[len(_DECODE_PREFIX):]
        out.append(json.loads(data))
    return out


def index_site(site_dir: Path, *, force_language: str | None = "en",
               timeout: float = 3600) -> SearchStats:
    """Run Pagefind over ``site_dir`` and write ``site_dir/pagefind/``.

    One language on purpose: the search page loads the index of its own
    ``<html lang>``, so docs and entity pages must land in the same one.
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchIndexError(f"site folder {site_dir} does not exist")
    # Heading permalinks (the "¶" material/toc add) are not content.
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir),
           "--output-subdir", OUTPUT_SUBDIR, "--exclude-selectors", ".headerlink",
           "--exclude-selectors", ".md-clipboard"]
    if force_language:
        cmd += ["--force-language", force_language]
    env = dict(os.environ, NO_COLOR="1")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind exited with {proc.returncode}: {log[-2000:]}")
    bundle = site_dir / OUTPUT_SUBDIR
    return SearchStats(
        pages=_number(r"Indexed ([\d,]+) pages?", log),
        words=_number(r"Indexed ([\d,]+) words?", log),
        filters=_number(r"Indexed ([\d,]+) filters?", log),
        languages=_number(r"Indexed ([\d,]+) languages?", log),
        filter_names=read_filter_names(bundle),
        index_bytes=sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file()),
        seconds=time.perf_counter() - t0,
        log=log,
    )
