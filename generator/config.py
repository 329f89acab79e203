"""``lookout.yaml``: what to crawl and how to read it.

Every key is optional; with no file at all Lookout builds the embedded
demo org. What the file may hold is config_schema.SCHEMA: every key at every
level is checked, with the file and line of each mistake.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any



class ConfigError(Exception):
    pass


@dataclass
class ResourceMapping:
    """How one Terraform resource type (or resource module) becomes a Resource."""

    type: str               # Lookout/Backstage resource spec.type, e.g. "rds"
    name_attr: str | None   # attribute holding the physical name, e.g. "identifier"


@dataclass
class ReadConfig:
    """The knobs of the read stage (pure data, so it pickles into workers)."""

    # A module whose `source` matches one of these regexes is the repo's Component.
    service_module_sources: list[str] = field(default_factory=lambda: [r"(^|/|::)modules/service/?(\?.*)?$"])
    # Extra/overriding entries for the Terraform type table (see read/resource_types.py).
    resource_types: dict[str, ResourceMapping] = field(default_factory=dict)
    # Module sources (regex) that yield a Resource instead of being ignored.
    resource_modules: dict[str, ResourceMapping] = field(default_factory=dict)
    # Terraform type (or * pattern) -> fold into the Resource it belongs to (true) or keep
    # as a Resource (false); on top of read/resource_types.py's BUILTIN_PARTS.
    resource_parts: dict[str, bool] = field(default_factory=dict)
    namespace: str = "default"


@dataclass
class Config:
    repos_dirs: list[Path] = field(default_factory=list)
    manifest: Path | None = None
    org_dir: Path | None = None
    cache_dir: Path = Path(".lookout-cache")
    # Re-use a repo's read result while nothing it read has changed (generator/read/cache.py).
    read_cache: bool = True
    read: ReadConfig = field(default_factory=ReadConfig)
    site_name: str = "Lookout"
    site_url: str | None = None
    # e.g. https://acme.pagerduty.com: on-call links to the service there.
    pagerduty_url: str | None = None
    # Hosts whose iframes survive sanitizing in docs pages.
    iframe_hosts: list[str] = field(default_factory=list)
    # Folders of software templates for `lookout new` and the portal's Create page (besides the built-in ones).
    template_dirs: list[Path] = field(default_factory=list)
    base_dir: Path = Path(".")

    @property
    def uses_demo(self) -> bool:
        return not self.repos_dirs and self.manifest is None and self.org_dir is None


def _mapping(raw: dict[str, Any]) -> dict[str, ResourceMapping]:
    return {str(name): ResourceMapping(spec["type"], spec.get("name_attr")) for name, spec in raw.items()}


def load_config(path: Path | None) -> Config:
    """``path`` checked against config_schema.SCHEMA (every mistake with its line), as a Config."""
    if path is None:
        return Config()
    from generator.config_schema import load_checked

    raw = load_checked(path)
    base = path.parent
    repos = raw.get("repos") or []
    if isinstance(repos, str):
        repos = [repos]
    cfg = Config(base_dir=base)
    cfg.repos_dirs = [(base / r).resolve() for r in repos]
    if raw.get("manifest"):
        cfg.manifest = (base / raw["manifest"]).resolve()
    if raw.get("org"):
        cfg.org_dir = (base / raw["org"]).resolve()
    if raw.get("cache_dir"):
        cfg.cache_dir = (base / raw["cache_dir"]).resolve()
    if raw.get("service_module_sources"):
        cfg.read.service_module_sources = list(raw["service_module_sources"])
    cfg.read.resource_types = _mapping(raw.get("resource_types") or {})
    cfg.read.resource_modules = _mapping(raw.get("resource_modules") or {})
    cfg.read.resource_parts = dict(raw.get("resource_parts") or {})
    cfg.read.namespace = raw.get("namespace", "default")
    cfg.site_name = raw.get("site_name", cfg.site_name)
    cfg.site_url = raw.get("site_url")
    cfg.iframe_hosts = list(raw.get("iframe_hosts") or [])
    cfg.pagerduty_url = raw.get("pagerduty_url") or None
    cfg.template_dirs = [(base / t).resolve() for t in raw.get("templates") or []]
    return cfg
