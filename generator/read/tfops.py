"""Terraform's operations on evaluated values: attribute, index, operators, iteration.

No syntax here: :mod:`generator.read.tfeval` walks the tree and calls these
with values. What Terraform would reject raises :class:`EvalError`, which
the evaluator turns into an Unknown whose reason says what is wrong.
"""
from __future__ import annotations

import math
from typing import Any

from generator.read.hclast import Node, traversal_text
from generator.read.tfvalues import (
    FunctionError, TfSet, Unknown, first_unknown, parse_number, tf_equal, tf_type_name, to_tf_string,
)


class EvalError(Exception):
    """What Terraform would reject; becomes an Unknown whose reason says so."""


def expr_text(node: Node) -> str:
    return traversal_text(node) or "the expression"


def attr(value: Any, name: str, node: Node) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        if name not in value:
            raise EvalError(f'{expr_text(node)}: the object has no attribute "{name}"')
        return value[name]
    if value is None:
        raise EvalError(f"{expr_text(node)}: cannot read an attribute of null")
    raise EvalError(f'{expr_text(node)}: a {tf_type_name(value)} has no attributes (".{name}")')


def lookup(value: Any, key: Any, node: Node) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(key, Unknown):
        return key
    if key is None:
        raise EvalError(f"{expr_text(node)}: the index is null")
    if isinstance(value, dict):
        if isinstance(key, (list, dict)):
            raise EvalError(f"{expr_text(node)}: a map key must be a string")
        key = to_tf_string(key)
        if key not in value:
            raise EvalError(f'{expr_text(node)}: the map has no element "{key}"')
        return value[key]
    if isinstance(value, list):
        if isinstance(value, TfSet):
            raise EvalError(f"{expr_text(node)}: elements of a set have no index (use tolist(...) first)")
        number = to_number(key, "the index")
        if isinstance(number, float) and not number.is_integer():
            raise EvalError(f"{expr_text(node)}: the index must be a whole number")
        i = int(number)
        if i < 0 or i >= len(value):
            raise EvalError(f"{expr_text(node)}: the index {i} is out of range (the list has {len(value)} "
                            f"element{'s' if len(value) != 1 else ''})")
        return value[i]
    if value is None:
        raise EvalError(f"{expr_text(node)}: cannot index null")
    raise EvalError(f"{expr_text(node)}: a {tf_type_name(value)} cannot be indexed")


def as_bool(value: Any, what: str) -> Any:
    if isinstance(value, (bool, Unknown)):
        return value
    if value == "true" or value == "false":
        return value == "true"
    if value is None:
        raise EvalError(f"{what} is null, and a bool is required")
    raise EvalError(f"{what} must be a bool, not a {tf_type_name(value)}")


def binary(op: str, left: Any, right: Any) -> Any:
    """``left op right`` over evaluated operands, with Terraform's conversions."""
    if op == "==" or op == "!=":
        unknown = first_unknown(left) or first_unknown(right)
        if unknown is not None:
            return unknown
        same = tf_equal(left, right)
        return same if op == "==" else not same
    if op == "&&" or op == "||":
        a, b = as_bool(left, f"the left side of {op}"), as_bool(right, f"the right side of {op}")
        if op == "&&" and (a is False or b is False):
            return False
        if op == "||" and (a is True or b is True):
            return True
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        return (a and b) if op == "&&" else (a or b)
    if isinstance(left, Unknown):
        return left
    if isinstance(right, Unknown):
        return right
    a, b = to_number(left, f"the left side of {op}"), to_number(right, f"the right side of {op}")
    if op == "+":
        return _norm(a + b)
    if op == "-":
        return _norm(a - b)
    if op == "*":
        return _norm(a * b)
    if op == "/":
        if b == 0:
            raise EvalError("division by zero")
        return _norm(a / b)
    if op == "%":
        if b == 0:
            raise EvalError("modulo by zero")
        return _norm(math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else
                     int(math.copysign(abs(a) % abs(b), a)))
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a >= b


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def object_key(key: Any, node: Node) -> str:
    if key is None:
        raise EvalError(f"line {node.line}: an object key cannot be null")
    if isinstance(key, (list, dict)):
        raise EvalError(f"line {node.line}: an object key must be a string, not a {tf_type_name(key)}")
    return to_tf_string(key)


def pairs(coll: Any, what: str) -> list[tuple[Any, Any]]:
    if isinstance(coll, dict):
        return [(k, coll[k]) for k in sorted(coll)]     # Terraform walks maps in key order
    if isinstance(coll, TfSet):
        return [(v, v) for v in coll]
    if isinstance(coll, list):
        return list(enumerate(coll))
    if coll is None:
        raise EvalError(f"{what}: cannot iterate over null")
    raise EvalError(f"{what}: can only iterate over a list, set, map or object, not a {tf_type_name(coll)}")


def to_number(value: Any, what: str) -> int | float:
    """Terraform's conversion to number (a numeric string converts; a bool does not)."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise EvalError(f"{what} must be a number, not {'null' if value is None else 'a ' + tf_type_name(value)}")
    if isinstance(value, (int, float)):
        return value
    try:
        return parse_number(value)
    except FunctionError:
        raise EvalError(f"{what} must be a number, and {value[:40]!r} is not one") from None
