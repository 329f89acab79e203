"""Make a written Pagefind bundle byte-for-byte reproducible.

Pagefind 1.5 lists filters (in its ``.pf_meta``) and filter values (in each
``.pf_filter``) in hash-map order, which changes from run to run, so two
builds of the same records differ in those files and in their content-hashed
names. Lookout sorts both, renames the files by the hash of their new
content and points ``pagefind-entry.json`` at the new meta; the search
itself is unchanged. Needs just enough CBOR (Pagefind's encoding) for that.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

_SIG = b"pagefind_dcd"


def _decode(data: bytes, pos: int = 0) -> tuple[Any, int]:
    head = data[pos]
    major, info, pos = head >> 5, head & 0x1F, pos + 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        width = 1 << (info - 24)
        n, pos = int.from_bytes(data[pos:pos + width], "big"), pos + width
    else:
        raise ValueError(f"unsupported CBOR item 0x{head:02x}")
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major == 2:
        return bytes(data[pos:pos + n]), pos + n
    if major == 3:
        return data[pos:pos + n].decode("utf-8"), pos + n
    if major == 4:
        out = []
        for _ in range(n):
            item, pos = _decode(data, pos)
            out.append(item)
        return out, pos
    raise ValueError(f"unsupported CBOR major type {major}")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * width):
            return bytes([major << 5 | info]) + n.to_bytes(width, "big")
    raise ValueError("integer too large")


def _encode(value: Any) -> bytes:
    if isinstance(value, bool):
        raise ValueError("booleans are not expected in a Pagefind bundle")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    raise ValueError(f"cannot encode {type(value).__name__}")


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIG):
        raise ValueError(f"{path.name}: not a Pagefind file")
    value, end = _decode(data, len(_SIG))
    if end != len(data):
        raise ValueError(f"{path.name}: trailing bytes")
    return value


def _write(path: Path, value: Any) -> None:
    path.write_bytes(gzip.compress(_SIG + _encode(value), 6, mtime=0))


def _name(value: Any, digits: int) -> str:
    return "en_" + hashlib.sha256(_encode(value)).hexdigest()[:digits]


def canonicalize(bundle: Path) -> None:
    """Sort the filter lists of the bundle at ``bundle`` (a folder Pagefind wrote) in place."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = _read(path)               # [name, [[value, [page…]]…]]
        value = [name, sorted(values, key=lambda v: v[0])]
        new = _name(value, 7)
        path.unlink()
        _write(bundle / "filter" / f"{new}.pf_filter", value)
        renamed[path.stem] = new
    for lang in entry.get("languages", {}).values():
        meta_path = bundle / f"pagefind.{lang['hash']}.pf_meta"
        meta = _read(meta_path)
        for i, item in enumerate(meta):  # the [[filter name, hash]…] list
            if isinstance(item, list) and item and all(
                    isinstance(f, list) and len(f) == 2 and f[1] in renamed for f in item):
                meta[i] = sorted([f[0], renamed[f[1]]] for f in item)
        new = _name(meta, 10)
        meta_path.unlink()
        _write(bundle / f"pagefind.{new}.pf_meta", meta)
        lang["hash"] = new
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
