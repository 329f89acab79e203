"""String functions (cty stdlib string.go and Terraform's internal/lang/funcs/string.go)."""
from __future__ import annotations

from typing import Any

from generator.read.tffuncs.core import FunctionError, function, t_list, t_string


@function("lower", ("str", t_string))
def lower(s: str) -> str:
    return s.lower()


@function("upper", ("str", t_string))
def upper(s: str) -> str:
    return s.upper()


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
