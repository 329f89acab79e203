"""Loading untrusted YAML: safe, bounded, JSON-shaped, with line numbers.

Backstage parses descriptors with the npm ``yaml`` package (YAML 1.2 core
schema, ``parseAllDocuments``, unique keys); PyYAML speaks YAML 1.1. So the
loader here is a ``CSafeLoader`` (libyaml does the scanning: ~8x faster than
the pure-Python loader) with 1.2 core scalars: ``2024-01-01``, ``yes``,
``on`` and ``0777``-as-octal stay what Backstage sees (strings, and 777).

Hostile input is bounded:
- unknown tags (mkdocs' ``!ENV``, ``!!python/name:...``) build plain data
  and leave a note; nothing is looked up or executed;
- aliases: each document's node graph is measured before it is built; one
  whose aliases would add more than ``MAX_ALIAS_EXPANSION`` nodes ("billion
  laughs"), refers to itself, or nests deeper than ``MAX_DEPTH`` is refused;
- a syntax error is one failure at its line; loading resumes at the next
  ``---`` so the other documents of the file still load.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_ALIAS_EXPANSION = 100_000  # nodes that aliases may add to one document
MAX_DEPTH = 200                # nesting; keeps every later recursive walk safe

_DOC_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)", re.MULTILINE)


@dataclass
class YamlDocument:
    data: Any
    line: int  # 1-based line where the document's content starts
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, message): inert tags


@dataclass
class YamlFailure:
    line: int | None
    message: str


class YamlLoader(yaml.CSafeLoader):
    """CSafeLoader with YAML 1.2 core scalars, string keys and inert unknown tags."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.notes: list[tuple[int, str]] = []

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping node, but found {node.id}", node.start_mark)
        # The npm yaml package refuses duplicate keys; PyYAML would keep the last.
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"Map keys must be unique (duplicate key {key_node.value!r})",
                        key_node.start_mark)
                seen.add(key_node.value)
        self.flatten_mapping(node)  # merge keys (<<) first; explicit keys then override
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            # JS object keys are strings; converting before insertion also keeps
            # 1 and true (equal in Python) apart, and makes list keys harmless.
            key = _key_text(self.construct_object(key_node, deep=True))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    try:
        return json.dumps(key)
    except (TypeError, ValueError):
        return str(key)


# YAML 1.2 core schema, in the order PyYAML tries them (int before float).
for _tag, _regex, _first in (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("merge", r"^(?:<<)$", "<")):
    YamlLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_regex), list(_first))


def _construct_int(loader: YamlLoader, node: ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _as_text(loader: YamlLoader, node: Node) -> Any:
    """``!!timestamp`` and ``!!binary`` stay text: catalog.json is JSON."""
    return loader.construct_scalar(node) if isinstance(node, ScalarNode) else _inert(loader, "", node)


def _as_pairs(loader: YamlLoader, node: Node) -> Any:
    if not isinstance(node, SequenceNode):
        return _inert(loader, "", node)
    return [loader.construct_mapping(item) if isinstance(item, MappingNode)
            else loader.construct_object(item) for item in node.value]


def _as_set(loader: YamlLoader, node: Node) -> Any:
    return loader.construct_yaml_map(node) if isinstance(node, MappingNode) else _inert(loader, "", node)


def _inert(loader: YamlLoader, _suffix: str, node: Node) -> Any:
    """Any other tag: the plain value underneath, and a note; never a lookup."""
    if _suffix or node.tag.startswith("!") or "python/" in node.tag:
        loader.notes.append((node.start_mark.line + 1,
                             f"custom YAML tag {node.tag} is not supported; its plain value is kept"))
    if isinstance(node, MappingNode):
        return loader.construct_yaml_map(node)   # generators: built iteratively, like any map
    if isinstance(node, SequenceNode):
        return loader.construct_yaml_seq(node)
    return loader.construct_scalar(node)


YamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)
YamlLoader.add_constructor("tag:yaml.org,2002:binary", _as_text)
YamlLoader.add_constructor("tag:yaml.org,2002:set", _as_set)
YamlLoader.add_constructor("tag:yaml.org,2002:omap", _as_pairs)
YamlLoader.add_constructor("tag:yaml.org,2002:pairs", _as_pairs)
YamlLoader.add_multi_constructor("", _inert)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def measure(root: Node) -> tuple[int, int, int] | None:
    """(unique nodes, nodes once aliases are expanded, depth); None on a cycle.

    Iterative and memoised per node, so measuring a billion-laughs graph
    costs its size on disk, not its expansion.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        nid = id(node)
        if finished:
            kids = _children(node)
            size[nid] = 1 + sum(size[id(k)] for k in kids)
            depth[nid] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(nid)
            continue
        if nid in size:
            continue
        if nid in on_path:
            return None
        on_path.add(nid)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in on_path:
                return None
            if id(kid) not in size:
                stack.append((kid, False))
    return len(size), size[id(root)], depth[id(root)]


def _unshare(value: Any) -> Any:
    """Copy without shared sub-objects (aliases), so that editing one place
    of an entity never edits another. Iterative: depth is bounded anyway."""
    top: list[Any] = [None]
    work: list[tuple[Any, Any, Any]] = [(value, top, 0)]
    while work:
        src, parent, key = work.pop()
        if isinstance(src, dict):
            new: Any = dict(src)
            work.extend((v, new, k) for k, v in src.items())
        elif isinstance(src, list):
            new = list(src)
            work.extend((v, new, i) for i, v in enumerate(src))
        else:
            new = src
        parent[key] = new
    return top[0]


def _failure(exc: BaseException, line_offset: int) -> YamlFailure:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        text = ", ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        return YamlFailure(mark.line + 1 + line_offset if mark else None, f"YAML error: {text}")
    return YamlFailure(None, f"YAML error: {exc}")


def _depth(root: Node) -> int:
    """Nesting depth of a tree (no aliases); only collections are pushed."""
    deepest = 1
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        for kid in _children(node):
            if isinstance(kid, (MappingNode, SequenceNode)):
                stack.append((kid, depth + 1))
    return deepest + (1 if isinstance(root, (MappingNode, SequenceNode)) else 0)


def _build(loader: YamlLoader, node: Node, offset: int, may_alias: bool) -> YamlDocument | YamlFailure:
    line = node.start_mark.line + 1 + offset
    if may_alias:
        shape = measure(node)
        if shape is None:
            return YamlFailure(line, "YAML error: an alias refers to its own anchor (recursive data)")
        unique, expanded, depth = shape
        if expanded - unique > MAX_ALIAS_EXPANSION:
            return YamlFailure(line, f"YAML error: aliases expand this document to {expanded:,} nodes "
                                     f"from {unique:,}; the limit is {MAX_ALIAS_EXPANSION:,} more")
    else:  # no '*' in the text: a plain tree, only its depth needs a look (measure() costs ~40%)
        unique = expanded = 0
        depth = _depth(node)
    if depth > MAX_DEPTH:
        return YamlFailure(line, f"YAML error: nested {depth} levels deep; the limit is {MAX_DEPTH}")
    loader.notes = []
    try:
        data = loader.construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        failure = _failure(exc, offset)
        return YamlFailure(failure.line or line, failure.message)
    if expanded != unique:
        data = _unshare(data)
    notes = [(n_line + offset, msg) for n_line, msg in loader.notes]
    return YamlDocument(data, line, notes)


def load_documents(text: str) -> list[YamlDocument | YamlFailure]:
    """Every document of a multi-document stream, in order; never raises."""
    out: list[YamlDocument | YamlFailure] = []
    markers: list[tuple[int, int]] | None = None  # (line, offset) of each ---, on first error
    may_alias = "*" in text  # an alias is written *name
    start = 0  # line (0-based) where the current chunk starts
    pos = 0    # its character offset
    while True:
        loader = YamlLoader(text[pos:])
        try:
            while loader.check_node():
                out.append(_build(loader, loader.get_node(), start, may_alias))
            return out
        except yaml.YAMLError as exc:
            failure = _failure(exc, start)
            out.append(failure)
            bad = (failure.line or 1) - 1
            if markers is None:
                markers = _markers(text)
            later = [m for m in markers if m[0] > bad or (m[0] == bad and m[0] > start)]
            if not later:
                return out
            start, pos = later[0]
        finally:
            loader.dispose()


def _markers(text: str) -> list[tuple[int, int]]:
    """(0-based line, character offset) of every document marker."""
    out, line, last = [], 0, 0
    for m in _DOC_MARKER.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        out.append((line, m.start()))
    return out


def load_single(text: str) -> Any:
    """One document (for ``$yaml``); raises ValueError with the first failure."""
    docs = load_documents(text)
    for doc in docs:
        if isinstance(doc, YamlFailure):
            raise ValueError(f"line {doc.line}: {doc.message}" if doc.line else doc.message)
    if len(docs) > 1:
        raise ValueError("Source contains multiple documents; expected one")
    return docs[0].data if docs else None
