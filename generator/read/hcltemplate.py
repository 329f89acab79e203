"""Template parsing (quoted strings, heredocs, ``%{if}``/``%{for}``) for the HCL parser.

A mixin of :class:`generator.read.hclparse.Parser`: the same token list and
position, kept apart so each module stays readable.
"""
from __future__ import annotations

from typing import Any

from generator.read.hclast import Node, Template, TFor, TIf
from generator.read.hcllex import HclSyntaxError, describe, flush_heredoc


class TemplateParser:
    t: list
    i: int
    skip: bool
    depth: int
    last_lit: tuple[list[Any], int] | None
    lstrip: bool

    def template(self, closing: str, line: int) -> Node:
        saved, self.skip = self.skip, False
        self.last_lit, self.lstrip = None, False
        parts, stop = self.parts(closing, ())
        self.skip = saved
        return Template(parts, line)

    def heredoc(self, flush: bool, line: int) -> Node:
        if flush:
            flush_heredoc(self.t, self.i)
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
                                     f"found {describe(end)}")
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
                raise HclSyntaxError(f"unexpected {describe(tok)} in a template", tok[2])

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
