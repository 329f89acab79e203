"""One malformed descriptor never stops the build (issue: ``metadata: "x"`` used to end
``lookout catalog`` with an internal error).

For every kind, a valid entity is taken apart systematically: every field at every
level (the document itself, ``metadata``, ``spec``, each label, annotation, tag, link
and spec field, each list item) is replaced by each wrong shape (a string, a number,
null, a list, a map, a boolean, empty ones). Every such document must end as either an
entity in the catalog (when the shape is one Backstage accepts) or an error at its file
and line, and the good entities of the other repo are all still there.
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest
import yaml

from generator.catalog_json import to_json_bytes
from generator.link import link
from generator.model import Repo
from generator.read.descriptors import read_descriptors

ROOT = Path(__file__).resolve().parents[1]
SHAPES: list[Any] = ["x", 5, None, [1], {"a": 1}, True, [], {}, "", [{"a": [1]}], 0, False]

META = {
    "name": "PLACEHOLDER", "title": "T", "description": "d",
    "labels": {"tier": "gold"}, "annotations": {"example.com/x": "y"},
    "tags": ["go", "web"],
    "links": [{"url": "https://example.com", "title": "Home", "icon": "web", "type": "docs"}],
}
SPECS: dict[str, dict[str, Any]] = {
    "Component": {"type": "service", "lifecycle": "production", "owner": "team-a", "system": "shop",
                  "subcomponentOf": "other", "providesApis": ["orders-api"], "consumesApis": ["pay-api"],
                  "dependsOn": ["resource:db"], "dependencyOf": ["component:front"]},
    "API": {"type": "openapi", "lifecycle": "production", "owner": "team-a", "system": "shop",
            "definition": "openapi: 3.0.0\n"},
    "Resource": {"type": "database", "owner": "team-a", "system": "shop", "dependsOn": ["resource:x"],
                 "dependencyOf": ["component:y"]},
    "System": {"owner": "team-a", "domain": "commerce", "type": "product"},
    "Domain": {"owner": "team-a", "subdomainOf": "top", "type": "product-group"},
    "Group": {"type": "team", "profile": {"displayName": "Team A", "email": "a@example.com",
                                          "picture": "https://example.com/a.png"},
              "parent": "org", "children": ["sub"], "members": ["ada"]},
    "User": {"profile": {"displayName": "Ada", "email": "ada@example.com"}, "memberOf": ["team-a"]},
    "Location": {"type": "url", "target": "https://example.com/catalog-info.yaml",
                 "targets": ["https://example.com/b.yaml"], "presence": "optional"},
    "Template": {"type": "service", "owner": "team-a", "parameters": [{"title": "x"}],
                 "steps": [{"id": "a", "action": "fetch:plain"}]},
    "Widget": {"owner": "team-a"},  # a kind Backstage does not know
}


def base(kind: str) -> dict[str, Any]:
    api = "scaffolder.backstage.io/v1beta3" if kind == "Template" else "backstage.io/v1alpha1"
    return {"apiVersion": api, "kind": kind, "metadata": copy.deepcopy(META), "spec": copy.deepcopy(SPECS[kind])}


def paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, prefix + (i,))


def replaced(doc: Any, path: tuple, shape: Any) -> Any:
    if not path:
        return copy.deepcopy(shape)
    out = copy.deepcopy(doc)
    node = out
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = copy.deepcopy(shape)
    return out


def malformed_documents() -> Iterator[tuple[str, Any]]:
    """(kind, document): every field of every kind replaced by every wrong shape,
    plus foreign root fields."""
    for kind in SPECS:
        doc = base(kind)
        for path in paths(doc):
            for shape in SHAPES:
                if path or shape is not None:  # a null document is an empty one: skipped, as Backstage does
                    yield kind, replaced(doc, path, shape)
        for extra in ("status", "relations", "foo"):
            yield kind, {**doc, extra: {"a": 1}}


def named(doc: Any, i: int) -> Any:
    """Give each document its own name (where it still has a metadata map with a string name)."""
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if isinstance(meta, dict) and meta.get("name") == "PLACEHOLDER":
        meta["name"] = f"m{i}"
    return doc


def write_documents(path: Path, docs: list[Any]) -> list[int]:
    """One YAML stream; returns the line each document's content starts on."""
    lines, out, line = [], [], 1
    for doc in docs:
        text = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)
        out.append("---\n" + text)
        lines.append(line + 1)
        line += 1 + text.count("\n")
    path.write_text("".join(out))
    return lines


GOOD = [
    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
     "metadata": {"name": f"good-{i}"}, "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}}
    for i in range(5)
]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("malformed")
    bad = root / "bad"
    (bad / ".af").mkdir(parents=True)
    per_file: dict[str, list[Any]] = {}
    for i, (kind, doc) in enumerate(malformed_documents()):
        per_file.setdefault(kind.lower(), []).append(named(doc, i))
    expected: dict[tuple[str, int], Any] = {}
    for stem, docs in per_file.items():
        rel = f".af/{stem}.yaml"
        for line, doc in zip(write_documents(bad / rel, docs), docs, strict=False):
            expected[(rel, line)] = doc
    good = root / "good"
    good.mkdir()
    write_documents(good / "catalog-info.yaml", GOOD)
    return {"root": root, "expected": expected,
            "repos": [Repo("bad", bad), Repo("good", good)]}


def test_every_malformed_document_is_an_entity_or_an_error_at_its_line(org: dict[str, Any]) -> None:
    repos = org["repos"]
    catalog = link([read_descriptors(r) for r in repos], repos)
    json.loads(to_json_bytes(catalog))  # the writer copes with whatever was admitted
    refs = {e["metadata"]["annotations"].get("lookout/line") and
            (e["metadata"]["annotations"]["lookout/repo"], e["metadata"]["annotations"]["lookout/file"],
             int(e["metadata"]["annotations"]["lookout/line"]))
            for e in catalog.entities}
    # Errors about what an entity points at (a missing target) leave the entity in; the rest refuse it.
    about_targets = ("Location target", "dangling reference")
    errors = {(p.repo, p.file, p.line) for p in catalog.problems if p.severity == "error"
              and not p.message.startswith(about_targets)}
    assert len(org["expected"]) > 2000
    unaccounted = [(rel, line, doc) for (rel, line), doc in org["expected"].items()
                   if ("bad", rel, line) not in refs and ("bad", rel, line) not in errors]
    assert unaccounted == [], f"{len(unaccounted)} documents vanished without a problem, e.g. {unaccounted[:3]}"
    # An entity is never both kept and rejected, and the good repo is whole.
    both = [k for k in refs if k in errors and k[0] == "bad"]
    assert both == []
    names = {e["metadata"]["name"] for e in catalog.entities if e["metadata"]["annotations"]["lookout/repo"] == "good"}
    assert names == {f"good-{i}" for i in range(5)}
    # Every wrong shape that is a Backstage error was rejected: metadata as a string is one.
    assert any(p.file == ".af/component.yaml" and "metadata" in p.message and p.severity == "error"
               for p in catalog.problems)


def test_lookout_catalog_exits_0_on_the_malformed_org(org: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "catalog", "--repos", str(org["root"]),
                           "-o", str(out), "--no-cache", "--workers", "1"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "internal error" not in proc.stderr
    doc = json.loads(out.read_text())
    assert {f"good-{i}" for i in range(5)} <= {e["metadata"]["name"] for e in doc["entities"]}
    assert any(p["file"] == ".af/component.yaml" and p["line"] for p in doc["problems"])
