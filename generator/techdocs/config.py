"""The safe mkdocs configuration Lookout constructs for a repo's docs (DESIGN 7).

A repo's ``mkdocs.yml`` never configures the builder. ``prepare_docs``
reads it as inert data and keeps only: ``site_name`` (a string),
``docs_dir`` (if it stays inside the repo), ``nav`` (validated), and
``markdown_extensions`` from an allowlist with plain-data options. The
repo's ``plugins`` are mapped (techdocs-core, search: to nothing) or dropped;
``hooks``, ``INHERIT``, ``theme``/``custom_dir``, ``extra_javascript``,
``extra_css`` and the rest are dropped. Every drop is a Problem naming the
key and the line. The result (``PreparedDocs``) is plain picklable data:
the worker turns it into an mkdocs config (see worker.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import Problem
from generator.safefs import RepoFileError, read_text, resolve_in_repo
from generator.techdocs.files import ScanResult, scan_docs
from generator.techdocs.nav import NavItem, nav_from_tree, safe_title, validate_nav
from generator.techdocs.yamlload import MAX_YAML_BYTES, RepoYamlError, YamlMemo, load_mkdocs_yaml

# Always on, as techdocs-core enables them for every Backstage site (minus
# plantuml/graphviz, which call out to renderers, and snippets, which reads
# files): docs written for Backstage render the same here.
BASE_EXTENSIONS: dict[str, dict[str, Any]] = {
    "abbr": {}, "admonition": {}, "attr_list": {}, "def_list": {}, "footnotes": {},
    "md_in_html": {}, "tables": {}, "toc": {"permalink": True},
    "pymdownx.betterem": {}, "pymdownx.caret": {}, "pymdownx.critic": {},
    "pymdownx.details": {}, "pymdownx.emoji": {}, "pymdownx.highlight": {},
    "pymdownx.inlinehilite": {}, "pymdownx.magiclink": {}, "pymdownx.mark": {},
    "pymdownx.smartsymbols": {}, "pymdownx.superfences": {},
    "pymdownx.tabbed": {"alternate_style": True}, "pymdownx.tasklist": {},
    "pymdownx.tilde": {},
}
# Extension -> the options a repo may set (plain data only). Options that
# take Python callables (slugify, custom_fences, emoji_generator, ...) or
# name files (emoji custom_icons) are not here.
ALLOWED_EXTENSIONS: dict[str, frozenset[str]] = {
    "abbr": frozenset(), "admonition": frozenset(), "attr_list": frozenset(),
    "def_list": frozenset(), "footnotes": frozenset({"BACKLINK_TEXT", "SUPERSCRIPT_TEXT",
                                                     "SEPARATOR", "UNIQUE_IDS"}),
    "md_in_html": frozenset(), "tables": frozenset(), "meta": frozenset(),
    "sane_lists": frozenset(), "nl2br": frozenset(), "smarty": frozenset(),
    "toc": frozenset({"permalink", "permalink_title", "toc_depth", "title", "baselevel",
                      "anchorlink", "separator", "permalink_class", "anchorlink_class"}),
    "pymdownx.betterem": frozenset({"smart_enable"}), "pymdownx.caret": frozenset(),
    "pymdownx.critic": frozenset({"mode"}), "pymdownx.details": frozenset(),
    "pymdownx.emoji": frozenset(), "pymdownx.inlinehilite": frozenset({"style_plain_text"}),
    "pymdownx.highlight": frozenset({"linenums", "linenums_style", "linenums_special",
                                     "anchor_linenums", "line_spans", "line_anchors",
                                     "use_pygments", "pygments_lang_class", "auto_title",
                                     "css_class", "guess_lang", "default_lang"}),
    "pymdownx.magiclink": frozenset({"hide_protocol", "repo_url_shortener", "social_url_shortener",
                                     "repo_url_shorthand", "provider", "user", "repo"}),
    "pymdownx.mark": frozenset(), "pymdownx.smartsymbols": frozenset(),
    "pymdownx.superfences": frozenset({"disable_indented_code_blocks", "preserve_tabs"}),
    "pymdownx.tabbed": frozenset({"alternate_style", "combine_header_slug"}),
    "pymdownx.tasklist": frozenset({"custom_checkbox", "clickable_checkbox"}),
    "pymdownx.tilde": frozenset(), "pymdownx.keys": frozenset(),
}
# Names a repo may use for what the base set already provides.
EXTENSION_ALIASES = {"pymdownx.extra": None, "extra": None, "fenced_code": None,
                     "codehilite": None}  # superfences + highlight cover these
MAPPED_PLUGINS = frozenset({"techdocs-core", "search", "techdocs"})  # provided by Lookout itself
_IGNORED_KEYS = frozenset("""site_url repo_url repo_name edit_uri edit_uri_template site_author
copyright use_directory_urls strict validation remote_branch remote_name exclude_docs
not_in_nav draft_docs google_analytics site_description""".split())
_FORBIDDEN_KEYS = {
    "hooks": "hooks run Python code", "INHERIT": "INHERIT reads another file",
    "extra_javascript": "scripts from a repo are not allowed",
    "extra_css": "stylesheets from a repo are not allowed",
    "extra_templates": "templates from a repo are not allowed",
    "site_dir": "the output folder is set by Lookout", "watch": "Lookout decides what is watched",
    "dev_addr": "the preview address is set by Lookout", "extra": "theme settings are Lookout's",
}


@dataclass
class PreparedDocs:
    """Everything needed to build one repo's docs; plain data, picklable."""

    repo: str
    repo_path: Path
    config_file: str | None        # repo-relative mkdocs.yml, if any
    docs_dir: Path                 # absolute, inside the repo
    site_name: str                 # HTML-escaped
    nav: list[NavItem]
    extensions: dict[str, dict[str, Any]]   # name -> plain-data options
    scan: ScanResult = field(default_factory=ScanResult)
    problems: list[Problem] = field(default_factory=list)
    ok: bool = True                # False: nothing to build (problems say why)


def _plain(value: object, depth: int = 0) -> bool:
    """Plain data: scalars, and lists/dicts of them (no None: that was a custom tag)."""
    if isinstance(value, (str, int, float, bool)):
        return True
    if depth < 3 and isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    if depth < 3 and isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def _ext_name(name: str) -> str:
    return name[len("markdown.extensions."):] if name.startswith("markdown.extensions.") else name


# What every TechDocs repo writes to get mermaid and emoji: Lookout configures
# both itself, so these are neither used nor worth a warning.
PROVIDED_BY_LOOKOUT_TAGS = {
    "!!python/name:pymdownx.superfences.fence_code_format",
    "!!python/name:material.extensions.emoji.twemoji",
    "!!python/name:material.extensions.emoji.to_svg",
}


def _provided_by_lookout(ext: str, key: str, value: Any) -> bool:
    if (ext, key) == ("pymdownx.superfences", "custom_fences"):
        return isinstance(value, list) and all(
            isinstance(f, dict) and f.get("name") == "mermaid" for f in value)
    return ext == "pymdownx.emoji" and key in ("emoji_index", "emoji_generator")


def _tag_name(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def prepare_docs(repo: str, repo_path: Path, docs_root: str, title: str,
                 yaml_memo: YamlMemo | None = None) -> PreparedDocs:
    """Read a repo's mkdocs.yml (if any) and docs tree into a safe build plan
    (``yaml_memo``: where texts parsed in earlier builds are looked up)."""
    problems: list[Problem] = []
    root_rel = (docs_root or ".").strip().strip("/") or "."
    prep = PreparedDocs(repo, repo_path, None, repo_path / "docs", safe_title(title or repo),
                        [], {k: dict(v) for k, v in BASE_EXTENSIONS.items()}, problems=problems)
    try:
        # Only the check matters here: the docs root must resolve inside the repo.
        if root_rel != ".":
            resolve_in_repo(repo_path, root_rel)
    except RepoFileError as exc:
        problems.append(Problem("error", f"techdocs-ref dir {docs_root!r}: {exc}", repo, None))
        prep.ok = False
        return prep
    cfg_rel = None
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        rel = name if root_rel == "." else f"{root_rel}/{name}"
        if os.path.lexists(repo_path / rel):
            cfg_rel = rel
            break
    data: dict[str, Any] = {}
    loaded = None
    if cfg_rel:
        prep.config_file = cfg_rel
        try:
            text = read_text(repo_path, cfg_rel, MAX_YAML_BYTES)
            loaded = yaml_memo.load(text) if yaml_memo else load_mkdocs_yaml(text)
            data = loaded.data
        except (RepoFileError, RepoYamlError) as exc:
            problems.append(Problem("error", f"{exc}; docs built with defaults", repo, cfg_rel,
                                    getattr(exc, "line", None)))
    line = loaded.line if loaded else (lambda *k: None)

    def warn(msg: str, *key: str | int, sev: str = "warning") -> None:
        problems.append(Problem(sev, msg, repo, cfg_rel, line(*key) if key else None))  # type: ignore[arg-type]

    for tag, tag_line in (loaded.inert_tags if loaded else []):
        if _tag_name(tag) in PROVIDED_BY_LOOKOUT_TAGS:
            continue  # the standard TechDocs/material setting, which Lookout sets up itself
        problems.append(Problem("warning", f"YAML tag {_tag_name(tag)} is not allowed in "
                                "mkdocs.yml; its value is ignored", repo, cfg_rel, tag_line))
    if isinstance(data.get("site_name"), str) and data["site_name"].strip():
        prep.site_name = safe_title(data["site_name"])

    # docs_dir: relative to mkdocs.yml, and inside the repo after symlinks.
    raw_dir = data.get("docs_dir", "docs")
    docs_rel = f"{root_rel}/docs" if root_rel != "." else "docs"
    resolved = None
    if isinstance(raw_dir, str) and raw_dir.strip():
        cand = raw_dir.strip() if root_rel == "." else f"{root_rel}/{raw_dir.strip()}"
        try:
            resolved = resolve_in_repo(repo_path, cand)
            docs_rel = cand
        except RepoFileError as exc:
            warn(f"docs_dir {raw_dir!r} is not allowed ({exc}); using 'docs'", "docs_dir")
    elif "docs_dir" in data:
        warn("docs_dir must be a relative folder; using 'docs'", "docs_dir")
    try:
        # resolved once: the folder the docs_dir setting named, else the default one
        prep.docs_dir = resolved or resolve_in_repo(repo_path, docs_rel)
    except RepoFileError as exc:
        problems.append(Problem("error", f"docs folder {docs_rel!r}: {exc}", repo, cfg_rel))
        prep.ok = False
        return prep
    if not prep.docs_dir.is_dir():
        # At the docs_dir line when mkdocs.yml names it, else at the top of mkdocs.yml.
        where = (line("docs_dir") or 1) if cfg_rel else None
        problems.append(Problem("error", f"docs folder {docs_rel!r} does not exist", repo,
                                cfg_rel or docs_rel, where))
        prep.ok = False
        return prep
    _check_keys(data, warn)
    _extensions(data.get("markdown_extensions"), prep.extensions, warn)
    _plugins(data.get("plugins"), warn)

    prep.scan = scan_docs(repo_path, prep.docs_dir, repo)
    problems.extend(prep.scan.problems)
    pages = prep.scan.pages
    if not pages:
        problems.append(Problem("error", f"docs folder {docs_rel!r} has no Markdown pages",
                                repo, docs_rel))
        prep.ok = False
        return prep
    if "nav" in data and data["nav"] is not None:
        positions: list[tuple] = []
        nav, reasons = validate_nav(data["nav"], set(pages), positions)
        for reason, pos in zip(reasons, positions, strict=True):
            warn(reason, "nav", *pos)
        prep.nav = nav or nav_from_tree(pages)
    else:
        prep.nav = nav_from_tree(pages)
    return prep


def _check_keys(data: dict[str, Any], warn) -> None:
    ignored = []
    for key, value in data.items():
        if key in ("site_name", "docs_dir", "nav", "markdown_extensions", "plugins"):
            continue
        if key in _FORBIDDEN_KEYS:
            warn(f"mkdocs.yml key {key!r} is not allowed: {_FORBIDDEN_KEYS[key]}; dropped", key)
        elif key == "theme":
            _check_theme(value, warn)
        elif key not in _IGNORED_KEYS:
            ignored.append(str(key))
    if ignored:
        warn("mkdocs.yml keys ignored by Lookout: " + ", ".join(sorted(ignored)), ignored[0], sev="info")


def _check_theme(value: object, warn) -> None:
    # `theme: material` (or `{name: material}`) only says what Lookout does anyway.
    if value in ("material", "mkdocs", None) or value == {"name": "material"}:
        return
    if isinstance(value, dict):
        keys = sorted(str(k) for k in value if not (k == "name" and value[k] == "material"))
        if "custom_dir" in value:
            warn("theme custom_dir is not allowed: templates from a repo would run unsanitized; "
                 "dropped", "theme", "custom_dir")
            keys.remove("custom_dir")
        if keys:
            warn(f"theme settings are set by Lookout; dropped: {', '.join(keys)}", "theme")
    else:
        warn(f"theme {value!r} is set by Lookout; dropped", "theme")


def _extensions(raw: object, exts: dict[str, dict[str, Any]], warn) -> None:
    if raw is None:
        return
    items = list(raw.items()) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        warn("markdown_extensions must be a list; ignored", "markdown_extensions")
        return
    for i, item in enumerate(items):
        if isinstance(item, tuple):
            name, opts = item
        elif isinstance(item, dict) and len(item) == 1:
            (name, opts), = item.items()
        elif isinstance(item, str):
            name, opts = item, None
        else:
            warn(f"markdown extension entry {item!r} not understood; dropped",
                 "markdown_extensions", i)
            continue
        name = _ext_name(str(name).strip())
        if name in EXTENSION_ALIASES:
            continue
        if name not in ALLOWED_EXTENSIONS:
            warn(f"markdown extension {name!r} is not in Lookout's allowlist; dropped",
                 "markdown_extensions", i)
            continue
        target = exts.setdefault(name, {})
        if opts is None:
            continue
        if not isinstance(opts, dict):
            warn(f"options of markdown extension {name!r} must be a mapping; ignored",
                 "markdown_extensions", i)
            continue
        for key, value in opts.items():
            if _provided_by_lookout(name, key, value):
                continue
            if key not in ALLOWED_EXTENSIONS[name]:
                warn(f"option {key!r} of markdown extension {name!r} is not allowed; dropped",
                     "markdown_extensions", i)
            elif not _plain(value):
                warn(f"option {key!r} of markdown extension {name!r} is not plain data; "
                     "dropped", "markdown_extensions", i)
            else:
                target[key] = value


def _plugins(raw: object, warn) -> None:
    if raw is None:
        return
    items = list(raw) if isinstance(raw, (list, dict)) else [raw]
    for i, item in enumerate(items):
        name = next(iter(item)) if isinstance(item, dict) and item else item
        if not isinstance(name, str):
            warn(f"plugin entry {item!r} not understood; dropped", "plugins", i)
        elif name.strip() not in MAPPED_PLUGINS:
            warn(f"mkdocs plugin {name!r} is not allowed (only techdocs-core and search, which "
                 "Lookout provides); dropped", "plugins", i)
