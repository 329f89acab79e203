"""The tokenizer of Terraform's native syntax (see :mod:`generator.read.hclparse`).

It keeps a stack of what is open (``{``, ``${``, a quoted string, a heredoc)
so that templates nest inside expressions nest inside templates; quoted
strings have their escapes processed here, heredocs their ``$${``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

Token = tuple[str, Any, int]


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


def describe(tok: tuple[str, Any, int]) -> str:
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


def flush_heredoc(toks: list[tuple[str, Any, int]], i: int) -> None:
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
