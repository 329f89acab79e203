"""Which entities get a docs build: DocsJobs from catalog.json's entities.

An entity has docs when it carries ``backstage.io/techdocs-ref: dir:<path>``
(the path relative to its repo; Backstage's ``url:`` refs point elsewhere
and are reported, not fetched: the only network access at build time is
fetching the configured repos). A repo with ``mkdocs.yml`` at its root but
no annotated entity gives its docs to its Component, if it has exactly one.
The lead may use this or make jobs itself; build_all_docs does not care.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from collections.abc import Iterable

from generator.model import ANN_REPO, ANN_TECHDOCS, Problem
from generator.techdocs.build import DocsJob


def _facets(entity: dict[str, Any]) -> dict[str, str | list[str]]:
    spec, meta = entity.get("spec") or {}, entity.get("metadata") or {}
    out: dict[str, str | list[str]] = {}
    for key in ("type", "lifecycle"):
        if isinstance(spec.get(key), str):
            out[key] = spec[key]
    tags = [t for t in meta.get("tags") or [] if isinstance(t, str)]
    if tags:
        out["tag"] = tags
    return out


def _owner_name(owner: object) -> str | None:
    """``group:default/payments`` -> ``payments``: what the banner shows and the owner facet
    holds, the same value as on entity pages."""
    if not isinstance(owner, str) or not owner:
        return None
    return owner.rsplit("/", 1)[-1].split(":", 1)[-1]


def job_for(entity: dict[str, Any], repo_path: Path, docs_root: str) -> DocsJob:
    meta = entity.get("metadata") or {}
    kind = str(entity.get("kind", "Component"))
    ns = str(meta.get("namespace") or "default").lower()
    name = str(meta.get("name", "")).lower()
    return DocsJob(
        entity_ref=f"{kind.lower()}:{ns}/{name}",
        repo_name=str((meta.get("annotations") or {}).get(ANN_REPO, repo_path.name)),
        repo_path=repo_path, docs_root=docs_root or ".",
        entity_url=f"catalog/{ns}/{kind.lower()}/{name}/",
        out_subdir=f"docs/{ns}/{kind.lower()}/{name}",
        title=str(meta.get("title") or meta.get("name", "")), kind=kind,
        owner=_owner_name((entity.get("spec") or {}).get("owner")), facets=_facets(entity))


def docs_jobs(entities: Iterable[dict[str, Any]],
              repo_paths: dict[str, Path]) -> tuple[list[DocsJob], list[Problem]]:
    """DocsJobs for every entity with docs; problems for refs Lookout cannot build."""
    jobs: list[DocsJob] = []
    problems: list[Problem] = []
    annotated_repos: set[str] = set()
    components: dict[str, list[dict[str, Any]]] = {}
    for entity in entities:
        ann = (entity.get("metadata") or {}).get("annotations") or {}
        repo = ann.get(ANN_REPO)
        if repo not in repo_paths:
            continue
        if entity.get("kind") == "Component":
            components.setdefault(repo, []).append(entity)
        ref = ann.get(ANN_TECHDOCS)
        if not isinstance(ref, str):
            continue
        annotated_repos.add(repo)
        if ref.startswith("dir:"):
            jobs.append(job_for(entity, repo_paths[repo], ref[4:].strip() or "."))
        else:
            problems.append(Problem("warning", f"{ANN_TECHDOCS} {ref!r} is not supported: only "
                                    "dir:<path> inside the repo is built", repo,
                                    ann.get("lookout/file"), entity_ref=None))
    for repo, path in sorted(repo_paths.items()):
        if repo in annotated_repos or not (path / "mkdocs.yml").is_file():
            continue
        comps = components.get(repo, [])
        if len(comps) == 1:
            jobs.append(job_for(comps[0], path, "."))
        elif comps:
            problems.append(Problem("info", "mkdocs.yml at the repo root but several Components; "
                                    f"set {ANN_TECHDOCS}: dir:. on the one the docs belong to",
                                    repo, "mkdocs.yml"))
    return jobs, problems
