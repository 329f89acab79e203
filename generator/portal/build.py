"""Build or serve the portal in-process with ``site_src/mkdocs.yml``.

``build_site`` builds into a temporary folder beside ``out_dir`` and swaps it
in only when the build succeeded; a failed build leaves the previous site
as it was and raises ``PortalBuildError`` with mkdocs' / the plugin's reason.
"""
from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from generator.portal.mkdocs_config import MKDOCS_YML, SITE_SRC, PortalBuildError, load_config

if TYPE_CHECKING:
    from generator.catalog_json import CatalogBytes

__all__ = ["MKDOCS_YML", "SITE_SRC", "PortalBuildError", "build_site", "remove_leftovers", "serve_site", "swap_in"]

log = logging.getLogger("lookout.portal")


def build_site(catalog_path: Path, out_dir: Path, *, site_name: str = "Lookout",
               extra_config: dict | None = None, progress: bool = True,
               workers: int | None = None, cache_dir: Path | None = None,
               catalog_gz: bool = True, written: CatalogBytes | None = None) -> dict[str, int]:
    """Build the portal for ``catalog_path`` into ``out_dir``, atomically.

    Entity pages are rendered by ``workers`` processes (default: one per CPU; see
    parallel.py). With ``cache_dir``, a page whose inputs did not change since the
    build that filled it is taken from there. Returns the entity pages' counts
    (``reused``, ``rendered``). ``catalog_gz`` False: no ``api/catalog.json.gz`` (the caller
    writes it, with ``page_cache.write_catalog_gz``). ``written``: what the caller's
    write_catalog wrote to ``catalog_path``, not read again.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    from generator.catalog_json import CatalogFileError, load_catalog

    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    site = tmp / "site"
    plugin = None
    try:
        try:
            try:
                catalog = load_catalog(Path(catalog_path), written)
            except CatalogFileError as exc:
                raise PortalBuildError(str(exc)) from None
            # Frozen for the collector now (see plugin.on_config), not later: the collections
            # that loading mkdocs' config sets off would walk its million objects twice first
            # (0.25 s at M). Unfrozen below, whatever happens.
            gc.freeze()
            cfg, plugin = load_config(Path(catalog_path), site, site_name, extra_config, progress)
            plugin.preloaded = catalog
            plugin.preloaded_raw = written.raw if written else None
            del catalog
            plugin.workers = workers or os.cpu_count() or 1
            plugin.cache_dir = Path(cache_dir).resolve() if cache_dir else None
            plugin.catalog_gz = catalog_gz
            build(cfg)
        except (Abort, ConfigurationError, Exception) as exc:
            reason = getattr(plugin, "last_error", None) or exc
            if isinstance(exc, PortalBuildError):
                raise
            raise PortalBuildError(f"portal build failed: {reason}") from None
        swap_in(site, out_dir)
        return dict(plugin.stats)
    finally:
        gc.unfreeze()   # also when mkdocs failed before the plugin's on_post_build
        shutil.rmtree(tmp, ignore_errors=True)


def swap_in(new: Path, out_dir: Path, *, remove_later: bool = False) -> None:
    """Replace ``out_dir`` by ``new``: two renames on one file system, never a half-written site.

    The previous site is removed; with ``remove_later`` by a detached process, after this
    returns: at 1,000 repos that is ~25,000 files and folders, seconds of a build that
    changed one repo, and nobody waits for it. What such a process leaves (the machine
    stopped) goes with the next build (``remove_leftovers``)."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{OLD_INFIX}", dir=out_dir.parent))
        os.rmdir(old)
        os.replace(out_dir, old)
    try:
        os.replace(new, out_dir)
    except OSError:
        if old is not None:
            os.replace(old, out_dir)
        raise
    if old is not None and not (remove_later and _remove_detached(old)):
        shutil.rmtree(old, ignore_errors=True)


OLD_INFIX = ".old-"   # a previous site moved aside: .<out name>.old-<random>


def remove_leftovers(out_dir: Path) -> None:
    """Previous sites a detached removal did not finish."""
    for old in out_dir.parent.glob(f".{out_dir.name}{OLD_INFIX}*"):
        shutil.rmtree(old, ignore_errors=True)


def _remove_detached(path: Path) -> bool:
    import subprocess
    import sys

    try:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False
    return True


def serve_site(catalog_path: Path, host: str = "127.0.0.1", port: int = 8000, *,
               open_in_browser: bool = False) -> None:
    """``mkdocs serve`` with live reload; rebuilds when catalog.json changes."""
    from mkdocs.commands.serve import serve

    os.environ["LOOKOUT_CATALOG"] = str(Path(catalog_path).resolve())
    serve(config_file=str(MKDOCS_YML), livereload=True, dev_addr=f"{host}:{port}",
          open_in_browser=open_in_browser)
