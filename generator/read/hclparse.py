"""Terraform's native syntax (HCL) -> :mod:`generator.read.hclast`, by hand.

Measured on the shared corpus (1.6 MB of real .tf), python-hcl2 parses
about 210 KB/s and tree-sitter-hcl plus a Python walk of its tree about the
same (the C parse is quick; visiting 300,000 nodes from Python is not). A
regex tokenizer feeding a recursive-descent parser over a flat token list
does several times better and lets every error speak Terraform's words.

The tokenizer is :mod:`generator.read.hcllex`, templates are parsed by
:mod:`generator.read.hcltemplate`. Newlines end arguments in bodies and separate object items; inside
``( )``, ``[ ]`` and ``${ }`` they are ignored, as in Terraform.
"""
from __future__ import annotations

from typing import Any

from generator.read.hclast import (
    Binary, Call, Cond, ForExpr, GetAttr, Index, Literal, Node, ObjectCons, Paren, Splat, SplatItem,
    TupleCons, Unary, Var,
)
from generator.read.hcllex import HclSyntaxError, describe, tokenize
from generator.read.hcltemplate import TemplateParser

__all__ = ["HclSyntaxError", "Parser", "number", "parse", "tokenize"]

_KEYWORDS = {"true": True, "false": False, "null": None}
_BINOPS = {"||": 0, "&&": 1, "==": 2, "!=": 2, "<": 3, ">": 3, "<=": 3, ">=": 3,
           "+": 4, "-": 4, "*": 5, "/": 5, "%": 5}
_DEEP = 100   # nesting past this is refused with a line, well inside Python's stack


def number(text: str) -> int | float:
    """Terraform has one number type; Lookout keeps integral values as int."""
    if "." in text or "e" in text or "E" in text:
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 1e18 else value
    return int(text)


class Parser(TemplateParser):
    def __init__(self, toks: list[tuple[str, Any, int]]):
        self.t = toks
        self.i = 0
        self.skip = False          # newlines ignored (inside ( ), [ ], ${ })
        self.depth = 0
        self.opens: list[tuple[str, int]] = []   # open brackets, to name an unclosed one
        self.last_lit: tuple[list[Any], int] | None = None
        self.lstrip = False

    # -- tokens ---------------------------------------------------------------------------

    def peek(self) -> tuple[str, Any, int]:
        t, i = self.t, self.i
        if self.skip:
            while t[i][0] == "nl":
                i += 1
            self.i = i
        return t[i]

    def next(self) -> tuple[str, Any, int]:
        tok = self.peek()
        if tok[0] != "eof":
            self.i += 1
        return tok

    def error(self, tok: tuple[str, Any, int], message: str) -> HclSyntaxError:
        if tok[0] == "eof" and self.opens:
            what, line = self.opens[-1]
            return HclSyntaxError(f"unexpected end of file: unclosed `{what}` opened at line {line}", tok[2])
        return HclSyntaxError(message, tok[2])

    def expect(self, kind: str, after: str) -> tuple[str, Any, int]:
        tok = self.next()
        if tok[0] != kind:
            raise self.error(tok, f"expected `{kind}` {after}, found {describe(tok)}")
        return tok

    def enter(self, line: int) -> None:
        self.depth += 1
        if self.depth > _DEEP:
            raise HclSyntaxError("the file nests brackets or blocks too deeply to be read", line)

    # -- bodies ---------------------------------------------------------------------------

    def body(self, closing: str) -> tuple[list[tuple[str, Node, int]], list[tuple[str, list[str], int, Any]]]:
        """Attributes (name, expr, line) and blocks (type, labels, line, body) up to ``closing``."""
        attrs: list[tuple[str, Node, int]] = []
        blocks: list[tuple[str, list[str], int, Any]] = []
        t = self.t
        while True:
            tok = t[self.i]
            while tok[0] == "nl":
                self.i += 1
                tok = t[self.i]
            if tok[0] == closing:
                return attrs, blocks
            if tok[0] != "id":
                if tok[0] in ("<", "=", ">") and t[self.i + 1][0] == tok[0] and t[self.i + 2][0] == tok[0]:
                    raise HclSyntaxError("a merge conflict marker (<<<<<<<, ======= or >>>>>>>): the file "
                                         "has an unresolved merge conflict", tok[2])
                if tok[0] == "}" and closing == "eof":
                    raise HclSyntaxError("unexpected `}`: no block is open here", tok[2])
                raise self.error(tok, f"expected an argument or block definition, found {describe(tok)}")
            self.i += 1
            name, line = tok[1], tok[2]
            nxt = t[self.i]
            if nxt[0] == "=":
                self.i += 1
                attrs.append((name, self.expression_after("`=`"), line))
                self.end_of_item(closing, f"the argument {name}")
                continue
            labels = []
            while nxt[0] in ("id", "str", "qs"):
                self.i += 1
                labels.append(nxt[1] if nxt[0] != "qs" else self.label(nxt))
                nxt = t[self.i]
            if nxt[0] != "{":
                raise self.error(nxt, f"expected `=` or a block after `{name}`, found {describe(nxt)} "
                                 "(an argument is set with `=`; a block opens with `{`)")
            self.i += 1
            self.enter(nxt[2])
            self.opens.append(("{", nxt[2]))
            if t[self.i][0] == "nl":
                inner = self.body("}")
            else:   # a one-line block holds at most one argument
                inner = ([], [])
                if t[self.i][0] == "id":
                    aname, aline = t[self.i][1], t[self.i][2]
                    if t[self.i + 1][0] != "=":
                        raise HclSyntaxError("a block on one line may hold one argument only, and no "
                                             "nested block", aline)
                    self.i += 2
                    inner[0].append((aname, self.expression_after("`=`"), aline))
                if t[self.i][0] != "}":
                    raise self.error(t[self.i], "a block on one line may hold one argument only; put "
                                     "each argument on its own line")
            self.i += 1
            self.opens.pop()
            self.depth -= 1
            blocks.append((name, labels, line, inner))
            self.end_of_item(closing, f"the block {name}")

    def end_of_item(self, closing: str, what: str) -> None:
        tok = self.t[self.i]
        if tok[0] == "nl":
            self.i += 1
        elif tok[0] != closing and tok[0] != "eof":
            raise self.error(tok, f"expected a newline after {what}, found {describe(tok)}")

    def label(self, tok: tuple[str, Any, int]) -> str:
        parts = []
        while True:
            t = self.t[self.i]
            self.i += 1
            if t[0] == "qe":
                return "".join(parts)
            if t[0] != "lit":
                raise HclSyntaxError("a block label must be a plain quoted string, without ${...}", t[2])
            parts.append(t[1])

    # -- expressions ----------------------------------------------------------------------

    def expression_after(self, what: str) -> Node:
        tok = self.peek()
        if tok[0] in ("nl", "eof", "}", ")", "]", ",", "ie"):
            raise self.error(tok, f"expected a value after {what}, found {describe(tok)}")
        return self.expression()

    def expression(self) -> Node:
        cond = self.binary(0)
        tok = self.peek()
        if tok[0] != "?":
            return cond
        self.i += 1
        then = self.expression_after("`?`")
        self.expect(":", "in a conditional (cond ? a : b)")
        return Cond(cond, then, self.expression_after("`:`"), tok[2])

    def binary(self, lowest: int) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            prec = _BINOPS.get(tok[0])
            if prec is None or prec < lowest:
                return left
            self.i += 1
            left = Binary(tok[0], left, self.binary_after(prec + 1, tok[0]), tok[2])

    def binary_after(self, prec: int, op: str) -> Node:
        tok = self.peek()
        if tok[0] in ("nl", "eof", "}", ")", "]", ",", "ie"):
            raise self.error(tok, f"expected a value after `{op}`, found {describe(tok)}")
        return self.binary(prec)

    def unary(self) -> Node:
        tok = self.peek()
        if tok[0] == "!" or tok[0] == "-":
            self.i += 1
            self.enter(tok[2])
            node = Unary(tok[0], self.unary(), tok[2])
            self.depth -= 1
            return node
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        t = self.t
        while True:
            tok = self.peek()
            kind = tok[0]
            if kind == ".":
                nxt = t[self.i + 1]
                if nxt[0] == "id":
                    self.i += 2
                    node = GetAttr(node, nxt[1], nxt[2])
                elif nxt[0] == "num":
                    self.i += 2
                    for part in nxt[1].split("."):   # a.0.1 lexes as a, ., 0.1
                        node = Index(node, Literal(int(part), nxt[2]), nxt[2])
                elif nxt[0] == "*":
                    self.i += 2
                    node = Splat(node, self.splat_chain(False, nxt[2]), nxt[2])
                else:
                    raise self.error(nxt, f"expected an attribute name after `.`, found {describe(nxt)}")
            elif kind == "[":
                if t[self.i + 1][0] == "*" and t[self.i + 2][0] == "]":
                    self.i += 3
                    node = Splat(node, self.splat_chain(True, tok[2]), tok[2])
                    continue
                self.i += 1
                saved, self.skip = self.skip, True
                self.opens.append(("[", tok[2]))
                key = self.expression_after("`[`")
                self.expect("]", "to close the index")
                self.opens.pop()
                self.skip = saved
                node = Index(node, key, tok[2])
            else:
                return node

    def splat_chain(self, full: bool, line: int) -> Node:
        each: Node = SplatItem(line)
        t = self.t
        while True:
            tok = self.peek()
            if tok[0] == "." and t[self.i + 1][0] in ("id", "num"):
                nxt = t[self.i + 1]
                self.i += 2
                each = GetAttr(each, nxt[1], nxt[2]) if nxt[0] == "id" else Index(each, Literal(int(nxt[1].split(".")[0]), nxt[2]), nxt[2])
            elif full and tok[0] == "[" and t[self.i + 1][0] != "*":
                self.i += 1
                saved, self.skip = self.skip, True
                key = self.expression_after("`[`")
                self.expect("]", "to close the index")
                self.skip = saved
                each = Index(each, key, tok[2])
            else:
                return each

    def primary(self) -> Node:
        tok = self.next()
        kind, line = tok[0], tok[2]
        if kind == "num":
            return Literal(number(tok[1]), line)
        if kind == "id":
            name = tok[1]
            if name in _KEYWORDS:
                return Literal(_KEYWORDS[name], line)
            nxt = self.t[self.i]
            if nxt[0] == "::":
                while self.t[self.i][0] == "::" and self.t[self.i + 1][0] == "id":
                    name += "::" + self.t[self.i + 1][1]
                    self.i += 2
                if self.t[self.i][0] != "(":
                    raise self.error(self.t[self.i], f"expected `(` after the function name {name}")
                nxt = self.t[self.i]
            if nxt[0] == "(":
                self.i += 1
                return self.call(name, line)
            return Var(name, line)
        if kind == "str":
            return Literal(tok[1], line)
        if kind == "qs":
            return self.template("qe", line)
        if kind == "hs":
            return self.heredoc(tok[1][0], line)
        if kind in ("(", "[", "{"):
            self.enter(line)
            saved = self.skip
            self.opens.append((kind, line))
            if kind == "(":
                self.skip = True
                node: Node = Paren(self.expression_after("`(`"), line)
                self.expect(")", f"to close the `(` opened at line {line}")
            elif kind == "[":
                self.skip = True
                node = self.tuple_or_for(line)
            else:
                node = self.object_or_for(line)
            self.opens.pop()
            self.skip = saved
            self.depth -= 1
            return node
        raise self.error(tok, f"expected a value, found {describe(tok)}")

    def call(self, name: str, line: int) -> Node:
        saved, self.skip = self.skip, True
        self.opens.append(("(", line))
        args: list[Node] = []
        expand = False
        while self.peek()[0] != ")":
            args.append(self.expression())
            tok = self.next()
            if tok[0] == "...":
                expand = True
                tok = self.next()
            if tok[0] == ")":
                break
            if tok[0] != "," or expand:
                raise self.error(tok, f"expected `,` or `)` in the arguments of {name}(), found {describe(tok)}")
        else:
            self.i += 1
        self.opens.pop()
        self.skip = saved
        return Call(name, args, expand, line)

    def tuple_or_for(self, line: int) -> Node:
        tok = self.peek()
        if tok[0] == "id" and tok[1] == "for" and self.t[self.i + 1][0] == "id":
            return self.for_expr(line, "]")
        items: list[Node] = []
        while self.peek()[0] != "]":
            items.append(self.expression())
            tok = self.next()
            if tok[0] == "]":
                return TupleCons(items, line)
            if tok[0] != ",":
                raise self.error(tok, f"expected `,` or `]` in the list opened at line {line}, found {describe(tok)}")
        self.i += 1
        return TupleCons(items, line)

    def object_or_for(self, line: int) -> Node:
        self.skip = False
        t = self.t
        j = self.i
        while t[j][0] == "nl":
            j += 1
        if t[j][0] == "id" and t[j][1] == "for" and t[j + 1][0] == "id":
            self.skip = True
            self.i = j
            return self.for_expr(line, "}")
        items: list[tuple[Node, Node]] = []
        while True:
            tok = t[self.i]
            while tok[0] in ("nl", ","):
                self.i += 1
                tok = t[self.i]
            if tok[0] == "}":
                self.i += 1
                return ObjectCons(items, line)
            # A newline ends a key or value (as in a body); ( ) and [ ] inside ignore them.
            key = self.unary() if tok[0] != "id" else None
            if key is None:
                # A bare name is the key itself (Terraform: "{ name = 1 }" is the string "name").
                if t[self.i + 1][0] in ("=", ":"):
                    self.i += 1
                    key = Literal(tok[1], tok[2])
                else:
                    key = self.unary()
            sep = t[self.i]
            if sep[0] not in ("=", ":"):
                raise self.error(sep, f"expected `=` after the key in the object opened at line {line}, "
                                 f"found {describe(sep)}")
            self.i += 1
            value = self.expression_after(f"`{sep[0]}`")
            items.append((key, value))
            tok = t[self.i]
            if tok[0] not in ("nl", ",", "}"):
                raise self.error(tok, f"expected a newline or `,` after an item of the object opened at "
                                 f"line {line}, found {describe(tok)}")

    def for_expr(self, line: int, closing: str) -> Node:
        self.i += 1   # "for"
        first = self.expect("id", "after `for`")[1]
        key, value = None, first
        if self.peek()[0] == ",":
            self.i += 1
            key, value = first, self.expect("id", "after `,` in a for expression")[1]
        tok = self.next()
        if tok[0] != "id" or tok[1] != "in":
            raise self.error(tok, f"expected `in` in the for expression, found {describe(tok)}")
        coll = self.expression_after("`in`")
        self.expect(":", "after the collection of a for expression")
        key_expr = None
        val = self.expression_after("`:`")
        group = False
        if closing == "}":
            self.expect("=>", "in an object for expression ({for k, v in x : key => value})")
            key_expr, val = val, self.expression_after("`=>`")
            if self.peek()[0] == "...":
                self.i += 1
                group = True
        cond = None
        tok = self.peek()
        if tok[0] == "id" and tok[1] == "if":
            self.i += 1
            cond = self.expression_after("`if`")
        self.expect(closing, f"to close the for expression opened at line {line}")
        return ForExpr(key, value, coll, key_expr, val, cond, group, line)


def parse(text: str) -> tuple[list[tuple[str, Node, int]], list[tuple[str, list[str], int, Any]]]:
    """The top-level body of a file: raises HclSyntaxError (only) when it does not parse."""
    parser = Parser(tokenize(text))
    try:
        return parser.body("eof")
    except RecursionError:
        line = parser.t[min(parser.i, len(parser.t) - 1)][2]
        raise HclSyntaxError("the file nests brackets or blocks too deeply to be read", line) from None
