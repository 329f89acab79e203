"""Terraform's values as far as the files know them: evaluate an hclast tree.

Known: literals, ``var.*`` (default, overridden by terraform.tfvars and
*.auto.tfvars), ``local.*``, ``each.key``/``each.value``/``count.index``,
``path.module``, ``terraform.workspace``, operators, conditionals, ``for``
expressions, splats, templates and Terraform's functions
(:mod:`generator.read.tffuncs`; ``try`` and ``can`` are lazy, so they live
here). Everything else -- resource attributes, data sources, module
outputs, impure functions -- is an :class:`Unknown` whose reason says why,
in words for the service owner. What Terraform would reject (a type
mismatch, a missing key) is an :class:`Unknown` too, its reason saying what
is wrong: the reader reports it where the value is needed and goes on.
"""
from __future__ import annotations

from typing import Any
from collections.abc import Callable

from generator.read.hclast import (
    Binary, Call, Cond, ForExpr, GetAttr, Index, Literal, Node, ObjectCons, Paren, Splat, SplatItem,
    Template, TFor, TIf, TupleCons, Unary, Var, traversal_text,
)
from generator.read.tfops import (
    EvalError, as_bool, attr, binary, lookup, expr_text, object_key, pairs, to_number,
)
from generator.read.tfvalues import FunctionError, Unknown, call_function, first_unknown, tf_type_name, to_tf_string

# Roots whose attributes only Terraform's plan or apply knows.
_KNOWN_ROOTS = frozenset(("var", "local", "each", "count", "path", "terraform", "self"))
_MAX_LOCAL_DEPTH = 64
_MAX_ITEMS = 100_000   # a for expression or range past this is not worth knowing
# Iterations (for, %{for}, splat) one folder may spend in all: nested loops
# in a hostile repo must not hold the build.
BUDGET = 500_000


class Scope:
    """One folder's variables and locals, plus the instance being expanded (each/count)."""

    def __init__(self, variables: dict[str, Any] | None = None, locals_: dict[str, Node] | None = None,
                 files: Any = None):
        self.variables = variables or {}
        self.locals_raw = locals_ or {}
        self.files = files
        self.each: tuple[Any, Any] | None = None
        self.count: int | None = None
        # "aws_sqs_queue.q" -> (block, {instance key: instance} or None): what the
        # plan knows of a resource is what its configuration sets (name = "x").
        self.resources: dict[str, tuple[Any, dict[Any, Any] | None]] = {}
        self._refs: list[tuple[str, str]] = []
        self._budget = [BUDGET]
        self._locals: dict[str, Any] = {}
        self._resolving: list[str] = []

    def instance(self, each: tuple[Any, Any] | None = None, count: int | None = None) -> Scope:
        """The same folder seen from one instance of a count/for_each block."""
        other = Scope.__new__(Scope)
        other.__dict__.update(self.__dict__)
        other.each, other.count = each, count
        return other

    # -- entry point ----------------------------------------------------------------------

    def evaluate(self, node: Node | None) -> Any:
        """The value of ``node``; Unknown (never an exception) when it cannot be known."""
        if node is None:
            return None
        try:
            return _ev(node, self, None)
        except EvalError as exc:
            return Unknown(str(exc))
        except RecursionError:
            return Unknown("the expression nests too deeply to be evaluated")

    # -- names ----------------------------------------------------------------------------

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self.locals_raw:
            raise EvalError(f'local.{name}: no local value "{name}" is defined in a locals block')
        if name in self._resolving:
            cycle = " -> ".join(f"local.{n}" for n in self._resolving[self._resolving.index(name):])
            return Unknown(f"local.{name}: locals refer to each other in a cycle: {cycle} -> local.{name}")
        if len(self._resolving) >= _MAX_LOCAL_DEPTH:
            return Unknown(f"local.{name}: locals refer to each other too deeply")
        self._resolving.append(name)
        try:
            base = Scope(self.variables, self.locals_raw, self.files)   # locals see no each/count
            base._locals, base._resolving = self._locals, self._resolving
            base.resources, base._refs, base._budget = self.resources, self._refs, self._budget
            value = base.evaluate(self.locals_raw[name])
        finally:
            self._resolving.pop()
        self._locals[name] = value
        return value


def _spend(scope: Scope, n: int) -> None:
    scope._budget[0] -= n
    if scope._budget[0] < 0:
        raise EvalError("the folder's expressions loop more than Lookout evaluates (nested for "
                        "expressions over large collections?)")


def _ev(node: Node, scope: Scope, env: dict[str, Any] | None) -> Any:
    return _DISPATCH[node.__class__](node, scope, env)


def _literal(node: Literal, scope: Scope, env: Any) -> Any:
    return node.value


def _paren(node: Paren, scope: Scope, env: Any) -> Any:
    return _ev(node.expr, scope, env)


def _template(node: Template, scope: Scope, env: Any) -> Any:
    parts = node.parts
    if len(parts) == 1 and isinstance(parts[0], Node):
        return _ev(parts[0], scope, env)   # "${x}" is x itself, of whatever type
    out: list[str] = []
    unknown = _render(parts, scope, env, out)
    return unknown if unknown is not None else "".join(out)


def _render(parts: list[Any], scope: Scope, env: Any, out: list[str]) -> Unknown | None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, TIf):
            cond = as_bool(_ev(part.cond, scope, env), "the condition of %{if}")
            if isinstance(cond, Unknown):
                return cond
            found = _render(part.then if cond else part.other, scope, env, out)
            if found is not None:
                return found
        elif isinstance(part, TFor):
            coll = _ev(part.coll, scope, env)
            if isinstance(coll, Unknown):
                return coll
            items = pairs(coll, "%{for}")
            _spend(scope, len(items))
            for key, value in items:
                inner = dict(env or {})
                if part.key:
                    inner[part.key] = key
                inner[part.value] = value
                found = _render(part.body, scope, inner, out)
                if found is not None:
                    return found
        else:
            value = _ev(part, scope, env)
            if isinstance(value, Unknown):
                return value
            if value is None:
                raise EvalError(f"line {part.line}: a template cannot include null (the value of "
                                f"{expr_text(part)} is null)")
            if isinstance(value, (list, dict)):
                raise EvalError(f"line {part.line}: a template can only include a string, number or bool, "
                                f"and {expr_text(part)} is a {tf_type_name(value)}")
            out.append(to_tf_string(value))
    return None


def _var(node: Var, scope: Scope, env: Any) -> Any:
    name = node.name
    if env and name in env:
        return env[name]
    if name in _KNOWN_ROOTS:
        raise EvalError(f"{name} must be followed by an attribute, such as {name}.something")
    return Unknown(f"{name} is not a value Terraform knows here (a reference to a resource needs its "
                   f"type and name, such as aws_s3_bucket.logs.id)")


def _root(node: Node) -> Var | None:
    while isinstance(node, (GetAttr, Index)):
        node = node.obj
    return node if isinstance(node, Var) else None


def _world(node: Node, root: Var) -> Unknown:
    """A reference into what only Terraform's plan knows."""
    text = traversal_text(node) or root.name
    name = root.name
    if name == "data":
        return Unknown(f"{text} is read from a data source, only known when Terraform plans")
    if name == "module":
        return Unknown(f"{text} is an output of a module, only known after apply")
    if name == "self":
        return Unknown(f"{text} is only known after apply")
    return Unknown(f"{text} is only known after apply")


def _special(node: GetAttr, root: Var, scope: Scope) -> Any:
    """var.x, local.x, each.key, count.index, path.module, terraform.workspace."""
    name, attr = root.name, node.name
    if name == "var":
        if attr not in scope.variables:
            raise EvalError(f'var.{attr}: no variable "{attr}" is declared')
        return scope.variables[attr]
    if name == "local":
        return scope.local(attr)
    if name == "each":
        if scope.each is None:
            raise EvalError(f"each.{attr} can only be used in a block that sets for_each")
        if attr == "key":
            return scope.each[0]
        if attr == "value":
            return scope.each[1]
        raise EvalError(f'each has no attribute "{attr}" (only each.key and each.value)')
    if name == "count":
        if scope.count is None:
            raise EvalError("count.index can only be used in a block that sets count")
        if attr != "index":
            raise EvalError(f'count has no attribute "{attr}" (only count.index)')
        return scope.count
    if name == "path":
        if attr in ("module", "root"):
            return "."
        return Unknown(f"path.{attr} depends on where Terraform runs")
    if name == "terraform":
        if attr == "workspace":
            return "default"
        raise EvalError(f'terraform has no attribute "{attr}"')
    return Unknown(f"self.{attr} is only known after apply")


def _getattr(node: GetAttr, scope: Scope, env: Any) -> Any:
    obj = node.obj
    if isinstance(obj, Var) and not (env and obj.name in env):
        if obj.name in _KNOWN_ROOTS:
            return _special(node, obj, scope)
        return _reference(node, obj, scope, env)
    root = _root(obj)
    if root is not None and root.name not in _KNOWN_ROOTS and not (env and root.name in env):
        return _reference(node, root, scope, env)
    return attr(_ev(obj, scope, env), node.name, node)


def _reference(node: Node, root: Var, scope: Scope, env: Any) -> Any:
    """``aws_sqs_queue.q.name``: the value its configuration sets, when it sets one."""
    chain: list[Node] = []
    n: Node = node
    while isinstance(n, (GetAttr, Index)):
        chain.append(n)
        n = n.obj
    chain.reverse()
    entry = scope.resources.get(f"{root.name}.{chain[0].name}") if isinstance(chain[0], GetAttr) else None
    if entry is None:
        return _world(node, root)
    block, instances = entry
    i = 1
    if instances is not None:
        if i >= len(chain) or not isinstance(chain[i], Index):
            return _world(node, root)
        key = _ev(chain[i].key, scope, env)
        if isinstance(key, Unknown):
            return key
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        block = instances.get(key) if isinstance(key, (str, int)) and not isinstance(key, bool) else None
        if block is None:
            return _world(node, root)
        i += 1
    if i >= len(chain) or not isinstance(chain[i], GetAttr) or chain[i].name not in block.body:
        return _world(node, root)
    mark = (block.address, chain[i].name)
    if mark in scope._refs or len(scope._refs) >= _MAX_LOCAL_DEPTH:
        return Unknown(f"{traversal_text(node)}: resources refer to each other in a cycle")
    scope._refs.append(mark)
    try:
        value = (block.scope or scope.instance()).evaluate(block.body[chain[i].name])
    finally:
        scope._refs.pop()
    for step in chain[i + 1:]:
        if isinstance(step, GetAttr):
            value = attr(value, step.name, step)
        else:
            value = lookup(value, _ev(step.key, scope, env), step)
    return value


def _index(node: Index, scope: Scope, env: Any) -> Any:
    root = _root(node)
    if root is not None and root.name not in _KNOWN_ROOTS and not (env and root.name in env):
        return _reference(node, root, scope, env)
    return lookup(_ev(node.obj, scope, env), _ev(node.key, scope, env), node)


def _splat(node: Splat, scope: Scope, env: Any) -> Any:
    src = _ev(node.src, scope, env)
    if isinstance(src, Unknown):
        return src
    if src is None:
        return []
    items = list(src) if isinstance(src, list) else [src]   # a single value splats as one
    _spend(scope, len(items))
    out = []
    for item in items:
        inner = dict(env or {})
        inner["\0splat"] = item
        out.append(_ev(node.each, scope, inner))
    return out


def _splat_item(node: SplatItem, scope: Scope, env: Any) -> Any:
    return env["\0splat"]


def _call(node: Call, scope: Scope, env: Any) -> Any:
    name = node.name[6:] if node.name.startswith("core::") else node.name
    if name in ("try", "can"):
        return _lazy(name, node, scope, env)
    args = [_ev(arg, scope, env) for arg in node.args]
    try:
        return call_function(name, args, expand_last=node.expand, files=scope.files)
    except FunctionError as exc:
        raise EvalError(f"{name}(): {exc}") from None


def _lazy(name: str, node: Call, scope: Scope, env: Any) -> Any:
    """``try``/``can``: an argument that fails is skipped; one not yet known makes the result unknown."""
    if not node.args:
        raise EvalError(f"{name}() needs at least one argument")
    if name == "can":
        if len(node.args) != 1:
            raise EvalError("can() takes exactly one argument")
        try:
            value = _ev(node.args[0], scope, env)
        except EvalError:
            return False
        unknown = first_unknown(value)
        return unknown if unknown is not None else True
    for arg in node.args:
        try:
            value = _ev(arg, scope, env)
        except EvalError:
            continue
        unknown = first_unknown(value)
        if unknown is not None:
            return unknown
        return value
    raise EvalError("try(): no expression succeeded (every argument failed)")


def _unary(node: Unary, scope: Scope, env: Any) -> Any:
    value = _ev(node.expr, scope, env)
    if isinstance(value, Unknown):
        return value
    if node.op == "!":
        flag = as_bool(value, "the operand of !")
        return flag if isinstance(flag, Unknown) else not flag
    number = to_number(value, "the operand of -")
    return -number


def _binary(node: Binary, scope: Scope, env: Any) -> Any:
    return binary(node.op, _ev(node.left, scope, env), _ev(node.right, scope, env))


def _cond(node: Cond, scope: Scope, env: Any) -> Any:
    cond = as_bool(_ev(node.cond, scope, env), "the condition")
    if isinstance(cond, Unknown):
        return cond
    chosen = _ev(node.then if cond else node.other, scope, env)
    if isinstance(chosen, (bool, int, float)):
        # Terraform gives both results one type: a number or bool beside a string becomes a string.
        try:
            other = _ev(node.other if cond else node.then, scope, env)
        except EvalError:
            other = None
        if isinstance(other, str):
            return to_tf_string(chosen)
    return chosen


def _tuple(node: TupleCons, scope: Scope, env: Any) -> Any:
    return [_ev(item, scope, env) for item in node.items]


def _object(node: ObjectCons, scope: Scope, env: Any) -> Any:
    out: dict[str, Any] = {}
    for key_node, value_node in node.items:
        key = _ev(key_node, scope, env)
        if isinstance(key, Unknown):
            return key
        out[object_key(key, key_node)] = _ev(value_node, scope, env)
    return out


def _for(node: ForExpr, scope: Scope, env: Any) -> Any:
    coll = _ev(node.coll, scope, env)
    if isinstance(coll, Unknown):
        return coll
    items = pairs(coll, "for")
    _spend(scope, len(items))
    if len(items) > _MAX_ITEMS:
        raise EvalError(f"for: {len(items)} elements are more than Lookout evaluates")
    list_out: list[Any] = []
    obj_out: dict[str, Any] = {}
    for key, value in items:
        inner = dict(env or {})
        if node.key:
            inner[node.key] = key
        inner[node.value] = value
        if node.cond is not None:
            keep = as_bool(_ev(node.cond, scope, inner), "the if clause of a for expression")
            if isinstance(keep, Unknown):
                return keep
            if not keep:
                continue
        if node.key_expr is None:
            list_out.append(_ev(node.val_expr, scope, inner))
            continue
        k = _ev(node.key_expr, scope, inner)
        if isinstance(k, Unknown):
            return k
        k = object_key(k, node.key_expr)
        v = _ev(node.val_expr, scope, inner)
        if node.group:
            obj_out.setdefault(k, []).append(v)
        elif k in obj_out:
            raise EvalError(f'for: two elements have the key "{k}" (add ... after the value to group them)')
        else:
            obj_out[k] = v
    return list_out if node.key_expr is None else obj_out


_DISPATCH: dict[type, Callable[[Any, Scope, Any], Any]] = {
    Literal: _literal, Template: _template, Var: _var, GetAttr: _getattr, Index: _index,
    Splat: _splat, SplatItem: _splat_item, Call: _call, Unary: _unary, Binary: _binary, Cond: _cond,
    Paren: _paren, TupleCons: _tuple, ObjectCons: _object, ForExpr: _for,
}
