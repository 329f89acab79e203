"""``lookout migrate``: move a repo's catalog entry from YAML into ``.af``, in three checked steps.

    report = migrate_repo(repo, context, options)

1. **write**: ``.af/service.tf`` (one ``module "service"`` block per
   Component) from what the repo already says in ``catalog-info.yaml`` /
   ``.af/*.yaml``, plus values given as flags. Written into a staging copy
   of the repo, never into the repo itself.
2. **parse**: the staged files are read by the real readers; they must parse
   and map to valid entities with no new errors.
3. **same catalog**: the staged repo, linked with the other repos, must give
   the same entity refs, owners and relations as before.

Only when all three hold are the new files moved into the repo (each file
atomically). A failed step leaves the repo exactly as it was. The YAML
stays: Terraform now wins on the fields it sets, the YAML adds the rest
(labels, other annotations), and a later disagreement is a drift warning.
"""
from __future__ import annotations

import difflib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import ReadConfig
from generator.entity.refs import entity_ref
from generator.link import Catalog, link
from generator.model import ANN_PAGERDUTY, Problem, ReadResult, Repo
from generator.read import read_repo
from generator.hclwrite import hcl_block

# The languages Lookout's service module knows as `language` (the rest of the tags stay tags).
LANGUAGES = {"go", "java", "python", "typescript", "javascript", "kotlin", "rust", "ruby", "scala",
             "csharp", "dotnet", "php", "elixir", "swift", "cpp", "c", "clojure", "haskell", "node"}
DEFAULT_SOURCE = "git::https://git.example.com/devops/terraform/modules/service?ref=v1.0.0"
SERVICE_FILE = ".af/service.tf"


class MigrateError(Exception):
    """The repo could not be migrated; the message says why, naming file and line."""


@dataclass
class Options:
    dry_run: bool = False
    force: bool = False
    module_source: str = DEFAULT_SOURCE
    values: dict[str, str] = field(default_factory=dict)   # --set key=value, on every Component


@dataclass
class Step:
    name: str
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class RepoReport:
    repo: str
    status: str     # migrated | would migrate | already in .af | nothing to migrate | failed
    steps: list[Step] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)   # repo-relative path -> new text
    diff: str = ""
    why: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"repo": self.repo, "status": self.status, "why": self.why, "files": sorted(self.files),
                "steps": [{"step": s.name, "seconds": round(s.seconds, 3), "ok": s.ok, "detail": s.detail}
                          for s in self.steps]}


def _component_drafts(result: ReadResult) -> list:
    return [d for d in result.drafts if d.entity.get("kind") == "Component" and d.source != "terraform"]


def _module_attrs(ent: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The service module's inputs for one Component, in the .af contract's names."""
    meta, spec = ent.get("metadata") or {}, ent.get("spec") or {}
    tags = [t for t in meta.get("tags") or [] if isinstance(t, str)]
    attrs: dict[str, Any] = {"service_name": meta.get("title") or meta.get("name")}
    if meta.get("description"):
        attrs["description"] = meta["description"]
    if spec.get("owner"):
        attrs["owner"] = spec["owner"]
    if tags and tags[0] in LANGUAGES:
        attrs["language"], tags = tags[0], tags[1:]
    pagerduty = (meta.get("annotations") or {}).get(ANN_PAGERDUTY)
    if pagerduty:
        attrs["pagerDutyServiceID"] = pagerduty
    for key, attr in (("lifecycle", "lifecycle"), ("type", "type"), ("system", "system")):
        if spec.get(key):
            attrs[attr] = spec[key]
    if tags:
        attrs["tags"] = tags
    links = [{k: v for k, v in link.items() if k in ("url", "title", "icon", "type")}
             for link in meta.get("links") or [] if isinstance(link, dict) and link.get("url")]
    if links:
        attrs["links"] = links
    for key, attr in (("dependsOn", "dependencies"), ("providesApis", "provides_apis"),
                      ("consumesApis", "consumes_apis")):
        if spec.get(key):
            attrs[attr] = list(spec[key])
    attrs.update(values)
    return attrs


def service_tf(components: list[dict[str, Any]], opts: Options) -> str:
    """``.af/service.tf`` for these Components: valid Terraform, one module block each."""
    parts = ["# Written by `lookout migrate` from this repo's catalog descriptors.\n"
             "# The service module is this repo's entry in the developer portal.\n"]
    for i, ent in enumerate(components):
        label = "service" if i == 0 else "service_" + str(ent["metadata"]["name"]).replace(".", "_")
        parts.append(hcl_block("module", [label], {"source": opts.module_source,
                                                   **_module_attrs(ent, opts.values)}))
    return "\n".join(parts)


def _stage(repo: Repo, files: dict[str, str], tmp: Path) -> Repo:
    """A copy of the repo with the new files in it (symlinks copied as links, never followed)."""
    dest = tmp / repo.name
    shutil.copytree(repo.path, dest, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    for rel, text in files.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text, encoding="utf-8")
    return Repo(repo.name, dest, repo.commit, repo.web_url)


def _signature(entities: list[dict[str, Any]], refs: set[str]) -> dict[str, tuple]:
    out = {}
    for ent in entities:
        ref = entity_ref(ent)
        if ref in refs:
            rels = sorted((r["type"], r["targetRef"]) for r in ent.get("relations") or [])
            out[ref] = ((ent.get("spec") or {}).get("owner"), rels)
    return out


def _errors(problems: list[Problem], repo: str) -> list[Problem]:
    return [p for p in problems if p.severity == "error" and p.repo == repo]


def _timed(report: RepoReport, name: str, fn, detail=lambda value: "") -> Any:
    t0 = time.perf_counter()
    try:
        value = fn()
    except MigrateError as exc:
        report.steps.append(Step(name, time.perf_counter() - t0, False, str(exc)))
        raise
    report.steps.append(Step(name, time.perf_counter() - t0, True, detail(value)))
    return value


def _has_service_module(result: ReadResult) -> bool:
    return any(d.source == "terraform" and d.entity.get("kind") == "Component" for d in result.drafts)


def migrate_repo(repo: Repo, others: list[ReadResult], other_repos: list[Repo], cfg: ReadConfig,
                 opts: Options) -> RepoReport:
    """Migrate one repo (see the module doc); never raises for the repo's own faults."""
    report = RepoReport(repo.name, "failed")
    before_read = read_repo(repo, cfg)
    if _has_service_module(before_read) and not opts.force:
        report.status, report.why = "already in .af", "a service module is already declared in .af"
        return report
    target = repo.path / SERVICE_FILE
    if (target.exists() or target.is_symlink()) and not opts.force:
        report.why = f"{repo.name}/{SERVICE_FILE} exists; not overwritten without --force"
        return report
    components = [d.entity for d in _component_drafts(before_read)]
    if not components and before_read.drafts:
        report.status, report.why = "nothing to migrate", "no Component here (its other entities stay as they are)"
        return report
    try:
        if not components:
            raise MigrateError(f"{repo.name}: no metadata at all (no catalog-info.yaml, no .af): write "
                               f"{SERVICE_FILE} by hand, or start from `lookout new service`")
        # Some repos only, not the whole org: a reference outside them is not a mistake here.
        old = link([before_read, *others], [repo, *other_repos], whole_org=False)
        present = {entity_ref(e) for e in old.entities}
        for comp in components:
            if entity_ref(comp) not in present:   # rejected: there is nothing to carry over yet
                why = [p for p in _errors(old.problems, repo.name) if p.entity_ref == entity_ref(comp)]
                p = why[0] if why else Problem("error", "it is not in the catalog", repo.name)
                raise MigrateError(f"fix this first: {p.repo}/{p.file}:{p.line}: {p.message}")
        files = {SERVICE_FILE: _timed(report, "write", lambda: service_tf(components, opts))}
        report.files = files
        current = target.read_text(encoding="utf-8") if target.is_file() and not target.is_symlink() else ""
        report.diff = "".join(difflib.unified_diff(current.splitlines(True), files[SERVICE_FILE].splitlines(True),
                                                   f"a/{SERVICE_FILE}", f"b/{SERVICE_FILE}"))
        with tempfile.TemporaryDirectory(prefix="lookout-migrate-") as tmp:
            staged = _stage(repo, files, Path(tmp))
            after_read = _timed(report, "parse", lambda: _check_parse(staged, cfg, before_read))
            _timed(report, "same catalog", lambda: _check_same(old, staged, after_read, others, other_repos,
                                                               components), detail=str)
    except MigrateError as exc:
        report.why = str(exc)
        return report
    if opts.dry_run:
        report.status = "would migrate"
        return report
    for rel, text in report.files.items():
        dest = repo.path / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp_file = dest.with_name(f".{dest.name}.lookout-tmp")
        tmp_file.write_text(text, encoding="utf-8")
        os.replace(tmp_file, dest)
    report.status = "migrated"
    return report


def _check_parse(staged: Repo, cfg: ReadConfig, before: ReadResult) -> ReadResult:
    after = read_repo(staged, cfg)
    new = [p for p in _errors(after.problems, staged.name) if p.file == SERVICE_FILE]
    if new:
        p = new[0]
        raise MigrateError(f"the new {p.file} does not read cleanly: {p.file}:{p.line}: {p.message}")
    if not _has_service_module(after):
        raise MigrateError(f"the new {SERVICE_FILE} declares no service module the reader recognises "
                           "(does --module-source match service_module_sources?)")
    return after


def _check_same(old: Catalog, staged: Repo, after: ReadResult, others: list[ReadResult],
                other_repos: list[Repo], components: list[dict[str, Any]]) -> str:
    """Same refs, owners and relations; returns what the move adds on purpose (or "")."""
    refs = {entity_ref(c) for c in components}
    new = link([after, *others], [staged, *other_repos], whole_org=False)
    was, now = _signature(old.entities, refs), _signature(new.entities, refs)
    # A repo half in .af already (resources, data lookups, no service module): the new service
    # module is what those attach to, as the contract says, so it now depends on them.
    half_in_af = any(d.source == "terraform" or d.lookups for d in after.drafts
                     if d.entity.get("kind") != "Component")
    added = 0
    for ref in sorted(refs):
        if ref not in now:
            raise MigrateError(f"{ref} is not in the catalog after migration")
        (o_owner, o_rels), (n_owner, n_rels) = was.get(ref, (None, [])), now[ref]
        expected = {(t, r) for t, r in set(n_rels) - set(o_rels)
                    if half_in_af and t == "dependsOn" and r.startswith("resource:")}
        added += len(expected)
        if o_owner != n_owner or set(o_rels) != set(n_rels) - expected:
            what = (f"owner {o_owner!r} became {n_owner!r}" if o_owner != n_owner else
                    f"relations differ: lost {sorted(set(o_rels) - set(n_rels))}, "
                    f"gained {sorted(set(n_rels) - set(o_rels) - expected)}")
            raise MigrateError(f"{ref}: a catalog build would not give the same entity: {what}")
    return f"now also depends on the {added} Resource(s) its .af declares or looks up" if added else ""


def write_report(reports: list[RepoReport], path: Path) -> None:
    """JSON, or Markdown when the file ends in .md."""
    if path.suffix.lower() == ".md":
        lines = ["| repo | status | why | steps |", "|---|---|---|---|"]
        for r in reports:
            steps = ", ".join(f"{s.name} {'ok' if s.ok else 'failed'} ({s.seconds:.2f}s)" for s in r.steps)
            lines.append(f"| {r.repo} | {r.status} | {r.why.replace('|', '/')} | {steps} |")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        path.write_text(json.dumps([r.to_json() for r in reports], indent=2) + "\n", encoding="utf-8")


def _is_repo(path: Path) -> bool:
    return any((path / n).exists() for n in (".af", "catalog-info.yaml", "mkdocs.yml", ".git"))


def expand(paths: list[Path]) -> list[Repo]:
    """Repos named on the command line; a folder that is not a repo stands for its sub-folders."""
    from generator.crawl import head_commit, repos_in_folder

    repos: list[Repo] = []
    for path in paths:
        if _is_repo(path):
            repos.append(Repo(path.resolve().name, path.resolve(), commit=head_commit(path)))
        else:
            repos += [r for r in repos_in_folder(path) if _is_repo(r.path)]
    return repos


def migrate_all(repos: list[Repo], context: list[Repo], cfg: ReadConfig, opts: Options,
                say=print) -> list[RepoReport]:
    """Migrate each repo against all the others (the ones given and ``context``), one after another."""
    every = {r.name: r for r in [*context, *repos]}
    reads = {name: read_repo(r, cfg) for name, r in sorted(every.items())}
    reports = []
    for repo in repos:
        others = [n for n in sorted(every) if n != repo.name]
        report = migrate_repo(repo, [reads[n] for n in others], [every[n] for n in others], cfg, opts)
        for step in report.steps:
            say(f"{repo.name}: {step.name} {'ok' if step.ok else 'FAILED'} ({step.seconds:.2f}s)"
                + (f": {step.detail}" if step.detail else ""))
        if report.diff and opts.dry_run:
            say(report.diff.rstrip("\n"))
        say(f"{repo.name}: {report.status}" + (f": {report.why}" if report.why else ""))
        if report.status == "migrated":
            reads[repo.name] = read_repo(repo, cfg)   # later repos link against the migrated one
        reports.append(report)
    return reports
