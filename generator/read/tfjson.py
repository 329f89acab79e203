"""Terraform's JSON syntax (``.tf.json``, ``.tfvars.json``) -> the same blocks as ``.tf``.

What CDK for Terraform writes. The meaning follows Terraform's JSON syntax
rules: the root object's properties are block types, label levels are
nested objects (or arrays of them), and in a body every string is a
template (``"${var.env}-logs"``), every object key too. A variable's
``default`` and everything in a ``.tfvars.json`` are literal values, and
``depends_on`` lists references written as strings. ``"//"`` properties
are comments.

Python's json module forgets where a value was, so a small scanner reads
the file and keeps the line of every key and value.
"""
from __future__ import annotations

import json
import re
from typing import Any

from generator.read.hcl import Block, HclError, ParsedFile, _attrs
from generator.read.hclast import Literal, Node, ObjectCons, Template, TupleCons, walk
from generator.read.hclparse import HclSyntaxError, Parser, tokenize

_TOKEN = re.compile(r'[ \t\r]+|\n|"(?:[^"\\\n]|\\.)*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?'
                    r"|true|false|null|[{}\[\]:,]")
# How many labels each block type has (Terraform's JSON rules name them).
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "locals": 0, "terraform": 0, "moved": 0, "import": 0, "check": 1, "removed": 0}
_MARKER = "LOOKOUT_JSON_TEMPLATE_END"


class J:
    """A JSON value with its line: kind is 'obj' (items: [(key, line, J)]), 'arr', or 'lit'."""
    __slots__ = ("kind", "value", "line")

    def __init__(self, kind: str, value: Any, line: int):
        self.kind, self.value, self.line = kind, value, line


def scan(text: str) -> J:
    """Parse JSON, keeping lines; raises HclSyntaxError with a line on bad JSON."""
    toks: list[tuple[str, int]] = []
    pos, line, end = 0, 1, len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            raise HclSyntaxError(f"invalid JSON: unexpected character {text[pos]!r}", line)
        tok = m.group(0)
        pos = m.end()
        if tok == "\n":
            line += 1
        elif not tok.isspace():
            toks.append((tok, line))
    toks.append(("", line))
    i = 0

    def value(depth: int) -> J:
        nonlocal i
        tok, ln = toks[i]
        i += 1
        if depth > 200:
            raise HclSyntaxError("the file nests too deeply to be read", ln)
        if tok == "{":
            items: list[tuple[str, int, J]] = []
            if toks[i][0] == "}":
                i += 1
                return J("obj", items, ln)
            while True:
                key, kl = toks[i]
                if not key.startswith('"'):
                    raise HclSyntaxError(f"invalid JSON: expected a property name in quotes, found "
                                         f"{key or 'the end of the file'!r}", kl)
                i += 1
                if toks[i][0] != ":":
                    raise HclSyntaxError("invalid JSON: expected `:` after a property name", toks[i][1])
                i += 1
                items.append((json.loads(key), kl, value(depth + 1)))
                sep, sl = toks[i]
                i += 1
                if sep == "}":
                    return J("obj", items, ln)
                if sep != ",":
                    raise HclSyntaxError(f"invalid JSON: expected `,` or `}}` in the object opened at line "
                                         f"{ln}", sl)
        if tok == "[":
            elems: list[J] = []
            if toks[i][0] == "]":
                i += 1
                return J("arr", elems, ln)
            while True:
                elems.append(value(depth + 1))
                sep, sl = toks[i]
                i += 1
                if sep == "]":
                    return J("arr", elems, ln)
                if sep != ",":
                    raise HclSyntaxError(f"invalid JSON: expected `,` or `]` in the array opened at line {ln}", sl)
        if tok.startswith('"'):
            try:
                return J("lit", json.loads(tok), ln)
            except ValueError:
                raise HclSyntaxError("invalid JSON: a bad escape in a string", ln) from None
        if tok in ("true", "false", "null"):
            return J("lit", {"true": True, "false": False, "null": None}[tok], ln)
        if tok and (tok[0] == "-" or tok[0].isdigit()):
            number = float(tok) if any(c in tok for c in ".eE") else int(tok)
            if isinstance(number, float) and number.is_integer() and abs(number) < 1e18:
                number = int(number)
            return J("lit", number, ln)
        raise HclSyntaxError(f"invalid JSON: expected a value, found {tok or 'the end of the file'!r}", ln)

    root = value(0)
    if toks[i][0]:
        raise HclSyntaxError("invalid JSON: more after the end of the document", toks[i][1])
    return root


def _at_line(node: Node, line: int) -> Node:
    for n in walk(node):
        n.line = line
    return node


def template(text: str, line: int) -> Node:
    """A JSON string in expression mode: an HCL template (no backslash escapes; JSON had them)."""
    if "${" not in text and "%{" not in text:
        return Literal(text, line)
    # A heredoc is a template without escapes over any number of lines; its
    # final newline is the one the wrapping added.
    try:
        toks = tokenize(f"x = <<{_MARKER}\n{text}\n{_MARKER}\n")
        (_, node, _), = Parser(toks).body("eof")[0]
    except HclSyntaxError as exc:   # its line is inside the wrapping; the string's is the one to name
        raise HclSyntaxError(f"in a template string: {exc.message}", line) from None
    if isinstance(node, Template) and node.parts and isinstance(node.parts[-1], str):
        node.parts[-1] = node.parts[-1][:-1]
        if not node.parts[-1]:
            node.parts.pop()
    return _at_line(node, line)


def expression(j: J, literal: bool = False) -> Node:
    if j.kind == "lit":
        if isinstance(j.value, str) and not literal:
            return template(j.value, j.line)
        return Literal(j.value, j.line)
    if j.kind == "arr":
        return TupleCons([expression(e, literal) for e in j.value], j.line)
    items = [(Literal(k, ln) if literal else template(k, ln), expression(v, literal))
             for k, ln, v in j.value if k != "//"]
    return ObjectCons(items, j.line)


def reference(j: J) -> Node:
    """A ``depends_on`` item: a reference written as a string ("aws_s3_bucket.logs")."""
    if j.kind == "lit" and isinstance(j.value, str):
        try:
            toks = tokenize(f"x = {j.value}\n")
            (_, node, _), = Parser(toks).body("eof")[0]
            return _at_line(node, j.line)
        except (HclSyntaxError, ValueError):
            pass
    return expression(j)


def _body(j: J, block_type: str) -> list[tuple[str, Node, int]]:
    # Nested blocks (an "environment" object) read as object attributes: without
    # the provider's schema JSON cannot tell them apart, and their expressions
    # (references included) are the same either way.
    if j.kind != "obj":
        raise HclSyntaxError(f"a {block_type} block must be a JSON object", j.line)
    items: list[tuple[str, Node, int]] = []
    for key, line, value in j.value:
        if key == "//":
            continue
        if block_type == "variable" and key == "default":
            node = expression(value, literal=True)
        elif block_type == "variable" and key in ("type", "validation"):
            continue     # a type expression, not a value
        elif key == "depends_on" and value.kind == "arr":
            node = TupleCons([reference(e) for e in value.value], value.line)
        else:
            node = expression(value)
        items.append((key, node, line))
    return items


def _blocks(block_type: str, j: J, labels: list[str], want: int, line: int,
            errors: list[HclError], out: list[Block]) -> None:
    """Walk label levels (objects keyed by label, or arrays of such objects) down to bodies."""
    if j.kind == "arr":
        for elem in j.value:
            _blocks(block_type, elem, labels, want, elem.line, errors, out)
        return
    if len(labels) == want:
        body, lines = _attrs(_body(j, block_type), errors)
        out.append(Block(block_type, labels, line, body, lines))
        return
    if j.kind != "obj":
        raise HclSyntaxError(f'a "{block_type}" block needs {want} label(s), given as nested JSON objects',
                             j.line)
    for key, kl, value in j.value:
        if key != "//":
            _blocks(block_type, value, [*labels, key], want, kl, errors, out)


def parse_tf_json(text: str, variables_file: bool = False) -> ParsedFile:
    """A ``.tf.json`` (or ``.tfvars.json``) file; raises HclSyntaxError (only) when it cannot."""
    root = scan(text)
    if root.kind != "obj":
        raise HclSyntaxError("the file must hold one JSON object", root.line)
    out = ParsedFile()
    if variables_file:
        items = [(k, expression(v, literal=True), ln) for k, ln, v in root.value if k != "//"]
        out.attributes, out.attr_lines = _attrs(items, out.errors)
        return out
    for key, line, value in root.value:
        if key == "//":
            continue
        want = _LABELS.get(key)
        if want is None:
            out.errors.append(HclError(f'"{key}" is not a block type Terraform knows; ignored', line))
            continue
        _blocks(key, value, [], want, line, out.errors, out.blocks)
    return out
