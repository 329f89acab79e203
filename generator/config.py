"""``lookout.yaml``: what to crawl and how to read it.

Every key is optional; with no file at all Lookout builds the embedded
demo org. Unknown keys are reported (a typo should not pass silently).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


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


_TOP_KEYS = {"repos", "manifest", "org", "cache_dir", "service_module_sources", "resource_types",
             "resource_modules", "resource_parts", "namespace", "site_name", "site_url", "iframe_hosts", "pagerduty_url",
             "templates"}


def _mapping(key: str, raw: Any) -> dict[str, ResourceMapping]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{key} must be a mapping of name -> {{type, name_attr}}")
    out = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
            raise ConfigError(f"{key}.{name} needs a string 'type'")
        out[str(name)] = ResourceMapping(spec["type"], spec.get("name_attr"))
    return out


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_TOP_KEYS))}")
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
        cfg.read.service_module_sources = [str(s) for s in raw["service_module_sources"]]
    if raw.get("resource_types"):
        cfg.read.resource_types = _mapping("resource_types", raw["resource_types"])
    if raw.get("resource_modules"):
        cfg.read.resource_modules = _mapping("resource_modules", raw["resource_modules"])
    if raw.get("resource_parts") is not None:
        parts = raw["resource_parts"]
        if not isinstance(parts, dict) or not all(isinstance(v, bool) for v in parts.values()):
            raise ConfigError(f"{path}: resource_parts must map Terraform types (or * patterns) to true "
                              "(fold into the Resource they belong to) or false (keep as a Resource)")
        cfg.read.resource_parts = {str(k): v for k, v in parts.items()}
    cfg.read.namespace = str(raw.get("namespace", "default"))
    cfg.site_name = str(raw.get("site_name", cfg.site_name))
    cfg.site_url = raw.get("site_url")
    cfg.iframe_hosts = [str(h) for h in raw.get("iframe_hosts") or []]
    if raw.get("pagerduty_url"):
        cfg.pagerduty_url = str(raw["pagerduty_url"])
    templates = raw.get("templates") or []
    if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
        raise ConfigError(f"{path}: templates must be a list of folders (of software templates)")
    cfg.template_dirs = [(base / t).resolve() for t in templates]
    return cfg
