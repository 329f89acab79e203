"""The typed syntax tree of Terraform's native syntax (and of its JSON syntax).

Every node knows the line it starts on, so a problem about any value can
name its line. Nodes are small slotted classes rather than dataclasses:
a 1,000-repo org has millions of them and they are built on the hot path.
:mod:`generator.read.hclparse` builds them from ``.tf`` text,
:mod:`generator.read.tfjson` from ``.tf.json``, and
:mod:`generator.read.tfeval` gives them values.
"""
from __future__ import annotations

from typing import Any
from collections.abc import Iterator


class Node:
    __slots__ = ("line",)
    line: int

    def children(self) -> Iterator[Node]:
        return iter(())


class Literal(Node):
    """A number, string, bool or null written as itself."""
    __slots__ = ("value",)

    def __init__(self, value: Any, line: int):
        self.value, self.line = value, line


class Template(Node):
    """A quoted string or heredoc: parts are str, Node (``${...}``), TIf or TFor."""
    __slots__ = ("parts",)

    def __init__(self, parts: list[Any], line: int):
        self.parts, self.line = parts, line

    def children(self) -> Iterator[Node]:
        yield from _part_nodes(self.parts)


class TIf:
    """``%{ if cond }then%{ else }else%{ endif }`` inside a template."""
    __slots__ = ("cond", "then", "other", "line")

    def __init__(self, cond: Node, then: list[Any], other: list[Any], line: int):
        self.cond, self.then, self.other, self.line = cond, then, other, line


class TFor:
    """``%{ for k, v in coll }body%{ endfor }`` inside a template."""
    __slots__ = ("key", "value", "coll", "body", "line")

    def __init__(self, key: str | None, value: str, coll: Node, body: list[Any], line: int):
        self.key, self.value, self.coll, self.body, self.line = key, value, coll, body, line


def _part_nodes(parts: list[Any]) -> Iterator[Node]:
    for part in parts:
        if isinstance(part, Node):
            yield part
        elif isinstance(part, TIf):
            yield part.cond
            yield from _part_nodes(part.then)
            yield from _part_nodes(part.other)
        elif isinstance(part, TFor):
            yield part.coll
            yield from _part_nodes(part.body)


class Var(Node):
    """A root name: ``var`` in ``var.x``, ``aws_s3_bucket`` in ``aws_s3_bucket.b.arn``."""
    __slots__ = ("name",)

    def __init__(self, name: str, line: int):
        self.name, self.line = name, line


class GetAttr(Node):
    __slots__ = ("obj", "name")

    def __init__(self, obj: Node, name: str, line: int):
        self.obj, self.name, self.line = obj, name, line

    def children(self) -> Iterator[Node]:
        yield self.obj


class Index(Node):
    __slots__ = ("obj", "key")

    def __init__(self, obj: Node, key: Node, line: int):
        self.obj, self.key, self.line = obj, key, line

    def children(self) -> Iterator[Node]:
        yield self.obj
        yield self.key


class SplatItem(Node):
    """The element a splat's traversal applies to."""
    __slots__ = ()

    def __init__(self, line: int):
        self.line = line


class Splat(Node):
    """``src[*].a`` / ``src.*.a``: ``each`` is the traversal over a SplatItem."""
    __slots__ = ("src", "each")

    def __init__(self, src: Node, each: Node, line: int):
        self.src, self.each, self.line = src, each, line

    def children(self) -> Iterator[Node]:
        yield self.src
        yield self.each


class Call(Node):
    __slots__ = ("name", "args", "expand")

    def __init__(self, name: str, args: list[Node], expand: bool, line: int):
        self.name, self.args, self.expand, self.line = name, args, expand, line

    def children(self) -> Iterator[Node]:
        return iter(self.args)


class Unary(Node):
    __slots__ = ("op", "expr")

    def __init__(self, op: str, expr: Node, line: int):
        self.op, self.expr, self.line = op, expr, line

    def children(self) -> Iterator[Node]:
        yield self.expr


class Binary(Node):
    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Node, right: Node, line: int):
        self.op, self.left, self.right, self.line = op, left, right, line

    def children(self) -> Iterator[Node]:
        yield self.left
        yield self.right


class Cond(Node):
    __slots__ = ("cond", "then", "other")

    def __init__(self, cond: Node, then: Node, other: Node, line: int):
        self.cond, self.then, self.other, self.line = cond, then, other, line

    def children(self) -> Iterator[Node]:
        yield self.cond
        yield self.then
        yield self.other


class Paren(Node):
    """Kept so that ``(k) = v`` in an object reads as an expression key."""
    __slots__ = ("expr",)

    def __init__(self, expr: Node, line: int):
        self.expr, self.line = expr, line

    def children(self) -> Iterator[Node]:
        yield self.expr


class TupleCons(Node):
    __slots__ = ("items",)

    def __init__(self, items: list[Node], line: int):
        self.items, self.line = items, line

    def children(self) -> Iterator[Node]:
        return iter(self.items)


class ObjectCons(Node):
    """``{ k = v }``: a bare-name key is a Literal string, as in Terraform."""
    __slots__ = ("items",)

    def __init__(self, items: list[tuple[Node, Node]], line: int):
        self.items, self.line = items, line

    def children(self) -> Iterator[Node]:
        for key, value in self.items:
            yield key
            yield value


class ForExpr(Node):
    """``[for v in c : e if f]`` (key_expr None) or ``{for k, v in c : ke => ve... if f}``."""
    __slots__ = ("key", "value", "coll", "key_expr", "val_expr", "cond", "group")

    def __init__(self, key: str | None, value: str, coll: Node, key_expr: Node | None,
                 val_expr: Node, cond: Node | None, group: bool, line: int):
        self.key, self.value, self.coll = key, value, coll
        self.key_expr, self.val_expr, self.cond, self.group, self.line = key_expr, val_expr, cond, group, line

    def children(self) -> Iterator[Node]:
        yield self.coll
        if self.key_expr is not None:
            yield self.key_expr
        yield self.val_expr
        if self.cond is not None:
            yield self.cond


def walk(node: Node) -> Iterator[Node]:
    """Every node under ``node``, itself included, in source order (iteratively: no depth limit)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        kids = list(n.children())
        kids.reverse()
        stack.extend(kids)


def traversal_text(node: Node) -> str | None:
    """``aws_s3_bucket.b.arn`` for a plain traversal (names and literal indexes), else None."""
    steps: list[str] = []
    while True:
        if isinstance(node, GetAttr):
            steps.append("." + node.name)
            node = node.obj
        elif isinstance(node, Index) and isinstance(node.key, Literal):
            key = node.key.value
            steps.append(f'["{key}"]' if isinstance(key, str) else f"[{key}]")
            node = node.obj
        elif isinstance(node, Var):
            return node.name + "".join(reversed(steps))
        else:
            return None


def root_steps(node: Node) -> tuple[str, list[str]] | None:
    """(root name, attribute names) of ``a.b.c`` possibly followed by indexes and splats."""
    names: list[str] = []
    while True:
        if isinstance(node, GetAttr):
            names.append(node.name)
            node = node.obj
        elif isinstance(node, Index):
            names.clear()   # only the names right after the root count
            node = node.obj
        elif isinstance(node, Splat):
            names.clear()
            node = node.src
        elif isinstance(node, Var):
            return node.name, list(reversed(names))
        else:
            return None
