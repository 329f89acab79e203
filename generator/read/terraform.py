"""Read a repo's ``.af/*.tf`` into entity drafts and problems (DESIGN 3).

    read_terraform(repo, cfg, af_dir=".af") -> ReadResult

Pure: it reads files only through :mod:`generator.safefs` (see
:func:`generator.read.hcl.read_folder`), writes nothing,
and never raises on bad input. A service module becomes a Component, each
resource (and resource module) a Resource, each ``data`` block naming a
known type a Lookup on the Component(s). Whatever cannot be read, resolved
or understood becomes a Problem with file and line, and the rest goes on.
"""
from __future__ import annotations

from typing import Any

from generator.config import ReadConfig
from generator.model import (
    ANN_FILE, ANN_LINE, ANN_MANAGED_BY, ANN_ORIGIN, ANN_PAGERDUTY, ANN_PHYSICAL_NAME, ANN_REPO,
    ANN_TF_ADDRESS, ANN_TF_TYPE, Draft, Location, Lookup, Problem, ReadResult, Repo, Severity,
)
from generator.read.hcl import Block, read_folder
from generator.read.hclast import GetAttr, Literal, Template, TupleCons, Var, walk
from generator.read.resource_types import (
    TypeSpec, entity_name, is_part, is_service_module, resource_module, resource_type, tag_name,
)
from generator.read.tfeval import Scope
from generator.read.tfexpand import expand
from generator.read.tffiles import RepoFiles
from generator.read.tfvalues import Unknown, describe

API_VERSION = "backstage.io/v1alpha1"
# Which module a Resource read from a resource module came from.
ANN_MODULE_SOURCE = "lookout/terraform-module-source"
_LINK_KEYS = ("url", "title", "icon", "type")
_NOT_BLOCKS = frozenset(("var", "local", "each", "count", "path", "terraform", "self"))
_ABSENT = object()


class _Reader:
    def __init__(self, repo: Repo, cfg: ReadConfig, af_dir: str):
        self.repo, self.cfg = repo, cfg
        self.af = af_dir.rstrip("/") or "."
        self.ns = cfg.namespace
        self.out = ReadResult()
        self.blocks: list[Block] = []
        self.tfvars: dict[str, Any] = {}
        self.unreadable: list[str] = []
        self.scope = Scope()
        self.resource_names: dict[str, str] = {}   # address -> entity name
        self.taken: set[str] = set()                # Resource names used, lower-cased
        self.system: str | None = None

    # -- problems and locations ---------------------------------------------------------

    def loc(self, b: Block, attr: str | None = None) -> Location:
        return Location(self.repo.name, b.file, b.line_of(attr))

    def sc(self, d: Block) -> Scope:
        """The scope an instance is evaluated in (count.index / each.* known), else the folder's."""
        return d.scope or self.scope

    def problem(self, severity: Severity, message: str, loc: Location | None, ref: str | None = None) -> None:
        self.out.problems.append(Problem.at(severity, message, loc, ref))

    # -- loading ------------------------------------------------------------------------

    def load(self) -> None:
        folder = read_folder(self.repo.name, self.repo.path, self.af)
        self.out.problems.extend(folder.problems)
        self.blocks, self.tfvars, self.unreadable = folder.blocks, folder.tfvars, folder.unreadable

    def build_scope(self) -> None:
        # Terraform allows no references in a variable default or in tfvars,
        # so both are evaluated against an empty scope.
        empty = Scope()
        variables: dict[str, Any] = {}
        locals_raw: dict[str, Any] = {}
        for d in self.blocks:
            if d.type == "variable" and len(d.labels) == 1:
                name = d.labels[0]
                if name in variables:
                    continue
                if name in self.tfvars:
                    variables[name] = empty.evaluate(self.tfvars[name])
                elif "default" in d.body:
                    variables[name] = empty.evaluate(d.body["default"])
                else:
                    variables[name] = Unknown(f'var.{name} has no value: variable "{name}" has no default and '
                                              "no value in terraform.tfvars or *.auto.tfvars")
            elif d.type == "locals":
                locals_raw.update(d.body)
        self.scope = Scope(variables, locals_raw, RepoFiles(self.repo.path, self.af))

    # -- checked attribute access ---------------------------------------------------------

    def value(self, d: Block, attr: str, ref: str | None, then: str = "left out") -> Any:
        """An attribute resolved, or _ABSENT when missing or unresolvable (that is reported)."""
        if attr not in d.body:
            return _ABSENT
        value = self.sc(d).evaluate(d.body[attr])
        if isinstance(value, Unknown):
            self.problem("warning", f'{d.address}: "{attr}" does not resolve: {value}; {then}',
                         self.loc(d, attr), ref)
            return _ABSENT
        return value

    def string(self, d: Block, attr: str, ref: str | None, then: str = "left out") -> str | None:
        """A string attribute; anything else is reported (ending "; <then>") and treated as absent."""
        value = self.value(d, attr, ref, then)
        if value is _ABSENT or isinstance(value, str):
            return None if value is _ABSENT else value
        self.problem("error", f'{d.address}: "{attr}" must be a string, got {describe(value)}; {then}',
                     self.loc(d, attr), ref)
        return None

    def items(self, d: Block, attr: str, ref: str | None, what: str = "a list of strings") -> list[Any]:
        """The resolved items of a list attribute (Unknown items included)."""
        value = self.value(d, attr, ref)
        if value is _ABSENT or isinstance(value, list):
            return [] if value is _ABSENT else value
        self.problem("error", f'{d.address}: "{attr}" must be {what}, got {describe(value)}; left out',
                     self.loc(d, attr), ref)
        return []

    def strings(self, d: Block, attr: str, ref: str | None) -> list[str]:
        out = []
        for item in self.items(d, attr, ref):
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, Unknown):
                self.problem("warning", f'{d.address}: an item of "{attr}" does not resolve: {item}; left out',
                             self.loc(d, attr), ref)
            else:
                self.problem("error", f'{d.address}: "{attr}" must hold strings only, got {describe(item)}',
                             self.loc(d, attr), ref)
        return out

    # -- drafts -------------------------------------------------------------------------

    def annotations(self, d: Block) -> dict[str, str]:
        url = self.repo.blob_url(d.file)
        where = f"url:{url}" if url else f"file:{self.repo.name}/{d.file}"
        return {ANN_TF_ADDRESS: d.address, ANN_REPO: self.repo.name, ANN_FILE: d.file,
                ANN_LINE: str(d.line), ANN_MANAGED_BY: where, ANN_ORIGIN: where}

    def draft(self, d: Block, kind: str, name: str, metadata: dict[str, Any], spec: dict[str, Any]) -> Draft:
        # Only fields the .tf sets: link merges a YAML descriptor of the same
        # entity under these, and an empty list here would shadow YAML's.
        meta = {"name": name, "namespace": self.ns, **{k: v for k, v in metadata.items() if v != []}}
        spec = {k: v for k, v in spec.items() if v != []}
        entity = {"apiVersion": API_VERSION, "kind": kind, "metadata": meta, "spec": spec}
        return Draft(entity, self.loc(d), "terraform")

    def component(self, d: Block, fallback: str) -> Draft:
        then = f"the Component is named {fallback!r}"
        raw_name = self.string(d, "service_name", None, then)
        name = entity_name(raw_name) if raw_name else None
        if name is None:
            if "service_name" not in d.body:
                self.problem("error", f"{d.address} has no service_name; {then}", self.loc(d))
            elif raw_name is not None:
                self.problem("error", f"{d.address}: service_name {raw_name!r} has nothing usable as an "
                             f"entity name; {then}", self.loc(d, "service_name"))
            name = fallback
        ref = f"component:{self.ns}/{name}".lower()
        meta: dict[str, Any] = {}
        if raw_name and raw_name != name:
            meta["title"] = raw_name
        description = self.string(d, "description", ref)
        if description is not None:
            meta["description"] = description
        tags = [self.string(d, "language", ref) or ""] + self.strings(d, "tags", ref)
        meta["tags"] = list(dict.fromkeys(t for t in map(tag_name, filter(None, tags)) if t))
        meta["links"] = self.links(d, ref)
        meta["annotations"] = self.annotations(d)
        pagerduty = self.string(d, "pagerDutyServiceID", ref)
        if pagerduty:
            meta["annotations"][ANN_PAGERDUTY] = pagerduty
        spec: dict[str, Any] = {"type": self.string(d, "type", ref) or "service"}
        lifecycle = self.string(d, "lifecycle", ref)
        if lifecycle:
            spec["lifecycle"] = lifecycle
        elif "lifecycle" not in d.body:
            self.problem("warning", f'{d.address}: no lifecycle; add lifecycle = "production" (or '
                         '"experimental", "deprecated"…) to the service module', self.loc(d), ref)
        for field, attr in (("owner", "owner"), ("system", "system")):
            value = self.string(d, attr, ref)
            if value:
                spec[field] = value
        spec["dependsOn"] = self.entity_refs(d, ref)
        spec["providesApis"] = self.strings(d, "provides_apis", ref)
        spec["consumesApis"] = self.strings(d, "consumes_apis", ref)
        draft = self.draft(d, "Component", name, meta, spec)
        for field, attr in (("owner", "owner"), ("system", "system"), ("dependsOn", "dependencies"),
                            ("providesApis", "provides_apis"), ("consumesApis", "consumes_apis")):
            if attr in d.body:
                draft.field_locations[field] = self.loc(d, attr)
        return draft

    def links(self, d: Block, ref: str) -> list[dict[str, str]]:
        out = []
        for item in self.items(d, "links", ref, "a list of {url, title} objects"):
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                self.problem("error", f'{d.address}: each item of "links" must be an object with a string '
                             f'"url" (and optional "title"), got {describe(item)}', self.loc(d, "links"), ref)
                continue
            link = {k: item[k] for k in _LINK_KEYS if isinstance(item.get(k), str)}
            bad = sorted(k for k in item if k not in link)
            if bad:
                self.problem("warning", f'{d.address}: link {link["url"]!r}: {", ".join(bad)} left out '
                             f'(only string {", ".join(_LINK_KEYS)} are kept)', self.loc(d, "links"), ref)
            out.append(link)
        return out

    def entity_refs(self, d: Block, ref: str) -> list[str]:
        """``dependencies``: entity refs as strings ("component:cart-service").

        ``depends_on`` is Terraform's meta-argument and takes references
        only: a string in it makes ``terraform validate`` fail, so it is an
        error that says what to write instead (the ref is still kept, so an
        old .af folder loses no edge). References to this folder's resources
        are already covered: the Component depends on them all.
        """
        out = self.strings(d, "dependencies", ref)
        node = d.body.get("depends_on")
        if node is None:
            return out
        items = node.items if isinstance(node, TupleCons) else None
        if items is None:
            self.problem("error", f'{d.address}: "depends_on" must be a list of references to resources '
                         "or modules, as Terraform requires; ignored", self.loc(d, "depends_on"), ref)
            return out
        strings = []
        for item in items:
            if isinstance(item, (Template, Literal)):
                value = self.sc(d).evaluate(item)
                if isinstance(value, str):
                    strings.append(value)
        if strings:
            listed = ", ".join(f'"{v}"' for v in strings)
            self.problem("error", f'{d.address}: Terraform rejects a string in depends_on, which takes '
                         f"references to resources and modules only ({listed}); write "
                         f"dependencies = [{listed}] instead", self.loc(d, "depends_on"), ref)
            out.extend(v for v in strings if v not in out)
        return out

    # -- resources ----------------------------------------------------------------------

    def physical_name(self, d: Block, attrs: tuple[str, ...]) -> tuple[str | None, Severity, str]:
        """(name, "info", "") when one of ``attrs`` holds a string, else (None, severity, why)."""
        for attr in attrs:
            top, _, rest = attr.partition(".")
            value: Any = d.body.get(top, _ABSENT)
            if value is _ABSENT:
                continue
            value = self.sc(d).evaluate(value)
            for key in rest.split(".") if rest else ():
                if isinstance(value, dict):
                    value = value.get(key, _ABSENT)
            if value is _ABSENT:
                continue
            if isinstance(value, str) and value:
                return value, "info", ""
            if isinstance(value, Unknown):
                return None, "warning", f'the name in "{attr}" does not resolve: {value}'
            if value is None or value == "":
                # Left to the provider, which then makes a name up at apply time.
                return None, "info", f'"{attr}" is {describe(value)}, so its physical name is unknown'
            return None, "error", f'"{attr}" must be a string, got {describe(value)}'
        names = " or ".join(f'"{a}"' for a in attrs)
        return None, "info", f"has no {names}, so its physical name is unknown"

    def resource_name(self, d: Block, spec: TypeSpec | None, service: str) -> tuple[str, str | None, list]:
        """(entity name, physical name or None, problems to report once the ref is known)."""
        tf_type = "module" if d.type == "module" else d.labels[0]
        physical, severity, why, notes = None, "info", "", []
        if spec is None:
            why = (f"Terraform type {tf_type!r} is not in Lookout's table, so it is kept as a Resource "
                   f"of type {tf_type!r}; add it under resource_types in lookout.yaml to name it by "
                   "its physical name")
        elif spec.name_attrs:
            physical, severity, why = self.physical_name(d, spec.name_attrs)
        name = entity_name(physical) if physical else None
        if physical and name is None:
            why = f"its physical name {physical!r} has nothing usable as an entity name"
        if name is None:
            key = "" if d.key is None else f"-{d.key}"
            name = entity_name(f"{service}-{d.labels[-1]}{key}") or service
            if why:
                notes.append((severity, f"{d.address}: {why}; named {name!r}"))
        if name.lower() in self.taken:
            # A queue and a topic called "orders" in one folder are common; a
            # Resource may be named once per namespace, so the later one yields.
            # Instances of one block (a Name tag shared by count = 2) differ by their key.
            suffix = spec.type if spec else tf_type
            # (A name made up from the label already carries the key.)
            base = entity_name(f"{name}-{suffix if d.key is None or physical is None else d.key}") or name
            unique, n = base, 2
            while unique.lower() in self.taken:
                unique, n = entity_name(f"{base[:58]}-{n}") or f"{base[:58]}-{n}", n + 1
            notes.append(("info", f"{d.address}: the name {name!r} is already used by another Resource "
                          f"declared in {self.af}; named {unique!r}"))
            name = unique
        self.taken.add(name.lower())
        return name, physical, notes

    def resource(self, d: Block, spec: TypeSpec | None, service: str, owner: str | None,
                 inherited: dict[str, Location]) -> Draft:
        tf_type = "module" if d.type == "module" else d.labels[0]
        name, physical, notes = self.resource_name(d, spec, service)
        ref = f"resource:{self.ns}/{name}".lower()
        for severity, message in notes:
            self.problem(severity, message, self.loc(d), ref)
        meta: dict[str, Any] = {"annotations": self.annotations(d)}
        if physical and physical != name:
            meta["title"] = physical
        meta["annotations"][ANN_TF_TYPE] = tf_type
        if physical:
            meta["annotations"][ANN_PHYSICAL_NAME] = physical
        if d.type == "module":
            meta["annotations"][ANN_MODULE_SOURCE] = str(self.sc(d).evaluate(d.body.get("source")))
        out: dict[str, Any] = {"type": spec.type if spec else tf_type}
        tagged = self.owner_tag(d, ref, owner)
        if tagged:
            out["owner"] = tagged
        if self.system:
            out["system"] = self.system
        draft = self.draft(d, "Resource", name, meta, out)
        # Inherited values are reported where they are written (the service module).
        draft.field_locations.update({k: v for k, v in inherited.items() if k in out})
        tags = self.sc(d).evaluate(d.body.get("tags"))
        if isinstance(tags, dict) and any(k.lower() == "owner" for k in tags):
            draft.field_locations["owner"] = self.loc(d, "tags")
        return draft

    def owner_tag(self, d: Block, ref: str, default: str | None) -> str | None:
        """An ``owner``/``Owner`` tag overrides the service owner."""
        tags = self.sc(d).evaluate(d.body.get("tags"))
        key = next((k for k in tags if k.lower() == "owner"), None) if isinstance(tags, dict) else None
        if key is None:
            return default  # no tag, or tags computed (merge(...)): the service owner it is
        value = tags[key]
        if isinstance(value, str) and value:
            return value
        if isinstance(value, Unknown):
            self.problem("warning", f'{d.address}: its "{key}" tag does not resolve: {value}; the '
                         "Resource is left without an owner", self.loc(d, "tags"), ref)
        else:
            self.problem("error", f'{d.address}: its "{key}" tag must be a string naming a group, got '
                         f"{describe(value)}; the Resource is left without an owner", self.loc(d, "tags"), ref)
        return None

    def references(self, d: Block, all_blocks: bool = False) -> list[str]:
        """Block addresses ``d`` mentions anywhere, in source order: this folder's
        resources, or with ``all_blocks`` any resource, data source or module."""
        found: list[tuple[int, str]] = []
        for expr in d.expressions():
            for node in walk(expr):
                if not isinstance(node, GetAttr):
                    continue
                obj = node.obj
                if isinstance(obj, Var):
                    root = obj.name
                    # A resource type always has its provider's prefix ("aws_"); this
                    # keeps for-expression variables (s.name) out.
                    if root == "module" or ("_" in root and root not in _NOT_BLOCKS):
                        found.append((node.line, f"{root}.{node.name}"))
                elif isinstance(obj, GetAttr) and isinstance(obj.obj, Var) and obj.obj.name == "data":
                    found.append((node.line, f"data.{obj.name}.{node.name}"))
        found.sort(key=lambda item: item[0])    # nested blocks come after attributes in the body
        own = d.base_address
        return list(dict.fromkeys(a for _, a in found if a != own and (all_blocks or a in self.resource_names)))

    def lookup(self, d: Block, components: list[Draft]) -> None:
        spec = resource_type(d.labels[0], self.cfg)
        if spec is None or not spec.data_name_attrs:
            return  # AMIs, policy documents, caller identity…: nothing in the catalog
        physical, severity, why = self.physical_name(d, spec.data_name_attrs)
        if physical is None:
            # Not knowing which resource a lookup means loses an edge, nothing more.
            self.problem("error" if severity == "error" else "info",
                         f"{d.address}: {why}; the dependency on it is not recorded", self.loc(d))
            return
        if not components:
            self.problem("info", f"{d.address} looks up {spec.type} {physical!r}, but {self.af} has no "
                         "service module, so no Component depends on it", self.loc(d))
        for draft in components:
            draft.lookups.append(Lookup(spec.type, physical, d.address, self.loc(d)))

    # -- the whole folder ---------------------------------------------------------------

    def classify(self) -> tuple[list[Block], list[tuple[Block, TypeSpec | None]], list[Block]]:
        """Service modules, resources (and resource modules), data blocks."""
        services, resources, data = [], [], []
        seen: dict[str, Block] = {}
        want = {"resource": 2, "data": 2, "module": 1}
        for d in self.blocks:
            b = d
            if b.type not in want:
                continue
            if len(b.labels) != want[b.type]:
                self.problem("error", f'a "{b.type}" block needs {want[b.type]} label(s), got '
                             f"{len(b.labels)}; ignored", self.loc(d))
                continue
            if d.address in seen:
                first = seen[d.address]
                self.problem("error", f"{d.address} is declared twice, at {first.file}:{first.line} and "
                             "here; only the first is read", self.loc(d))
                continue
            seen[d.address] = d
            if b.type == "resource":
                spec = resource_type(b.labels[0], self.cfg)
                resources.extend((inst, spec) for inst in self.instances(d))
            elif b.type == "data":
                data.extend(self.instances(d))
            else:
                # Terraform requires a literal source, so anything else is not ours to judge.
                source = self.scope.evaluate(b.body.get("source"))
                if isinstance(source, str) and is_service_module(source, self.cfg):
                    services.append(d)
                elif isinstance(source, str) and (spec := resource_module(source, self.cfg)):
                    resources.extend((inst, spec) for inst in self.instances(d))
        return services, resources, data

    def instances(self, d: Block) -> list[Block]:
        """count / for_each expanded (tfexpand); its problems go to the block's meta-argument."""
        found, notes = expand(d, self.scope)
        for severity, message, attr in notes:
            self.problem(severity, message, self.loc(d, attr))
        return found

    def run(self) -> None:
        services, resources, data = self.classify()
        for d, _ in resources:
            if d.type == "resource":
                block, instances = self.scope.resources.setdefault(d.base_address, (d, {} if d.key is not None else None))
                if instances is not None:
                    instances[d.key] = d
        # Block address -> the entity names of its instances: a reference to
        # aws_sqs_queue.c is a dependency on every instance of it.
        self.resource_names = {d.base_address: [] for d, _ in resources}
        repo_name = entity_name(self.repo.name) or "repo"
        components = []
        for i, d in enumerate(services):
            fallback = repo_name if i == 0 else entity_name(f"{repo_name}-{d.labels[0]}") or repo_name
            components.append(self.component(d, fallback))
        first = components[0].entity if components else None
        service = first["metadata"]["name"] if first else repo_name
        owner = first["spec"].get("owner") if first else None
        self.system = first["spec"].get("system") if first else None
        inherited = {k: v for k, v in (components[0].field_locations if components else {}).items()
                     if k in ("owner", "system")}
        drafts = []
        # Blocks that fold into another Resource (read/fold.py) choose their names last,
        # so that a versioning block never takes the name its bucket wants.
        for d, spec in sorted(resources, key=lambda item: _folds(item[0], self.cfg)):
            draft = self.resource(d, spec, service, owner, inherited)
            self.resource_names[d.base_address].append(draft.entity["metadata"]["name"])
            drafts.append((d, draft))
        order = {id(d): i for i, (d, _) in enumerate(resources)}
        drafts.sort(key=lambda item: order[id(item[0])])
        for d, draft in drafts:
            draft.references = self.references(d, all_blocks=True)
            refs = [f"resource:{name}" for a in draft.references if a in self.resource_names
                    for name in self.resource_names[a] if name != draft.entity["metadata"]["name"]]
            if refs:
                draft.entity["spec"]["dependsOn"] = list(dict.fromkeys(refs))
        for d in data:
            self.lookup(d, components)
        for draft in components:
            deps = draft.entity["spec"].get("dependsOn", [])
            deps += [f"resource:{name}" for names in self.resource_names.values() for name in names]
            if deps:
                draft.entity["spec"]["dependsOn"] = list(dict.fromkeys(deps))
        if self.unreadable and not components:
            # The service module (and its owner) may be in the file that did not
            # parse; that syntax error is the one problem, not one per Resource.
            for _, draft in drafts:
                draft.owner_explained = "owner" not in draft.entity["spec"]
        self.out.drafts.extend(components)
        self.out.drafts.extend(draft for _, draft in drafts)


def _folds(d: Block, cfg: ReadConfig) -> bool:
    return d.type == "resource" and is_part(d.labels[0], cfg)


def read_terraform(repo: Repo, cfg: ReadConfig, af_dir: str = ".af") -> ReadResult:
    """Drafts and problems from ``<repo>/<af_dir>/*.tf`` (see the module doc)."""
    reader = _Reader(repo, cfg, af_dir)
    try:
        reader.load()
        reader.build_scope()
        reader.run()
    except RecursionError:
        # Parsing already refuses deep nesting; this guards the walks over
        # the values that did parse.
        reader.problem("error", f"{reader.af}: a value nests too deeply to be read; the folder was "
                       "read only in part", Location(repo.name, reader.af))
    return reader.out
