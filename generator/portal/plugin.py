"""The ``lookout`` mkdocs plugin: catalog.json -> the portal's pages.

    plugins:
      - lookout:
          catalog: ../build/catalog.json   # relative to mkdocs.yml; env LOOKOUT_CATALOG wins

Events:
  on_config     load and check catalog.json (refuse a newer schema), index it once
  on_files      add the virtual pages (home, catalog, graph, problems, teams, one per
                entity, kept out of the nav) and the data files (entities.json,
                graph.json, api/catalog.json, mermaid.min.js)
  on_page_context  build the view model of the page being rendered (only that one)
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel

from generator.catalog_json import CatalogFileError, load_catalog
from generator.portal import data, pages
from generator.portal.assets import MERMAID_DEST, find_mermaid
from generator.portal.config import LookoutPluginConfig
from generator.portal.entity_page import EntityPageBuilder
from generator.portal.index import PortalIndex
from generator.progress import Progress

log = logging.getLogger("mkdocs.plugins.lookout")

# Entity pages: no sidebars (wide tables; material's TOC partial costs ~0.3 ms a page,
# the body has its own section links instead). One dict shared by every entity page.
ENTITY_META = {"hide": ["navigation", "toc"], "lookout_entity": True, "lookout_mermaid": True,
               "lookout_scripts": ["assets/lookout/entity.js"]}


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
        self._bar = None
        # Parallel builds (generator/portal/parallel.py): which entity pages this build
        # renders (shard i of n; i = -1: none), whether it writes the data files, and a
        # page counter shared with the parent. Index pages are always rendered: the nav
        # (and so every page's header) must be the same in every shard.
        self.entity_shard: tuple[int, int] | None = None
        self.preloaded: dict | None = None  # the catalog, when build_site has read it already
        self.data_files = True
        self.page_counter = None
        self.env: jinja2.Environment | None = None
        self.fragments = FragmentCache()

    # -- config -------------------------------------------------------------------
    def resolve_catalog(self, config) -> Path:
        if self.catalog_override is not None:
            return Path(self.catalog_override).resolve()
        raw = os.environ.get("LOOKOUT_CATALOG") or self.config.catalog
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path(config.config_file_path or ".").resolve().parent / path
        return path.resolve()

    def on_config(self, config):
        self.last_error = None
        self.catalog_path = self.resolve_catalog(config)
        catalog, self.preloaded = self.preloaded, None
        try:
            catalog = catalog or load_catalog(self.catalog_path)
        except CatalogFileError as exc:
            raise PluginError(str(exc)) from None
        self.index = PortalIndex(catalog)
        for pp in self.index.portal_problems:
            log.warning(f"lookout: {pp.message}")
        self.mermaid_path = find_mermaid(self.config.mermaid_js or None)
        if self.mermaid_path is None:
            log.warning("lookout: mermaid.min.js not found (run `npm ci` at the repository root); "
                        "relation diagrams are shown as tables only")
        config.extra["lookout_mermaid"] = MERMAID_DEST if self.mermaid_path else None
        self.env = body_environment(config.theme.dirs)
        self.fragments = FragmentCache()  # per build: `mkdocs serve` rebuilds with a new nav
        return config

    # -- files ----------------------------------------------------------------------
    def on_files(self, files, config):
        ix = self.index
        assert ix is not None
        self._add_index_pages(files, config, ix)
        builder = EntityPageBuilder(ix, list_cap=self.config.list_cap, diagram_cap=self.config.diagram_cap,
                                    pagerduty_url=self.config.pagerduty_url)
        refs = list(ix.urls)
        if self.entity_shard is not None:
            shard, shards = self.entity_shard
            refs = refs[shard::shards] if shard >= 0 else []
        for ref in refs:
            pages.add_page(files, config, ix.urls[ref] + "index.md", ix.title(ref), in_nav=False,
                           template="entity.html", view=_EntityView(builder, ref),
                           meta=ENTITY_META)
        self._start_progress(len(refs))
        return files

    def _add_index_pages(self, files, config, ix: PortalIndex) -> None:
        home = pages.home_view(ix)
        problems = pages.problems_view(ix)
        teams = pages.teams_view(ix)
        if files.get_file_from_path("index.md") is None:
            pages.add_page(files, config, "index.md", "Home", in_nav=True, template="home.html",
                           view=lambda base: home, meta={"hide": ["navigation", "toc"]})
        pages.add_page(files, config, "catalog/index.md", "Catalog", in_nav=True,
                       template="catalog.html", view=lambda base: {},
                       meta={"hide": ["navigation", "toc"], "lookout_scripts": ["assets/lookout/catalog.js"]})
        pages.add_page(files, config, "graph/index.md", "Graph", in_nav=True,
                       template="graph.html", view=lambda base: {},
                       meta={"hide": ["navigation", "toc"], "lookout_mermaid": True,
                             "lookout_scripts": ["assets/lookout/graph.js"]})
        pages.add_page(files, config, "problems/index.md", "Problems", in_nav=True,
                       template="problems.html", view=lambda base: problems,
                       toc=[(r["anchor"], r["repo"]) for r in problems["repos"]][:200],
                       meta={"hide": ["navigation"]})
        pages.add_page(files, config, "teams/index.md", "Teams", in_nav=True,
                       template="teams.html", view=lambda base: teams, meta={"hide": ["navigation", "toc"]})
        # The index it queries (/pagefind/) is written by `lookout build` (generator/search).
        pages.add_page(files, config, "search/index.md", "Search", in_nav=True,
                       template="search.html", view=lambda base: {},
                       meta={"hide": ["navigation", "toc"]})

        if not self.data_files:
            return
        files.append(File.generated(config, "catalog/entities.json", content=data.entities_json(ix),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
        files.append(File.generated(config, "graph/graph.json", content=data.graph_json(ix),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
        files.append(File.generated(config, "api/catalog.json", abs_src_path=str(self.catalog_path),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
        if self.mermaid_path:
            files.append(File.generated(config, MERMAID_DEST, abs_src_path=str(self.mermaid_path),
                                        inclusion=InclusionLevel.NOT_IN_NAV))

    # -- pages ----------------------------------------------------------------------
    def on_page_context(self, context, page, config, nav):
        if isinstance(page, pages.GeneratedPage):
            base = context.get("base_url") or "."
            view = page.view(base)
            template = self.env.get_template(page.body_template)
            page.content = template.render(v=view, base=base, site_name=config.site_name,
                                           mermaid=bool(self.mermaid_path))
            if page.meta is ENTITY_META and not page.toc.items:
                context["lookout_fragments"] = self.fragments
        return context

    def on_post_page(self, output, page, config):
        if isinstance(page, pages.GeneratedPage):
            page.content = ""  # keep one page's HTML alive at a time, not 250,000
            if page.meta.get("lookout_entity"):
                if self._bar is not None:
                    self._bar.advance()
                if self.page_counter is not None:
                    with self.page_counter.get_lock():
                        self.page_counter.value += 1
        return output

    def on_post_build(self, config):
        self._stop_progress()

    def on_build_error(self, error):
        self.last_error = error
        self._stop_progress()

    def on_serve(self, server, config, builder):
        if self.catalog_path is not None:
            server.watch(str(self.catalog_path))
        return server

    # -- progress -------------------------------------------------------------------
    def _start_progress(self, total: int) -> None:
        show = self.progress_override if self.progress_override is not None else self.config.progress
        if show and total:
            self._bar = Progress(total, "entity pages", "page")

    def _stop_progress(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def body_environment(theme_dirs: list[str]) -> jinja2.Environment:
    """Autoescaping environment for the portal's page bodies (theme/lookout/*.html).

    mkdocs' own theme environment does not autoescape; every catalog string goes
    through this one instead.
    """
    dirs = [d for d in theme_dirs if os.path.isdir(os.path.join(d, "lookout"))]
    if not dirs:
        raise PluginError("lookout: no theme directory holds lookout/*.html templates "
                          "(set theme.custom_dir to the repository's theme/ folder)")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([os.path.join(d, "lookout") for d in dirs]),
                             autoescape=True, auto_reload=False, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


class FragmentCache:
    """Pieces of material's page (theme/main.html) that are the same on every entity page.

    Keyed by (block, base_url): entity pages are never in the nav, have no TOC and share
    ENTITY_META, so the tabs, sidebars, footer and config script differ only by the
    relative base URL. Material renders each once; later pages reuse the string.
    """

    __slots__ = ("_blocks",)

    def __init__(self) -> None:
        self._blocks: dict[tuple[str, str], str] = {}

    def get(self, block: str, base_url: str) -> str | None:
        return self._blocks.get((block, base_url))

    def put(self, block: str, base_url: str, html: str) -> str:
        self._blocks[(block, base_url)] = html
        return html


class _EntityView:
    """The view of one entity page, built only when that page renders."""

    __slots__ = ("builder", "ref")

    def __init__(self, builder: EntityPageBuilder, ref: str):
        self.builder, self.ref = builder, ref

    def __call__(self, base: str) -> dict[str, Any]:
        return self.builder.build(self.ref, base)
