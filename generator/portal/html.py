"""Small escaping helpers. Every catalog string is untrusted.

Templates escape with jinja autoescape (``{% autoescape true %}`` in every
lookout template, since mkdocs' theme environment has it off); these helpers
decide what may become a link at all.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import escape

_CTRL = re.compile(r"[\x00-\x20\x7f]")


def safe_url(url: object) -> str | None:
    """The URL if it is http(s) or mailto (and well-formed), else None: render it as text."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CTRL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and parts.netloc:
        return url
    if scheme == "mailto" and parts.path:
        return url
    return None


def html_title(text: str) -> str:
    """A title for mkdocs/material, which print ``page.title`` unescaped."""
    return str(escape(text))


def as_text(value: object) -> str:
    """A catalog value as a table cell's text: nothing for a missing value or a structure."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)
