"""JSON text exactly as cty writes it."""
from __future__ import annotations

import math
from typing import Any

from generator.read.tffuncs.core import FunctionError, is_number, number_text, tf_type_name


# ---------------------------------------------------------------------------
# JSON as cty writes it (jsonencode, format's %v/%#v/%q): Go's encoding/json
# string escaping (HTML characters too), map keys sorted, plain decimals.
# ---------------------------------------------------------------------------

_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                 "\b": "\\b", "\f": "\\f", "<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_string(text: str) -> str:
    out = ['"']
    for ch in text:
        esc = _JSON_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def sorted_keys(mapping: dict) -> list[str]:
    """Keys in cty's order: by their UTF-8 bytes."""
    return sorted(mapping, key=lambda k: k.encode("utf-8"))


def json_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise FunctionError("value is not representable in JSON (infinity)")
        return number_text(value)
    if isinstance(value, str):
        return json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json_string(k) + ":" + json_text(value[k]) for k in sorted_keys(value)) + "}"
    raise FunctionError(f"cannot encode {tf_type_name(value)} as JSON")
