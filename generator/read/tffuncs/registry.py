"""The function registry and call(): cty's argument rules applied before an implementation runs.

Functions are declared with :func:`function` and typed parameters (the
``t_*`` converters of :mod:`generator.read.tffuncs.core`); :func:`call`
checks arity, null and unknown arguments and converts each argument, so an
implementation sees values of the types it asked for.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.read.tffuncs.core import (
    Conv, FileAccess, FunctionError, TfSet, Unknown, Unsupported, first_unknown, t_any,
)


@dataclass
class Spec:
    name: str
    impl: Callable[..., Any]
    params: list[tuple[str, Conv]]
    variadic: tuple[str, Conv] | None = None
    allow_null: frozenset[str] = frozenset()
    allow_unknown: bool = False       # the implementation handles Unknown itself
    wants_files: bool = False
    extra: dict = field(default_factory=dict)


FUNCTIONS: dict[str, Callable[..., Any]] = {}
SPECS: dict[str, Spec] = {}


def function(name: str, *params: tuple[str, Conv], variadic: tuple[str, Conv] | None = None,
             allow_null: tuple[str, ...] = (), allow_unknown: bool = False,
             wants_files: bool = False) -> Callable:
    """Register an implementation under Terraform's name with its parameters."""
    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        spec = Spec(name, impl, list(params), variadic, frozenset(allow_null), allow_unknown, wants_files)
        SPECS[name] = spec

        def bound(*args: Any, files: FileAccess | None = None) -> Any:
            return call(name, list(args), files=files)
        bound.__name__ = name
        bound.__doc__ = impl.__doc__
        FUNCTIONS[name] = bound
        return impl
    return register


def impure(name: str, why: str = "is only known when applied", arity: int | None = None) -> None:
    """Register a function whose result depends on the world: always Unknown."""
    def impl(*args: Any) -> Unknown:
        return Unknown(f"{name}() {why}", f"{name}(…)")
    spec = Spec(name, impl, [], ("args", t_any), allow_null=frozenset({"args"}), allow_unknown=True)
    spec.extra["arity"] = arity
    SPECS[name] = spec
    FUNCTIONS[name] = lambda *args, files=None: call(name, list(args), files=files)


def nfc(value: Any) -> Any:
    """cty keeps every string in Unicode NFC; so do function arguments here."""
    if isinstance(value, str):
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if isinstance(value, TfSet):
        return TfSet(nfc(v) for v in value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    return value


def call(name: str, args: list[Any], *, expand_last: bool = False, files: FileAccess | None = None) -> Any:
    """Apply Terraform's function ``name`` to already-evaluated arguments."""
    if name.startswith("core::"):
        name = name[len("core::"):]
    spec = SPECS.get(name)
    if spec is None:
        raise FunctionError(f'There is no function named "{name}".')
    args = [nfc(arg) for arg in args]
    if expand_last:
        if not args:
            raise FunctionError("Missing final argument to expand: the '...' symbol must follow an argument.")
        last = args.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last, list):
            raise FunctionError("The expanding argument (indicated by ...) must be of a tuple, list, or set type.")
        args.extend(last)
    fixed = len(spec.params)
    if len(args) < fixed:
        missing = spec.params[len(args)][0]
        raise FunctionError(f'Function "{name}" expects {fixed} argument(s). Missing value for "{missing}".')
    if len(args) > fixed and spec.variadic is None:
        raise FunctionError(f'Function "{name}" expects only {fixed} argument(s).')
    converted: list[Any] = []
    for i, arg in enumerate(args):
        pname, conv = spec.params[i] if i < fixed else spec.variadic  # type: ignore[misc]
        if not spec.allow_unknown:
            unknown = first_unknown(arg)
            if unknown is not None:
                return unknown
        if arg is None:
            if pname not in spec.allow_null:
                raise FunctionError(f'Invalid value for "{pname}" parameter: argument must not be null.')
            converted.append(None)
            continue
        if isinstance(arg, Unknown):
            converted.append(arg)
            continue
        try:
            converted.append(conv(arg))
        except FunctionError as err:
            raise FunctionError(f'Invalid value for "{pname}" parameter: {err}.') from None
    try:
        if spec.wants_files:
            if files is None:
                return Unknown(f"{name}() reads files, and no file access was given", f"{name}(…)")
            return spec.impl(*converted, files=files)
        return spec.impl(*converted)
    except Unsupported as why:
        return Unknown(f"{name}(): {why}", f"{name}(…)")
