"""Encoding functions: JSON, YAML, base64, URL, CSV, text encodings."""
from __future__ import annotations

import base64
import binascii
import codecs
import csv
import io
import json
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus

from generator.read.tffuncs.core import FunctionError, Unknown, norm_number, t_any, t_string
from generator.read.tffuncs.registry import function
from generator.read.tffuncs.jsontext import json_text
from generator.read.tffuncs.yamlcty import yaml_decode, yaml_encode


@function("jsonencode", ("val", t_any), allow_null=("val",))
def jsonencode(value: Any) -> str:
    return json_text(value)


def _json_number(text: str) -> Any:
    return norm_number(Decimal(text))


def _no_constants(name: str) -> Any:
    raise FunctionError(f"invalid character '{name[0]}' looking for beginning of value")


@function("jsondecode", ("str", t_string))
def jsondecode(text: str) -> Any:
    try:
        return json.loads(text, parse_float=_json_number, parse_int=int, parse_constant=_no_constants)
    except json.JSONDecodeError as err:
        raise FunctionError(f"invalid JSON: {err.msg}") from None
    except RecursionError:
        raise FunctionError("invalid JSON: nested too deeply") from None


@function("base64encode", ("str", t_string))
def base64encode(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


@function("base64decode", ("str", t_string))
def base64decode(text: str) -> str:
    try:
        raw = base64.b64decode(text.encode("utf-8"), validate=True)
    except (binascii.Error, ValueError):
        raise FunctionError("failed to decode base64 data " + json.dumps(text[:20])) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError("the result of decoding the provided string is not valid UTF-8") from None


@function("base64gzip", ("str", t_string))
def base64gzip(text: str) -> Unknown:
    # Go's compress/flate writes different (equally valid) bytes than zlib,
    # so any value computed here would not be the one Terraform stores.
    return Unknown("base64gzip() output depends on Go's gzip compressor", "base64gzip(…)")


@function("urlencode", ("str", t_string))
def urlencode(text: str) -> str:
    return quote_plus(text, safe="-_.~")


@function("textencodebase64", ("string", t_string), ("encoding", t_string))
def textencodebase64(text: str, encoding: str) -> str:
    codec = _codec(encoding)
    try:
        return base64.b64encode(text.encode(codec)).decode("ascii")
    except UnicodeEncodeError as err:
        raise FunctionError(f"the given string contains characters that cannot be represented in "
                            f"{encoding}: {err.reason}") from None


@function("textdecodebase64", ("source", t_string), ("encoding", t_string))
def textdecodebase64(text: str, encoding: str) -> str:
    codec = _codec(encoding)
    try:
        raw = base64.b64decode(text.encode("utf-8"), validate=True)
    except (binascii.Error, ValueError):
        raise FunctionError("the given value is has an invalid base64 symbol") from None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise FunctionError(f"the given string contains symbols that are not defined for {encoding}") from None


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise FunctionError(f'"{name}" is not a supported IANA encoding name or alias in this Terraform version') from None


@function("csvdecode", ("str", t_string))
def csvdecode(text: str) -> list[dict[str, str]]:
    rows = [row for row in csv.reader(io.StringIO(text), strict=True) if row]   # Go skips empty lines
    if not rows:
        raise FunctionError("missing header line")
    header, out = rows[0], []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise FunctionError(f"record on line {n}: wrong number of fields")
        out.append(dict(zip(header, row, strict=False)))
    return out


@function("yamlencode", ("value", t_any), allow_null=("value",))
def yamlencode(value: Any) -> str:
    return yaml_encode(value)


@function("yamldecode", ("src", t_string))
def yamldecode(text: str) -> Any:
    return yaml_decode(text)
