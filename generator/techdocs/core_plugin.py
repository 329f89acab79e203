"""``plugins: [techdocs-core]`` for a service repo's own ``mkdocs serve``.

TechDocs repos name the ``techdocs-core`` plugin in their ``mkdocs.yml``. Lookout
registers an mkdocs plugin under that name (pyproject.toml entry point), so inside a
repo the command engineers already type, ``mkdocs serve``, previews the docs as the
portal shows them, with no other package installed: the repo's ``mkdocs.yml`` is read
by Lookout's own rules (``prepare_docs``: allowlisted extensions, nav checked, every
dropped setting a warning with its line) and built with the portal's docs theme, the
same extensions and the same HTML sanitizing as ``lookout build``.

It replaces the whole config in ``on_config`` (mkdocs builds with what ``on_config``
returns), keeping only where mkdocs serves and writes. What differs from the portal is
only what a portal around the docs would give: the theme's assets and mermaid are in
the preview site itself, and the banner's links stay inside it.
"""
from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from generator.portal.assets import MERMAID_DEST, find_mermaid
from generator.techdocs.config import prepare_docs
from generator.techdocs.files import mkdocs_files
from generator.techdocs.plugin import TechDocsPlugin

log = logging.getLogger("mkdocs.plugins.lookout")


class StandaloneDocsPlugin(TechDocsPlugin):
    """Lookout's docs plugin with no portal around it: theme assets and mermaid stay in the site."""

    def files(self, config):
        return mkdocs_files(self.entries, config)   # mkdocs adds the theme's files itself

    def on_files(self, files, *, config):
        mermaid = find_mermaid()
        if mermaid is not None:
            files.append(File.generated(config, MERMAID_DEST, abs_src_path=str(mermaid)))
        return files

    def on_env(self, env, *, config, files):
        return env

    def on_post_build(self, *, config):
        for p in self.problems:
            log.warning(_line(p))


class TechDocsCorePlugin(BasePlugin):
    def on_config(self, config):
        from generator.techdocs.worker import DocsContext, make_config

        config_file = Path(config.config_file_path).resolve()
        repo_path = config_file.parent
        prep = prepare_docs(repo_path.name, repo_path, ".", config.site_name or repo_path.name)
        for p in prep.problems + prep.scan.problems:
            log.warning(_line(p))
        ctx = DocsContext(entity_ref="", entity_url="", out_subdir="", title=prep.site_name,
                          kind="docs", owner=None)
        new, plugin = make_config(prep, ctx, config.site_dir, plugin_class=StandaloneDocsPlugin,
                                  dev_addr=str(config.dev_addr), site_url=config.site_url)
        new.config_file_path = str(config_file)
        return new


def _line(p) -> str:
    where = f"{p.file}:{p.line}" if p.file and p.line else (p.file or "mkdocs.yml")
    return f"lookout: {where}: {p.message}"
