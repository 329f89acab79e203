"""Terraform's native syntax (HCL) -> :mod:`generator.read.hclast`, by hand.

Measured on the shared corpus (1.6 MB of real .tf), python-hcl2 parses
about 210 KB/s and tree-sitter-hcl plus a Python walk of its tree about the
same (the C parse is quick; visiting 300,000 nodes from Python is not). A
regex tokenizer feeding a recursive-descent parser over a flat token list
does several times better and lets every error speak Terraform's words.

The tokenizer keeps a stack of what is open (``{``, ``${``, a quoted string,
a heredoc) so templates nest inside expressions nest inside templates.
Newlines end arguments in bodies and separate object items; inside
``( )``, ``[ ]`` and ``${ }`` they are ignored, as in Terraform.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from generator.read.hclast import (
    Binary, Call, Cond, ForExpr, GetAttr, Index, Literal, Node, ObjectCons, Paren, Splat, SplatItem,
    Template, TFor, TIf, TupleCons, Unary, Var,
)


class HclSyntaxError(Exception):
    """The file could not be parsed; ``message`` is one sentence, ``line`` where."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message, self.line = message, line


_NORMAL = re.compile(r"""
 (?P<ws>[ \t\r]+)
|(?P<nl>\n)
|(?P<comment>(?:\#|//)[^\n]*)
|(?P<bcomment>/\*)
|(?P<num>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
|(?P<id>[^\W\d][\w-]*)
|(?P<heredoc><<(?P<flush>-?)(?P<marker>[^\W\d][\w-]*)[ \t]*\r?\n)
|(?P<op>~\}|==|!=|<=|>=|&&|\|\||=>|\.\.\.|::|[{}\[\]()=,.:?!+\-*/%<>])
|(?P<str>"[^"\\$%\n]*")
|(?P<quote>")
""", re.X)
_QLIT = re.compile(r'(?:[^"\\$%\n]+|\\[^\n]|\$\$\{|%%\{|[$%](?!\{))+')
_HLIT = re.compile(r"(?:[^$%\n]+|\$\$\{|%%\{|[$%](?!\{))*\n?")
_ESCAPE = re.compile(r'\\(?:([nrt"\\])|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|\$\$\{|%%\{')
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORDS = {"true": True, "false": False, "null": None}
_BINOPS = {"||": 0, "&&": 1, "==": 2, "!=": 2, "<": 3, ">": 3, "<=": 3, ">=": 3,
           "+": 4, "-": 4, "*": 5, "/": 5, "%": 5}
_DEEP = 100   # nesting past this is refused with a line, well inside Python's stack


def _unescape(raw: str, line: int) -> str:
    if "\\" not in raw and "$${" not in raw and "%%{" not in raw:
        return raw

    def one(m: re.Match) -> str:
        text = m.group(0)
        if text in ("$${", "%%{"):
            return text[1:]
        if m.group(1):
            return _SIMPLE[m.group(1)]
        if m.group(2) or m.group(3):
            code = int(m.group(2) or m.group(3), 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise HclSyntaxError(f"invalid unicode escape {text}", line)
            return chr(code)
        raise HclSyntaxError(f"invalid escape sequence \\{m.group(4)} (a backslash in a string starts "
                             'an escape such as \\n, \\" or \\\\)', line)
    return _ESCAPE.sub(one, raw)


def _heredoc_literals(raw: str) -> str:
    return raw.replace("$${", "${").replace("%%{", "%{") if ("$${" in raw or "%%{" in raw) else raw


@lru_cache(maxsize=256)
def _closer(marker: str) -> re.Pattern:
    # Terraform allows spaces before the closing marker and ignores them after it.
    return re.compile(r"[ \t]*" + re.escape(marker) + r"[ \t]*(?:\r?\n|$)")


def tokenize(text: str) -> list[tuple[str, Any, int]]:
    """(kind, value, line) triples; kind is 'nl', 'num', 'id', an operator, or a template mark:
    'qs'/'qe' quote start/end, 'hs'/'he' heredoc start/end, 'lit' literal text, 'is'/'ds'
    ``${``/``%{`` (value: strip-left), 'ie' their ``}`` (value: strip-right), 'eof'."""
    toks: list[tuple[str, Any, int]] = []
    add = toks.append
    stack: list[Any] = []   # '{', '${', 'q', or [marker, flush, at_line_start, line]
    pos, line, end = 0, 1, len(text)
    match_normal = _NORMAL.match
    while pos < end:
        top = stack[-1] if stack else None
        if top == "q":
            m = _QLIT.match(text, pos)
            if m:
                add(("lit", _unescape(m.group(0), line), line))
                pos = m.end()
                continue
            c = text[pos]
            if c == '"':
                stack.pop()
                add(("qe", None, line))
                pos += 1
            elif c == "\n":
                raise HclSyntaxError("unterminated string: a quoted string must close on the line it "
                                     "opens (use a heredoc, <<EOT, for text over several lines)", line)
            else:  # "${" or "%{"
                strip = text.startswith("~", pos + 2)
                add(("is" if c == "$" else "ds", strip, line))
                stack.append("${")
                pos += 3 if strip else 2
            continue
        if isinstance(top, list):
            marker, _, at_start, opened = top
            if at_start:
                m = _closer(marker).match(text, pos)
                if m:
                    stack.pop()
                    add(("he", None, line))
                    if m.group(0).endswith("\n"):
                        add(("nl", None, line))
                        line += 1
                    pos = m.end()
                    continue
            m = _HLIT.match(text, pos)
            chunk = m.group(0)
            if chunk:
                add(("lit", _heredoc_literals(chunk), line))
                pos = m.end()
                top[2] = chunk.endswith("\n")
                if top[2]:
                    line += 1
                continue
            if pos >= end:
                break
            strip = text.startswith("~", pos + 2)
            add(("is" if text[pos] == "$" else "ds", strip, line))
            stack.append("${")
            top[2] = False
            pos += 3 if strip else 2
            continue
        m = match_normal(text, pos)
        if m is None:
            char = text[pos]
            hint = (' (use newlines to separate arguments and blocks, and commas to separate items '
                    'in collection values)') if char == ";" else ""
            raise HclSyntaxError(f"invalid character {char!r}{hint}", line)
        kind = m.lastgroup
        pos = m.end()
        if kind == "ws" or kind == "comment":
            continue
        if kind == "nl":
            add(("nl", None, line))
            line += 1
        elif kind == "id":
            add(("id", m.group(0), line))
        elif kind == "op":
            op = m.group(0)
            if op == "{":
                stack.append("{")
            elif op == "}" or op == "~}":
                if top == "${":
                    stack.pop()
                    add(("ie", op == "~}", line))
                    continue
                if top == "{":
                    stack.pop()
                if op == "~}":
                    raise HclSyntaxError("unexpected `~}` outside a template", line)
            add((op, op, line))
        elif kind == "num":
            add(("num", m.group(0), line))
        elif kind == "str":   # most strings: no escape, no template: one token
            add(("str", m.group(0)[1:-1], line))
        elif kind == "quote":
            add(("qs", None, line))
            stack.append("q")
        elif kind == "heredoc":
            flush, marker = m.group("flush") == "-", m.group("marker")
            add(("hs", (flush, marker), line))
            line += 1
            stack.append([marker, flush, True, line - 1])
        else:  # block comment
            close = text.find("*/", pos)
            if close < 0:
                raise HclSyntaxError("unterminated comment: `/*` has no closing `*/`", line)
            line += text.count("\n", pos, close)
            pos = close + 2
    if stack:
        top = stack[-1]
        if top == "q":
            raise HclSyntaxError("unterminated string at the end of the file", line)
        if isinstance(top, list):
            raise HclSyntaxError(f"unexpected end of file: the heredoc opened at line {top[3]} has no "
                                 f"closing {top[0]} line", line)
    add(("eof", None, line))
    return toks


def _describe(tok: tuple[str, Any, int]) -> str:
    kind = tok[0]
    if kind == "eof":
        return "the end of the file"
    if kind == "nl":
        return "a newline"
    if kind in ("id", "num"):
        return f"`{tok[1]}`"
    if kind in ("str", "qs", "hs", "lit"):
        return "a string"
    if kind in ("is", "ds", "ie", "qe", "he"):
        return "a template sequence"
    return f"`{kind}`"


def number(text: str) -> int | float:
    """Terraform has one number type; Lookout keeps integral values as int."""
    if "." in text or "e" in text or "E" in text:
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 1e18 else value
    return int(text)


class Parser:
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
            raise self.error(tok, f"expected `{kind}` {after}, found {_describe(tok)}")
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
                raise self.error(tok, f"expected an argument or block definition, found {_describe(tok)}")
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
                raise self.error(nxt, f"expected `=` or a block after `{name}`, found {_describe(nxt)} "
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
            raise self.error(tok, f"expected a newline after {what}, found {_describe(tok)}")

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
            raise self.error(tok, f"expected a value after {what}, found {_describe(tok)}")
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
            raise self.error(tok, f"expected a value after `{op}`, found {_describe(tok)}")
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
                    raise self.error(nxt, f"expected an attribute name after `.`, found {_describe(nxt)}")
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
        raise self.error(tok, f"expected a value, found {_describe(tok)}")

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
                raise self.error(tok, f"expected `,` or `)` in the arguments of {name}(), found {_describe(tok)}")
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
                raise self.error(tok, f"expected `,` or `]` in the list opened at line {line}, found {_describe(tok)}")
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
                                 f"found {_describe(sep)}")
            self.i += 1
            value = self.expression_after(f"`{sep[0]}`")
            items.append((key, value))
            tok = t[self.i]
            if tok[0] not in ("nl", ",", "}"):
                raise self.error(tok, f"expected a newline or `,` after an item of the object opened at "
                                 f"line {line}, found {_describe(tok)}")

    def for_expr(self, line: int, closing: str) -> Node:
        self.i += 1   # "for"
        first = self.expect("id", "after `for`")[1]
        key, value = None, first
        if self.peek()[0] == ",":
            self.i += 1
            key, value = first, self.expect("id", "after `,` in a for expression")[1]
        tok = self.next()
        if tok[0] != "id" or tok[1] != "in":
            raise self.error(tok, f"expected `in` in the for expression, found {_describe(tok)}")
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

    # -- templates ------------------------------------------------------------------------

    def template(self, closing: str, line: int) -> Node:
        saved, self.skip = self.skip, False
        self.last_lit, self.lstrip = None, False
        parts, stop = self.parts(closing, ())
        self.skip = saved
        return Template(parts, line)

    def heredoc(self, flush: bool, line: int) -> Node:
        if flush:
            _flush(self.t, self.i)
        return self.template("he", line)

    def parts(self, closing: str, stops: tuple[str, ...], opened: int = 0) -> tuple[list[Any], str]:
        out: list[Any] = []
        t = self.t
        while True:
            tok = t[self.i]
            kind = tok[0]
            self.i += 1
            if kind == "lit":
                text = tok[1]
                if self.lstrip:
                    text, self.lstrip = text.lstrip(), False
                if out and isinstance(out[-1], str):
                    out[-1] += text
                else:
                    out.append(text)
                self.last_lit = (out, len(out) - 1)
            elif kind == "is":
                self.strip_left(tok[1])
                saved, self.skip = self.skip, True
                self.enter(tok[2])
                out.append(self.expression_after("`${`"))
                self.depth -= 1
                end = self.next()
                if end[0] != "ie":
                    raise self.error(end, f"expected `}}` to close the `${{` opened at line {tok[2]}, "
                                     f"found {_describe(end)}")
                self.skip = saved
                self.last_lit, self.lstrip = None, end[1]
            elif kind == "ds":
                self.strip_left(tok[1])
                word = t[self.i]
                if word[0] != "id":
                    raise HclSyntaxError("expected if, else, endif, for or endfor after `%{`", tok[2])
                self.i += 1
                if word[1] in stops:
                    self.directive_end(tok[2])
                    return out, word[1]
                if word[1] == "if":
                    out.append(self.template_if(tok[2]))
                elif word[1] == "for":
                    out.append(self.template_for(tok[2]))
                else:
                    raise HclSyntaxError(f"unexpected %{{ {word[1]} }} in a template", tok[2])
                self.last_lit = None
            elif kind == closing:
                return out, closing
            elif stops and kind in ("qe", "he", "eof"):
                raise HclSyntaxError(f"the %{{ {'for' if stops[-1] == 'endfor' else 'if'} }} opened at line "
                                     f"{opened} has no %{{ {stops[-1]} }}", opened)
            elif kind == "eof":
                raise HclSyntaxError("unexpected end of file inside a string", tok[2])
            else:
                raise HclSyntaxError(f"unexpected {_describe(tok)} in a template", tok[2])

    def strip_left(self, strip: bool) -> None:
        if strip and self.last_lit is not None:
            seq, idx = self.last_lit
            seq[idx] = seq[idx].rstrip()

    def directive_end(self, line: int) -> bool:
        saved, self.skip = self.skip, True
        end = self.next()
        self.skip = saved
        if end[0] != "ie":
            raise self.error(end, f"expected `}}` to close the `%{{` opened at line {line}")
        self.last_lit, self.lstrip = None, end[1]
        return end[1]

    def template_if(self, line: int) -> TIf:
        saved, self.skip = self.skip, True
        cond = self.expression_after("`if`")
        self.skip = saved
        self.directive_end(line)
        then, stop = self.parts("\0", ("else", "endif"), line)
        other: list[Any] = []
        if stop == "else":
            other, _ = self.parts("\0", ("endif",), line)
        return TIf(cond, then, other, line)

    def template_for(self, line: int) -> TFor:
        saved, self.skip = self.skip, True
        first = self.expect("id", "after `for`")[1]
        key, value = None, first
        if self.peek()[0] == ",":
            self.i += 1
            key, value = first, self.expect("id", "after `,`")[1]
        tok = self.next()
        if tok[0] != "id" or tok[1] != "in":
            raise self.error(tok, "expected `in` in the template for directive")
        coll = self.expression_after("`in`")
        self.skip = saved
        self.directive_end(line)
        body, _ = self.parts("\0", ("endfor",), line)
        return TFor(key, value, coll, body, line)


def _flush(toks: list[tuple[str, Any, int]], i: int) -> None:
    """``<<-``: drop the indentation its lines share (Terraform's flushHeredocTemplateParts)."""
    depth, j, newline = 0, i, True
    least = 1 << 30
    adjust: list[int] = []
    while True:
        kind = toks[j][0]
        if kind == "he" and depth == 0:
            break
        if kind == "eof":
            return
        if depth == 0:
            if newline:
                newline = False
                if kind == "lit":
                    text = toks[j][1]
                    trimmed = text.lstrip()
                    if not trimmed and text.endswith("\n"):
                        pass    # a blank line does not count
                    else:
                        least = min(least, len(text) - len(trimmed))
                        adjust.append(j)
                else:
                    least = 0
            if kind == "lit" and toks[j][1].endswith("\n"):
                newline = True
        if kind in ("is", "ds"):
            depth += 1
        elif kind == "ie":
            depth -= 1
        j += 1
    if least == 1 << 30:
        return
    for j in adjust:
        kind, text, line = toks[j]
        toks[j] = (kind, text[least:], line)


def parse(text: str) -> tuple[list[tuple[str, Node, int]], list[tuple[str, list[str], int, Any]]]:
    """The top-level body of a file: raises HclSyntaxError (only) when it does not parse."""
    parser = Parser(tokenize(text))
    try:
        return parser.body("eof")
    except RecursionError:
        line = parser.t[min(parser.i, len(parser.t) - 1)][2]
        raise HclSyntaxError("the file nests brackets or blocks too deeply to be read", line) from None
