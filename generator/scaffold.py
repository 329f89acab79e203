"""Software templates: ``lookout new TEMPLATE --set key=value``.

A template is a folder with a ``template.yaml`` (typed parameters) and a
``skeleton/`` of files. Paths and contents are rendered with
``${{ values.name }}``, the placeholder syntax of Backstage's
``fetch:template``, in a sandboxed jinja2 (a template folder is content,
never code on the builder). A Backstage ``Template`` entity
(``scaffolder.backstage.io/v1beta3``) is read too: its ``spec.parameters``
(JSON-Schema form steps) become the parameters, its ``fetch:template``
step's ``url`` the skeleton.

Output is rendered into a staging folder and read back with Lookout's real
readers and linker; only a clean result is moved to ``--out``.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from generator.entity.refs import RefError, parse_ref
from generator.entity.rules import is_valid_object_name, is_valid_url
from generator.hclwrite import hcl_string

BUILTIN_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_FILE = "template.yaml"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TemplateProblem(Exception):
    """A template or a parameter value is wrong; the message names which."""


@dataclass
class Parameter:
    name: str
    title: str = ""
    description: str = ""
    type: str = "string"          # string | entity-name | entity-ref | url | email | list | boolean
    required: bool = False
    default: Any = None
    enum: list[str] | None = None
    pattern: str | None = None
    kind: str | None = None       # for entity-ref: the default kind

    def check(self, raw: Any) -> Any:
        """The value, converted; raises TemplateProblem in the rules' words."""
        if self.type == "boolean":
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in ("true", "yes", "1", "false", "no", "0"):
                return str(raw).lower() in ("true", "yes", "1")
            raise TemplateProblem(f"{self.name}: expected true or false, got {raw!r}")
        if self.type == "list":
            items = raw if isinstance(raw, list) else [s.strip() for s in str(raw).split(",")]
            return [str(s) for s in items if str(s)]
        value = str(raw)
        if self.enum and value not in self.enum:
            raise TemplateProblem(f"{self.name}: {value!r} is not one of {', '.join(self.enum)}")
        if self.pattern and not re.search(self.pattern, value):
            raise TemplateProblem(f"{self.name}: {value!r} does not match {self.pattern}")
        if self.type == "entity-name" and not is_valid_object_name(value):
            raise TemplateProblem(f"{self.name}: {value!r} is not a valid entity name: 1-63 characters "
                                  "[a-zA-Z0-9], separated by [-_.], starting and ending with a letter or digit")
        if self.type == "entity-ref":
            try:
                parse_ref(value, self.kind or "component")
            except RefError as exc:
                raise TemplateProblem(f"{self.name}: {exc}") from None
        if self.type == "url" and not is_valid_url(value):
            raise TemplateProblem(f"{self.name}: {value!r} is not a valid URL")
        if self.type == "email" and not _EMAIL.match(value):
            raise TemplateProblem(f"{self.name}: {value!r} is not an e-mail address")
        return value


@dataclass
class Template:
    name: str
    title: str
    description: str
    parameters: list[Parameter]
    skeleton: Path
    source: Path                  # the template.yaml (or Template entity) it came from
    placeholders: str = "values"  # the object the skeleton reads values from
    owner: str | None = None

    def command(self) -> str:
        sets = " ".join(f"--set {p.name}=…" for p in self.parameters if p.required)
        return f"lookout new {self.name} {sets}".strip()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description,
                "command": self.command(), "parameters": [
                    {"name": p.name, "title": p.title or p.name, "description": p.description, "type": p.type,
                     "required": p.required, "default": p.default, "enum": p.enum} for p in self.parameters]}


def _from_backstage(doc: dict[str, Any], path: Path) -> Template:
    """A scaffolder.backstage.io/v1beta3 Template: JSON-Schema form steps and a fetch:template step."""
    spec = doc.get("spec") or {}
    meta = doc.get("metadata") or {}
    params: list[Parameter] = []
    steps = spec.get("parameters") or []
    for step in steps if isinstance(steps, list) else [steps]:
        if not isinstance(step, dict):
            continue
        required = set(step.get("required") or [])
        for name, prop in (step.get("properties") or {}).items():
            prop = prop if isinstance(prop, dict) else {}
            ui = prop.get("ui:field")
            ptype = "entity-ref" if ui in ("OwnerPicker", "EntityPicker") else \
                "entity-name" if ui == "EntityNamePicker" else \
                "boolean" if prop.get("type") == "boolean" else "list" if prop.get("type") == "array" else "string"
            kinds = ((prop.get("ui:options") or {}).get("catalogFilter") or {}).get("kind")
            params.append(Parameter(name, str(prop.get("title") or ""), str(prop.get("description") or ""), ptype,
                                    name in required, prop.get("default"),
                                    [str(e) for e in prop["enum"]] if isinstance(prop.get("enum"), list) else None,
                                    prop.get("pattern"), "group" if ui == "OwnerPicker" else
                                    (kinds[0].lower() if isinstance(kinds, list) and kinds else None)))
    url = next((((s.get("input") or {}).get("url")) for s in spec.get("steps") or []
                if isinstance(s, dict) and s.get("action") == "fetch:template"), None)
    skeleton = (path.parent / str(url or "./skeleton")).resolve()
    return Template(str(meta.get("name") or path.parent.name), str(meta.get("title") or meta.get("name") or ""),
                    str(meta.get("description") or ""), params, skeleton, path, owner=spec.get("owner"))


def load_template(folder: Path) -> Template:
    path = folder / TEMPLATE_FILE
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateProblem(f"{path}: {exc}") from None
    if not isinstance(doc, dict):
        raise TemplateProblem(f"{path}: expected a mapping")
    if doc.get("kind") == "Template":
        tpl = _from_backstage(doc, path)
    else:
        params = []
        for i, raw in enumerate(doc.get("parameters") or [], 1):
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
                raise TemplateProblem(f"{path}: parameter {i} needs a name")
            known = {k: raw[k] for k in Parameter.__dataclass_fields__ if k in raw}
            unknown = sorted(set(raw) - set(known))
            if unknown:
                raise TemplateProblem(f"{path}: parameter {raw['name']!r}: unknown key(s) {', '.join(unknown)}")
            params.append(Parameter(**known))
        tpl = Template(str(doc.get("name") or folder.name), str(doc.get("title") or ""),
                       str(doc.get("description") or ""), params, (folder / "skeleton").resolve(), path)
    root = folder.resolve()
    if not tpl.skeleton.is_dir() or not tpl.skeleton.is_relative_to(root):
        raise TemplateProblem(f"{path}: the skeleton {tpl.skeleton} is not a folder inside the template")
    return tpl


def find_templates(extra_dirs: list[Path] = ()) -> dict[str, Template]:
    """Built-in templates, then each configured folder's (a folder of templates, or one template)."""
    found: dict[str, Template] = {}
    for base in [BUILTIN_DIR, *extra_dirs]:
        if (base / TEMPLATE_FILE).is_file():
            folders = [base]
        else:
            folders = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
        for folder in folders:
            if (folder / TEMPLATE_FILE).is_file():
                tpl = load_template(folder)
                found[tpl.name] = tpl   # an organisation's template may replace a built-in one
    return found


def resolve_values(tpl: Template, given: dict[str, str], ask=None) -> dict[str, Any]:
    """Every parameter's value: given, else asked (on a terminal), else its default; all checked."""
    unknown = sorted(set(given) - {p.name for p in tpl.parameters})
    if unknown:
        raise TemplateProblem(f"template {tpl.name!r} has no parameter {', '.join(unknown)} "
                              f"(it has: {', '.join(p.name for p in tpl.parameters)})")
    values: dict[str, Any] = {}
    missing = []
    for p in tpl.parameters:
        if p.name in given:
            values[p.name] = p.check(given[p.name])
        elif ask is not None and (p.required or p.default is None):
            while True:
                raw = ask(p)
                if raw in (None, "") and not p.required:
                    values[p.name] = p.default
                    break
                try:
                    values[p.name] = p.check(raw)
                    break
                except TemplateProblem as exc:
                    print(exc)   # asked again
        elif p.default is not None:
            values[p.name] = p.check(p.default)
        elif p.required:
            missing.append(p.name)
        else:
            values[p.name] = [] if p.type == "list" else None
    if missing:
        raise TemplateProblem(f"template {tpl.name!r} needs {', '.join('--set ' + m + '=…' for m in missing)}")
    return values


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(variable_start_string="${{", variable_end_string="}}",
                               undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["hcl"] = lambda v: hcl_string(str(v))
    env.filters["yaml"] = lambda v: json.dumps(v, ensure_ascii=False)   # JSON is YAML, and always quoted
    return env


def render(tpl: Template, values: dict[str, Any], dest: Path) -> list[str]:
    """Render the skeleton into ``dest`` (an empty folder); returns the relative paths written."""
    env = _environment()
    ctx = {tpl.placeholders: values}
    written = []
    for src in sorted(tpl.skeleton.rglob("*")):
        if src.is_symlink() or not src.is_file():
            continue   # a template's links are not followed
        rel = src.relative_to(tpl.skeleton).as_posix()
        try:
            out_rel = env.from_string(rel).render(ctx)
            text = env.from_string(src.read_text(encoding="utf-8")).render(ctx)
        except (TemplateError, UnicodeDecodeError) as exc:
            raise TemplateProblem(f"{tpl.name}: skeleton/{rel}: {exc}") from None
        parts = Path(out_rel).parts
        if not out_rel or Path(out_rel).is_absolute() or ".." in parts:
            raise TemplateProblem(f"{tpl.name}: skeleton/{rel} renders to {out_rel!r}, outside the output")
        (dest / out_rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / out_rel).write_text(text, encoding="utf-8")
        written.append(out_rel)
    return written


@dataclass
class Created:
    out: Path
    files: list[str] = field(default_factory=list)


def create(tpl: Template, values: dict[str, Any], out: Path, check) -> Created:
    """Render, check (``check(folder) -> list of error lines``), and only then move into ``out``."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TemplateProblem(f"{out} exists and is not empty; nothing written")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".lookout-new-", dir=out.parent) as tmp:
        stage = Path(tmp) / out.name
        stage.mkdir()
        files = render(tpl, values, stage)
        errors = check(stage)
        if errors:
            raise TemplateProblem("the rendered files do not pass `lookout validate`; nothing written:\n  "
                                  + "\n  ".join(errors))
        if out.exists():
            out.rmdir()
        os.replace(stage, out)
    return Created(out, files)


def check_rendered(folder: Path, cfg, published=None) -> list[str]:
    """What `lookout validate` calls an error in a rendered repo, as ``file:line: message``.

    Without a published catalog, references to other repos' entities are not checked (as
    validate does). Loose descriptor files (a team's Group, meant for the org repo) are
    checked as Backstage would.
    """
    from generator.entity.rules import validate_entity
    from generator.validate import validate_repos

    result = validate_repos([folder], cfg, published)
    errors = [f"{p.file}:{p.line}: {p.message}" for p in result.problems if p.severity == "error"]
    for path in sorted(folder.glob("*.yaml")):
        if path.name in ("catalog-info.yaml", "mkdocs.yml", "mkdocs.yaml") or path.name.startswith("."):
            continue
        try:
            docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: {exc}")
            continue
        for doc in docs:
            errors += [f"{path.name}: {m}" for m in validate_entity(doc)]
    return errors
