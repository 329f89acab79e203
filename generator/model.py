"""The typed data that passes between the stages before ``catalog.json``.

crawl  -> Repo
read   -> ReadResult(drafts: [Draft], problems: [Problem])
link   -> Catalog(entities, problems, sources)   (see generator/link)

Entities themselves stay plain dicts in Backstage's descriptor shape
(apiVersion, kind, metadata, spec): that shape is the contract with
Backstage and with every ``catalog-info.yaml`` in the wild, so we keep it
verbatim instead of re-modelling it in classes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# Annotation keys Lookout writes on every entity it reads.
ANN_TF_ADDRESS = "lookout/terraform-address"
ANN_MANAGED_BY = "backstage.io/managed-by-location"
ANN_ORIGIN = "backstage.io/managed-by-origin-location"
ANN_REPO = "lookout/repo"
ANN_FILE = "lookout/file"
ANN_LINE = "lookout/line"
# Physical (cloud) name of a Resource, used to resolve `data` lookups across repos.
ANN_PHYSICAL_NAME = "lookout/physical-name"
ANN_TF_TYPE = "lookout/terraform-type"
ANN_PAGERDUTY = "pagerduty.com/service-id"
ANN_TECHDOCS = "backstage.io/techdocs-ref"
ANN_SOURCE_LOCATION = "backstage.io/source-location"


@dataclass(frozen=True)
class Repo:
    """One repository to read. ``name`` is unique in a build."""

    name: str
    path: Path
    commit: str | None = None
    web_url: str | None = None  # e.g. https://git.example.com/team/orders

    def blob_url(self, file: str, line: int | None = None) -> str | None:
        """A link to a file (and line) in the repo's web UI, when known."""
        if not self.web_url:
            return None
        ref = self.commit or "HEAD"
        url = f"{self.web_url.rstrip('/')}/-/blob/{ref}/{file}"
        return f"{url}#L{line}" if line else url


@dataclass(frozen=True)
class Location:
    repo: str
    file: str  # path relative to the repo root, forward slashes
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.repo}/{self.file}" + (f":{self.line}" if self.line else "")


@dataclass
class Problem:
    severity: Severity
    message: str
    repo: str | None = None
    file: str | None = None
    line: int | None = None
    entity_ref: str | None = None

    @classmethod
    def at(cls, severity: Severity, message: str, loc: Location | None,
           entity_ref: str | None = None) -> Problem:
        if loc is None:
            return cls(severity, message, entity_ref=entity_ref)
        return cls(severity, message, loc.repo, loc.file, loc.line, entity_ref)

    def sort_key(self) -> tuple:
        return (self.repo or "", self.file or "", self.line or 0,
                SEVERITY_ORDER[self.severity], self.entity_ref or "", self.message)

    def to_json(self) -> dict[str, Any]:
        return {"severity": self.severity, "message": self.message,
                "repo": self.repo, "file": self.file, "line": self.line,
                "entityRef": self.entity_ref}


@dataclass(frozen=True)
class Lookup:
    """A Terraform `data` block that names a resource by its physical name.

    Link resolves it against every Resource with the same resource type
    and ``lookout/physical-name``, in any repo; the drafting Component then
    depends on that Resource.
    """

    resource_type: str      # Lookout resource type, e.g. "kafka-cluster"
    physical_name: str      # e.g. "events-prod"
    address: str            # e.g. data.aws_msk_cluster.events
    location: Location


@dataclass
class Draft:
    """An entity as one file describes it, before linking.

    ``entity`` is Backstage-shaped (apiVersion, kind, metadata, spec).
    ``source`` says which reader made it: when the same entity is drafted by
    Terraform and by YAML in one repo, link merges them (Terraform wins on
    the fields it sets) and reports drift.
    """

    entity: dict[str, Any]
    location: Location
    source: Literal["terraform", "yaml", "catalog"]
    lookups: list[Lookup] = field(default_factory=list)
    # Set when a problem already explains a missing owner (the file that
    # names it did not parse): one mistake, one problem.
    owner_explained: bool = False
    # Terraform drafts: the addresses of the blocks this one's expressions
    # mention (resources, data sources, modules), for folding and linking.
    references: list[str] = field(default_factory=list)
    # Where a spec field's value is written, when not on the draft's own line:
    # a Resource inherits its owner from the service module, so an unknown
    # owner is reported once, at the service module's `owner =` line.
    field_locations: dict[str, Location] = field(default_factory=dict)
    # Backstage's verdict on the entity (validate_entity), given where the draft is read: it
    # depends on the entity alone, so it is computed in the read workers and cached with the
    # read. None: not checked yet (link checks it).
    errors: tuple[str, ...] | None = None


@dataclass
class ReadResult:
    drafts: list[Draft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.drafts.extend(other.drafts)
        self.problems.extend(other.problems)
