"""Sanitizing the HTML that a repo's Markdown renders to (DESIGN 7).

The policy mirrors what TechDocs does with DOMPurify: keep what Python-
Markdown + the allowlisted pymdownx extensions produce (headings with ids,
highlighted code, tables, admonitions/details, tabbed sets and task lists,
footnotes, inline SVG icons, mermaid blocks), and drop script, event
handlers, ``style``, forms, ``javascript:``/``data:`` URLs and iframes from
hosts that are not allowlisted. nh3 (ammonia) parses like a browser, so
malformed markup cannot smuggle anything past it.
"""
from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3

_TAGS = frozenset("""
a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em
figcaption figure h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p pre q rp rt ruby
s samp small span strike strong sub summary sup table tbody td tfoot th thead time tr tt u ul
var wbr nav aside article section header footer
svg path g circle rect line polyline polygon ellipse title desc
""".split())

_GLOBAL_ATTRS = {"id", "class", "title", "lang", "dir", "hidden", "align"}
_ATTRS: dict[str, set[str]] = {
    "*": _GLOBAL_ATTRS,
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"name", "checked", "disabled"},  # "type" is restricted below
    "label": {"for"},
    "details": {"open"},
    "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type", "reversed"}, "li": {"value"},
    "time": {"datetime"}, "abbr": set(), "q": {"cite"}, "blockquote": {"cite"},
    "div": {"data-tabs"},  # pymdownx.tabbed's tab count
    "code": {"data-md-copy"},
    "svg": {"xmlns", "viewbox", "viewBox", "width", "height", "fill", "aria-hidden", "role"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
    "g": {"fill", "transform"}, "circle": {"cx", "cy", "r", "fill"},
    "rect": {"x", "y", "width", "height", "rx", "ry", "fill"},
    "line": {"x1", "y1", "x2", "y2"}, "polyline": {"points"}, "polygon": {"points"},
    "ellipse": {"cx", "cy", "rx", "ry"},
}
# Tabbed sets are radio inputs; task lists are checkboxes. No other inputs.
_TAG_ATTR_VALUES = {"input": {"type": {"checkbox", "radio"}}}
# Removed together with their content (the rest only lose their tags).
_CLEAN_CONTENT = {"script", "style", "template", "noscript", "object", "embed", "textarea",
                  "select", "math"}

# Ids material's own JavaScript looks up (``#__config`` holds the page's
# configuration): a page must not shadow them (DOM clobbering).
_RESERVED_ID = re.compile(r"^__(config|drawer|search|consent|palette|toc|nav|top)")


def _is_allowed_iframe(src: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(src.strip())
    return parts.scheme == "https" and (parts.hostname or "").lower() in hosts


def _escapes_site(url: str, depth: int) -> bool:
    """A relative ``url`` on a page ``depth`` folders below the docs root leaves the docs site."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/") or ".." not in parts.path:
        return False
    joined = posixpath.normpath(posixpath.join(*(["d"] * depth), parts.path) if depth
                                else parts.path)
    return joined == ".." or joined.startswith("../")


def clean_html(html: str, *, iframe_hosts: frozenset[str] = frozenset(), page_depth: int = 0) -> str:
    """Sanitize one page's content HTML.

    ``page_depth`` is how many folders below the docs site root the page's
    URL is; an image pointing above the root is not one of this repo's
    published files, so its ``src`` is dropped.
    """
    tags = set(_TAGS)
    attrs = {k: set(v) for k, v in _ATTRS.items()}
    clean_content = set(_CLEAN_CONTENT)
    if iframe_hosts:
        tags.add("iframe")
        attrs["iframe"] = {"src", "width", "height", "allowfullscreen", "frameborder", "allow"}
    else:
        clean_content.add("iframe")

    def attr_filter(tag: str, attr: str, value: str) -> str | None:
        if attr in ("id", "name", "for") and _RESERVED_ID.match(value):
            return None
        if tag == "iframe" and attr == "src":
            return value if _is_allowed_iframe(value, iframe_hosts) else None
        if tag == "img" and attr == "src" and _escapes_site(value, page_depth):
            return None
        return value

    return nh3.clean(
        html, tags=tags, clean_content_tags=clean_content, attributes=attrs,
        attribute_filter=attr_filter, tag_attribute_values=_TAG_ATTR_VALUES,
        url_schemes={"http", "https", "mailto"}, strip_comments=True,
        link_rel="noopener noreferrer",
    )


@lru_cache(maxsize=4096)
def clean_text(fragment: str) -> str:
    """A title/TOC label the theme renders raw, also inside attributes.

    Tags removed (script/style with their content), then the text escaped
    including quotes: material puts ``page.meta.description`` in
    ``content="..."``.
    """
    text = nh3.clean(fragment, tags=set(), clean_content_tags={"script", "style"})
    return html.escape(html.unescape(text), quote=True)
