"""format and formatlist: cty's printf-like verbs (%s %q %d %f %v %#v %t ...)."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from generator.read.tffuncs.core import FunctionError, Unknown, is_number, number_text, t_any, t_bool, t_number, t_string
from generator.read.tffuncs.registry import function
from generator.read.tffuncs.jsontext import json_string, json_text
from generator.read.tffuncs.strings import graphemes

# cty's format grammar: '%' flags width precision [argidx] mode
_VERB = re.compile(r"%([-+# 0]*)([1-9][0-9]*)?(\.[0-9]*)?(?:\[([1-9][0-9]*)\])?([A-Za-z])?")


def _pad(text: str, flags: str, width: int | None) -> str:
    count = len(graphemes(text)) if not text.isascii() else len(text)
    if width is None or count >= width:
        return text
    pad = ("0" if "0" in flags else " ") * (width - count)
    return text + pad if "-" in flags else pad + text


def _convert(conv: Any, value: Any, raw: str, offset: int) -> Any:
    try:
        return conv(value)
    except FunctionError as err:
        raise FunctionError(f"unsupported value for {json_string(raw)} at {offset}: {err}") from None


def _go_number(flags: str, width: int | None, prec: int | None, mode: str, value: int | float) -> str:
    """Go's fmt over big.Int / big.Float for the numeric verbs."""
    if mode in "bdoxX":
        if isinstance(value, float):
            raise FunctionError("an integer is required")
        body = format(abs(value), {"b": "b", "d": "d", "o": "o", "x": "x", "X": "X"}[mode])
        if prec is not None and len(body) < prec:
            body = "0" * (prec - len(body)) + body
        if "#" in flags and mode in "bxXo":
            body = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}[mode] + body
    else:
        if mode in "gG" and prec is None:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            body = _shortest_g(abs(number), mode)
        else:
            # the exact binary value, so halves round as Go's big.Float does
            spec = ("." + str(6 if prec is None else prec)) + mode
            body = format(abs(Decimal(value)), spec)
            body = re.sub(r"([eE][-+])(\d)$", r"\g<1>0\2", body)   # Go writes at least two exponent digits
    sign = "-" if value < 0 else "+" if "+" in flags else " " if " " in flags else ""
    if width is not None and "0" in flags and "-" not in flags and len(sign + body) < width:
        body = "0" * (width - len(sign + body)) + body
    return _pad(sign + body, flags.replace("0", ""), width)


def _shortest_g(number: Decimal, mode: str) -> str:
    # big.Float %g with no precision: shortest digits, exponent form when the
    # exponent is < -4 or >= the digit count (Go's %g rule for precision -1).
    if number == 0:
        return "0"
    digits = number.normalize()
    sign, ds, exp = digits.as_tuple()
    text = "".join(map(str, ds))
    point = len(text) + exp        # position of the decimal point
    x = point - 1
    if x < -4 or x >= 6:
        mant = text[0] + ("." + text[1:] if len(text) > 1 else "")
        e = "e" if mode == "g" else "E"
        return f"{mant}{e}{'+' if x >= 0 else '-'}{abs(x):02d}"
    return number_text(digits)


def _append(verb: re.Match, offset: int, args: list[Any], argnum: int) -> str:
    flags, width_s, prec_s, _, mode = verb.groups()
    raw = verb.group(0)
    width = int(width_s) if width_s else None
    prec = int(prec_s[1:] or 0) if prec_s else None
    if argnum - 1 >= len(args):
        raise FunctionError(f"not enough arguments for {json_string(raw)} at {offset}: "
                            f"need index {argnum} but have {len(args)} total")
    arg = args[argnum - 1]
    if mode != "v" and arg is None:
        raise FunctionError(f"unsupported value for {json_string(raw)} at {offset}: null value cannot be formatted")
    if mode == "v":
        if "#" not in flags and isinstance(arg, str):
            return _pad(arg, flags, width)
        if "#" not in flags and is_number(arg):
            number = Decimal(repr(arg)) if isinstance(arg, float) else Decimal(arg)
            return _pad(("-" if number < 0 else "") + _shortest_g(abs(number), "g"), flags, width)
        return _pad(json_text(arg), flags, width)
    if mode == "t":
        return "true" if _convert(t_bool, arg, raw, offset) else "false"
    if mode in "bdoxXeEfgG":
        number = _convert(t_number, arg, raw, offset)
        try:
            return _go_number(flags, width, prec, mode, number)
        except FunctionError as err:
            raise FunctionError(f"unsupported value for {json_string(raw)} at {offset}: {err}") from None
    if mode in "sq":
        text = _convert(t_string, arg, raw, offset)
        if prec is not None and prec > 0:
            text = "".join(graphemes(text)[:prec])
        if mode == "q":
            text = json_string(text)
        return _pad(text, flags, width)
    raise FunctionError(f"unsupported format verb {json_string(mode)} in {json_string(raw)} at offset {offset}")


def format_string(fmt: str, args: list[Any]) -> str:
    out: list[str] = []
    i = 0
    next_arg = 1
    highest = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        if fmt.startswith("%%", i):
            out.append("%")
            i += 2
            continue
        verb = _VERB.match(fmt, i)
        assert verb is not None
        if verb.group(5) is None:
            if verb.end() >= len(fmt):
                raise FunctionError(f"invalid format string starting at offset {len(fmt)}")
            raise FunctionError(f"unrecognized format character {json_string(fmt[verb.end()])} at offset {verb.end()}")
        argnum = int(verb.group(4)) if verb.group(4) else next_arg
        highest = max(highest, argnum)
        out.append(_append(verb, i, args, argnum))
        next_arg = argnum + 1
        i = verb.end()
    if highest < len(args):
        if highest == 0:
            raise FunctionError("too many arguments; no verbs in format string")
        raise FunctionError(f"too many arguments; only {highest} used by format string")
    return "".join(out)


@function("format", ("format", t_string), variadic=("args", t_any), allow_null=("args",))
def tf_format(fmt: str, *args: Any) -> Any:
    if any(arg is None for arg in args):
        # A bare null has no type, which Terraform treats as not yet known.
        return Unknown("format() of an untyped null", "format(…)")
    return format_string(fmt, list(args))


@function("formatlist", ("format", t_string), variadic=("args", t_any), allow_null=("args",))
def tf_formatlist(fmt: str, *args: Any) -> list[str]:
    if not args:
        return [format_string(fmt, [])]
    length = -1
    chooser = -1
    for i, arg in enumerate(args):
        if isinstance(arg, list):
            if length == -1:
                length, chooser = len(arg), i
            elif len(arg) != length:
                raise FunctionError(f"argument {i + 1} has length {len(arg)}, which is inconsistent "
                                    f"with argument {chooser + 1} of length {length}")
    if length == -1:
        length = 1
    out = []
    for n in range(length):
        row = [arg[n] if isinstance(arg, list) else arg for arg in args]
        try:
            out.append(format_string(fmt, row))
        except FunctionError as err:
            raise FunctionError(f"error on format iteration {n}: {err}") from None
    return out

