"""Terraform values as the reader sees them: the types, and words for problems.

The value types (``Unknown``, ``TfSet``) and the conversions are
:mod:`generator.read.tffuncs`' (one definition of each); this module adds
what the evaluator and the reader need around them: a function call that
never raises anything but FunctionError, and :func:`describe` for messages.
"""
from __future__ import annotations

from typing import Any

from generator.read.tffuncs import (  # noqa: F401  (re-exported for the reader)
    FunctionError, TfSet, Unknown, call, first_unknown, tf_equal, tf_type_name, to_tf_string,
)
from generator.read.tffuncs.core import parse_number  # noqa: F401  (for tfops)


def call_function(name: str, args: list[Any], *, expand_last: bool, files: Any) -> Any:
    """A Terraform function over evaluated arguments; a bad call raises FunctionError only."""
    try:
        return call(name, args, expand_last=expand_last, files=files)
    except FunctionError:
        raise
    except RecursionError:
        raise FunctionError("the value nests too deeply") from None
    except Exception as exc:  # a gap in the library must cost one value, not the repo
        raise FunctionError(f"could not be evaluated ({type(exc).__name__})") from None


def describe(value: Any) -> str:
    """What a resolved value is, in the words a problem message uses."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({to_tf_string(value)})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, TfSet):
        return "a set"
    return "a list" if isinstance(value, list) else "a map"
