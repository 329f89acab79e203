"""`lookout validate`: check one or more repos as `lookout build` will.

Used in a service's merge request. The repos are read and linked, their docs
prepared and built (into a temporary folder, removed afterwards), so every
problem the build would record for them is found here, at its file and line.
With a published catalog (``--catalog``: catalog.json or the compact
api/validate.json.gz) standing in for every other repo, references to other
teams' entities resolve, a mistyped one is an error with the closest name,
and the change is compared with what is published: what it breaks for
others (generator/blast.py). Without one, references that leave the repos
cannot be checked; that is said once, not once per reference.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.crawl import head_commit
from generator.entity.refs import RefError, entity_ref, parse_ref
from generator.entity.relations import FIELD_RELATIONS
from generator.link import Catalog, link
from generator.model import ANN_FILE, ANN_LINE, ANN_REPO, Draft, Location, Problem, ReadResult, Repo
from generator.published import Published
from generator.read import read_repo


def catalog_drafts(catalog: dict[str, Any], skip_repos: set[str]) -> ReadResult:
    """Every published entity but those of ``skip_repos``, whole (preview shows them)."""
    drafts = []
    for ent in catalog.get("entities", []):
        anns = (ent.get("metadata") or {}).get("annotations") or {}
        repo = anns.get(ANN_REPO, "")
        if repo in skip_repos:
            continue  # the version under validation replaces the published one
        ent = {k: v for k, v in ent.items() if k != "relations"}
        line = anns.get(ANN_LINE)
        loc = Location(repo, anns.get(ANN_FILE, ""), int(line) if str(line).isdigit() else None)
        drafts.append(Draft(ent, loc, "catalog"))
    return ReadResult(drafts=drafts)


@dataclass
class Validation:
    repos: list[Repo]
    problems: list[Problem] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)   # references not checked (no catalog)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)


def _docs_problems(linked: Catalog, repos: list[Repo], cfg: Config) -> list[Problem]:
    """What the build's docs stage would say: the same jobs, built into a folder that is then removed."""
    from generator.techdocs.build import build_all_docs
    from generator.techdocs.jobs import docs_jobs

    names = {r.name for r in repos}
    own = [e for e in linked.entities if (e["metadata"].get("annotations") or {}).get(ANN_REPO) in names]
    jobs, problems = docs_jobs(own, {r.name: r.path for r in repos})
    if jobs:
        with tempfile.TemporaryDirectory(prefix="lookout-validate-") as tmp:
            problems += build_all_docs(jobs, Path(tmp) / "site", Path(tmp) / "cache",
                                       iframe_hosts=cfg.iframe_hosts, progress=False)
    return list(problems)


def _unchecked_note(unchecked: list[str], repo: str) -> Problem:
    shown = ", ".join(unchecked[:5]) + (f" and {len(unchecked) - 5} more" if len(unchecked) > 5 else "")
    return Problem("info", f"{len(unchecked)} reference(s) to entities outside the validated repos were not "
                   f"checked ({shown}): no published catalog was given; run with --catalog "
                   "<portal>/api/validate.json.gz to check them", repo)


def _named(results: list[ReadResult]) -> tuple[set[str], set[tuple[str, str]]]:
    """Every ref the repos' drafts name (or declare), and what their `data` blocks look up."""
    refs: set[str] = set()
    looked_up: set[tuple[str, str]] = set()
    for d in (d for r in results for d in r.drafts):
        ent = d.entity
        meta = ent.get("metadata") if isinstance(ent.get("metadata"), dict) else {}
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        refs.add(entity_ref(ent))
        kind = str(ent.get("kind", "")).lower()
        ns = str(meta.get("namespace") or "default")
        for (fkind, fname), rel in FIELD_RELATIONS.items():
            if fkind != kind or fname not in spec:
                continue
            for value in spec[fname] if isinstance(spec[fname], list) else [spec[fname]]:
                try:
                    refs.add(parse_ref(value, rel.default_kind, ns).key)
                except RefError:
                    pass  # link reports it
        looked_up.update((lk.resource_type, lk.physical_name) for lk in d.lookups)
    return refs, looked_up


def validate_repos(paths: list[Path], cfg: Config, published: Published | None,
                   docs: bool = True, names: list[str] | None = None) -> Validation:
    """``names``: the repos' names in the portal (default: their folders' names)."""
    names = names or [p.resolve().name for p in paths]
    repos = [Repo(n, p.resolve(), head_commit(p)) for n, p in zip(names, paths, strict=True)]
    results = [read_repo(r, cfg.read) for r in repos]
    own = {r.name for r in repos}
    more: list[str] = []
    if published is not None:
        wanted, looked_up = _named(results)
        results.append(published.drafts(own, wanted, looked_up))
        more = [r for r, e in published.entities.items() if e.kind == "Resource"]
    linked = link(results, repos, whole_org=published is not None, more_names=more)
    out = Validation(repos, [p for p in linked.problems if p.repo in own], linked.unchecked)
    if docs:
        out.problems += _docs_problems(linked, repos, cfg)
    if published is not None:
        from generator.blast import blast_radius

        where: dict[str, dict[str, Location]] = {}
        for d in (d for r in results[:len(repos)] for d in r.drafts):
            for key, loc in d.field_locations.items():  # Terraform's and YAML's drafts of one entity
                where.setdefault(entity_ref(d.entity), {}).setdefault(key, loc)
        out.problems += blast_radius(published, own, linked, where)
    elif linked.unchecked:
        out.problems.append(_unchecked_note(linked.unchecked, repos[0].name))
    out.problems.sort(key=Problem.sort_key)
    return out
