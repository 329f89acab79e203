"""What ``lookout.yaml`` may hold, as a JSON Schema, and its mistakes with file and line.

Every key at every level is checked (``additionalProperties: false`` throughout), and
regexes are compiled here, so a typo or a broken pattern stops the build with the line
to fix instead of silently changing what is read. The README's config reference is
tested against this schema (tests/test_config.py).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from yaml.nodes import MappingNode, Node, SequenceNode

_STRINGS = {"type": "array", "items": {"type": "string"}}
_MAPPING = {  # how a Terraform type or a module becomes a Resource
    "type": "object", "additionalProperties": False, "required": ["type"],
    "properties": {"type": {"type": "string", "minLength": 1}, "name_attr": {"type": ["string", "null"]}},
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "repos": {"type": ["string", "array"], "items": {"type": "string"}},
        "manifest": {"type": "string"},
        "org": {"type": "string"},
        "cache_dir": {"type": "string"},
        "namespace": {"type": "string", "pattern": r"^[a-z0-9]+(?:-+[a-z0-9]+)*$", "maxLength": 63},
        "site_name": {"type": "string"},
        "site_url": {"type": "string", "pattern": r"^https?://"},
        "iframe_hosts": _STRINGS,
        "pagerduty_url": {"type": "string", "pattern": r"^https?://"},
        "service_module_sources": _STRINGS,
        "resource_types": {"type": "object", "additionalProperties": _MAPPING},
        "resource_modules": {"type": "object", "additionalProperties": _MAPPING},
        "resource_parts": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "templates": _STRINGS,
    },
}
# Values that are regexes: (top-level key, where in it) -> checked by compiling them.
_REGEX_LISTS = ("service_module_sources",)
_REGEX_KEYS = ("resource_modules",)

_VALIDATOR = Draft202012Validator(SCHEMA)


def load_checked(path: Path) -> dict[str, Any]:
    """The parsed config, or ConfigError listing every mistake as ``file:line: what``."""
    from generator.config import ConfigError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping of keys (see the README's lookout.yaml)")
    mistakes = _duplicates(root, path)
    for err in sorted(_VALIDATOR.iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path]):
        mistakes.extend(_describe(err, root, path))
    mistakes.extend(_regex_mistakes(raw, root, path))
    if mistakes:
        by_line = sorted(dict.fromkeys(mistakes), key=lambda m: int(m[len(str(path)) + 1:].split(":", 1)[0]))
        raise ConfigError("\n".join(by_line))
    return raw


def _describe(err, root: Node, path: Path) -> list[str]:
    where = list(err.absolute_path)
    name = _dotted(where) or "lookout.yaml"
    if err.validator == "additionalProperties":
        known = sorted(err.schema.get("properties", {}))
        out = []
        for key in sorted(set(err.instance) - set(known)):
            hint = difflib.get_close_matches(str(key), known, n=1)
            did = f"; did you mean {hint[0]!r}?" if hint else ""
            out.append(f"{path}:{_line(root, where + [key], key_line=True)}: {name}: unknown key {key!r}"
                       f"{did} (known: {', '.join(known)})")
        return out
    return [f"{path}:{_line(root, where)}: {name}: {err.message}"]


def _regex_mistakes(raw: dict[str, Any], root: Node, path: Path) -> list[str]:
    out = []
    checks: list[tuple[list, Any]] = []
    for key in _REGEX_LISTS:
        if isinstance(raw.get(key), list):
            checks += [([key, i], value) for i, value in enumerate(raw[key])]
    for key in _REGEX_KEYS:
        if isinstance(raw.get(key), dict):
            checks += [([key, k], k) for k in raw[key]]
    for where, value in checks:
        if not isinstance(value, str):
            continue
        try:
            re.compile(value)
        except re.error as exc:
            out.append(f"{path}:{_line(root, where, key_line=True)}: {_dotted(where)}: {value!r} is not a "
                       f"valid regular expression ({exc})")
    return out


def _duplicates(node: Node | None, path: Path) -> list[str]:
    """PyYAML keeps the last of two equal keys; a config that says a thing twice is a mistake."""
    out: list[str] = []
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, MappingNode):
            seen: set[str] = set()
            for k, v in n.value:
                if getattr(k, "value", None) in seen:
                    out.append(f"{path}:{k.start_mark.line + 1}: key {k.value!r} is given twice")
                seen.add(getattr(k, "value", None))
                stack.append(v)
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)
    return sorted(out)


def _line(root: Node | None, where: list, key_line: bool = False) -> int:
    """1-based line of the value at ``where`` (of its key, with ``key_line``), or the nearest parent's."""
    node = root
    line = (root.start_mark.line + 1) if root is not None else 1
    for i, step in enumerate(where):
        if isinstance(node, MappingNode):
            pair = next(((k, v) for k, v in node.value if getattr(k, "value", None) == str(step)), None)
            if pair is None:
                break
            if key_line and i == len(where) - 1:
                return pair[0].start_mark.line + 1
            node = pair[1]
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _dotted(where: list) -> str:
    out = ""
    for step in where:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out
