"""The site stage: ``catalog.json`` -> a mkdocs-material developer portal.

``plugin.LookoutPlugin`` (entry point ``lookout``) adds the portal's pages
as virtual files; ``build.build_site`` / ``build.serve_site`` run mkdocs
in-process with ``site_src/mkdocs.yml`` and the overrides in ``theme/``.
"""
