"""The YAML half of the read stage: Backstage descriptors -> Drafts.

A repo's descriptors are ``.af/*.yaml|*.yml`` and ``catalog-info.yaml`` at
its root, plus whatever Location entities in them name (relative paths and
globs, confined to the repo). Every draft carries the file and the line of
its YAML document and Lookout's location annotations. ``$text``, ``$json``
and ``$yaml`` placeholders are resolved here, as Backstage's
PlaceholderProcessor does, but only from files of the same repo.

Nothing here validates entities (the linker runs ``validate_entity`` on
every one) and nothing raises on bad input: each refusal is a Problem.
Never read: anything under a ``skeleton`` folder (scaffolder templates,
full of ``${{ }}``), anything outside the repo, anything over the network.
"""
from __future__ import annotations

import json
import os
import posixpath
import re
from collections import deque
from pathlib import Path, PurePosixPath
from typing import Any

from generator.entity.refs import js_falsy
from generator.model import (ANN_FILE, ANN_LINE, ANN_MANAGED_BY, ANN_ORIGIN, ANN_REPO, Draft,
                             Location, Problem, ReadResult, Repo)
from generator.read.yamlsafe import YamlFailure, load_documents, load_single
from generator.safefs import RepoFileError, lexists, list_files, read_text, record, resolve_in_repo

AF_DIR = ".af"
ROOT_DESCRIPTOR = "catalog-info.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
SKELETON = "skeleton"
# Folders a Location glob never walks into: templates, VCS data, vendored packages.
GLOB_SKIP_DIRS = frozenset({SKELETON, ".git", "node_modules"})
MAX_GLOB_ENTRIES = 100_000        # directory entries one glob may visit
MAX_PLACEHOLDER_CHARS = 8 << 20   # text that placeholders may pull into one descriptor file
# A scheme of 2+ letters: "https:", "file:", "github:" are URLs, "C:" is not one we expect anyway.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")
_MAGIC = re.compile(r"[*?\[]")


def read_descriptors(repo: Repo, namespace: str = "default") -> ReadResult:
    """Every descriptor of ``repo``: the root files, then Location targets, each file once.

    A file that a placeholder (``$text``/``$json``/``$yaml``) of another file
    reads, such as ``.af/openapi.yaml`` beside ``.af/api.yaml``, is content,
    not a descriptor: it is not read as one (no "not an entity" for an OpenAPI
    document). Any other YAML file under ``.af`` is read and reported.
    """
    roots = list_files(repo.path, AF_DIR, YAML_SUFFIXES)
    if lexists(repo.path, ROOT_DESCRIPTOR):
        roots.append(ROOT_DESCRIPTOR)
    queue: deque[tuple[str, str]] = deque((rel, rel) for rel in roots)  # (file, origin file)
    seen = {_identity(repo, rel) for rel in roots}
    per_file: list[tuple[str, ReadResult]] = []
    referenced: set[str] = set()
    while queue:
        rel, origin = queue.popleft()
        found, locations, targets_read = _read_file(repo, rel, namespace, origin)
        per_file.append((rel, found))
        referenced |= {_identity(repo, t) for t in targets_read}
        for draft in locations:
            targets, problems = _location_targets(repo, draft)
            found.problems.extend(problems)
            for target in targets:
                key = _identity(repo, target)
                if key not in seen:
                    seen.add(key)
                    queue.append((target, origin))
    result = ReadResult()
    for rel, found in per_file:
        if _identity(repo, rel) not in referenced:
            result.extend(found)
    return result


def read_descriptor_file(repo: Repo, rel: str, namespace: str = "default") -> ReadResult:
    """One descriptor file (Location targets in it are kept as entities, not followed)."""
    return _read_file(repo, posixpath.normpath(rel), namespace, posixpath.normpath(rel))[0]


# --------------------------------------------------------------------------

def in_skeleton(rel: str) -> bool:
    return SKELETON in PurePosixPath(rel).parts


def _identity(repo: Repo, rel: str) -> str:
    """The real path when it resolves (a file reached twice via a symlink is read once)."""
    try:
        return str(resolve_in_repo(repo.path, rel))
    except RepoFileError:
        return rel


def _read_file(repo: Repo, rel: str, namespace: str,
               origin: str) -> tuple[ReadResult, list[Draft], set[str]]:
    """(drafts and problems, its Location drafts, the repo files its placeholders read)."""
    result = ReadResult()
    locations: list[Draft] = []
    if in_skeleton(rel):
        return result, locations, set()
    try:
        text = read_text(repo.path, rel)
    except RepoFileError as exc:
        result.problems.append(Problem("error", f"cannot read descriptor: {exc}", repo.name, rel))
        return result, locations, set()
    placeholders = _Placeholders(repo, rel)
    for doc in load_documents(text):
        if isinstance(doc, YamlFailure):
            result.problems.append(Problem("error", doc.message, repo.name, rel, doc.line))
            continue
        loc = Location(repo.name, rel, doc.line)
        ref = entity_ref_of(doc.data)
        for line, note in doc.notes:
            result.problems.append(Problem("warning", note, repo.name, rel, line, ref))
        data = doc.data
        if data is None:
            continue  # an empty document (a trailing ---): Backstage ignores it too
        if not isinstance(data, dict):
            result.problems.append(Problem.at(
                "error", f"Expected object at root, got {_js_type(data)}", loc))
            continue
        if "kind" not in data:
            result.problems.append(Problem.at(
                "error", "not an entity: the document has no 'kind'", loc))
            continue
        entity = placeholders.resolve(data, loc, ref, result.problems)
        _stamp(entity, repo, loc, origin, namespace)
        draft = Draft(entity, loc, "yaml")
        result.drafts.append(draft)
        if entity.get("kind") == "Location":
            locations.append(draft)
    return result, locations, set(placeholders.texts)


def entity_ref_of(data: Any) -> str | None:
    """``kind:namespace/name`` (lower-case) when the document has those, for problems."""
    if not isinstance(data, dict):
        return None
    meta = data.get("metadata")
    kind = data.get("kind")
    if not isinstance(meta, dict) or not isinstance(kind, str) or not isinstance(meta.get("name"), str):
        return None
    ns = meta.get("namespace") if isinstance(meta.get("namespace"), str) else "default"
    return f"{kind}:{ns}/{meta['name']}".lower()


def _js_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string" if isinstance(value, str) else "object"  # arrays are "object" to JS typeof


def location_ref(repo: Repo, rel: str) -> str:
    """A Backstage location reference for a file of ``repo``."""
    url = repo.blob_url(rel)
    return f"url:{url}" if url else f"file:{repo.name}/{rel}"


def _stamp(entity: dict[str, Any], repo: Repo, loc: Location, origin: str, namespace: str) -> None:
    """Default namespace and Lookout's annotations; a malformed metadata is left for validation."""
    meta = entity.get("metadata")
    if not isinstance(meta, dict):
        return
    if "namespace" not in meta:
        meta["namespace"] = namespace
    if js_falsy(meta.get("annotations")):  # null, "", 0, false: none, as Backstage's ingestion reads them
        meta["annotations"] = {}
    annotations = meta["annotations"]
    if not isinstance(annotations, dict):
        return
    # Ours, always (Backstage too overwrites managed-by-*); every other key stays the author's.
    annotations[ANN_MANAGED_BY] = location_ref(repo, loc.file)
    annotations[ANN_ORIGIN] = location_ref(repo, origin)
    annotations[ANN_REPO] = repo.name
    annotations[ANN_FILE] = loc.file
    annotations[ANN_LINE] = str(loc.line)


# --------------------------------------------------------------------------
# Placeholders: {"$text": "./file"} -> the file's text, {"$json": …} / {"$yaml": …} -> its data.

class _Placeholders:
    KINDS = ("text", "json", "yaml")

    def __init__(self, repo: Repo, rel: str) -> None:
        self.repo = repo
        self.base_dir = posixpath.dirname(rel)
        self.budget = MAX_PLACEHOLDER_CHARS
        self.texts: dict[str, str] = {}

    def resolve(self, value: Any, loc: Location, ref: str | None, problems: list[Problem]) -> Any:
        """``value`` with its placeholders substituted (in place where it can)."""
        if isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = self.resolve(item, loc, ref, problems)
            return value
        if not isinstance(value, dict):
            return value
        dollar = [k for k in value if isinstance(k, str) and k.startswith("$")]
        if not dollar:
            for key, item in value.items():
                value[key] = self.resolve(item, loc, ref, problems)
            return value
        # Backstage's rules: exactly one key, a known resolver, a string value;
        # anything else (JSON Schema's "$ref", say) is left alone, unwalked.
        if len(value) != 1 or dollar[0][1:] not in self.KINDS or not isinstance(value[dollar[0]], str):
            return value
        kind, target = dollar[0][1:], value[dollar[0]]
        out = self._substitute(kind, target, loc, ref, problems)
        return value if out is _FAILED else out

    def _substitute(self, kind: str, target: str, loc: Location, ref: str | None,
                    problems: list[Problem]) -> Any:
        def fail(severity: str, why: str) -> Any:
            problems.append(Problem.at(severity, f"Placeholder ${kind} {target!r}: {why}", loc, ref))  # type: ignore[arg-type]
            return _FAILED

        if _URL.match(target):
            # No network at build time: the field holds the URL, so the entity stays usable.
            problems.append(Problem.at("info", f"Placeholder ${kind} {target!r} was not fetched "
                                       "(Lookout reads no URLs); the field holds the URL", loc, ref))
            return target
        rel = posixpath.normpath(posixpath.join(self.base_dir, target))
        if in_skeleton(rel):
            return fail("error", "is inside a scaffolder skeleton folder, which is never read")
        text = self.texts.get(rel)
        if text is None:
            try:
                text = read_text(self.repo.path, rel)
            except RepoFileError as exc:
                return fail("error", f"could not be read: {exc}")
            if len(text) > self.budget:
                return fail("error", f"placeholders of this file would pull in more than "
                                     f"{MAX_PLACEHOLDER_CHARS:,} characters")
            self.budget -= len(text)
            self.texts[rel] = text
        if kind == "text":
            return text
        try:
            if kind == "json":
                return json.loads(text)
            return load_single(text)
        except (ValueError, RecursionError) as exc:
            return fail("error", f"failed to parse {kind.upper()} data: {exc}")


_FAILED = object()


# --------------------------------------------------------------------------
# Location entities: spec.target / spec.targets inside the repo.

def _location_targets(repo: Repo, draft: Draft) -> tuple[list[str], list[Problem]]:
    entity, loc = draft.entity, draft.location
    ref = entity_ref_of(entity)
    spec = entity.get("spec")
    if not isinstance(spec, dict):
        return [], []
    raw: list[str] = []
    if isinstance(spec.get("target"), str):
        raw.append(spec["target"])
    if isinstance(spec.get("targets"), list):
        raw.extend(t for t in spec["targets"] if isinstance(t, str))
    kind = spec.get("type")
    if kind not in (None, "file", "url"):
        return [], [Problem.at("info", f"Location type {kind!r} is not followed; only files of "
                               "this repository are read", loc, ref)]
    targets: list[str] = []
    problems: list[Problem] = []
    base = posixpath.dirname(loc.file)
    for target in raw:
        def note(severity: str, why: str) -> None:
            problems.append(Problem.at(severity, f"Location target {target!r} {why}", loc, ref))  # type: ignore[arg-type]  # noqa: B023

        if _URL.match(target):
            note("info", "is remote and was not fetched (Lookout reads no URLs)")
            continue
        rel = posixpath.normpath(posixpath.join(base, target))
        if target.startswith("/") or rel == ".." or rel.startswith("../"):
            note("error", "points outside the repository")
            continue
        if in_skeleton(rel):
            note("info", "is inside a scaffolder skeleton folder, which is never read")
            continue
        if _MAGIC.search(rel):
            matches, truncated = _glob(repo.path, rel)
            if truncated:
                note("warning", f"visited more than {MAX_GLOB_ENTRIES:,} entries; the rest is skipped")
            if not matches:
                note("warning", "matched no files")
            targets.extend(matches)
        elif not lexists(repo.path, rel):
            note("error", "does not exist")
        else:
            targets.append(rel)
    return targets, problems


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex: ``*``/``?`` stay in one segment, ``**`` spans folders,
    wildcards do not match a leading dot (as globby's default)."""
    parts = pattern.split("/")
    rx = ""
    for i, seg in enumerate(parts):
        last = i == len(parts) - 1
        if seg == "**":
            rx += r"(?:(?!\.)[^/]+/)*" + (r"(?!\.)[^/]+" if last else "")
            continue
        j, out = 0, "(?!\\.)" if seg[:1] in ("*", "?", "[") else ""
        while j < len(seg):
            c = seg[j]
            if c == "*":
                out += "[^/]*"
            elif c == "?":
                out += "[^/]"
            elif c == "[" and "]" in seg[j + 2:]:
                end = seg.index("]", j + 2)
                body = seg[j + 1:end]
                out += "[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]"
                j = end
            else:
                out += re.escape(c)
            j += 1
        rx += out + ("" if last else "/")
    return re.compile(rx)


def _glob(root: Path, pattern: str) -> tuple[list[str], bool]:
    """Repo-relative files matching ``pattern``; never leaves the repo, follows no
    symlinked folder, skips GLOB_SKIP_DIRS. Returns (sorted matches, truncated)."""
    found, truncated = _walk_glob(root, pattern)
    record("glob", pattern, (tuple(found), truncated))  # a copy; the read cache replays it
    return found, truncated


def _walk_glob(root: Path, pattern: str) -> tuple[list[str], bool]:
    parts = pattern.split("/")
    fixed = 0
    while fixed < len(parts) - 1 and not _MAGIC.search(parts[fixed]):
        fixed += 1
    base = "/".join(parts[:fixed])
    try:
        start = resolve_in_repo(root, base or ".")
    except RepoFileError:
        return [], False
    if not start.is_dir() or (base and (root / base).is_symlink()):
        return [], False
    matcher = _glob_regex("/".join(parts[fixed:])).fullmatch
    found: list[str] = []
    visited = 0
    for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in GLOB_SKIP_DIRS)
        visited += len(dirnames) + len(filenames)
        if visited > MAX_GLOB_ENTRIES:
            return sorted(found), True
        sub = os.path.relpath(dirpath, start).replace(os.sep, "/")
        for name in filenames:
            rel_in = name if sub == "." else f"{sub}/{name}"
            if matcher(rel_in):
                found.append(f"{base}/{rel_in}" if base else rel_in)
    return sorted(found), False
