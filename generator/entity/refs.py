"""Entity references, as Backstage's catalog-model writes them.

``[kind:][namespace/]name``; the kind defaults per field (Group for
``owner``, System for ``system``...) and the namespace to the referring
entity's own. The canonical form is lower-case ``kind:namespace/name``.
"""
from __future__ import annotations

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


def entity_ref(entity: dict) -> str:
    """The canonical ref of a Backstage-shaped entity dict."""
    meta = entity.get("metadata") or {}
    kind = str(entity.get("kind", ""))
    ns = str(meta.get("namespace") or "default")
    return f"{kind}:{ns}/{meta.get('name', '')}".lower()


def split_ref(ref: str) -> tuple[str, str, str]:
    kind, rest = ref.split(":", 1)
    ns, name = rest.split("/", 1)
    return kind, ns, name
