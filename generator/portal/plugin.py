"""The ``lookout`` mkdocs plugin: catalog.json -> the portal's pages.

    plugins:
      - lookout:
          catalog: ../build/catalog.json   # relative to mkdocs.yml; env LOOKOUT_CATALOG wins

Events:
  on_config     load and check catalog.json (refuse a newer schema), index it once
  on_files      add the virtual pages (home, catalog, graph, problems, teams, and the
                one shell of every entity page, kept out of the nav) and the data files
                (entities.json, graph.json, api/catalog.json, mermaid.min.js)
  on_page_context  build the view model of the page being rendered (only that one)
  on_post_build write every entity page around the shell (entity_pages.py), from the
                page cache when nothing it shows changed
"""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel

from generator.catalog_json import CatalogBytes, CatalogFileError, load_catalog
from generator.portal import data, page_keys, pages
from generator.portal.entity_pages import (BODY_SENTINEL, RESOURCES_SHELL_SRC, RESOURCES_SHELL_URL, SHELL_ROOT,
                                           SHELL_SRC, SHELL_URL, TITLE_SENTINEL, EntityPages, Shell, code_digest)
from generator.portal.assets import MERMAID_DEST, find_mermaid
from generator.portal.config import LookoutPluginConfig
from generator.portal.entity_page import EntityPageBuilder
from generator.portal.index import PortalIndex
from generator.portal.page_cache import PageCache, write_catalog_gz

log = logging.getLogger("mkdocs.plugins.lookout")

# Entity pages: no sidebars (wide tables; material's TOC partial costs ~0.3 ms a page,
# the body has its own section links instead). One dict shared by every entity page.
CATALOG_JSON_MAX = 100 * 1024 * 1024  # bytes; above, api/catalog.json.gz only

ENTITY_META = {"hide": ["navigation", "toc"], "lookout_entity": True, "lookout_mermaid": True,
               "lookout_scripts": ["assets/lookout/entity.js"]}
# A namespace's resource page: entity.js loads mermaid itself, after the Resource's body is shown.
RESOURCES_META = {**ENTITY_META, "lookout_mermaid": False}


class LookoutPlugin(BasePlugin[LookoutPluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        # build_site() sets these; they win over the config and the environment.
        self.catalog_override: Path | None = None
        self.progress_override: bool | None = None
        self.index: PortalIndex | None = None
        self.catalog_path: Path | None = None
        self.mermaid_path: Path | None = None
        self.last_error: BaseException | None = None
        self.preloaded: dict | None = None  # the catalog, when build_site has read it already
        self.preloaded_raw: bytes | None = None  # and its bytes, when build_site was given them
        self.catalog_sha: str | None = None
        self.catalog_raw: bytes | None = None
        # build_site sets these: where finished pages are kept between builds (None: no
        # cache), and how entity pages are rendered (parallel.render_pages; None: here).
        self.cache_dir: Path | None = None
        self.workers = 1
        self.env: jinja2.Environment | None = None
        self.shell_base: str | None = None
        self.stats: dict[str, int] = {}
        self.catalog_gz = True   # write api/catalog.json.gz

    # -- config -------------------------------------------------------------------
    def resolve_catalog(self, config) -> Path:
        if self.catalog_override is not None:
            return Path(self.catalog_override).resolve()
        raw = os.environ.get("LOOKOUT_CATALOG") or self.config.catalog
        if not raw:
            return (Path.cwd() / "build" / "catalog.json").resolve()
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path(config.config_file_path or ".").resolve().parent / path
        return path.resolve()

    def on_config(self, config):
        self.last_error = None
        self.catalog_path = self.resolve_catalog(config)
        catalog, self.preloaded = self.preloaded, None
        raw, self.preloaded_raw = self.preloaded_raw, None
        if raw is None:
            try:
                raw = self.catalog_path.read_bytes()
            except OSError:
                pass   # load_catalog says what is wrong with it
        try:
            catalog = catalog or load_catalog(self.catalog_path, None if raw is None else CatalogBytes(raw, False))
        except CatalogFileError as exc:
            raise PluginError(str(exc)) from None
        # Kept to on_post_build: page_keys takes each entity's digest from these bytes.
        self.catalog_raw = raw
        self.catalog_sha = hashlib.sha256(raw or b"").hexdigest()
        # The catalog and its index live as long as the build and make no garbage: the
        # collector off while the index is built, then both frozen, so no collection walks
        # them again (M, 27,000 entities: the graph's new dicts set off 4 full collections
        # over the whole catalog, 0.9 s). on_post_build unfreezes them (mkdocs serve builds
        # again and again in one process).
        gc.freeze()
        enabled = gc.isenabled()
        gc.disable()
        try:
            self.index = PortalIndex(catalog, self.config.resource_pages)
        finally:
            if enabled:
                gc.enable()
        gc.freeze()
        for pp in self.index.portal_problems:
            log.warning(f"lookout: {pp.message}")
        self.mermaid_path = find_mermaid(self.config.mermaid_js or None)
        if self.mermaid_path is None:
            log.warning("lookout: mermaid.min.js not found (LOOKOUT_MERMAID or mermaid_js names a missing file); "
                        "relation diagrams are shown as tables only")
        config.extra["lookout_mermaid"] = MERMAID_DEST if self.mermaid_path else None
        self.env = body_environment(config.theme.dirs)
        return config

    # -- templates ---------------------------------------------------------------------
    def on_env(self, env, config, files):
        """Compiled templates kept in the cache folder between builds: compiling material's
        (main.html, base.html, its partials) and the bodies' was 0.3 s of every build at M,
        the first page (404.html) paying most of it. Jinja keys each by its name and checks
        its source's checksum, so an edited template is compiled again; the HTML is the same."""
        if self.cache_dir is not None:
            cache = jinja2.FileSystemBytecodeCache(str(_mkdir(self.cache_dir / "jinja")))
            env.bytecode_cache = cache
            if self.env is not None:
                self.env.bytecode_cache = cache
        return env

    # -- files ----------------------------------------------------------------------
    def on_files(self, files, config):
        ix = self.index
        assert ix is not None
        self._add_index_pages(files, config, ix)
        # The one entity page mkdocs renders: its title, URL and body are sentinels; and the
        # same at a namespace's resource page depth, when Resources are sharded.
        self.shell_base = {}
        for src in (SHELL_SRC, RESOURCES_SHELL_SRC) if ix.sharded else (SHELL_SRC,):
            pages.add_page(files, config, src, TITLE_SENTINEL, in_nav=False, template="",
                           view=lambda base: {}, meta=ENTITY_META if src == SHELL_SRC else RESOURCES_META)
        return files

    def _add_index_pages(self, files, config, ix: PortalIndex) -> None:
        home = pages.home_view(ix)
        problems = pages.problems_view(ix)
        teams = pages.teams_view(ix)
        if files.get_file_from_path("index.md") is None:
            pages.add_page(files, config, "index.md", "Home", in_nav=True, template="home.html",
                           view=lambda base: home, meta={"hide": ["navigation", "toc"]})
        table = data.entities_doc(ix)
        owners = {"owners": table["dict"]["owner"]}
        pages.add_page(files, config, "catalog/index.md", "Catalog", in_nav=True,
                       template="catalog.html", view=lambda base: owners,
                       meta={"hide": ["navigation", "toc"], "lookout_scripts": ["assets/lookout/catalog.js"]})
        pages.add_page(files, config, "graph/index.md", "Graph", in_nav=True,
                       template="graph.html", view=lambda base: {},
                       meta={"hide": ["navigation", "toc"], "lookout_mermaid": True,
                             "lookout_scripts": ["assets/lookout/graph.js"]})
        pages.add_page(files, config, "problems/index.md", "Problems", in_nav=True,
                       template="problems.html", view=lambda base: problems,
                       toc=[(r["anchor"], r["repo"]) for r in problems["repos"]][:200],
                       meta={"hide": ["navigation"]})
        create = pages.create_view(self.config.templates)
        pages.add_page(files, config, "create/index.md", "Create", in_nav=True, template="create.html",
                       view=lambda base: create, meta={"hide": ["navigation", "toc"]})
        pages.add_page(files, config, "teams/index.md", "Teams", in_nav=True,
                       template="teams.html", view=lambda base: teams, meta={"hide": ["navigation", "toc"]})
        # The index it queries (/pagefind/) is written by `lookout build` (generator/search).
        pages.add_page(files, config, "search/index.md", "Search", in_nav=True,
                       template="search.html", view=lambda base: {},
                       meta={"hide": ["navigation", "toc"]})

        files.append(File.generated(config, "catalog/entities.json", content=data.dumps(table),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
        for k, content in enumerate(data.owner_slices(table)):
            files.append(File.generated(config, f"catalog/owner/{k}.json", content=content,
                                        inclusion=InclusionLevel.NOT_IN_NAV))
        files.append(File.generated(config, "graph/graph.json", content=data.graph_json(ix),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
        # catalog.json as published: gzip always (on_post_build), the plain file too unless it
        # is huge (250,000 Resources: ~500 MB, half of what GitLab Pages accepts).
        if self.catalog_path.stat().st_size <= CATALOG_JSON_MAX:
            files.append(File.generated(config, "api/catalog.json", abs_src_path=str(self.catalog_path),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
        if self.mermaid_path:
            files.append(File.generated(config, MERMAID_DEST, abs_src_path=str(self.mermaid_path),
                                        inclusion=InclusionLevel.NOT_IN_NAV))

    # -- pages ----------------------------------------------------------------------
    def on_page_context(self, context, page, config, nav):
        if isinstance(page, pages.GeneratedPage) and page.file.src_uri in (SHELL_SRC, RESOURCES_SHELL_SRC):
            self.shell_base[page.file.src_uri] = context.get("base_url") or "."
            page.content = BODY_SENTINEL
        elif isinstance(page, pages.GeneratedPage):
            base = context.get("base_url") or "."
            view = page.view(base)
            template = self.env.get_template(page.body_template)
            page.content = template.render(v=view, base=base, site_name=config.site_name,
                                           mermaid=bool(self.mermaid_path))
        return context

    def on_post_page(self, output, page, config):
        if isinstance(page, pages.GeneratedPage):
            page.content = ""
        return output

    def on_post_build(self, config):
        import shutil
        import tempfile

        from generator.portal.parallel import render_pages

        site = Path(config.site_dir)
        shells = {}
        for src, url in ((SHELL_SRC, SHELL_URL), (RESOURCES_SHELL_SRC, RESOURCES_SHELL_URL)):
            path = site / url / "index.html"
            if path.is_file():
                shells[src] = Shell(path.read_text(encoding="utf-8"), self.shell_base.get(src, "."), url)
        shutil.rmtree(site / SHELL_ROOT)
        ix = self.index
        builder = EntityPageBuilder(ix, list_cap=self.config.list_cap, diagram_cap=self.config.diagram_cap,
                                    pagerduty_url=self.config.pagerduty_url)
        settings = {k: self.config[k] for k in ("list_cap", "diagram_cap", "pagerduty_url", "resource_pages")}
        writer = EntityPages(ix, builder, self.env, shells[SHELL_SRC], site_name=config.site_name,
                             mermaid=bool(self.mermaid_path), code_key=code_digest(settings),
                             resources_shell=shells.get(RESOURCES_SHELL_SRC))
        show = self.progress_override if self.progress_override is not None else self.config.progress
        # Shards are assembled from rendered bodies: without a cache folder, a temporary one.
        scratch = None if self.cache_dir or not ix.sharded else Path(tempfile.mkdtemp(prefix="lookout-pages-"))
        try:
            root = self.cache_dir or scratch
            cache = PageCache(root / "pages") if root else None

            keys_file = root / "page-keys.json" if self.cache_dir else None
            if keys_file is not None:
                inputs = page_keys.inputs_of(ix, self.catalog_raw)
                salt = self._keys_salt(writer)
                writer.known_keys = page_keys.known_keys(page_keys.load_state(keys_file), ix, self.catalog_sha,
                                                         salt, inputs)
                writer.seed_shown(inputs.shown)
            self.catalog_raw = None

            def render(jobs):
                render_pages(writer, jobs, cache, self.workers, show)
            self.stats = writer.write(site, ix.page_refs, cache, render)
            if ix.sharded:
                shard_stats = writer.write_shards(site, cache, render)
                self.stats = {k: self.stats.get(k, 0) + shard_stats.get(k, 0) for k in ("reused", "rendered")}
                self.stats["shards"] = shard_stats["shards"]
            self.stats["keys"] = len(writer.keys)   # computed, not carried over from the last build
            if self.catalog_gz:   # else build.py writes it, beside this build (the same bytes)
                write_catalog_gz(self.catalog_path, site / "api" / "catalog.json.gz", cache)
            if cache is not None and self.cache_dir:
                cache.prune(cache.used)
                inputs.shown.update(writer.shown_digests())
                page_keys.save_state(keys_file, self.catalog_sha, salt, inputs, {**writer.known_keys, **writer.keys})
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            gc.unfreeze()

    @staticmethod
    def _keys_salt(writer: EntityPages) -> str:
        shell = writer.resources_shell.digest if writer.resources_shell else ""
        return f"{writer.salt.hex()}-{shell}"

    def on_build_error(self, error):
        self.last_error = error
        gc.unfreeze()

    def on_serve(self, server, config, builder):
        if self.catalog_path is not None:
            server.watch(str(self.catalog_path))
        return server


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def body_environment(theme_dirs: list[str]) -> jinja2.Environment:
    """Autoescaping environment for the portal's page bodies (theme/lookout/*.html).

    mkdocs' own theme environment does not autoescape; every catalog string goes
    through this one instead.
    """
    dirs = [d for d in theme_dirs if os.path.isdir(os.path.join(d, "lookout"))]
    if not dirs:
        raise PluginError("lookout: no theme directory holds lookout/*.html templates "
                          "(set theme.custom_dir to the repository's theme/ folder)")
    env = jinja2.Environment(loader=_CompactLoader([os.path.join(d, "lookout") for d in dirs]),
                             autoescape=True, auto_reload=False, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


class _CompactLoader(jinja2.FileSystemLoader):
    """Templates without their indentation: a newline and the whitespace after it become one
    newline (still whitespace between inline elements), never inside <pre> (the templates'
    <pre> hold one expression each)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return _INDENT.sub("\n", source), filename, uptodate


_INDENT = re.compile(r"\n[ \t\r\n]+")
