"""Loading a repo's ``mkdocs.yml`` as inert data.

mkdocs' own loader honours ``!ENV`` and ``!!python/name:`` (which imports
and can call arbitrary code); ours is PyYAML's safe loader plus one
catch-all constructor that turns every other tag into ``None`` and records
where it was, so the repo's owner gets a problem with a line number.
Alias bombs are refused by counting composed nodes (aliases re-visit the
shared node, so a billion-laughs document blows the count, not the memory).
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C loader: ~8x faster

MAX_YAML_BYTES = 256 * 1024   # an mkdocs.yml is a few KB; anything bigger is not one
MAX_YAML_NODES = 50_000       # visits, counting every alias expansion


class RepoYamlError(Exception):
    """mkdocs.yml cannot be used at all (syntax error, too big, a bomb)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class LoadedYaml:
    data: dict[str, Any]
    # 1-based line of each top-level key, and of list items / mapping keys one
    # level below ("markdown_extensions.3", "plugins.0", "theme.custom_dir").
    lines: dict[str, int] = field(default_factory=dict)
    # (tag, line) of every custom tag that was made inert.
    inert_tags: list[tuple[str, int]] = field(default_factory=list)

    def line(self, *keys: str | int) -> int | None:
        for n in range(len(keys), 0, -1):
            found = self.lines.get(".".join(str(k) for k in keys[:n]))
            if found:
                return found
        return None


class _InertLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    inert_tags: list[tuple[str, int]]


def _inert(loader: _InertLoader, suffix: str, node: yaml.Node) -> None:
    loader.inert_tags.append((node.tag, node.start_mark.line + 1))
    return None


# "" matches every tag that has no exact constructor: !ENV, !relative,
# !!python/name:..., !!python/object/apply:... all end up here.
_InertLoader.add_multi_constructor("", _inert)


def _count_nodes(node: yaml.Node) -> None:
    stack, seen = [node], 0
    while stack:
        cur = stack.pop()
        seen += 1
        if seen > MAX_YAML_NODES:
            raise RepoYamlError(f"mkdocs.yml expands to more than {MAX_YAML_NODES:,} YAML nodes "
                                "(aliases?); refused")
        if isinstance(cur, yaml.MappingNode):
            for k, v in cur.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(cur, yaml.SequenceNode):
            stack.extend(cur.value)


def _record_lines(root: yaml.Node, lines: dict[str, int]) -> None:
    """Line of every key and list item, by dotted path (``nav.1.Guide.0``), a few levels deep."""
    def walk(node: yaml.Node, prefix: str, depth: int) -> None:
        if depth > 6:  # nav sections, extension options: deeper than that nobody writes
            return
        if isinstance(node, yaml.MappingNode):
            for knode, vnode in node.value:
                if isinstance(knode, yaml.ScalarNode):
                    key = f"{prefix}{knode.value}"
                    lines.setdefault(key, knode.start_mark.line + 1)
                    walk(vnode, key + ".", depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines.setdefault(f"{prefix}{i}", item.start_mark.line + 1)
                walk(item, f"{prefix}{i}.", depth + 1)

    if isinstance(root, yaml.MappingNode):
        walk(root, "", 0)


def load_mkdocs_yaml(text: str) -> LoadedYaml:
    """Parse ``text`` into plain data; custom tags become ``None``."""
    if len(text.encode("utf-8", "replace")) > MAX_YAML_BYTES:
        raise RepoYamlError(f"mkdocs.yml is larger than {MAX_YAML_BYTES:,} bytes; refused")
    loader = _InertLoader(text)
    loader.inert_tags = []
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise RepoYamlError(f"mkdocs.yml is not valid YAML: {exc.problem or exc}",
                                mark.line + 1 if mark else None) from None
        except yaml.YAMLError as exc:
            raise RepoYamlError(f"mkdocs.yml is not valid YAML: {exc}") from None
        if node is None:
            return LoadedYaml({})
        _count_nodes(node)
        lines: dict[str, int] = {}
        _record_lines(node, lines)
        try:
            data = loader.construct_document(node)
        except (yaml.YAMLError, TypeError, ValueError) as exc:
            raise RepoYamlError(f"mkdocs.yml could not be read: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise RepoYamlError("mkdocs.yml must be a mapping of settings", 1)
    return LoadedYaml(data, lines, list(loader.inert_tags))


class YamlMemo:
    """Parsed mkdocs.yml files by the SHA-256 of their text, kept in the docs cache.

    Parsing is a third of what reading a repo's docs costs before its cache key is
    known; on a night where almost nothing changed, every text was parsed before.
    The result is a function of the text alone (and of this code: ``version``), so a
    hit is exact. Entries are pickles of what the safe loader built (plain data) and
    are unpickled per use, so nothing a caller changes leaks into the next one.
    Entries not used in a build are dropped when it saves.
    """

    FILE = "mkdocs-yaml.pickle"

    def __init__(self, folder: Path | None, version: str) -> None:
        self.path = Path(folder) / self.FILE if folder else None
        self.version = version
        self.old: dict[bytes, bytes] = {}
        self.used: dict[bytes, bytes] = {}
        if self.path is None:
            return
        try:
            with open(self.path, "rb") as fh:
                stored = pickle.load(fh)
            if isinstance(stored, dict) and stored.get("version") == version:
                self.old = stored["entries"]
        except (OSError, pickle.PickleError, EOFError, KeyError, TypeError, ValueError, AttributeError):
            self.old = {}

    def load(self, text: str) -> LoadedYaml:
        """``load_mkdocs_yaml(text)``, from the memo when this text was parsed before."""
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        raw = self.used.get(digest) or self.old.get(digest)
        if raw is None:
            loaded = load_mkdocs_yaml(text)   # a RepoYamlError is not memoized: parsed again next time
            raw = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
        self.used[digest] = raw
        return pickle.loads(raw)

    def save(self) -> None:
        if self.path is None or self.used.keys() == self.old.keys():
            return
        tmp = self.path.with_name(f".{self.FILE}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                pickle.dump({"version": self.version, "entries": self.used}, fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)   # no memo next time: slower, not wrong
