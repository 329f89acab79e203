"""Terraform's values as Python values, and the rules its functions share.

The contract (see docs/terraform-functions.md) is: string -> str, bool -> bool,
null -> None, number -> int when integral else float, list/tuple -> list,
map/object -> dict, set -> :class:`TfSet`, and anything the files cannot know
-> :class:`Unknown`. Here: those types, Terraform's equality and string
conversion, and the parameter converters (``t_*``) that
:mod:`generator.read.tffuncs.registry` applies to every argument.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from collections.abc import Callable


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known from the files alone, and why."""

    reason: str
    expr: str = ""

    def __str__(self) -> str:
        return f"{self.expr} ({self.reason})" if self.expr else self.reason


class FunctionError(Exception):
    """A call Terraform would reject, in Terraform's words."""


class Unsupported(Exception):  # noqa: N818 (not an error of the user's: call() makes it an Unknown)
    """A call Terraform accepts but Lookout cannot evaluate faithfully (e.g. a regex feature
    Python's re lacks); the result is Unknown rather than a guess or a false error."""


class FileAccess(Protocol):
    """What file functions may see: the evaluator confines it to the repo.

    ``read`` raises FileNotFoundError for a missing file and PermissionError
    for a path outside the repo (the call then becomes Unknown, because the
    builder cannot know what Terraform would read there).
    """

    def read(self, path: str) -> bytes: ...

    def is_file(self, path: str) -> bool: ...

    def glob(self, path: str, pattern: str) -> list[str]:
        """Files under ``path`` matching ``pattern``, relative to ``path`` (as fileset returns them)."""
        ...

    # Optional: ``render_template(text, vars) -> value`` lets templatefile() render;
    # without it templatefile() is Unknown.


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _sort_key(value: Any) -> Any:
    # cty orders set elements: strings lexically (by UTF-8 bytes), numbers
    # ascending, false before true; other element types keep first-seen order.
    if isinstance(value, str):
        return (0, value.encode("utf-8"))
    if isinstance(value, bool):
        return (1, value)
    return (2, value)


class TfSet(list):
    """A Terraform set: de-duplicated and in cty's order."""

    def __init__(self, items: Any = ()):
        unique = dedupe(items)
        known = [item for item in unique if item is not None]
        kinds = {type(item) for item in known}
        if known and (kinds == {str} or kinds == {bool} or all(is_number(i) for i in known)):
            known.sort(key=_sort_key)
            unique = known + [None] * (len(unique) - len(known))   # cty puts null last
        super().__init__(unique)


def _key(value: Any) -> Any:
    # Primitives compare by a hashable key (bool apart from numbers); collections
    # have none and are compared pairwise, which is rare and small.
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, str):
        return ("s", value)
    if is_number(value):
        return ("n", value)
    if value is None:
        return ("z", None)
    return None


def dedupe(items: Any) -> list[Any]:
    """Items without repeats (Terraform equality), first occurrence kept, in order."""
    unique: list[Any] = []
    keys: set[Any] = set()
    others: list[Any] = []
    for item in items:
        key = _key(item)
        if key is not None:
            if key in keys:
                continue
            keys.add(key)
        elif any(tf_equal(item, seen) for seen in others):
            continue
        else:
            others.append(item)
        unique.append(item)
    return unique


def first_unknown(value: Any) -> Unknown | None:
    """The first Unknown anywhere inside a value."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = first_unknown(item)
            if found is not None:
                return found
    return None


def norm_number(value: Any) -> int | float:
    """A number as the contract carries it: int when integral, else float."""
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        # Terraform prints a float64 result by its shortest digits (pow(123456789, 2)
        # is 15241578750190520), so the integer is taken from those digits
        return int(Decimal(repr(value)))
    return value


def number_text(value: int | float | Decimal) -> str:
    """Terraform's number -> string: plain decimal, no exponent, shortest digits."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "+Inf" if value > 0 else "-Inf"
        value = Decimal(repr(value))
    text = format(value.normalize(), "f")
    return text


def to_tf_string(value: Any) -> str:
    """Terraform's conversion of a primitive to string (1.5 -> "1.5", True -> "true")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number_text(value)
    if value is None:
        raise FunctionError("argument must not be null")
    raise FunctionError("string required")


def parse_number(text: str) -> int | float:
    """cty.ParseNumberVal: decimal with optional exponent; no hex, no inf."""
    stripped = text.strip() if False else text
    try:
        if stripped != stripped.strip() or not stripped:
            raise InvalidOperation
        low = stripped.lower()
        if any(word in low for word in ("inf", "nan", "x", "_")):
            raise InvalidOperation
        number = Decimal(stripped)
    except InvalidOperation:
        raise FunctionError("a number is required") from None
    return norm_number(number)


def tf_type_name(value: Any) -> str:
    """Terraform's friendly name of a value's type, as its messages say it."""
    if value is None:
        return "null"
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, TfSet):
        return "set"
    if isinstance(value, list):
        return "tuple"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def tf_equal(a: Any, b: Any) -> bool:
    """Terraform's ``==`` over known values: same type and same value."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return Decimal(repr(a)) == Decimal(repr(b)) if isinstance(a, float) or isinstance(b, float) else a == b
    if isinstance(a, list) and isinstance(b, list):
        return (isinstance(a, TfSet) == isinstance(b, TfSet) and len(a) == len(b)
                and all(tf_equal(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(tf_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


# ---------------------------------------------------------------------------
# Parameter types: each converts one argument or raises FunctionError(why)
# ---------------------------------------------------------------------------

Conv = Callable[[Any], Any]


def t_any(value: Any) -> Any:
    return value


def t_string(value: Any) -> str:
    if isinstance(value, (list, dict)):
        raise FunctionError("string required")
    return to_tf_string(value)


INT64 = (-(2 ** 63), 2 ** 63 - 1)


def whole(value: Any, what: str = "value") -> int:
    """A number Go must hold in an int: whole, within int64."""
    if isinstance(value, float) or not INT64[0] <= value <= INT64[1]:
        raise FunctionError(f"{what} must be a whole number, between {INT64[0]} and {INT64[1]}")
    return value


def t_number(value: Any) -> int | float:
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        raise FunctionError("number required")
    if is_number(value):
        return norm_number(value)
    if isinstance(value, str):
        return parse_number(value)
    raise FunctionError("number required")


def t_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        if value.lower() in ("true", "false"):
            raise FunctionError(f'a bool is required; to convert from string, use lowercase "{value.lower()}"')
        raise FunctionError("a bool is required")
    raise FunctionError("bool required")


def _element(conv: Conv, value: Any, where: str) -> Any:
    if value is None:
        return None
    try:
        return conv(value)
    except FunctionError as err:
        raise FunctionError(f"{where}: {err}") from None


def t_list(elem: Conv = t_any) -> Conv:
    def conv(value: Any) -> list:
        if isinstance(value, dict) or not isinstance(value, list):
            raise FunctionError("list of " + _conv_name(elem) + " required")
        return [_element(elem, item, f"element {i}") for i, item in enumerate(value)]
    conv.__name__ = "list of " + _conv_name(elem)
    return conv


def t_map(elem: Conv = t_any) -> Conv:
    def conv(value: Any) -> dict:
        if not isinstance(value, dict):
            raise FunctionError("map of " + _conv_name(elem) + " required")
        return {key: _element(elem, item, f"element {key!r}") for key, item in value.items()}
    conv.__name__ = "map of " + _conv_name(elem)
    return conv


def _conv_name(conv: Conv) -> str:
    name = conv.__name__
    return {"t_any": "any single type", "t_string": "string", "t_number": "number",
            "t_bool": "bool"}.get(name, name)
