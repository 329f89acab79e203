"""Path, sensitivity, date/time and retired functions."""
from __future__ import annotations

import datetime
import posixpath
import re
from typing import Any

from generator.read.tffuncs.core import FunctionError, t_any, t_string
from generator.read.tffuncs.registry import function


@function("basename", ("path", t_string))
def basename(path: str) -> str:
    # Go's filepath.Base
    if path == "":
        return "."
    path = path.rstrip("/")
    return path[path.rfind("/") + 1:] if path else "/"


@function("dirname", ("path", t_string))
def dirname(path: str) -> str:
    # Go's filepath.Dir: everything up to the last slash, cleaned
    head = path[:path.rfind("/") + 1]
    return posixpath.normpath(head) if head else "."


# Values written in the files are never sensitive or ephemeral until the
# evaluator says so; these pass them through as Terraform's do.
for _name in ("sensitive", "nonsensitive", "ephemeralasnull"):
    function(_name, ("value", t_any), allow_null=("value",))(lambda value: value)
function("issensitive", ("value", t_any), allow_null=("value",))(lambda value: False)


def _retired(name: str, instead: str) -> None:
    def impl(*args: Any) -> Any:
        raise FunctionError(f"the \"{name}\" function was deprecated in Terraform v0.12 and is no longer "
                            f"available; use {instead} syntax to write a literal {name} instead.")
    function(name, variadic=("vals", t_any), allow_null=("vals",))(impl)


_retired("list", "tolist([ ... ])")
_retired("map", "tomap({ ... })")

_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def parse_rfc3339(text: str) -> datetime.datetime:
    m = _RFC3339.match(text)
    if m is None:
        raise FunctionError(f'not a valid RFC3339 timestamp: "{text}"')
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FunctionError(f'not a valid RFC3339 timestamp: "{text}"') from None


_DURATION = re.compile(r"([-+]?(?:\d+\.?\d*|\.\d+))(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


@function("timeadd", ("timestamp", t_string), ("duration", t_string))
def timeadd(ts: str, duration: str) -> str:
    moment = parse_rfc3339(ts)
    sign = -1 if duration.startswith("-") else 1
    body = duration.lstrip("+-")
    parts = _DURATION.findall(body)
    if not body or "".join(n + u for n, u in parts) != body:
        raise FunctionError(f'time: invalid duration "{duration}"')
    seconds = sum(float(n) * _UNITS[u] for n, u in parts) * sign
    result = moment + datetime.timedelta(seconds=seconds)
    text = result.isoformat()
    return text.replace("+00:00", "Z")


@function("timecmp", ("timestamp_a", t_string), ("timestamp_b", t_string))
def timecmp(a: str, b: str) -> int:
    ta, tb = parse_rfc3339(a), parse_rfc3339(b)
    return (ta > tb) - (ta < tb)


_DATE_TOKENS = re.compile(r"YYYY|YY|MMMM|MMM|MM|M|DD|D|EEEE|EEE|hh|h|HH|H|mm|m|ss|s|AA|aa|ZZZZZ|ZZZZ|ZZZ|Z|''|'(?:[^']|'')*'?|.",
                          re.S)


@function("formatdate", ("format", t_string), ("time", t_string))
def formatdate(fmt: str, ts: str) -> str:
    t = parse_rfc3339(ts)
    offset = t.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    out: list[str] = []
    for token in _DATE_TOKENS.findall(fmt):
        if token.startswith("'"):
            if len(token) < 2 or not token.endswith("'"):
                raise FunctionError("unterminated literal '")
            out.append("'" if token == "''" else token[1:-1].replace("''", "'"))
            continue
        value = {
            "YYYY": f"{t.year:04d}", "YY": f"{t.year % 100:02d}", "MMMM": t.strftime("%B"),
            "MMM": t.strftime("%b"), "MM": f"{t.month:02d}", "M": str(t.month), "DD": f"{t.day:02d}",
            "D": str(t.day), "EEEE": t.strftime("%A"), "EEE": t.strftime("%a"), "hh": f"{t.hour:02d}",
            "h": str(t.hour), "HH": f"{(t.hour % 12) or 12:02d}", "H": str((t.hour % 12) or 12),
            "mm": f"{t.minute:02d}", "m": str(t.minute), "ss": f"{t.second:02d}", "s": str(t.second),
            "AA": "AM" if t.hour < 12 else "PM", "aa": "am" if t.hour < 12 else "pm",
            "ZZZZZ": f"{sign}{hh:02d}:{mm:02d}", "ZZZZ": f"{sign}{hh:02d}{mm:02d}",
            "ZZZ": "UTC" if minutes == 0 else f"{sign}{hh:02d}{mm:02d}",
            "Z": "Z" if minutes == 0 else f"{sign}{hh:02d}:{mm:02d}",
        }.get(token)
        if value is None:
            if token.isalpha():
                raise FunctionError(f'invalid date format verb "{token}"')
            value = token
        out.append(value)
    return "".join(out)
