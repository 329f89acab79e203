"""The navigation of a docs site: validated from mkdocs.yml, or made from the tree.

A repo's ``nav`` is untrusted: its titles are rendered into every page by
material's templates (which jinja does not autoescape), and its targets
become links. We keep only strings as titles (escaped), relative ``.md``
paths that exist inside docs_dir, and http(s) links; everything else is
dropped with a reason.
"""
from __future__ import annotations

import html
import posixpath
import re
from typing import Any

NavItem = Any  # str | dict[str, str | list[NavItem]] in mkdocs' own shape

MAX_NAV_ITEMS = 2_000   # material writes the nav into every page: keep it bounded (DESIGN 6)
MAX_NAV_DEPTH = 8


def safe_title(value: object) -> str:
    """A nav/site title rendered raw by the theme: plain text, HTML-escaped."""
    text = re.sub(r"\s+", " ", str(value)).strip()[:200]
    return html.escape(text, quote=True)


def normalize_doc_path(raw: str) -> str | None:
    """``raw`` as a docs_dir-relative posix path, or None if it leaves docs_dir."""
    if not raw or "\x00" in raw or "\\" in raw or raw.startswith("/"):
        return None
    norm = posixpath.normpath(raw)
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        return None
    return norm


def validate_nav(raw: object, pages: set[str],
                 where: list[tuple] | None = None) -> tuple[list[NavItem], list[str]]:
    """Keep the safe part of a repo's ``nav``; return it and one reason per drop.

    ``where``, when given, receives each reason's position in ``nav`` (list
    indexes and section titles, outermost first), so the problem can name its line in mkdocs.yml.
    """
    reasons: _Reasons = _Reasons(where)
    count = 0

    def target(value: object) -> str | None:
        if not isinstance(value, str):
            reasons.append(f"nav entry {value!r} is not a path or link")
            return None
        if re.match(r"(?i)^https?://[^\s\"'<>]+$", value):
            return value
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            reasons.append(f"nav link {value!r}: only http(s) links are allowed")
            return None
        norm = normalize_doc_path(value)
        if norm is None:
            reasons.append(f"nav path {value!r} points outside docs_dir")
            return None
        if not norm.endswith(".md"):
            reasons.append(f"nav path {value!r} is not a .md page")
            return None
        if norm not in pages:
            reasons.append(f"nav path {value!r} does not exist in docs_dir")
            return None
        return norm

    def walk(items: object, depth: int) -> list[NavItem]:
        nonlocal count
        if not isinstance(items, list):
            reasons.append("nav must be a list")
            return []
        out: list[NavItem] = []
        base = len(reasons.path)
        for i, item in enumerate(items):
            reasons.path[base:] = [i]
            count += 1
            if count > MAX_NAV_ITEMS:
                reasons.append(f"nav has more than {MAX_NAV_ITEMS} entries; the rest is dropped")
                return out
            if isinstance(item, dict) and len(item) == 1:
                (title, value), = item.items()
                if not isinstance(title, (str, int, float)):
                    reasons.append(f"nav title {title!r} is not text")
                    continue
                if isinstance(value, list):
                    if depth >= MAX_NAV_DEPTH:
                        reasons.append(f"nav section {title!r} is nested too deep")
                        continue
                    reasons.path.append(title)
                    children = walk(value, depth + 1)
                    if children:
                        out.append({safe_title(title): children})
                else:
                    t = target(value)
                    if t is not None:
                        out.append({safe_title(title): t})
            elif isinstance(item, str):
                t = target(item)
                if t is not None:
                    out.append(t)
            else:
                reasons.append(f"nav entry {item!r} is neither a path nor a one-key mapping")
        del reasons.path[base:]
        return out

    nav = walk(raw, 0)
    if count > MAX_NAV_ITEMS:
        # reported once above; make sure it is not hidden among many others
        del reasons[50:]
        if where is not None:
            del where[50:]
    return nav, list(reasons)


class _Reasons(list):
    """Reasons, each noting the current nav position in ``where`` as it is added."""

    def __init__(self, where: list[tuple] | None):
        super().__init__()
        self.where, self.path = where, []  # path: the position being walked

    def append(self, reason: str) -> None:
        super().append(reason)
        if self.where is not None:
            self.where.append(tuple(self.path))


def _section_title(dirname: str) -> str:
    words = re.sub(r"[-_]+", " ", dirname).strip()
    return safe_title(words[:1].upper() + words[1:]) if words else safe_title(dirname)


def _page_sort_key(path: str) -> tuple[int, str]:
    name = posixpath.basename(path).lower()
    # index.md / README.md first, like mkdocs' own ordering
    return (0 if name in ("index.md", "readme.md") else 1, name)


def nav_from_tree(pages: list[str]) -> list[NavItem]:
    """A nav from the docs tree: index first, then pages, then sections per folder.

    Pages are plain paths so that mkdocs takes each page's title from its
    first heading, as it does for its own automatic nav.
    """
    tree: dict[str, Any] = {}
    for page in pages:
        node = tree
        parts = page.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part + "/", {})
        node.setdefault("", []).append(page)

    def build(node: dict[str, Any]) -> list[NavItem]:
        out: list[NavItem] = sorted(node.get("", []), key=_page_sort_key)
        for key in sorted(k for k in node if k):
            children = build(node[key])
            if children:
                out.append({_section_title(key[:-1]): children})
        return out

    return build(tree)
