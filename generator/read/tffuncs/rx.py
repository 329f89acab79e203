"""RE2 (Go regexp) patterns run by Python's re, where the two agree.

Terraform's regex, regexall and replace("/re/") use Go's RE2 syntax. Most of it
means the same in Python; the differences are translated here (``$`` and
``\\z`` anchors, ASCII-only ``\\d \\w \\s \\b``, POSIX classes, ``\\Q…\\E``,
``(?<name>``, ``\\x{…}``) and the rest is refused with a FunctionError rather
than matched differently (``\\p{…}``, ``(?U)``, lookarounds and backreferences,
which RE2 rejects anyway).
"""
from __future__ import annotations

import re
from functools import lru_cache

from generator.read.tffuncs.core import FunctionError, Unsupported

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_CLASS = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_WORD = "[0-9A-Za-z_]"
_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NOT_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"


def _refuse(what: str) -> Unsupported:
    return Unsupported(f"the pattern uses {what}, which Lookout does not evaluate")


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape at pattern[i] == '\\\\'; returns (python, next index)."""
    if i + 1 >= len(pattern):
        raise FunctionError("invalid regexp pattern: trailing backslash at end of expression")
    c = pattern[i + 1]
    if c in "dws":
        return (_CLASS[c] if in_class else f"[{_CLASS[c]}]"), i + 2
    if c in "DWS":
        if in_class:
            raise _refuse(f"\\{c} inside a character class")
        return f"[^{_CLASS[c.lower()]}]", i + 2
    if c == "b" and not in_class:
        return _BOUNDARY, i + 2
    if c == "B" and not in_class:
        return _NOT_BOUNDARY, i + 2
    if c == "z" and not in_class:
        return r"\Z", i + 2
    if c == "A" and not in_class:
        return r"\A", i + 2
    if c == "x" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        if end < 0:
            raise FunctionError("invalid regexp pattern: invalid escape sequence")
        return f"\\U{int(pattern[i + 3:end], 16):08x}", end + 1
    if c.isdigit():
        # Go: \0 and \1-\7 followed by octal digits are octal codes; a lone \1-\9 is a
        # backreference, which RE2 rejects (Python would read \12 as a backreference)
        octal = re.match(r"0[0-7]{0,2}|[1-7][0-7]{1,2}", pattern[i + 1:])
        if octal is None:
            raise FunctionError(f"error parsing regexp: invalid escape sequence: `\\{c}`")
        return f"\\u{int(octal.group(0), 8):04x}", i + 1 + len(octal.group(0))
    if c in "pP":
        raise _refuse("Unicode classes (\\p)")
    if c in "CZ":
        raise FunctionError(f"error parsing regexp: invalid escape sequence: `\\{c}`")
    return pattern[i:i + 2], i + 2


@lru_cache(maxsize=512)
def translate(pattern: str) -> str:
    out: list[str] = []
    multiline = False
    i = 0
    n = len(pattern)
    last = ""       # "quant" after a repetition, "lazy" after its '?': RE2 rejects a repetition of either
    while i < n:
        ch = pattern[i]
        if ch in "*+?" or ch == "{" and re.match(r"\{\d+(,\d*)?\}", pattern[i:]):
            if last == "quant" and ch == "?":
                out.append("?")
                i += 1
                last = "lazy"
                continue
            if last:
                raise FunctionError("error parsing regexp: invalid nested repetition operator")
            if ch != "{":
                out.append(ch)
                i += 1
                last = "quant"
                continue
        elif not (ch == "\\" and pattern.startswith("\\Q", i)):
            last = ""
        if ch == "\\" and pattern.startswith("\\Q", i):
            end = pattern.find("\\E", i + 2)
            literal = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
            out.append(re.escape(literal))
            i = n if end < 0 else end + 2
        elif ch == "\\":
            piece, i = _escape(pattern, i, in_class=False)
            out.append(piece)
        elif ch == "[":
            piece, i = _char_class(pattern, i)
            out.append(piece)
        elif ch == "(":
            if pattern.startswith("(?P<", i) or pattern.startswith("(?:", i):
                out.append(pattern[i:i + 3])
                i += 3
            elif pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
                out.append("(?P<")
                i += 3
            elif pattern.startswith("(?", i):
                flags = re.match(r"\(\?([imsU-]*)([:)])", pattern[i:])
                if flags is None:
                    raise FunctionError(f"invalid regexp pattern: invalid or unsupported Perl syntax in {pattern[i:i + 3]}")
                if "U" in flags.group(1):
                    raise _refuse("the ungreedy flag (?U)")
                on = flags.group(1).split("-")[0]
                if flags.group(2) == ")" and out:
                    # Python accepts global flags only at the very start
                    raise _refuse("a flag group after the start of the pattern")
                if "m" in on and flags.group(2) == ")":
                    multiline = True
                elif "m" in flags.group(1):
                    raise _refuse("a multi-line flag group")
                out.append(flags.group(0))
                i += len(flags.group(0))
            else:
                out.append("(")
                i += 1
        elif ch == "$":
            out.append("$" if multiline else r"\Z")
            i += 1
        elif ch == "{":
            rep = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
            if rep is None:
                out.append(r"\{")        # RE2 reads a brace that starts no repetition literally
                i += 1
                continue
            if any(int(g) > 1000 for g in (rep.group(1), rep.group(3)) if g):
                raise FunctionError("invalid regexp pattern: invalid repeat count")
            out.append(rep.group(0))
            i += len(rep.group(0))
            last = "quant"
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    out = ["["]
    i += 1
    if pattern.startswith("^", i):
        out.append("^")
        i += 1
    first = True
    while i < len(pattern):
        ch = pattern[i]
        if ch == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        first = False
        if pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2:end] if end > 0 else ""
            negated = name.startswith("^")
            if name.lstrip("^") not in _POSIX:
                raise FunctionError("invalid regexp pattern: invalid character class range")
            if negated:
                raise _refuse("a negated POSIX class")
            out.append(_POSIX[name])
            i = end + 2
        elif ch == "\\":
            piece, i = _escape(pattern, i, in_class=True)
            out.append(piece)
        elif ch == "[":
            out.append("\\[")     # Python warns on a nested '[' (future set syntax)
            i += 1
        elif ch in "&~|-" and pattern.startswith(ch * 2, i):
            out.append("\\" + ch + "\\" + ch)
            i += 2
        else:
            out.append("]" if ch == "]" else ch)
            i += 1
    raise FunctionError("invalid regexp pattern: missing closing ]")


@lru_cache(maxsize=512)
def compile_re2(pattern: str) -> re.Pattern:
    try:
        compiled = re.compile(translate(pattern))
    except re.error as err:
        if "redefinition of group name" in str(err):
            raise Unsupported("the pattern names two groups alike, which Lookout does not evaluate") from None
        raise FunctionError(f"error parsing pattern: {err}") from None
    return compiled


def find_all(compiled: re.Pattern, text: str) -> list[re.Match]:
    """Go's FindAll: an empty match right where the previous match ended is skipped."""
    found: list[re.Match] = []
    prev_end = -1
    for match in compiled.finditer(text):
        if match.start() == match.end() and match.start() == prev_end:
            continue
        found.append(match)
        prev_end = match.end()
    return found


def expand(template: str, match: re.Match) -> str:
    """Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown groups are empty."""
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch != "$" or i + 1 >= len(template):
            out.append(ch)
            i += 1
            continue
        if template[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if template[i + 1] == "{":
            end = template.find("}", i + 2)
            name = template[i + 2:end] if end > 0 else ""
            if end < 0 or not re.fullmatch(r"\w+", name):
                out.append(ch)
                i += 1
                continue
            i = end + 1
        else:
            m = re.match(r"\w+", template[i + 1:], re.ASCII)
            if m is None:
                out.append(ch)
                i += 1
                continue
            name = m.group(0)
            i += 1 + len(name)
        out.append(_group(match, name))
    return "".join(out)


def _group(match: re.Match, name: str) -> str:
    try:
        value = match.group(int(name) if name.isdigit() else name)
    except IndexError:      # no such group: Go expands it to nothing
        return ""
    return value or ""
