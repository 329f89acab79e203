"""Config options of the ``lookout`` mkdocs plugin (``plugins: - lookout: ...``)."""
from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class LookoutPluginConfig(Config):
    # Path to catalog.json, relative to mkdocs.yml; unset: build/catalog.json in
    # the current folder, where `lookout catalog` writes it (so that
    # `mkdocs serve -f $(lookout mkdocs-config)` works from an installed package).
    # The environment variable LOOKOUT_CATALOG overrides it; build_site() overrides both.
    catalog = c.Type(str, default="")
    # Nodes per relation group in an entity's diagram before "+ N more".
    diagram_cap = c.Type(int, default=12)
    # Rows per list on an entity page (owned entities, dependents...) before
    # "showing N of M" and a link to the rest in the graph explorer. A hard cap:
    # a hub's page stays a few tens of KB, and output grows linearly with the catalog.
    list_cap = c.Type(int, default=100)
    # Show progress while entity pages render, on stderr: a bar on a terminal,
    # a plain line every few seconds otherwise (generator.progress).
    progress = c.Type(bool, default=False)
    # Where mermaid.min.js comes from. Empty: the copy vendored in the package
    # (generator/portal/vendor/); env LOOKOUT_MERMAID overrides.
    mermaid_js = c.Type(str, default="")
    # Your PagerDuty, e.g. https://acme.pagerduty.com: on-call (annotation
    # pagerduty.com/service-id) then links to <url>/service-directory/<id>.
    pagerduty_url = c.Type(str, default="")
    # Folders of software templates (besides the built-in ones) listed on the Create page.
    templates = c.ListOfItems(c.Type(str), default=[])
    # Resources as a page each ("pages"), or as JSON shards shown by one page per namespace
    # at catalog/<ns>/resource/?name=<name> ("shards"); "auto": shards above 5,000 Resources.
    resource_pages = c.Choice(("auto", "pages", "shards"), default="auto")
