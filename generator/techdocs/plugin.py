"""Lookout's internal mkdocs plugin for docs builds.

Registered by instance (never through the repo's config) on every docs
build. It:
- gives mkdocs exactly the files ``files.scan_docs`` allowed (``install_get_files``);
- drops the theme's static files from each docs site and points the pages
  at the portal's own ``/assets/`` (one shared copy of material's assets);
- reads pages itself (size limit, UTF-8) and keeps only harmless front matter;
- sanitizes every page's rendered HTML, its title and its TOC labels;
- collects Problems instead of failing the build.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any
from collections.abc import Callable

import jinja2
from mkdocs.plugins import BasePlugin
from mkdocs.utils.templates import url_filter

from generator.model import Problem
from generator.techdocs.files import MAX_PAGE_BYTES, DocEntry, mkdocs_files
from generator.techdocs.sanitize import clean_html, clean_text

PLUGIN_KEY = "lookout-techdocs"
# Front matter material reads; all rendered raw, so each is kept as escaped text.
_META_TEXT_KEYS = ("title", "description")
_META_HIDE_VALUES = frozenset({"navigation", "toc", "footer", "path", "tags", "feedback"})


class TechDocsPlugin(BasePlugin):
    def __init__(self, *, repo: str, repo_path: str, docs_rel: str, entries: list[DocEntry],
                 iframe_hosts: frozenset[str], portal_root: str) -> None:
        super().__init__()
        self.repo = repo
        self.repo_path = repo_path
        self.docs_rel = docs_rel            # repo-relative docs folder, for problem files
        self.entries = entries              # scanned (and checked) by the main process
        self.iframe_hosts = iframe_hosts
        self.portal_root = portal_root      # docs site root -> portal root, e.g. "../../../../"
        self.problems: list[Problem] = []
        self.theme_paths: set[str] = set()  # dest URIs of the theme files left out

    def _file(self, src_uri: str) -> str:
        return src_uri if self.docs_rel in ("", ".") else f"{self.docs_rel}/{src_uri}"

    # -- files ---------------------------------------------------------------
    def files(self, config) -> Any:
        """Stand-in for mkdocs' get_files: only the scanned, allowed files."""
        files = mkdocs_files(self.entries, config)

        # mkdocs would now list the theme's ~10k files (0.2 s a build) only
        # for us to drop them again: note their paths once per process instead.
        def add_files_from_theme(env, config) -> None:
            self.theme_paths = _theme_static_paths(env, config)
        files.add_files_from_theme = add_files_from_theme
        return files

    def on_files(self, files, *, config):
        docs_dir = os.path.realpath(config["docs_dir"]) + os.sep
        for f in list(files):
            src = os.path.realpath(f.abs_src_path) if f.abs_src_path else ""
            if not src.startswith(docs_dir) and not f.generated_by:
                # a theme static file: the portal serves the one shared copy
                self.theme_paths.add(f.dest_uri)
                files.remove(f)
        return files

    # -- shared theme assets -------------------------------------------------
    def on_env(self, env, *, config, files):
        original: Callable = url_filter   # mkdocs' own (the env may be reused, see cached_env)
        theme_paths, portal_root = self.theme_paths, self.portal_root

        @jinja2.pass_context
        def url(context, value):
            if isinstance(value, str) and value in theme_paths:
                # relative: page -> docs site root -> portal root -> the shared file
                base = context.get("base_url") or "."
                return f"{base}/{portal_root}{value}"
            return original(context, value)

        env.filters["url"] = url
        return env

    # -- pages ---------------------------------------------------------------
    def on_page_read_source(self, *, page, config) -> str | None:
        path = page.file.abs_src_path
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_PAGE_BYTES + 1)
        except OSError as exc:
            self.problems.append(Problem("error", f"cannot read page: {exc.strerror}",
                                         self.repo, self._file(page.file.src_uri)))
            return "# (page could not be read)\n"
        if len(data) > MAX_PAGE_BYTES:  # grew since the scan
            self.problems.append(Problem("warning", "page is over the size limit; not rendered",
                                         self.repo, self._file(page.file.src_uri)))
            return "# (page too large)\n"
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problems.append(Problem("warning", f"page is not valid UTF-8 (byte {exc.start}); "
                                         "undecodable bytes replaced", self.repo,
                                         self._file(page.file.src_uri), line))
            return data.decode("utf-8", "replace")

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        meta = page.meta or {}
        kept: dict[str, Any] = {}
        for key in _META_TEXT_KEYS:
            if isinstance(meta.get(key), (str, int, float)):
                kept[key] = clean_text(str(meta[key]))
        hide = meta.get("hide")
        if isinstance(hide, list):
            kept["hide"] = [h for h in hide if h in _META_HIDE_VALUES]
        page.meta = kept
        return markdown

    def on_page_content(self, html: str, *, page, config, files) -> str:
        depth = len([p for p in page.url.split("/") if p]) if page.url else 0
        if page.url and not page.url.endswith("/"):
            depth -= 1  # a file URL (use_directory_urls off): its folder is one up
        if page.title is not None:
            page.title = clean_text(str(page.title))
        _clean_toc(page.toc)
        return clean_html(html, iframe_hosts=self.iframe_hosts, page_depth=max(depth, 0))


def _clean_toc(items) -> None:
    for item in items:
        item.title = clean_text(str(item.title))
        _clean_toc(item.children)


_THEME_PATHS: dict[tuple, frozenset[str]] = {}
_ENVS: dict[tuple, Any] = {}


def _theme_static_paths(env, config) -> frozenset[str]:
    key = tuple(config.theme.dirs)
    if key not in _THEME_PATHS:
        from mkdocs.structure.files import Files
        probe = Files([])
        probe.add_files_from_theme(env, config)
        _THEME_PATHS[key] = frozenset(f.dest_uri for f in probe)
    return _THEME_PATHS[key]


def cached_env(theme) -> Any:
    """One jinja environment per theme per process: compiling material's templates
    is ~0.25 s, more than building a small docs site. Nothing per-build lives in
    the env except the ``url`` filter, which ``on_env`` sets on every build."""
    key = (tuple(theme.dirs), str(theme.locale))
    if key not in _ENVS:
        _ENVS[key] = type(theme).get_env(theme)
    return _ENVS[key]


_installed = threading.Lock()
_patched = False


def install_get_files() -> None:
    """Make mkdocs' build use the plugin's file list instead of walking docs_dir.

    Process-wide and idempotent; a build without our plugin is unaffected.
    mkdocs is pinned (==1.6.1), and tests fail loudly if this seam moves.
    """
    global _patched
    with _installed:
        if _patched:
            return
        import mkdocs.commands.build as mk_build

        original = mk_build.get_files

        def get_files(config):
            plugin = config.plugins.get(PLUGIN_KEY) if config.plugins else None
            if isinstance(plugin, TechDocsPlugin):
                return plugin.files(config)
            return original(config)

        mk_build.get_files = get_files
        _patched = True


class ProblemLogHandler(logging.Handler):
    """mkdocs' own warnings (broken links, missing anchors) as info Problems for the repo."""

    def __init__(self, plugin: TechDocsPlugin, limit: int = 30) -> None:
        super().__init__(logging.WARNING)
        self.plugin, self.limit, self.count = plugin, limit, 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.count <= self.limit:
            msg = record.getMessage().replace(self.plugin.repo_path, "<repo>")
            m = re.search(r"Doc file '([^']+)'", msg)
            file = self.plugin._file(m.group(1)) if m else (self.plugin.docs_rel or None)
            self.plugin.problems.append(Problem("info", f"mkdocs: {msg}"[:500], self.plugin.repo,
                                                file))
