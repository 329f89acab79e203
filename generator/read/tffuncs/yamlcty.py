"""yamldecode/yamlencode as Terraform's go-cty-yaml does them.

go-cty-yaml is a port of libyaml, and so are PyYAML's C parser and its
emitter, so the YAML syntax is PyYAML's; what differs is how a plain scalar
becomes a value (YAML 1.1 words such as ``y``/``on``, decimal ``012``, no
``1_000`` integers, timestamps as RFC 3339 text). Those rules are reproduced
here from go-cty-yaml's resolve.go over PyYAML's node tree.
"""
from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

from generator.read.tffuncs.core import FunctionError, number_text, parse_number, to_tf_string
from generator.read.yamlsafe import MAX_ALIAS_EXPANSION, MAX_DEPTH, measure

_WORDS: dict[str, Any] = {}
for _words, _value in ((("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
                       (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
                       (("", "~", "null", "Null", "NULL"), None)):
    for _w in _words:
        _WORDS[_w] = _value
_INFINITE = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"}
_INT = re.compile(r"\A(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT = re.compile(r"\A[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_STAMP = re.compile(r"\A(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d{1,9})?"
                    r"(Z|[-+]\d{2}:\d{2})?)?\Z")
_STD = "tag:yaml.org,2002:"
_TAGS = {_STD + t for t in ("str", "bool", "int", "float", "null", "timestamp", "binary")}


def _timestamp(src: str) -> str | None:
    m = _STAMP.match(src)
    if m is None:
        return None
    year, month, day, sep, hh, mm, ss, frac, zone = m.groups()
    if sep is not None and (sep == " ") != (zone is None):
        return None
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        return None
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + ("Z" if zone in (None, "Z", "+00:00") else zone)


def _number(src: str) -> Any:
    plain = src.replace("_", "")
    try:
        return parse_number(plain)
    except FunctionError:
        pass
    try:
        body = plain.lstrip("+-")
        sign = -1 if plain.startswith("-") else 1
        if body.startswith(("0x", "0X")):
            return sign * int(body[2:], 16)
        if body.startswith(("0o", "0O")):
            return sign * int(body[2:], 8)
        if body.startswith(("0b", "0B")):
            return sign * int(body[2:], 2)
        if len(body) > 1 and body.startswith("0"):
            return sign * int(body[1:], 8)
    except ValueError:
        pass
    raise FunctionError(f'cannot parse "{src}" as a number')


def _scalar(node: yaml.ScalarNode) -> Any:
    src, tag = node.value, node.tag
    if tag not in _TAGS and tag != "!":
        raise FunctionError(f'unsupported tag "{tag}"')
    if node.style:                        # quoted or block scalars are text
        return src
    if src in _INFINITE:
        raise FunctionError("infinity cannot be represented in Terraform's JSON-compatible values")
    if src in (".nan", ".NaN", ".NAN"):
        raise FunctionError("floating point NaN is not supported")
    if src in _WORDS:
        return _WORDS[src]
    first = src[:1]
    if first == ".":
        try:
            return parse_number(src)
        except FunctionError:
            return src
    if first.isdigit() and first.isascii() or first in "+-":
        stamp = _timestamp(src)
        if stamp is not None:
            return stamp
        if _INT.match(src) or _FLOAT.match(src):
            return _number(src)
    return src


def _value(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if node.tag not in (_STD + "seq", _STD + "map", "!"):
        raise FunctionError(f'unsupported tag "{node.tag}"')
    if isinstance(node, yaml.SequenceNode):
        return [_value(item) for item in node.value]
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _STD + "merge" or (isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<"
                                               and not key_node.style):
            merged = _value(value_node)
            for part in merged if isinstance(merged, list) else [merged]:
                if not isinstance(part, dict):
                    raise FunctionError("cannot merge a non-mapping into a mapping")
                out.update(part)
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise FunctionError("only strings are allowed as mapping keys")
        key = _scalar(key_node)
        if key is None:
            raise FunctionError("mapping key cannot be null")
        out[to_tf_string(key)] = _value(value_node)
    return out


def yaml_decode(text: str) -> Any:
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError as err:
        raise FunctionError(f"invalid YAML: {str(err).splitlines()[0]}") from None
    if len(nodes) > 1:
        raise FunctionError("unexpected extra content after value")
    if not nodes or nodes[0] is None:
        raise FunctionError("the YAML source is empty")
    shape = measure(nodes[0])
    if shape is None or shape[1] - shape[0] > MAX_ALIAS_EXPANSION or shape[2] > MAX_DEPTH:
        raise FunctionError("the YAML's aliases recurse or expand too far")
    return _value(nodes[0])


def _events(value: Any) -> list[Any]:
    if isinstance(value, dict):
        events: list[Any] = [yaml.MappingStartEvent(None, None, True, flow_style=False)]
        for key in sorted(value, key=lambda k: k.encode("utf-8")):
            events += _events(key) + _events(value[key])
        return events + [yaml.MappingEndEvent()]
    if isinstance(value, list):
        events = [yaml.SequenceStartEvent(None, None, True, flow_style=False)]
        for item in value:
            events += _events(item)
        return events + [yaml.SequenceEndEvent()]
    if value is None:
        text, style = "null", None
    elif isinstance(value, bool):
        text, style = ("true" if value else "false"), None
    elif isinstance(value, str):
        # a literal block only when go-yaml would allow one (all printable to it)
        block = "\n" in value and all(_printable(ch) for ch in value if ch != "\n")
        text, style = value, ("|" if block else '"')
    else:
        text, style = number_text(value), None
    return [yaml.ScalarEvent(None, None, (True, True), text, style=style)]


_ESCAPES = {"\0": "0", "\x07": "a", "\b": "b", "\t": "t", "\n": "n", "\x0b": "v", "\f": "f", "\r": "r",
            "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _printable(ch: str) -> bool:
    code = ord(ch)
    # go-yaml's is_printable: no C1 controls and nothing beyond the BMP
    return (code == 0x0A or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD and code != 0xFEFF)


class _LibyamlDumper(yaml.Dumper):
    """PyYAML's emitter with libyaml's double-quoted writer (go-yaml folds long lines differently)."""

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        self.write_indicator('"', True)
        spaces = False
        for i, ch in enumerate(text):
            if not _printable(ch) or ch in '"\\\n\u2028\u2029':
                if ch in _ESCAPES:
                    data = "\\" + _ESCAPES[ch]
                else:
                    code = ord(ch)
                    data = f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
                spaces = False
            elif ch == " ":
                if split and not spaces and self.column > self.best_width and 0 < i < len(text) - 1:
                    self.write_indent()
                    data = "\\" if text[i + 1] == " " else ""
                else:
                    data = " "
                spaces = True
            else:
                data = ch
                spaces = False
            if data:
                self.column += len(data)
                self.stream.write(data)
        self.write_indicator('"', False)


def yaml_encode(value: Any) -> str:
    if value == "":
        return '""\n'                 # PyYAML opens an empty-looking document with '---'; libyaml does not
    events = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False), *_events(value),
              yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    text = yaml.emit(events, Dumper=_LibyamlDumper, allow_unicode=True, width=80, indent=2)
    if isinstance(value, str) and "\n" in value and text.endswith("\n...\n"):
        text = text[:-4]              # libyaml ends a top-level literal block without '...'
    return text
