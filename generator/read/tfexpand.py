"""``count`` and ``for_each``: one block, as many instances as Terraform creates.

Terraform addresses an instance ``aws_s3_bucket.d[0]`` (count) or
``aws_sqs_queue.c["high"]`` (for_each) and evaluates the block once per
instance with ``count.index`` or ``each.key``/``each.value`` set. When the
collection is known from the files, so are the instances; when it is not,
the block stays one Resource and a warning says why.
"""
from __future__ import annotations

from typing import Any

from generator.read.hcl import Block
from generator.read.tfeval import Scope
from generator.read.tfvalues import TfSet, Unknown, describe, first_unknown

# More instances than this from one block is a mistake or a loop over data;
# the first ones are read and a problem says so.
MAX_INSTANCES = 1000

Note = tuple[str, str, str]   # (severity, message, attribute)


def expand(d: Block, scope: Scope) -> tuple[list[Block], list[Note]]:
    """The instances of ``d`` (``[d]`` itself when it has neither meta-argument)."""
    has_count, has_each = "count" in d.body, "for_each" in d.body
    if not has_count and not has_each:
        return [d], []
    if has_count and has_each:
        return [d], [("error", f'{d.address}: Terraform does not allow both "count" and "for_each" '
                      "in one block; read as one Resource", "for_each")]
    attr = "count" if has_count else "for_each"
    value = scope.evaluate(d.body[attr])
    unknown = value if isinstance(value, Unknown) else (
        first_unknown(list(value)) if isinstance(value, list) else None)   # a set's elements are its keys
    if unknown is not None:
        return [d], [("warning", f'{d.address}: "{attr}" is not known from the files ({unknown}); '
                      "read as one Resource", attr)]
    pairs, total, bad = _count(value) if has_count else _for_each(value)
    if bad:
        return [d], [("error", f"{d.address}: {bad}; read as one Resource", attr)]
    if not pairs:
        return [], [("info", f'{d.address}: "{attr}" is {describe(value) if has_count else "empty"}, so '
                     "Terraform creates no instance of it", attr)]
    notes: list[Note] = []
    if total > MAX_INSTANCES:
        notes.append(("error", f'{d.address}: "{attr}" makes {total:,} instances; Lookout reads the '
                      f"first {MAX_INSTANCES:,}", attr))
    out = [d.instance(key, scope.instance(each=each) if has_each else scope.instance(count=key))
           for key, each in pairs[:MAX_INSTANCES]]
    return out, notes


def _count(value: Any) -> tuple[list[tuple[Any, Any]], int, str]:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)            # Terraform converts a numeric string
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (
            isinstance(value, float) and not value.is_integer()):
        return [], 0, f'"count" must be a whole number of at least 0, got {describe(value)}'
    total = int(value)
    return [(i, None) for i in range(min(total, MAX_INSTANCES))], total, ""


def _for_each(value: Any) -> tuple[list[tuple[Any, Any]], int, str]:
    if isinstance(value, dict):
        return [(k, (k, value[k])) for k in sorted(value)], len(value), ""
    if isinstance(value, TfSet):
        if not all(isinstance(v, str) for v in value):
            return [], 0, '"for_each" over a set needs a set of strings'
        return [(v, (v, v)) for v in sorted(value)], len(value), ""
    if isinstance(value, list):
        return [], 0, ('Terraform rejects a list in "for_each" (it takes a map or a set of strings); '
                       "write toset(...) around it")
    return [], 0, f'"for_each" must be a map or a set of strings, got {describe(value)}'
