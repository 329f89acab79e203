"""Collection functions (cty stdlib collection.go/set.go/sequence.go, Terraform's lang/funcs/collection.go)."""
from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from generator.read.tffuncs.convert import to_list, unify
from generator.read.tffuncs.core import FunctionError, TfSet, Unknown, first_unknown, norm_number, t_any, t_bool, t_list, t_map, t_number, t_string, tf_equal, tf_type_name, whole, dedupe
from generator.read.tffuncs.registry import function
from generator.read.tffuncs.jsontext import sorted_keys
from generator.read.tffuncs.strings import graphemes


def _seq(value: Any, what: str = "argument must be list, tuple, or set") -> list[Any]:
    if isinstance(value, dict) or not isinstance(value, list):
        raise FunctionError(what)
    return value


def _whole(value: Any, what: str) -> int:
    return whole(t_number(value), f"invalid {what}: value")


def _map(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise FunctionError(what)
    return value


@function("length", ("value", t_any))
def length(value: Any) -> int:
    if isinstance(value, str):
        return len(graphemes(value))
    if isinstance(value, (list, dict)):
        return len(value)
    raise FunctionError("argument must be a string, a collection type, or a structural type")


@function("concat", variadic=("seqs", t_any))
def concat(*seqs: Any) -> list[Any]:
    if not seqs:
        raise FunctionError("at least one argument is required")
    out: list[Any] = []
    for seq in seqs:
        if isinstance(seq, (dict, TfSet)) or not isinstance(seq, list):
            raise FunctionError(f"all arguments must be lists or tuples; got {tf_type_name(seq)}")
        out.extend(seq)
    return out


@function("contains", ("list", t_any), ("value", t_any))
def contains(lst: Any, value: Any) -> bool:
    return any(tf_equal(item, value) for item in _seq(lst))


@function("distinct", ("list", t_any))
def distinct(lst: Any) -> list[Any]:
    return dedupe(to_list(_seq(lst, "a list is required")))


@function("element", ("list", t_any), ("index", t_number))
def element(lst: Any, index: Any) -> Any:
    items = _seq(lst, f"cannot read elements from {tf_type_name(lst)}")
    if isinstance(lst, TfSet):
        raise FunctionError("cannot read elements from set")
    index = _whole(index, "index")
    if index < 0:
        raise FunctionError("cannot use element function with a negative index")
    if not items:
        raise FunctionError("cannot use element function with an empty list")
    return items[index % len(items)]


def _flatten(value: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in value:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


@function("flatten", ("list", t_any))
def flatten(lst: Any) -> list[Any]:
    return _flatten(_seq(lst, "can only flatten lists, sets and tuples"))


@function("index", ("list", t_any), ("value", t_any))
def index(lst: Any, value: Any) -> int:
    if isinstance(lst, TfSet):
        raise FunctionError("argument must be a list or tuple")
    items = _seq(lst, "argument must be a list or tuple")
    for i, item in enumerate(items):
        if tf_equal(item, value):
            return i
    raise FunctionError("item not found")


@function("keys", ("inputMap", t_any))
def keys(mapping: Any) -> list[str]:
    return sorted_keys(_map(mapping, "must have map or object type"))


@function("values", ("mapping", t_any))
def values(mapping: Any) -> list[Any]:
    mapping = _map(mapping, "values() requires a map as the first argument")
    return [mapping[k] for k in sorted_keys(mapping)]


@function("lookup", ("inputMap", t_any), ("key", t_string), variadic=("default", t_any),
          allow_null=("default",))
def lookup(mapping: Any, key: str, *default: Any) -> Any:
    mapping = _map(mapping, "lookup() requires a map as the first argument")
    if len(default) > 1:
        raise FunctionError("lookup() takes no more than three arguments")
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise FunctionError(f'the given key "{key}" does not exist in the map')


@function("merge", variadic=("maps", t_any), allow_null=("maps",))
def merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mapping in maps:
        if mapping is None:
            continue
        if not isinstance(mapping, dict):
            raise FunctionError(f"arguments must be maps or objects, got {tf_type_name(mapping)!r}")
        out.update(mapping)
    return {k: out[k] for k in sorted_keys(out)}


@function("range", variadic=("params", t_number))
def tf_range(*params: Any) -> list[Any]:
    if not 1 <= len(params) <= 3:
        raise FunctionError("must have one, two, or three arguments")
    if len(params) == 3:
        start, limit, step = params
    else:
        start, limit = (0, params[0]) if len(params) == 1 else params
        step = 1 if start <= limit else -1
    if step == 0:
        raise FunctionError("step must not be zero")
    if (step > 0 and start > limit) or (step < 0 and start < limit):
        if len(params) == 3:
            raise FunctionError("step must be negative when start is greater than limit"
                                if step > 0 else "step must be positive when start is less than limit")
    out: list[Any] = []
    # Terraform's numbers are decimal-exact here (range(0, 1, 0.1) has no 0.30000000000000004)
    value, limit, step = Decimal(repr(start)), Decimal(repr(limit)), Decimal(repr(step))
    while (value < limit) if step > 0 else (value > limit):
        if len(out) >= 1024:
            raise FunctionError("more than 1024 values were generated; either decrease the difference "
                                "between start and end or use a smaller step")
        out.append(norm_number(value))
        value = value + step
    return out


@function("reverse", ("list", t_any))
def reverse(lst: Any) -> list[Any]:
    return list(reversed(_seq(lst, f"can only reverse list or tuple values, not {tf_type_name(lst)}")))


def _sets(args: tuple, least: int = 1) -> list[TfSet]:
    if len(args) < least:
        raise FunctionError("at least one argument is required" if least == 1 else "at least two arguments are required")
    # the sets must share one element type, so unify across all of them
    seqs = [_seq(a, "a set or a list is required") for a in args]
    flat = iter(unify([x for s in seqs for x in s]))
    return [TfSet([next(flat) for _ in s]) for s in seqs]


@function("setunion", ("first_set", t_any), variadic=("other_sets", t_any))
def setunion(*sets: Any) -> TfSet:
    return TfSet(unify([x for s in _sets(sets) for x in s]))


@function("setintersection", ("first_set", t_any), variadic=("other_sets", t_any))
def setintersection(*sets: Any) -> TfSet:
    first, *rest = _sets(sets)
    return TfSet(x for x in first if all(any(tf_equal(x, y) for y in other) for other in rest))


@function("setsubtract", ("a", t_any), ("b", t_any))
def setsubtract(a: Any, b: Any) -> TfSet:
    first, other = _sets((a, b))
    return TfSet(x for x in first if not any(tf_equal(x, y) for y in other))


@function("setproduct", variadic=("sets", t_any))
def setproduct(*seqs: Any) -> list[Any]:
    if len(seqs) < 2:
        raise FunctionError("at least two arguments are required")
    lists = [to_list(_seq(s, "a set or a list is required")) for s in seqs]
    product = [list(combo) for combo in itertools.product(*lists)]
    return TfSet(product) if all(isinstance(s, TfSet) for s in seqs) else product


@function("slice", ("list", t_any), ("start_index", t_number), ("end_index", t_number))
def tf_slice(lst: Any, start: Any, end: Any) -> list[Any]:
    if isinstance(lst, TfSet):
        raise FunctionError("cannot slice a set, because its elements do not have indices; explicitly "
                            "convert to a list if the ordering of the result is not important")
    items = _seq(lst, "must be a list or tuple value")
    start, end = _whole(start, "start index"), _whole(end, "end index")
    if start < 0:
        raise FunctionError("start index must not be less than zero")
    if start > len(items):
        raise FunctionError("start index must not be greater than the length of the list")
    if end < 0:
        raise FunctionError("end index must not be less than zero")
    if end > len(items):
        raise FunctionError("end index must not be greater than the length of the list")
    if start > end:
        raise FunctionError("start index must not be greater than end index")
    return items[start:end]


@function("sort", ("list", t_list(t_string)))
def sort(lst: list[str]) -> list[str]:
    if any(item is None for item in lst):
        raise FunctionError("given list element is null; a null list element cannot be sorted")
    return sorted(lst, key=lambda s: s.encode("utf-8"))


@function("sum", ("list", t_any))
def tf_sum(lst: Any) -> Any:
    items = _seq(lst, "cannot sum noniterable")
    if not items:
        raise FunctionError("cannot sum an empty list")
    total = Decimal(0)
    for item in items:
        if item is None:
            raise FunctionError("argument must be list, set, or tuple of number values")
        total += Decimal(repr(t_number(item)))
    return norm_number(total)


@function("transpose", ("values", t_map(t_list(t_string))))
def transpose(mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in sorted_keys(mapping):
        if mapping[key] is None:
            raise FunctionError("input lists must not be null")
        for value in mapping[key]:
            if value is None:
                raise FunctionError("input lists must not contain null values")
            out.setdefault(value, []).append(key)
    return {k: out[k] for k in sorted_keys(out)}


@function("zipmap", ("keys", t_list(t_string)), ("values", t_any))
def zipmap(keys_: list[str], vals: Any) -> dict[str, Any]:
    if isinstance(vals, TfSet):
        raise FunctionError("values argument must be a list or tuple value")
    vals = _seq(vals, "values argument must be a list or tuple value")
    if len(keys_) != len(vals):
        raise FunctionError(f"number of keys ({len(keys_)}) does not match number of values ({len(vals)})")
    for i, key in enumerate(keys_):
        if key is None:
            raise FunctionError(f"keys list has null value at index {i}")
    out = dict(zip(keys_, vals, strict=False))
    return {k: out[k] for k in sorted_keys(out)}


@function("chunklist", ("list", t_any), ("size", t_number))
def chunklist(lst: Any, size: Any) -> list[list[Any]]:
    items = to_list(_seq(lst))
    size = _whole(size, "size")
    if size < 0:
        raise FunctionError("the size argument must be positive")
    if not items:
        return []
    if size == 0:
        return [items]
    return [items[i:i + size] for i in range(0, len(items), size)]


@function("coalesce", variadic=("vals", t_any), allow_null=("vals",), allow_unknown=True)
def coalesce(*vals: Any) -> Any:
    if not vals:
        raise FunctionError("at least one argument is required")
    known = [v for v in vals if not isinstance(v, Unknown)]
    try:
        unified = iter(unify(known))
    except FunctionError:
        raise FunctionError("all arguments must have the same type") from None
    vals = tuple(v if isinstance(v, Unknown) else next(unified) for v in vals)
    for v in vals:
        if isinstance(v, Unknown):
            return v
        if v is None or (isinstance(v, str) and v == ""):
            continue
        if first_unknown(v) is not None:
            return first_unknown(v)
        return v
    raise FunctionError("no non-null, non-empty-string arguments")


@function("coalescelist", variadic=("vals", t_any), allow_null=("vals",))
def coalescelist(*vals: Any) -> Any:
    if not vals:
        raise FunctionError("at least one argument is required")
    for v in vals:
        if v is None:
            continue
        if isinstance(v, (dict, TfSet)) or not isinstance(v, list):
            raise FunctionError("coalescelist arguments must be lists or tuples")
        if v:
            return v
    raise FunctionError("no non-null arguments")


@function("compact", ("list", t_list(t_string)))
def compact(lst: list[Any]) -> list[str]:
    return [item for item in lst if item is not None and item != ""]


@function("alltrue", ("list", t_list(t_bool)))
def alltrue(lst: list[Any]) -> bool:
    return all(item is True for item in lst)


@function("anytrue", ("list", t_list(t_bool)))
def anytrue(lst: list[Any]) -> bool:
    return any(item is True for item in lst)


@function("one", ("list", t_any))
def one(lst: Any) -> Any:
    items = _seq(lst, "must be a list, set, or tuple value")
    if len(items) > 1:
        raise FunctionError("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


@function("matchkeys", ("values", t_any), ("keys", t_any), ("searchset", t_any))
def matchkeys(vals: Any, keys_: Any, searchset: Any) -> list[Any]:
    vals, keys_, search = to_list(_seq(vals)), to_list(_seq(keys_)), _seq(searchset)
    if len(vals) != len(keys_):
        raise FunctionError("length of keys and values should be equal")
    return [v for v, k in zip(vals, keys_, strict=False) if any(tf_equal(k, s) or (isinstance(k, str) and not isinstance(s, str)
            and s is not None and not isinstance(s, (list, dict)) and k == t_string(s)) for s in search)]

