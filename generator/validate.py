"""`lookout validate`: check one or more repos as the catalog build will.

Used in a service's merge request: its `.af` is read and linked, with the
published catalog.json (when given) standing in for every other repo, so
references to other teams' entities resolve. Only the problems of the repos
under validation are reported.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from generator.config import ReadConfig
from generator.crawl import head_commit
from generator.link import link
from generator.model import (ANN_FILE, ANN_LINE, ANN_REPO, Draft, Location, Problem, ReadResult, Repo)
from generator.read import read_repo


def catalog_drafts(catalog: dict[str, Any], skip_repos: set[str]) -> ReadResult:
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


def validate_repos(paths: list[Path], cfg: ReadConfig, catalog: dict[str, Any] | None) -> list[Problem]:
    repos = [Repo(p.resolve().name, p.resolve(), head_commit(p)) for p in paths]
    results = [read_repo(r, cfg) for r in repos]
    names = {r.name for r in repos}
    if catalog is not None:
        results.append(catalog_drafts(catalog, names))
    linked = link(results, repos)
    return [p for p in linked.problems if p.repo in names]


_CQ_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def format_problems(problems: list[Problem], fmt: str, repo_paths: dict[str, str]) -> str:
    if fmt == "json":
        return json.dumps([p.to_json() for p in problems], indent=2, sort_keys=True)
    if fmt == "codequality":
        # GitLab Code Quality: paths are relative to the project root, which is the repo.
        out = []
        for p in problems:
            path = p.file or ".af"
            fingerprint = hashlib.sha256(f"{p.repo}|{path}|{p.line}|{p.message}".encode()).hexdigest()
            out.append({"description": p.message, "check_name": f"lookout-{p.severity}",
                        "fingerprint": fingerprint, "severity": _CQ_SEVERITY[p.severity],
                        "location": {"path": path, "lines": {"begin": p.line or 1}}})
        return json.dumps(out, indent=2)
    lines = []
    for p in problems:
        where = "/".join(x for x in (repo_paths.get(p.repo or "", p.repo or ""), p.file or "") if x)
        lines.append(f"{where}{':' + str(p.line) if p.line else ''}: {p.severity}: {p.message}")
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    lines.append(f"{errors} error(s), {warnings} warning(s), {len(problems) - errors - warnings} info")
    return "\n".join(lines)
