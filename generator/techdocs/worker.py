"""Turning a PreparedDocs into an mkdocs config and building it (inside a worker).

Workers are long-lived: mkdocs, material, pymdownx and the twemoji icon
index are imported/loaded once per process (DESIGN 6: 0.41 s before the
first page for a fresh interpreter), then each task is one
``mkdocs.commands.build.build(config)`` on a config made by
``mkdocs.config.load_config`` from Lookout's constructed values.
"""
from __future__ import annotations

import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import Problem
from generator.resources import theme_dir
from generator.techdocs.config import PreparedDocs

THEME_DIR = theme_dir() / "techdocs"
BUILD_TIMEOUT_S = 300   # one repo's docs; a pathological page must not stall the night


@dataclass(frozen=True)
class DocsContext:
    """What a docs site needs to know about the portal around it."""

    entity_ref: str
    entity_url: str        # site-relative, e.g. "catalog/default/component/orders/"
    out_subdir: str        # site-relative, e.g. "docs/default/component/orders"
    title: str
    kind: str
    owner: str | None
    facets: dict[str, Any] = field(default_factory=dict)
    iframe_hosts: tuple[str, ...] = ()

    @property
    def portal_root(self) -> str:
        depth = len([p for p in self.out_subdir.strip("/").split("/") if p])
        return "../" * depth

    def lookout_extra(self) -> dict[str, Any]:
        """``config.extra.lookout`` for theme/techdocs (the template escapes every value)."""
        filters: list[str] = ["is:docs", f"kind:{self.kind}"]
        if self.owner:
            filters.append(f"owner:{self.owner}")
        for name, value in sorted(self.facets.items()):
            if name in ("is", "kind", "owner"):
                continue
            for v in (value if isinstance(value, (list, tuple)) else [value]):
                if v not in (None, ""):
                    filters.append(f"{name}:{v}")
        meta = [f"entity:{self.title}", "is:docs", f"entity_url:{self.entity_url}",
                f"entity_kind:{self.kind}"]
        if self.owner:
            meta.append(f"owner:{self.owner}")
        return {"entity_url": self.entity_url, "entity_title": self.title, "kind": self.kind,
                "owner": self.owner or "", "portal_root": self.portal_root,
                "filters": filters, "meta": meta}


def _emoji_generator(index, shortname, alias, uc, alt, title, category, options, md):
    # Theme icons (:material-check:) inline as SVG from the installed theme;
    # unicode emoji as the character itself: pymdownx's default (and
    # material's to_svg for emoji) would load images from a CDN.
    if not uc:
        from material.extensions.emoji import to_svg
        return to_svg(index, shortname, alias, uc, alt, title, category, options, md)
    from pymdownx.emoji import to_alt
    return to_alt(index, shortname, alias, uc, alt, title, category, options, md)


def markdown_extensions(exts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The extension list with the Python objects only Lookout may supply."""
    from material.extensions.emoji import twemoji
    from pymdownx.superfences import fence_code_format

    out = []
    for name, opts in exts.items():
        opts = dict(opts)
        if name == "pymdownx.superfences":
            opts["custom_fences"] = [{"name": "mermaid", "class": "mermaid",
                                      "format": fence_code_format}]
        elif name == "pymdownx.emoji":
            opts = {"emoji_index": twemoji, "emoji_generator": _emoji_generator}
        out.append({name: opts})
    return out


def _config_stub() -> str:
    # load_config needs a file (else it looks for ./mkdocs.yml). A file shipped in the
    # package, not a temporary one: a worker killed mid-build leaves nothing behind.
    return str(Path(__file__).with_name("mkdocs-stub.yml"))


def make_config(prep: PreparedDocs, ctx: DocsContext, site_dir: str, *, plugin_class: type | None = None,
                **overrides: Any):
    """A validated MkDocsConfig with Lookout's plugin registered; returns (config, plugin).

    ``plugin_class``: a TechDocsPlugin subclass (core_plugin.py's, for a preview with no portal).
    """
    from mkdocs.config import load_config

    from generator.techdocs.plugin import (PLUGIN_KEY, TechDocsPlugin, cached_env,
                                           install_get_files)

    install_get_files()
    docs_rel = os.path.relpath(prep.docs_dir, os.path.realpath(prep.repo_path)).replace(os.sep, "/")
    plugin = (plugin_class or TechDocsPlugin)(repo=prep.repo, repo_path=os.path.realpath(prep.repo_path),
                            docs_rel=docs_rel, entries=prep.scan.entries,
                            iframe_hosts=frozenset(h.lower() for h in ctx.iframe_hosts),
                            portal_root=ctx.portal_root)
    config = load_config(
        config_file=_config_stub(),
        site_name=prep.site_name,
        docs_dir=str(prep.docs_dir),
        site_dir=site_dir,
        nav=prep.nav,
        use_directory_urls=True,
        theme={"name": "material", "custom_dir": str(THEME_DIR), "font": False,
               "features": ["content.code.copy", "navigation.top"]},
        plugins=[],                # no material search: Pagefind covers the whole site
        hooks=[], extra_css=[], extra_javascript=[], extra_templates=[],
        markdown_extensions=markdown_extensions(prep.extensions),
        extra={"lookout": ctx.lookout_extra()},
        strict=False,
        **overrides,
    )
    # One 404 page and one sitemap for the portal, not one per docs site.
    config.theme.static_templates.difference_update({"404.html", "sitemap.xml"})
    theme = config.theme
    theme.get_env = lambda: cached_env(theme)  # type: ignore[method-assign]
    config.plugins[PLUGIN_KEY] = plugin
    return config, plugin


@dataclass
class BuildOutcome:
    ok: bool
    problems: list[Problem]
    pages: int
    seconds: float


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):  # pragma: no cover - timing dependent
    raise _Timeout()


_WARM = False   # init_worker ran in this process (or in the fork server it was forked from)


def init_worker() -> None:
    """Pool initializer: import and warm everything once per process. The fork server runs
    it too (techdocs/preload.py), so a worker forked from it has nothing left to do."""
    global _WARM
    if _WARM:
        return
    _WARM = True
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    mk = logging.getLogger("mkdocs")
    mk.propagate = False
    mk.addHandler(logging.NullHandler())
    logging.getLogger("MARKDOWN").setLevel(logging.ERROR)
    import material  # noqa: F401
    import mkdocs.commands.build  # noqa: F401
    import nh3  # noqa: F401
    import pymdownx.superfences  # noqa: F401
    from material.extensions.emoji import twemoji
    twemoji({}, None)  # globs ~10k icon files once; cached for the process
    _reuse_across_builds()
    _warm_up()
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _on_alarm)


def _reuse_across_builds() -> None:
    """What mkdocs makes again for every site and page, made once per worker.

    Measured on 8-page sites: of ~160 ms a site, ~25% went to two things that
    do not depend on the site. ``get_themes`` scans every installed package's
    entry points (per config load); and mkdocs builds a new ``Markdown`` (every
    extension instantiated and registered) for every page. Python-Markdown
    instances are made for reuse (``reset()`` between documents); mkdocs
    re-registers its per-page processors under the same names, which replaces
    them. An instance is reused only for the identical extension list and
    configs; the output is byte-identical (tests/test_techdocs.py).
    """
    import functools

    import markdown
    import mkdocs.structure.pages as mk_pages
    import mkdocs.utils as mk_utils

    mk_utils.get_themes = functools.lru_cache(maxsize=1)(mk_utils.get_themes)
    instances: dict[str, markdown.Markdown] = {}

    def reused(*, extensions, extension_configs):
        key = repr((extensions, sorted(extension_configs.items())))
        md = instances.get(key)
        if md is None:
            if len(instances) >= 8:
                instances.clear()
            md = instances[key] = markdown.Markdown(extensions=extensions,
                                                    extension_configs=extension_configs)
        return md.reset()

    class _Markdown:   # mkdocs.structure.pages sees this as its ``markdown`` module
        Markdown = staticmethod(reused)

        def __getattr__(self, name):
            return getattr(markdown, name)

    mk_pages.markdown = _Markdown()
    _validate_extensions_once()
    _stylesheet_once()


def _stylesheet_once() -> None:
    """pymdownx makes a Pygments ``HtmlFormatter`` per code block, and each one works out
    the style's whole token -> CSS class table (~2.5% of a docs worker's time at M); the
    table depends only on the style and the class prefix."""
    from pygments.formatters.html import HtmlFormatter

    make = HtmlFormatter._create_stylesheet
    tables: dict[tuple, tuple[dict, dict]] = {}

    def _create_stylesheet(self):
        key = (self.style, self.classprefix)
        if key not in tables:
            make(self)
            tables[key] = (dict(self.ttype2class), dict(self.class2style))
        t2c, c2s = tables[key]
        self.ttype2class, self.class2style = dict(t2c), dict(c2s)   # copies: a formatter may add to them

    HtmlFormatter._create_stylesheet = _create_stylesheet


# What the warm-up site shows: the languages docs are most often written about, and the
# Markdown the base extensions handle (see _warm_up).
_WARM_LANGUAGES = ("bash", "console", "csharp", "dockerfile", "go", "hcl", "html", "ini", "java", "javascript",
                   "json", "kotlin", "python", "ruby", "rust", "scala", "shell", "sql", "terraform", "text",
                   "toml", "typescript", "xml", "yaml")
_WARM_PAGE = "# Warm-up\n\n!!! note\n    A *note* with `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + "".join(
    f"```{lang}\nx = 1\n```\n\n" for lang in _WARM_LANGUAGES) + "```mermaid\ngraph LR\n  a --> b\n```\n"


def _warm_up() -> None:
    """Build one small docs site, thrown away: in the fork server, so that every worker
    forked from it starts with material's templates compiled (~0.25 s) and the common
    Pygments lexers' token tables built (tens of ms each), instead of paying for both
    itself, and again after each recycling (build.MAX_TASKS_PER_WORKER). A failure here
    only means a cold start."""
    import tempfile

    from generator.techdocs.config import prepare_docs

    try:
        with tempfile.TemporaryDirectory(prefix="lookout-warm-up-") as tmp:
            repo = Path(tmp) / "repo"
            (repo / "docs").mkdir(parents=True)
            (repo / "docs" / "index.md").write_text(_WARM_PAGE)
            prep = prepare_docs("warm-up", repo, ".", "Warm-up")
            ctx = DocsContext("component:default/warm-up", "catalog/default/component/warm-up/",
                              "docs/default/component/warm-up", "Warm-up", "component", None)
            build_docs(prep, ctx, str(Path(tmp) / "site"))
    except Exception:  # noqa: BLE001 - see above
        pass


def _validate_extensions_once() -> None:
    """mkdocs checks a site's ``markdown_extensions`` by registering every one on a new
    Markdown instance (~3 ms of a ~54 ms 8-page site); the same list and configs give the
    same answer, so a worker asks once per list (a failure is never remembered)."""
    import copy

    import mkdocs.config.config_options as mk_options

    check = mk_options.MarkdownExtensions.run_validation
    seen: dict[str, tuple[list[str], dict]] = {}

    def run_validation(self, value):
        key = repr((self.builtins, value))
        if key in seen:
            extensions, configdata = seen[key]
            self.configdata = copy.deepcopy(configdata)
            return list(extensions)
        extensions = check(self, value)
        if len(seen) >= 64:
            seen.clear()
        seen[key] = (list(extensions), copy.deepcopy(self.configdata))
        return extensions

    mk_options.MarkdownExtensions.run_validation = run_validation


def build_docs(prep: PreparedDocs, ctx: DocsContext, site_dir: str,
               timeout: int = BUILD_TIMEOUT_S) -> BuildOutcome:
    """Build one docs site into ``site_dir``; never raises for the repo's fault."""
    from mkdocs.commands.build import build

    from generator.techdocs.plugin import ProblemLogHandler

    t0 = time.perf_counter()
    problems: list[Problem] = []
    plugin = None
    handler = None
    ok = False
    pages = 0
    use_alarm = hasattr(signal, "SIGALRM") and signal.getsignal(signal.SIGALRM) is _on_alarm
    try:
        if use_alarm:
            signal.alarm(timeout)
        config, plugin = make_config(prep, ctx, site_dir)
        handler = ProblemLogHandler(plugin)
        logging.getLogger("mkdocs").addHandler(handler)
        build(config)
        pages = sum(1 for e in prep.scan.entries if e.rel.endswith(".md"))
        ok = True
    except _Timeout:
        problems.append(Problem("error", f"docs build took longer than {timeout} s; stopped",
                                prep.repo, prep.config_file))
    except (Exception, SystemExit) as exc:  # mkdocs raises click's Abort (SystemExit-like)
        msg = str(exc).replace(os.path.realpath(prep.repo_path), "<repo>")[:500]
        problems.append(Problem("error", f"docs build failed: {type(exc).__name__}: {msg}",
                                prep.repo, prep.config_file))
    finally:
        if use_alarm:
            signal.alarm(0)
        if handler is not None:
            logging.getLogger("mkdocs").removeHandler(handler)
    if plugin is not None:
        problems[:0] = plugin.problems
    return BuildOutcome(ok, problems, pages, time.perf_counter() - t0)
