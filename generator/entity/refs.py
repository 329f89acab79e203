"""Entity references, as Backstage's catalog-model writes them.

``[kind:][namespace/]name``; the kind defaults per field (Group for
``owner``, System for ``system``...) and the namespace to the referring
entity's own. The canonical form is lower-case ``kind:namespace/name``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class RefError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class EntityRef:
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"

    @property
    def key(self) -> str:
        """The canonical, case-insensitive identity."""
        return f"{self.kind}:{self.namespace}/{self.name}".lower()


def parse_ref(raw: Any, default_kind: str | None = None, default_namespace: str = "default") -> EntityRef:
    """Parse a ref string; raises RefError with a Backstage-like message."""
    if not isinstance(raw, str) or not raw.strip():
        raise RefError(f"entity reference must be a non-empty string, got {raw!r}")
    text = raw.strip()
    kind: str | None = None
    rest = text
    if ":" in text:
        kind, rest = text.split(":", 1)
        if not kind:
            raise RefError(f"entity reference {raw!r} has an empty kind")
    if "/" in rest:
        namespace, name = rest.split("/", 1)
        if not namespace:
            raise RefError(f"entity reference {raw!r} has an empty namespace")
    else:
        namespace, name = default_namespace, rest
    if not name or "/" in name or ":" in name:
        raise RefError(f"entity reference {raw!r} is not of the form [kind:][namespace/]name")
    kind = kind or default_kind
    if not kind:
        raise RefError(f"entity reference {raw!r} had no kind, and no default kind applies here")
    return EntityRef(kind.lower(), namespace.lower(), name.lower())


def js_falsy(v: Any) -> bool:
    """JavaScript's falsy values as JSON holds them: null, false, 0, ""."""
    return v is None or v is False or v == "" or (type(v) in (int, float) and v == 0)


def parse_backstage_ref(raw: Any, default_kind: str | None = None,
                        default_namespace: str = "default") -> EntityRef:
    """catalog-model's ``parseEntityRef``, rule for rule (its messages too).

    A string splits at its first ``:`` (unless a ``/`` comes first) and its
    first ``/``; the name keeps any later ``:`` or ``/``. A map is
    ``{kind, namespace, name}``. No trimming: ``" x"`` names `` x``. The
    key is lower-cased, as ``stringifyEntityRef`` compares.
    """
    if js_falsy(raw):
        raise RefError("Entity reference must not be empty")
    kind: Any
    namespace: Any
    name: Any
    if isinstance(raw, str):
        colon, slash = raw.find(":"), raw.find("/")
        if slash != -1 and slash < colon:
            colon = -1
        kind = None if colon == -1 else raw[:colon]
        namespace = None if slash == -1 else raw[colon + 1:slash]
        name = raw[max(colon + 1, slash + 1):]
        if kind == "" or namespace == "" or name == "":
            raise RefError(f'Entity reference "{raw}" was not on the form [<kind>:][<namespace>/]<name>')
        kind = default_kind if kind is None else kind
        namespace = default_namespace if namespace is None else namespace
    else:
        fields = raw if isinstance(raw, dict) else {}
        kind = fields.get("kind", default_kind) if fields.get("kind") is not None else default_kind
        namespace = fields.get("namespace") if fields.get("namespace") is not None else default_namespace
        name = fields.get("name")
    for part, value in (("kind", kind), ("namespace", namespace), ("name", name)):
        if js_falsy(value):
            textual = json.dumps(raw, separators=(",", ":"), default=str)
            hint = ' (e.g. did not start with "component:" or similar)' if part == "kind" else ""
            raise RefError(f"Entity reference {textual} had missing or empty {part}{hint}")
    return EntityRef(str(kind).lower(), str(namespace).lower(), str(name).lower())


def entity_ref(entity: Any) -> str:
    """The canonical ref of a Backstage-shaped entity dict.

    Total on any shape (a malformed draft is sorted and reported before it is
    rejected): what is not a map counts as missing."""
    if not isinstance(entity, dict):
        entity = {}
    meta = entity.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
    kind = str(entity.get("kind", ""))
    ns = str(meta.get("namespace") or "default")
    return f"{kind}:{ns}/{meta.get('name', '')}".lower()


def split_ref(ref: str) -> tuple[str, str, str]:
    kind, rest = ref.split(":", 1)
    ns, name = rest.split("/", 1)
    return kind, ns, name
