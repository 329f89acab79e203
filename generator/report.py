"""`lookout validate` reports: text, json, GitLab Code Quality, JUnit XML, Markdown.

Paths are relative to the repo (the merge request's project root), so GitLab
puts each problem on its line in the diff. Messages quote repo content, so
the Markdown form escapes what GitLab would render (a comment is posted
from it) and the XML form is written by ElementTree.
"""
from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET

from generator.model import Problem

_CQ_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
BLAST = "blast radius: "
MAX_MARKDOWN_ROWS = 30
MAX_MARKDOWN_MESSAGE = 600


def _where(p: Problem, repo_paths: dict[str, str] | None) -> str:
    """repo path (as given on the command line; the repo's name for None) / file : line."""
    repo = p.repo or ""
    where = "/".join(x for x in ((repo_paths or {}).get(repo, repo), p.file or "") if x)
    return where + (f":{p.line}" if p.line else "")


def _counts(problems: list[Problem]) -> tuple[int, int, int]:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    return errors, warnings, len(problems) - errors - warnings


def _fingerprint(p: Problem) -> str:
    return hashlib.sha256(f"{p.repo}|{p.file or '.af'}|{p.line}|{p.message}".encode()).hexdigest()


def text(problems: list[Problem], repo_paths: dict[str, str]) -> str:
    lines = [f"{_where(p, repo_paths)}: {p.severity}: {p.message}" for p in problems]
    errors, warnings, infos = _counts(problems)
    lines.append(f"{errors} error(s), {warnings} warning(s), {infos} info")
    return "\n".join(lines)


def codequality(problems: list[Problem]) -> str:
    out = [{"description": p.message, "check_name": f"lookout-{p.severity}", "fingerprint": _fingerprint(p),
            "severity": _CQ_SEVERITY[p.severity],
            "location": {"path": p.file or ".af", "lines": {"begin": p.line or 1}}} for p in problems]
    return json.dumps(out, indent=2)


def junit(problems: list[Problem], repos: list[str]) -> str:
    """One test case per problem (errors fail); a clean run is one passing case per repo."""
    errors, warnings, _ = _counts(problems)
    suites = ET.Element("testsuites", name="lookout validate", tests=str(max(len(problems), len(repos))),
                        failures=str(errors))
    suite = ET.SubElement(suites, "testsuite", name="lookout validate", tests=suites.get("tests"),
                          failures=str(errors), errors="0", skipped="0")
    for repo in repos:
        if not any(p.repo == repo for p in problems):
            ET.SubElement(suite, "testcase", classname=repo, name=f"{repo}: no problems")
    for p in problems:
        where = f"{p.file or '.af'}" + (f":{p.line}" if p.line else "")
        case = ET.SubElement(suite, "testcase", classname=f"{p.repo}.{p.severity}",
                             name=f"{where}: {p.message[:200]}", file=p.file or ".af")
        if p.severity == "error":
            failure = ET.SubElement(case, "failure", type="error", message=p.message)
            failure.text = f"{where}: {p.message}"
        else:
            ET.SubElement(case, "system-out").text = f"{p.severity}: {where}: {p.message}"
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def _md(value: str) -> str:
    """Inert in GitLab Markdown: no HTML, links, tables broken by a pipe, or new lines."""
    return _MD_SPECIAL.sub(r"\\\1", value.replace("\r", " ").replace("\n", " "))


def _code(value: str) -> str:
    """Inside a code span only a backtick or a table pipe can break out."""
    return value.replace("`", "'").replace("|", "\\|").replace("\n", " ")


def markdown(problems: list[Problem], repo_paths: dict[str, str], checked_against: str | None) -> str:
    """A short summary a merge-request comment can carry: blast radius first, then errors, warnings."""
    errors, warnings, infos = _counts(problems)
    repos = ", ".join(f"`{_code(n)}`" for n in sorted(repo_paths)) or "the repo"
    verdict = "fails" if errors else "passes"
    out = [f"### Lookout: {repos} {verdict}", "",
           f"**{errors}** error(s), **{warnings}** warning(s), {infos} info"
           + ("" if checked_against else " (cross-repo references not checked: no published catalog)"), ""]
    blast = [p for p in problems if p.message.startswith(BLAST)]
    if blast:
        out += ["#### What this change does to other repos", ""]
        for p in blast:
            icon = {"error": "🔴", "warning": "🟠", "info": "🔵"}[p.severity]
            msg = p.message[len(BLAST):]
            if len(msg) > MAX_MARKDOWN_MESSAGE:  # the whole message is in the Code Quality report
                msg = msg[:MAX_MARKDOWN_MESSAGE].rsplit(" ", 1)[0] + " …"
            out.append(f"- {icon} **{p.severity}** `{_code(_where(p, None))}`: {_md(msg)}")
        out.append("")
    rest = [p for p in problems if not p.message.startswith(BLAST) and p.severity != "info"]
    if rest:
        out += ["#### Problems", "", "| | Where | Problem |", "|---|---|---|"]
        for p in rest[:MAX_MARKDOWN_ROWS]:
            out.append(f"| {p.severity} | `{_code(_where(p, None))}` | {_md(p.message)} |")
        if len(rest) > MAX_MARKDOWN_ROWS:
            out.append(f"\n…and {len(rest) - MAX_MARKDOWN_ROWS} more (see the Code Quality report)")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def format_problems(problems: list[Problem], fmt: str, repo_paths: dict[str, str],
                    checked_against: str | None = None) -> str:
    if fmt == "json":
        return json.dumps([p.to_json() for p in problems], indent=2, sort_keys=True)
    if fmt == "codequality":
        return codequality(problems)
    if fmt == "junit":
        return junit(problems, sorted(repo_paths))
    if fmt == "markdown":
        return markdown(problems, repo_paths, checked_against)
    return text(problems, repo_paths)
