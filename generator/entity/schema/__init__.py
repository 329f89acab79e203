"""Backstage's catalog-model JSON Schemas (Apache-2.0, see NOTICE), loaded
from this folder with no network, and a fast compiler for them.

jsonschema alone costs ~165 µs per Component (mostly $ref and descend
bookkeeping); 250,000 entities pass through a build. ``Compiler`` turns a
schema, once, into plain closures that only answer "valid?", for the small
draft-07 subset Backstage's schemas use, and raises ``Unsupported`` on any
other keyword so that the caller can fall back to jsonschema.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from collections.abc import Callable

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_DIR = Path(__file__).parent

Check = Callable[[Any], bool]


@lru_cache(maxsize=1)
def docs() -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(SCHEMA_DIR.rglob("*.schema.json")):
        doc = json.loads(path.read_text("utf-8"))
        docs[doc["$id"]] = doc
    return docs


# The kind schemas that catalog-backend's BuiltinKindsEntityProcessor checks
# (its ``validators`` list). The package ships more (AiResource, the
# mcp-server API) that no default processor recognises; they are vendored
# with the rest but do not make a kind known.
BUILTIN_KINDS = ("ApiV1alpha1", "ComponentV1alpha1", "ResourceV1alpha1", "GroupV1alpha1",
                 "LocationV1alpha1", "UserV1alpha1", "SystemV1alpha1", "DomainV1alpha1")


@lru_cache(maxsize=1)
def kind_table() -> dict[tuple[str, str], str]:
    """(kind, apiVersion) -> schema $id, read from each builtin kind schema's enums."""
    table: dict[tuple[str, str], str] = {}
    for sid in BUILTIN_KINDS:
        doc = docs()[sid]
        for part in doc.get("allOf", []):
            props = part.get("properties", {}) if isinstance(part, dict) else {}
            kinds = props.get("kind", {}).get("enum", [])
            versions = props.get("apiVersion", {}).get("enum", [])
            for kind in kinds:
                for version in versions:
                    table[(kind, version)] = sid
    return table


@lru_cache(maxsize=1)
def registry() -> Registry:
    return Registry().with_resources(
        (sid, Resource.from_contents(doc, default_specification=DRAFT7))
        for sid, doc in docs().items())


class Unsupported(Exception):
    """A schema keyword the fast compiler does not implement."""


_ANNOTATION_ONLY = frozenset({"$schema", "$id", "$comment", "description", "examples",
                              "title", "default", "definitions", "then", "else"})


def _is_int(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_int,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _true(_: Any) -> bool:
    return True


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _true
    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> bool:
        for c in checks:
            if not c(v):
                return False
        return True
    return check


def _strict_equal(a: Any, b: Any) -> bool:
    # JSON equality: True is not 1.
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


class Compiler:
    """Draft-07 subset -> closures answering valid/invalid (no messages)."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs
        self.refs: dict[tuple[str, str], Check] = {}

    def ref(self, base: str, ref: str) -> Check:
        doc_id, _, frag = ref.partition("#")
        key = (doc_id or base, frag)
        if key not in self.refs:
            slot: list[Check] = []
            self.refs[key] = lambda v: slot[0](v)  # allows recursive refs
            slot.append(self.compile(self._resolve(*key), key[0]))
            self.refs[key] = slot[0]
        return self.refs[key]

    def _resolve(self, doc_id: str, frag: str) -> Any:
        if doc_id not in self.docs:
            raise Unsupported(f"$ref to unknown schema {doc_id!r}")
        node: Any = self.docs[doc_id]
        if not frag:
            return node
        if frag.startswith("/"):
            for part in frag[1:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            return node
        stack = [node]  # draft-07 plain-name fragment: a subschema with "$id": "#frag"
        while stack:
            cur = stack.pop()
            if isinstance(cur, dict):
                if cur.get("$id") == "#" + frag:
                    return cur
                stack.extend(cur.values())
            elif isinstance(cur, list):
                stack.extend(cur)
        raise Unsupported(f"anchor #{frag} not found in {doc_id}")

    def compile(self, schema: Any, base: str) -> Check:
        if schema is True or schema == {}:
            return _true
        if schema is False:
            return lambda v: False
        if "$ref" in schema:  # draft-07: siblings of $ref are ignored
            return self.ref(base, schema["$ref"])
        checks: list[Check] = []
        for kw, val in schema.items():
            if kw in _ANNOTATION_ONLY or kw in ("properties", "patternProperties",
                                                  "additionalProperties", "required"):
                continue
            checks.append(self._keyword(kw, val, schema, base))
        if any(k in schema for k in ("properties", "patternProperties",
                                     "additionalProperties", "required")):
            checks.append(self._object(schema, base))
        return _all(checks)

    def _keyword(self, kw: str, val: Any, schema: dict[str, Any], base: str) -> Check:
        if kw == "type":
            tests = [_TYPES[t] for t in ([val] if isinstance(val, str) else val)]
            return tests[0] if len(tests) == 1 else (lambda v: any(t(v) for t in tests))
        if kw == "enum":
            return lambda v: any(_strict_equal(v, e) for e in val)
        if kw == "const":
            return lambda v: _strict_equal(v, val)
        if kw in ("minLength", "maxLength"):
            lo, hi = (val, None) if kw == "minLength" else (None, val)
            return lambda v: not isinstance(v, str) or ((lo is None or len(v) >= lo) and (hi is None or len(v) <= hi))
        if kw in ("minItems", "maxItems"):
            lo, hi = (val, None) if kw == "minItems" else (None, val)
            return lambda v: not isinstance(v, list) or ((lo is None or len(v) >= lo) and (hi is None or len(v) <= hi))
        if kw == "pattern":
            search = re.compile(val).search  # jsonschema uses re.search too
            return lambda v: not isinstance(v, str) or search(v) is not None
        if kw in ("minimum", "maximum"):
            ok = (lambda v: v >= val) if kw == "minimum" else (lambda v: v <= val)
            return lambda v: not _TYPES["number"](v) or ok(v)
        if kw == "items":
            if not isinstance(val, dict):
                raise Unsupported("tuple items")
            item = self.compile(val, base)
            return lambda v: not isinstance(v, list) or all(item(x) for x in v)
        if kw == "allOf":
            return _all([self.compile(s, base) for s in val])
        if kw == "anyOf":
            subs = [self.compile(s, base) for s in val]
            return lambda v: any(s(v) for s in subs)
        if kw == "oneOf":
            subs = [self.compile(s, base) for s in val]
            return lambda v: sum(1 for s in subs if s(v)) == 1
        if kw == "if":
            cond = self.compile(val, base)
            then = self.compile(schema.get("then", True), base)
            other = self.compile(schema.get("else", True), base)
            return lambda v: then(v) if cond(v) else other(v)
        raise Unsupported(kw)

    def _object(self, schema: dict[str, Any], base: str) -> Check:
        props = {k: self.compile(s, base) for k, s in schema.get("properties", {}).items()}
        pats = [(re.compile(p).search, self.compile(s, base))
                for p, s in schema.get("patternProperties", {}).items()]
        addl = schema.get("additionalProperties", True)
        addl_check = None if addl is True else self.compile(addl, base)
        required = tuple(schema.get("required", ()))
        walk_all = bool(pats) or addl_check is not None

        def check(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for r in required:
                if r not in v:
                    return False
            if not walk_all:
                for k, sub in props.items():
                    if k in v and not sub(v[k]):
                        return False
                return True
            for k, x in v.items():
                sub = props.get(k)
                if sub is not None and not sub(x):
                    return False
                matched = sub is not None
                for search, psub in pats:
                    if not isinstance(k, str):
                        return False  # let jsonschema (on a JSON-shaped copy) decide
                    if search(k):
                        matched = True
                        if not psub(x):
                            return False
                if not matched and addl_check is not None and not addl_check(x):
                    return False
            return True
        return check
