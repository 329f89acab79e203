"""Give python-hcl2's serialized values a meaning: literals, var.*, local.*.

python-hcl2 writes a quoted string as ``'"text"'`` (escapes kept), any other
expression as ``'${expr}'`` and templates as ``'"a-${var.b}"'``. We turn
those into plain Python values where Terraform would know them without a
plan: literals, ``var.x`` (a variable's default, overridden by tfvars),
``local.x`` and templates whose parts all resolve. Everything else becomes an
:class:`Unresolved` that says which expression and why, so the caller can
report it where the value is needed rather than guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterator

from hcl2.utils import process_escape_sequences

from generator.read.hcl import unquote


@dataclass(frozen=True)
class Unresolved:
    """A value that cannot be known from the files alone."""

    expr: str     # the expression as written, e.g. "var.env" or "aws_iam_role.r.arn"
    reason: str   # why, in words for the service owner

    def __str__(self) -> str:
        return f"{self.expr} ({self.reason})"


def first_unresolved(value: Any) -> Unresolved | None:
    """The first Unresolved inside a resolved value (lists and maps included)."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = first_unresolved(item)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------------------
# Templates: split '"a-${var.b}-%{if x}…"' into literal and expression parts
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    kind: str   # "lit" (escapes already processed), "expr", or "directive"
    text: str


def _skip_string(s: str, i: int) -> int:
    """Index just past the quoted string starting at s[i] == '"'."""
    i += 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif s.startswith("${", i) or s.startswith("%{", i):
            i = _skip_braces(s, i + 1)
        else:
            i += 1
    return i


def _skip_braces(s: str, i: int) -> int:
    """Index just past the '}' matching the '{' at s[i]; strings may nest."""
    depth = 0
    while i < len(s):
        c = s[i]
        if c == '"':
            i = _skip_string(s, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def template_parts(inner: str) -> list[Part]:
    """Parts of a quoted template's content (without its outer quotes)."""
    parts: list[Part] = []
    lit: list[str] = []
    i = 0

    def flush() -> None:
        if lit:
            parts.append(Part("lit", process_escape_sequences("".join(lit))))
            lit.clear()

    while i < len(inner):
        if inner[i] == "\\" and i + 1 < len(inner):
            lit.append(inner[i:i + 2])      # processed with the rest of the literal
            i += 2
        elif inner.startswith("$${", i) or inner.startswith("%%{", i):
            lit.append(inner[i + 1:i + 3])  # "$${" is a literal "${"
            i += 3
        elif inner.startswith("${", i) or inner.startswith("%{", i):
            end = _skip_braces(inner, i + 1)
            flush()
            kind = "expr" if inner[i] == "$" else "directive"
            body = inner[i + 2:end - 1].strip()
            # "${~ x ~}" strip markers only trim whitespace around the value.
            parts.append(Part(kind, body.strip("~").strip()))
            i = end
        else:
            lit.append(inner[i])
            i += 1
    flush()
    return parts


def expressions(raw: Any) -> Iterator[str]:
    """Every expression text inside a serialized value (for finding references)."""
    if isinstance(raw, str):
        if raw.startswith("${") and raw.endswith("}"):
            yield raw[2:-1]
        elif len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
            for part in template_parts(raw[1:-1]):
                if part.kind != "lit":
                    yield part.text
    elif isinstance(raw, dict):
        for key, value in raw.items():
            yield from expressions(key)
            yield from expressions(value)
    elif isinstance(raw, list):
        for item in raw:
            yield from expressions(item)


# ---------------------------------------------------------------------------
# Scope: the values of var.* and local.* in one .af folder
# ---------------------------------------------------------------------------

_IDENT = r"[A-Za-z_][A-Za-z0-9_-]*"
_TRAVERSAL = re.compile(
    rf"^(var|local)\.({_IDENT})((?:\s*\.\s*{_IDENT}|\s*\[\s*(?:\"[^\"\\]*\"|\d+)\s*\])*)$")
_STEP = re.compile(rf"\.\s*({_IDENT})|\[\s*(?:\"([^\"\\]*)\"|(\d+))\s*\]")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
# A chain of locals deeper than this is treated as unresolvable, which keeps
# resolution well inside Python's recursion limit.
_MAX_LOCAL_DEPTH = 64


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and not re.search(r"[.eE]", text) else value


def render(value: Any) -> str | None:
    """A primitive value as Terraform writes it into a string, else None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return None


@dataclass
class Scope:
    """Resolves serialized values against one folder's variables and locals.

    ``var_values`` holds the already-resolved value of every declared
    variable that has one (default overridden by tfvars), or an Unresolved
    saying why it has none. ``locals_raw`` holds locals as written; they are
    resolved on first use, so locals may refer to variables and to each
    other in any order, and a cycle comes out as an Unresolved.
    """

    var_values: dict[str, Any] = field(default_factory=dict)
    locals_raw: dict[str, Any] = field(default_factory=dict)
    _locals: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _resolving: list[str] = field(default_factory=list, init=False, repr=False)

    def resolve(self, raw: Any) -> Any:
        """A serialized value made plain; unknown parts become Unresolved."""
        if isinstance(raw, str):
            if raw.startswith("${") and raw.endswith("}"):
                return self.evaluate(raw[2:-1])
            if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
                return self._template(raw[1:-1])
            # An unquoted, unwrapped string is a bare identifier (`x = foo`):
            # python-hcl2 does not wrap single names in "${...}".
            return self.evaluate(raw)
        if isinstance(raw, list):
            return [self.resolve(item) for item in raw]
        if isinstance(raw, dict):
            out: dict[str, Any] = {}
            for key, value in raw.items():
                name = self.resolve(key) if key.startswith("${") else unquote(key)
                if isinstance(name, (Unresolved, list, dict)):
                    out[key] = Unresolved(key, "a computed map key")
                else:
                    out[render(name) or str(name)] = self.resolve(value)
            return out
        return raw  # int, float, bool, None

    def _template(self, inner: str) -> Any:
        parts = template_parts(inner)
        if len(parts) == 1 and parts[0].kind == "expr":
            return self.evaluate(parts[0].text)  # "${x}" is x itself, of any type
        out = []
        for part in parts:
            if part.kind == "lit":
                out.append(part.text)
                continue
            if part.kind == "directive":
                return Unresolved(f"%{{{part.text}}}", "template directives are not evaluated")
            value = self.evaluate(part.text)
            if isinstance(value, Unresolved):
                return value
            text = render(value)
            if text is None:
                return Unresolved(part.text, "a list, map or null cannot go into a string")
            out.append(text)
        return "".join(out)

    def evaluate(self, expr: str) -> Any:
        """One expression: a literal, a quoted template, var.* or local.*."""
        expr = expr.strip()
        while expr.startswith("(") and expr.endswith(")") and _balanced(expr[1:-1]):
            expr = expr[1:-1].strip()
        if expr in ("true", "false"):
            return expr == "true"
        if expr == "null":
            return None
        if _NUMBER.match(expr):
            return _number(expr)
        if expr.startswith('"') and _skip_string(expr, 0) == len(expr):
            return self._template(expr[1:-1])
        match = _TRAVERSAL.match(expr)
        if not match:
            return Unresolved(expr, "only literals, var.* and local.* are evaluated")
        kind, name, rest = match.groups()
        value = self._variable(name) if kind == "var" else self._local(name)
        return _traverse(value, rest, expr)

    def _variable(self, name: str) -> Any:
        if name not in self.var_values:
            return Unresolved(f"var.{name}", f'no variable "{name}" is declared')
        return self.var_values[name]

    def _local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self.locals_raw:
            return Unresolved(f"local.{name}", f'no local "{name}" is defined')
        if name in self._resolving:
            cycle = " -> ".join(f"local.{n}" for n in self._resolving[self._resolving.index(name):])
            return Unresolved(f"local.{name}", f"locals refer to each other in a cycle: {cycle} -> local.{name}")
        if len(self._resolving) >= _MAX_LOCAL_DEPTH:
            return Unresolved(f"local.{name}", "locals refer to each other too deeply")
        self._resolving.append(name)
        try:
            value = self.resolve(self.locals_raw[name])
        finally:
            self._resolving.pop()
        # Memoised even mid-walk: a local that meets the walk's stack is on
        # a cycle, so it is unresolvable whichever local the walk began at.
        self._locals[name] = value
        return value


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _traverse(value: Any, rest: str, expr: str) -> Any:
    """Follow ``.key`` / ``["key"]`` / ``[0]`` steps into a resolved value."""
    for step in _STEP.finditer(rest):
        if isinstance(value, Unresolved):
            return value
        key = step.group(1) if step.group(1) is not None else step.group(2)
        if key is not None:
            if not isinstance(value, dict) or key not in value:
                return Unresolved(expr, f'has no key "{key}"')
            value = value[key]
        else:
            index = int(step.group(3))
            if not isinstance(value, list) or index >= len(value):
                return Unresolved(expr, f"has no element {index}")
            value = value[index]
    return value


def build_scope(variables: dict[str, Any], tfvars: dict[str, Any], locals_raw: dict[str, Any]) -> Scope:
    """A Scope from variable blocks' bodies, tfvars assignments and locals.

    Terraform allows no references in a variable default or in tfvars, so
    both are resolved against an empty scope.
    """
    empty = Scope()
    values: dict[str, Any] = {}
    for name, body in variables.items():
        if name in tfvars:
            values[name] = empty.resolve(tfvars[name])
        elif isinstance(body, dict) and "default" in body:
            values[name] = empty.resolve(body["default"])
        else:
            values[name] = Unresolved(f"var.{name}", f'variable "{name}" has no default and no value '
                                      "in terraform.tfvars or *.auto.tfvars")
    return Scope(values, dict(locals_raw))


def describe(value: Any) -> str:
    """What a resolved value is, in the words a problem message uses."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    return "a list" if isinstance(value, list) else "a map"
