"""The portal's mkdocs config (``site_src/mkdocs.yml``), loaded with Lookout's overrides.

Its own module so that build.py (one build) and anything else that starts a
build (tests, serve) share it without importing each other.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from generator.resources import mkdocs_yml, site_src_dir

# In a checkout, site_src/ at the top; installed, generator/site_src inside the package.
SITE_SRC = site_src_dir()
MKDOCS_YML = mkdocs_yml()

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # material 9.7 warns on every run otherwise


class PortalBuildError(Exception):
    """The portal could not be built; the previous site (if any) is untouched."""


def load_config(catalog_path: Path, site_dir: Path, site_name: str, extra_config: dict | None,
                progress: bool, config_file: Path = MKDOCS_YML):
    """(mkdocs config, the lookout plugin) with ``extra_config``'s settings applied.

    ``extra_config``: mkdocs settings, plus ``"lookout"``: options of the lookout plugin.
    """
    from mkdocs.config import load_config as mkdocs_load_config

    extra = dict(extra_config or {})
    plugin_options = extra.pop("lookout", None) or {}
    overrides: dict[str, Any] = {"site_dir": str(site_dir), "site_name": site_name, **extra}
    cfg = mkdocs_load_config(config_file=str(config_file), **overrides)
    plugin = cfg.plugins.get("lookout")
    if plugin is None:
        raise PortalBuildError(f"{config_file}: the `lookout` plugin is not enabled")
    for key, value in plugin_options.items():
        plugin.config[key] = value
    plugin.catalog_override = Path(catalog_path).resolve()
    plugin.progress_override = progress
    return cfg, plugin
