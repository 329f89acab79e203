"""Build or serve the portal in-process with ``site_src/mkdocs.yml``.

``build_site`` builds into a temporary folder beside ``out_dir`` and swaps it
in only when the build succeeded; a failed build leaves the previous site
as it was and raises ``PortalBuildError`` with mkdocs' / the plugin's reason.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE_SRC = REPO_ROOT / "site_src"
MKDOCS_YML = SITE_SRC / "mkdocs.yml"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # material 9.7 warns on every run otherwise

log = logging.getLogger("lookout.portal")


class PortalBuildError(Exception):
    """The portal could not be built; the previous site (if any) is untouched."""


def _load_config(catalog_path: Path, site_dir: Path, site_name: str, extra_config: dict | None,
                 progress: bool, config_file: Path = MKDOCS_YML):
    from mkdocs.config import load_config

    # extra_config: mkdocs settings, plus "lookout": options of the lookout plugin.
    extra = dict(extra_config or {})
    plugin_options = extra.pop("lookout", None) or {}
    overrides: dict[str, Any] = {"site_dir": str(site_dir), "site_name": site_name, **extra}
    cfg = load_config(config_file=str(config_file), **overrides)
    plugin = cfg.plugins.get("lookout")
    if plugin is None:
        raise PortalBuildError(f"{config_file}: the `lookout` plugin is not enabled")
    for key, value in plugin_options.items():
        plugin.config[key] = value
    plugin.catalog_override = Path(catalog_path).resolve()
    plugin.progress_override = progress
    return cfg, plugin


def build_site(catalog_path: Path, out_dir: Path, *, site_name: str = "Lookout",
               extra_config: dict | None = None, progress: bool = True,
               workers: int | None = None) -> None:
    """Build the portal for ``catalog_path`` into ``out_dir``, atomically.

    With many entities, entity pages are rendered by ``workers`` processes
    (default: one per CPU; see parallel.py); ``workers=1`` keeps it in one.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    from generator.catalog_json import CatalogFileError, load_catalog
    from generator.portal.parallel import MIN_ENTITIES, build_entity_shards

    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    site = tmp / "site"
    plugin = None
    try:
        try:
            try:
                catalog = load_catalog(Path(catalog_path))
            except CatalogFileError as exc:
                raise PortalBuildError(str(exc)) from None
            workers = workers or os.cpu_count() or 1
            parallel = workers > 1 and len(catalog.get("entities") or ()) >= MIN_ENTITIES
            cfg, plugin = _load_config(Path(catalog_path), site, site_name, extra_config,
                                       progress and not parallel)
            plugin.preloaded = catalog
            if parallel:
                plugin.entity_shard = (-1, workers)  # this process: index pages and data files
                build_entity_shards(Path(catalog_path).resolve(), site, tmp, workers, site_name=site_name,
                                    extra_config=extra_config, total=len(catalog["entities"]),
                                    progress=progress, meanwhile=lambda: build(cfg))
            else:
                build(cfg)
        except (Abort, ConfigurationError, Exception) as exc:
            reason = getattr(plugin, "last_error", None) or exc
            if isinstance(exc, PortalBuildError):
                raise
            raise PortalBuildError(f"portal build failed: {reason}") from None
        swap_in(site, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def swap_in(new: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``new``: two renames on one file system, never a half-written site."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rmdir(old)
        os.replace(out_dir, old)
    try:
        os.replace(new, out_dir)
    except OSError:
        if old is not None:
            os.replace(old, out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve_site(catalog_path: Path, host: str = "127.0.0.1", port: int = 8000, *,
               open_in_browser: bool = False) -> None:
    """``mkdocs serve`` with live reload; rebuilds when catalog.json changes."""
    from mkdocs.commands.serve import serve

    os.environ["LOOKOUT_CATALOG"] = str(Path(catalog_path).resolve())
    serve(config_file=str(MKDOCS_YML), livereload=True, dev_addr=f"{host}:{port}",
          open_in_browser=open_in_browser)
