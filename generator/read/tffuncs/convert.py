"""Type conversion: tostring/tonumber/tobool/tolist/toset/tomap and cty's type unification.

Python values carry no static type, so "list of string" is realised eagerly:
``tolist(["a", 1])`` converts every element to the one type cty would choose
(here string) and returns ``["a", "1"]``.
"""
from __future__ import annotations

from typing import Any

from generator.read.tffuncs.core import FunctionError, TfSet, is_number, t_any, t_bool, t_number, t_string, tf_type_name
from generator.read.tffuncs.registry import function


def type_sig(value: Any) -> Any:
    """A hashable stand-in for the cty type a value literal has (None: null, any type)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, TfSet):
        return ("set", next((type_sig(v) for v in value if v is not None), None))
    if isinstance(value, list):
        return ("tuple", tuple(type_sig(v) for v in value))
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, type_sig(v)) for k, v in value.items())))
    return "unknown"


def _family(sig: Any) -> str:
    return sig if isinstance(sig, str) else sig[0]


def unify(values: list[Any]) -> list[Any]:
    """Convert values to the single type cty's unification picks, or raise.

    Values of one type are left alone (a map of tuples stays a map of those
    tuples); primitives mixed with strings become strings; tuples and sets of
    different shapes become lists of their unified elements; objects of
    different shapes become maps of their unified values.
    """
    sigs = {type_sig(v) for v in values if v is not None}
    if len(sigs) <= 1:
        return list(values)
    families = {_family(sig) for sig in sigs}
    if families <= {"string", "number", "bool"}:
        if "string" not in families:
            raise FunctionError("all elements must have the same type")
        return [None if v is None else t_string(v) for v in values]
    if families <= {"tuple"} or families <= {"set"}:
        flat = iter(unify([item for v in values if v is not None for item in v]))
        out: list[Any] = []
        for v in values:
            items = None if v is None else [next(flat) for _ in v]
            out.append(TfSet(items) if isinstance(v, TfSet) else items)
        return out
    if families == {"object"}:
        keysets = {tuple(sorted(v)) for v in values if v is not None}
        if len(keysets) == 1:
            keys = keysets.pop()
            columns = {k: iter(unify([v[k] for v in values if v is not None])) for k in keys}
            return [None if v is None else {k: next(columns[k]) for k in v} for v in values]
        flat = iter(unify([item for v in values if v is not None for item in v.values()]))
        return [None if v is None else {k: next(flat) for k in v} for v in values]
    raise FunctionError("all elements must have the same type")


def to_list(value: Any) -> list[Any]:
    if isinstance(value, dict) or not isinstance(value, list):
        raise FunctionError(f"cannot convert {tf_type_name(value)} to list of any single type")
    try:
        return unify(list(value))
    except FunctionError:
        raise FunctionError(f"cannot convert {tf_type_name(value)} to list of any single type") from None


def to_set(value: Any) -> TfSet:
    if isinstance(value, dict) or not isinstance(value, list):
        raise FunctionError(f"cannot convert {tf_type_name(value)} to set of any single type")
    try:
        return TfSet(unify(list(value)))
    except FunctionError:
        raise FunctionError(f"cannot convert {tf_type_name(value)} to set of any single type") from None


def to_map(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FunctionError(f"cannot convert {tf_type_name(value)} to map of any single type")
    try:
        values = unify(list(value.values()))
    except FunctionError:
        raise FunctionError(f"cannot convert {tf_type_name(value)} to map of any single type") from None
    return dict(zip(value.keys(), values, strict=False))


def _to(name: str, conv: Any, noun: str) -> None:
    @function(name, ("v", t_any), allow_null=("v",))
    def impl(value: Any) -> Any:
        if value is None:
            return None
        try:
            return conv(value)
        except FunctionError as err:
            text = str(err)
            if text.startswith("cannot convert"):
                raise
            if isinstance(value, (list, dict)):
                raise FunctionError(f"cannot convert {tf_type_name(value)} to {noun}") from None
            raise FunctionError(f"cannot convert {value!r} to {noun}: {text}".replace("'", '"')
                                if isinstance(value, str) else text) from None


def _tostring(value: Any) -> str:
    if isinstance(value, (list, dict)):
        raise FunctionError(f"cannot convert {tf_type_name(value)} to string")
    return t_string(value)


def _tonumber(value: Any) -> Any:
    if isinstance(value, bool):
        raise FunctionError("cannot convert bool to number")
    return t_number(value)


def _tobool(value: Any) -> bool:
    if is_number(value):
        raise FunctionError("cannot convert number to bool")
    return t_bool(value)


_to("tostring", _tostring, "string")
_to("tonumber", _tonumber, "number")
_to("tobool", _tobool, "bool")
_to("tolist", to_list, "list of any single type")
_to("toset", to_set, "set of any single type")
_to("tomap", to_map, "map of any single type")
