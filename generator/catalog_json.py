"""catalog.json: the one artifact between the halves (docs/catalog-schema.md).

Writing is deterministic to the byte: keys sorted, lists already in a
stable order, no timestamps, no machine paths. Reading refuses a schema
version newer than this code knows.
"""
from __future__ import annotations

import gc
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import jsonbytes

if TYPE_CHECKING:  # the site stage reads catalog.json with this module and needs nothing of link
    from generator.link import Catalog

SCHEMA_VERSION = 1


class CatalogFileError(Exception):
    pass


def to_json_bytes(catalog: Catalog) -> bytes:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "sources": catalog.sources,
        "entities": catalog.entities,
        "problems": [p.to_json() for p in catalog.problems],
    }
    if catalog.docs is not None:
        doc["docs"] = catalog.docs
    return jsonbytes.dumps(doc, indent=True)


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".catalog-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(to_json_bytes(catalog))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_catalog(path: Path) -> dict[str, Any]:
    """The one reader of catalog.json, for the CLI, validate, preview and the site stage."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        # The cyclic collector off while decoding: JSON makes no cycles, and the collections
        # its millions of new dicts and lists set off walked them all again and again (M,
        # 27,000 entities: 0.3 of a 0.6 s load).
        enabled = gc.isenabled()
        gc.disable()
        try:
            doc = jsonbytes.loads(raw)
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
