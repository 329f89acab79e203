"""String functions (cty stdlib string.go, regexp.go; Terraform's lang/funcs/string.go)."""
from __future__ import annotations

import unicodedata
from typing import Any

import regex as graphemes_re

from generator.read.tffuncs.core import FunctionError, Unknown, t_any, t_list, t_number, t_string, whole
from generator.read.tffuncs.registry import function
from generator.read.tffuncs.rx import compile_re2, expand, find_all

_GRAPHEME = graphemes_re.compile(r"\X")


def graphemes(text: str) -> list[str]:
    """User-perceived characters, as cty counts them (textseg)."""
    return _GRAPHEME.findall(text)


def _simple_case(text: str, upper: bool) -> str:
    # Go maps one code point to one code point (no "ß" -> "SS"), then cty
    # normalizes to NFC.
    out = []
    for ch in text:
        mapped = ch.upper() if upper else ch.lower()
        if len(mapped) != 1:
            mapped = {"\u0130": "i"}.get(ch, ch) if not upper else ch
        out.append(mapped)
    return unicodedata.normalize("NFC", "".join(out))


@function("lower", ("str", t_string))
def lower(s: str) -> str:
    return _simple_case(s, upper=False)


@function("upper", ("str", t_string))
def upper(s: str) -> str:
    return _simple_case(s, upper=True)


def _is_separator(ch: str) -> bool:
    # Go's strings.Title word rule
    if ord(ch) <= 0x7F:
        return not (ch.isascii() and (ch.isalnum() or ch == "_"))
    if ch.isalpha() or unicodedata.category(ch) == "Nd":
        return False
    return ch.isspace()


@function("title", ("str", t_string))
def title(s: str) -> str:
    out = []
    prev = " "
    for ch in s:
        out.append(ch.title() if _is_separator(prev) and len(ch.title()) == 1 else ch)
        prev = ch
    return "".join(out)


@function("join", ("separator", t_string), variadic=("lists", t_list(t_string)))
def join(sep: str, *lists: list[Any]) -> str:
    if not lists:
        raise FunctionError("at least one list is required")
    items: list[str] = []
    for n, lst in enumerate(lists):
        for i, item in enumerate(lst):
            if item is None:
                raise FunctionError(f"element {i} of list {n} is null; cannot concatenate null values")
            items.append(item)
    return sep.join(items)


@function("split", ("separator", t_string), ("str", t_string))
def split(sep: str, s: str) -> list[str]:
    if sep == "":
        return list(s)        # Go splits into code points
    return s.split(sep)


@function("replace", ("str", t_string), ("substr", t_string), ("replace", t_string))
def replace(s: str, substr: str, repl: str) -> str:
    if len(substr) > 1 and substr[0] == "/" and substr[-1] == "/":
        compiled = compile_re2(substr[1:-1])
        out, pos = [], 0
        for match in find_all(compiled, s):
            out.append(s[pos:match.start()])
            out.append(expand(repl, match))
            pos = match.end()
        out.append(s[pos:])
        return "".join(out)
    if substr == "":
        # Go's strings.Replace with an empty old string inserts between code points
        return repl + repl.join(s) + repl if s else repl
    return s.replace(substr, repl)


def _match_result(compiled: Any, match: Any) -> Any:
    names = [name for name in compiled.groupindex]
    if compiled.groups == 0:
        return match.group(0)
    if names and len(names) != compiled.groups:
        raise FunctionError("invalid regexp pattern: cannot mix both named and unnamed capture groups")
    if names:
        return {name: match.group(name) for name in names}
    return [match.group(i) for i in range(1, compiled.groups + 1)]


def _check_groups(compiled: Any) -> None:
    if compiled.groupindex and len(compiled.groupindex) != compiled.groups:
        raise FunctionError("invalid regexp pattern: cannot mix both named and unnamed capture groups")


@function("regex", ("pattern", t_string), ("string", t_string))
def regex(pattern: str, s: str) -> Any:
    compiled = compile_re2(pattern)
    _check_groups(compiled)
    match = compiled.search(s)
    if match is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _match_result(compiled, match)


@function("regexall", ("pattern", t_string), ("string", t_string))
def regexall(pattern: str, s: str) -> list[Any]:
    compiled = compile_re2(pattern)
    _check_groups(compiled)
    return [_match_result(compiled, match) for match in find_all(compiled, s)]


def _int_arg(value: Any, what: str) -> int:
    return whole(t_number(value), what)


@function("substr", ("str", t_string), ("offset", t_number), ("length", t_number))
def substr(s: str, offset: Any, length: Any) -> str:
    offset, length = _int_arg(offset, "offset"), _int_arg(length, "length")
    chars = graphemes(s)
    if offset < 0:
        offset = max(offset + len(chars), 0)
    elif length == 0:
        return ""
    if offset >= len(chars):
        return ""
    return "".join(chars[offset:] if length < 0 else chars[offset:offset + length])


@function("trim", ("str", t_string), ("cutset", t_string))
def trim(s: str, cutset: str) -> str:
    return s.strip(cutset) if cutset else s


@function("trimprefix", ("str", t_string), ("prefix", t_string))
def trimprefix(s: str, prefix: str) -> str:
    return s[len(prefix):] if prefix and s.startswith(prefix) else s


@function("trimsuffix", ("str", t_string), ("suffix", t_string))
def trimsuffix(s: str, suffix: str) -> str:
    return s[:-len(suffix)] if suffix and s.endswith(suffix) else s


_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


@function("trimspace", ("str", t_string))
def trimspace(s: str) -> str:
    return s.strip(_GO_SPACE)


@function("chomp", ("str", t_string))
def chomp(s: str) -> str:
    while s.endswith(("\n", "\r")):
        s = s[:-2] if s.endswith("\r\n") else s[:-1]
    return s


@function("indent", ("spaces", t_number), ("str", t_string))
def indent(spaces: Any, s: str) -> str:
    return s.replace("\n", "\n" + " " * max(_int_arg(spaces, "spaces"), 0))


@function("strrev", ("str", t_string))
def strrev(s: str) -> str:
    return "".join(reversed(graphemes(s)))


@function("startswith", ("str", t_string), ("prefix", t_string))
def startswith(s: str, prefix: str) -> bool:
    return s.startswith(prefix)


@function("endswith", ("str", t_string), ("suffix", t_string))
def endswith(s: str, suffix: str) -> bool:
    return s.endswith(suffix)


@function("strcontains", ("str", t_string), ("substr", t_string))
def strcontains(s: str, sub: str) -> bool:
    return sub in s


@function("templatestring", ("template", t_string), ("vars", t_any))
def templatestring(template: str, variables: Any) -> Unknown:
    # Its first argument must be a reference to a template, and the result is
    # rendered by the evaluator's template engine, not here.
    return Unknown("templatestring() is not evaluated", "templatestring(…)")
