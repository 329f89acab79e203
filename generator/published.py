"""The published catalog as a merge-request check needs it (docs/validation-catalog.md).

`lookout validate --catalog` stands the published catalog in for every
other repo: to resolve references, and to tell what a change does to the
rest of the org (blast radius). Either file works:

- ``api/catalog.json``, the whole catalog (about 500 MB at 250,000 Resources);
- ``api/validate.json.gz``, written by ``lookout build`` beside it: refs,
  kinds, repos, files and lines, owners, types, physical names, display
  titles, the dependsOn/consumesApi edges and the resolved ``data`` lookups;
  nothing else. Gzipped JSON with columns, byte-identical for the same catalog.

Both load into one ``Published`` value, so the check has one code path.
"""
from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import jsonbytes
from generator.catalog_json import CatalogFileError, load_catalog
from generator.entity.refs import entity_ref
from generator.model import (ANN_FILE, ANN_LINE, ANN_PHYSICAL_NAME, ANN_REPO, ANN_TF_ADDRESS, Draft, Location,
                             ReadResult)

if TYPE_CHECKING:
    from generator.link import Catalog

FORMAT = "lookout-validate"
VERSION = 1
USE_RELATIONS = ("dependsOn", "consumesApi")  # the edges another repo's change can break
_COLUMNS = ["ref", "kind", "repo", "file", "line", "owner", "type", "physical", "title", "address"]


@dataclass(frozen=True)
class PublishedEntity:
    ref: str                 # canonical, lower-case
    kind: str                # as Backstage spells it: "Resource"
    repo: str
    file: str
    line: int | None
    owner: str | None        # canonical ref
    type: str | None
    physical: str | None     # lookout/physical-name
    title: str | None        # metadata.title, or a Group's profile.displayName
    address: str | None      # lookout/terraform-address


@dataclass(frozen=True)
class PublishedLookup:
    """A resolved `data` lookup: ``ref`` finds a resource by type and physical name."""

    ref: str
    resource_type: str
    physical_name: str
    address: str
    file: str
    line: int | None


@dataclass
class Published:
    entities: dict[str, PublishedEntity] = field(default_factory=dict)
    uses: list[tuple[str, str, str]] = field(default_factory=list)   # (source, relation, target)
    # None when the file does not say (a catalog.json): physical-name checks then guess.
    lookups: list[PublishedLookup] | None = None

    def drafts(self, skip_repos: set[str], wanted: set[str] | None = None,
               looked_up: set[tuple[str, str]] | None = None) -> ReadResult:
        """Neighbours for link: enough to resolve a reference, a title or a lookup, no more.

        With ``wanted`` (refs the validated repos name) and ``looked_up`` ((type,
        physical name) of their `data` blocks), Resources are left out unless
        named or looked up: they are 90% of a large catalog and nothing else
        reaches them.
        """
        out = []
        for e in self.entities.values():
            if e.repo in skip_repos:
                continue  # the version under validation replaces the published one
            if wanted is not None and e.kind == "Resource" and e.ref not in wanted and \
                    (e.type, e.physical) not in (looked_up or ()):
                continue
            ns, name = e.ref.split(":", 1)[1].split("/", 1)
            anns = {ANN_REPO: e.repo, ANN_FILE: e.file}
            if e.physical:
                anns[ANN_PHYSICAL_NAME] = e.physical
            meta: dict[str, Any] = {"name": name, "namespace": ns, "annotations": anns}
            if e.title:
                meta["title"] = e.title
            spec = {"type": e.type} if e.type else {}
            entity = {"apiVersion": "backstage.io/v1alpha1", "kind": e.kind, "metadata": meta, "spec": spec}
            out.append(Draft(entity, Location(e.repo, e.file, e.line), "catalog"))
        return ReadResult(drafts=out)


def _line(value: Any) -> int | None:
    return int(value) if str(value).isdigit() else None


def from_catalog(doc: dict[str, Any]) -> Published:
    pub = Published()
    for ent in doc.get("entities", []):
        meta = ent.get("metadata") or {}
        anns = meta.get("annotations") or {}
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        ref = entity_ref(ent)
        profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
        title = meta.get("title") or profile.get("displayName")
        owner = next((r["targetRef"] for r in ent.get("relations", ()) if r.get("type") == "ownedBy"), None)
        pub.entities[ref] = PublishedEntity(
            ref, str(ent.get("kind", "")), str(anns.get(ANN_REPO, "")), str(anns.get(ANN_FILE, "")),
            _line(anns.get(ANN_LINE)), owner, spec.get("type") if isinstance(spec.get("type"), str) else None,
            anns.get(ANN_PHYSICAL_NAME), title if isinstance(title, str) else None, anns.get(ANN_TF_ADDRESS))
        for rel in ent.get("relations", ()):
            if rel.get("type") in USE_RELATIONS:
                pub.uses.append((ref, rel["type"], rel["targetRef"]))
    return pub


def compact_bytes(catalog: Catalog) -> bytes:
    """``api/validate.json.gz`` for a linked catalog: deterministic to the byte (gzip mtime 0)."""
    pub = from_catalog({"entities": catalog.entities})
    refs = sorted(pub.entities)
    index = {r: i for i, r in enumerate(refs)}
    repos = sorted({e.repo for e in pub.entities.values()})
    repo_ix = {r: i for i, r in enumerate(repos)}
    rows = []
    for ref in refs:
        e = pub.entities[ref]
        rows.append([ref, e.kind, repo_ix[e.repo], e.file, e.line, index.get(e.owner or "", -1), e.type,
                     e.physical, e.title, e.address])
    edges = {rel: sorted([index[s], index[t]] for s, r, t in pub.uses if r == rel and t in index)
             for rel in USE_RELATIONS}
    lookups = sorted([index[ref], rtype, name, address, loc.file, loc.line]
                     for ref, rtype, name, address, loc in catalog.lookups if ref in index)
    doc = {"format": FORMAT, "version": VERSION, "columns": _COLUMNS, "repos": repos, "entities": rows,
           "edges": edges, "lookups": lookups}
    raw = jsonbytes.dumps(doc)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=6, mtime=0, filename="") as gz:
        gz.write(raw)
    return buf.getvalue()


def write_compact(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(compact_bytes(catalog))


def _from_compact(doc: dict[str, Any], path: Path) -> Published:
    if doc.get("format") != FORMAT or not isinstance(doc.get("version"), int):
        raise CatalogFileError(f"{path}: not a Lookout validation catalog")
    if doc["version"] > VERSION:
        raise CatalogFileError(f"{path}: validation catalog version {doc['version']} is newer than this "
                               f"Lookout supports ({VERSION}); upgrade Lookout")
    try:
        repos, rows = doc["repos"], doc["entities"]
        refs = [row[0] for row in rows]
        pub = Published(lookups=[])
        for ref, kind, repo, file, line, owner, rtype, physical, title, address in rows:
            pub.entities[ref] = PublishedEntity(ref, kind, repos[repo], file, line,
                                                refs[owner] if owner >= 0 else None, rtype, physical, title,
                                                address)
        for rel, pairs in doc["edges"].items():
            pub.uses += [(refs[s], rel, refs[t]) for s, t in pairs]
        pub.lookups = [PublishedLookup(refs[i], rtype, name, address, file, line)
                       for i, rtype, name, address, file, line in doc["lookups"]]
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise CatalogFileError(f"{path}: a damaged validation catalog ({type(exc).__name__}: {exc})") from None
    return pub


def load_published(path: Path) -> Published:
    """A catalog.json or a validate.json.gz (told apart by content, not by name)."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
    except FileNotFoundError:
        raise CatalogFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise CatalogFileError(f"{path}: {exc}") from None
    if magic != b"\x1f\x8b":
        return from_catalog(load_catalog(path))
    try:
        with gzip.open(path, "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, EOFError, ValueError) as exc:
        raise CatalogFileError(f"{path}: not a readable validation catalog ({exc})") from None
    if not isinstance(doc, dict):
        raise CatalogFileError(f"{path}: not a Lookout validation catalog")
    return _from_compact(doc, path)

