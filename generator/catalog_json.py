"""catalog.json: the one artifact between the halves (docs/catalog-schema.md).

Writing is deterministic to the byte: keys sorted, lists already in a
stable order, no timestamps, no machine paths. Reading refuses a schema
version newer than this code knows.
"""
from __future__ import annotations

import gc
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import jsonbytes

if TYPE_CHECKING:  # the site stage reads catalog.json with this module and needs nothing of link
    from generator.link import Catalog

SCHEMA_VERSION = 1


class CatalogFileError(Exception):
    pass


def to_json_bytes(catalog: Catalog) -> bytes:
    return _encode(catalog)[0]


def _encode(catalog: Catalog) -> tuple[bytes, bool]:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "sources": catalog.sources,
        "entities": catalog.entities,
        "problems": [p.to_json() for p in catalog.problems],
    }
    if catalog.docs is not None:
        doc["docs"] = catalog.docs
    return jsonbytes.encode(doc, indent=True)


@dataclass(frozen=True)
class CatalogBytes:
    """A catalog.json just written, for a reader in this build (load_catalog's ``written``)."""
    raw: bytes
    exact_ints: bool   # orjson wrote it: orjson may read it back (jsonbytes.loads)


def write_catalog(catalog: Catalog, path: Path) -> CatalogBytes:
    """Write atomically: a reader never sees half a file. Returns what was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".catalog-", suffix=".json", dir=path.parent)
    try:
        raw, exact = _encode(catalog)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return CatalogBytes(raw, exact)


def load_catalog(path: Path, written: CatalogBytes | None = None) -> dict[str, Any]:
    """The one reader of catalog.json, for the CLI, validate, preview and the site stage.
    ``written``: what this build's write_catalog wrote to ``path`` (not read again)."""
    try:
        if written is None:
            with open(path, "rb") as fh:
                raw = fh.read()
        else:
            raw = written.raw
        # The cyclic collector off while decoding: JSON makes no cycles, and the collections
        # its millions of new dicts and lists set off walked them all again and again (M,
        # 27,000 entities: 0.3 of a 0.6 s load).
        enabled = gc.isenabled()
        gc.disable()
        try:
            doc = jsonbytes.loads(raw, exact_ints=written is not None and written.exact_ints)
        finally:
            if enabled:
                gc.enable()
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file (run `lookout catalog` first, or set "
                               "LOOKOUT_CATALOG)") from None
    except (OSError, ValueError) as exc:
        raise CatalogFileError(f"{path}: not a readable catalog.json ({exc})") from None
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise CatalogFileError(f"{path}: no integer schema_version; is this a Lookout catalog.json?")
    if version > SCHEMA_VERSION:
        raise CatalogFileError(
            f"{path}: schema_version {version} is newer than this Lookout supports (version "
            f"{SCHEMA_VERSION}); upgrade Lookout to read it")
    if not isinstance(doc.get("entities", []), list) or not isinstance(doc.get("problems", []), list):
        raise CatalogFileError(f"{path}: 'entities' and 'problems' must be lists")
    return doc
