"""Writing HCL that Terraform accepts and ``terraform fmt`` leaves alone (for migrate and templates).

    hcl_block("module", ["service"], {"source": "…", "service_name": "orders"})

Only the values Lookout writes: strings, numbers, bools, lists and objects.
Strings are escaped the way Terraform reads them back: ``${`` and ``%{``
would start an interpolation or a directive, so they are doubled.
"""
from __future__ import annotations

import json
import re
from typing import Any

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def hcl_string(text: str) -> str:
    out = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
           .replace("\t", "\\t").replace("${", "$${").replace("%{", "%%{"))
    return f'"{out}"'


def _key(key: str) -> str:
    return key if _IDENT.match(key) else hcl_string(key)


def hcl_value(value: Any, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(v, (list, dict)) for v in value):
            one_line = "[" + ", ".join(hcl_value(v) for v in value) + "]"
            if len(one_line) <= 80:
                return one_line
        items = "".join(f"{pad}  {hcl_value(v, indent + 1)},\n" for v in value)
        return f"[\n{items}{pad}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + _attributes(value, indent + 1) + pad + "}"
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def _attributes(attrs: dict[str, Any], indent: int) -> str:
    """``key = value`` lines, the ``=`` aligned within each run of one-line values (as terraform fmt)."""
    pad = "  " * indent
    rendered = [(_key(k), hcl_value(v, indent)) for k, v in attrs.items()]
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        lines.extend(f"{pad}{k.ljust(width)} = {v}\n" for k, v in run)
        run.clear()

    for key, text in rendered:
        if "\n" in text:
            flush()
            lines.append(f"{pad}{key} = {text}\n")
        else:
            run.append((key, text))
    flush()
    return "".join(lines)


def hcl_block(kind: str, labels: list[str], attrs: dict[str, Any]) -> str:
    head = " ".join([kind, *(hcl_string(label) for label in labels)])
    return f"{head} {{\n{_attributes(attrs, 1)}}}\n"
