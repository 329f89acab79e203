"""Backstage's entity validation: what @backstage/catalog-model checks.

``validate_entity(entity) -> list[str]`` returns ``[]`` when Backstage
would accept the entity, else messages in Backstage's own words. The steps
are those a descriptor goes through in the catalog backend (the version
pinned in package-lock.json; tests/test_backstage_parity.py holds Lookout
against it on thousands of generated entities):

1. ingestion (``ProcessorOutputCollector``): the envelope
   (``EntityEnvelope.schema.json``); ``metadata.annotations`` that is
   null/false/0/"" counts as ``{}``, any other non-map is refused;
2. the entity policies, in ``CatalogBuilder``'s order:
   ``SchemaValidEntityPolicy`` (``Entity`` + ``EntityMeta`` schemas),
   ``DefaultNamespaceEntityPolicy``, ``NoForeignRootFieldsEntityPolicy``
   (only apiVersion, kind, metadata, spec at the root) and
   ``FieldFormatEntityPolicy`` (names, namespaces, tags, label and
   annotation keys/values, link url/title/icon: KubernetesValidatorFunctions);
3. ``BuiltinKindsEntityProcessor``: the kind's JSON Schema
   (``kinds/<Kind>.v1alpha1.schema.json``), messages shaped like ajv's
   (``/spec must have required property 'owner'``); an unknown
   kind/apiVersion is refused ("No processor recognized ..."); then the
   references of its relation fields must parse (``parseEntityRef``).

Speed (250,000 entities a build): each schema is compiled once into plain
closures (``generator.entity.schema.Compiler``) that answer only "valid?".
Valid entities -- the vast majority -- never touch jsonschema (~13 µs in
all instead of ~165 µs); an invalid one is re-checked by jsonschema, which
is the authority and supplies the messages.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache, cache
from typing import Any
from collections.abc import Iterable

from jsonschema import Draft7Validator

import ada_url
import idna

from generator.entity.refs import RefError, js_falsy, parse_backstage_ref
from generator.entity.schema import Check, Compiler, Unsupported, docs, kind_table, registry

TEMPLATE_API_VERSIONS = frozenset({"scaffolder.backstage.io/v1beta3"})


class _Schema:
    """One schema, compiled once: a fast check plus jsonschema for messages."""

    def __init__(self, sid: str) -> None:
        doc = docs()[sid]
        self.validator = Draft7Validator(doc, registry=registry())
        try:
            self.fast: Check | None = Compiler(docs()).compile(doc, sid)
        except (Unsupported, KeyError, re.error):
            self.fast = None

    def errors(self, entity: Any) -> list[str]:
        if self.fast is not None and self.fast(entity):
            return []
        instance = _json_shaped(entity)
        return _dedupe(m for err in self.validator.iter_errors(instance) for m in _ajv_messages(err))


@cache
def _schema(sid: str) -> _Schema:
    return _Schema(sid)


def _json_shaped(value: Any) -> Any:
    """What JSON.parse would hold: string keys, JSON scalars (for jsonschema's regexes)."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else json.dumps(k, default=str): _json_shaped(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_shaped(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _dedupe(messages: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(messages))


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _ajv_messages(err: Any) -> list[str]:
    """A jsonschema error as ajv (and so Backstage) words it."""
    where = _pointer(err.absolute_path) or "<root>"
    kw, val, inst = err.validator, err.validator_value, err.instance
    if kw == "required":
        missing = [p for p in val if isinstance(inst, dict) and p not in inst]
        return [f"{where} must have required property '{p}'" for p in missing]
    if kw == "additionalProperties":
        known = set(err.schema.get("properties", {}))
        extra = [k for k in inst if k not in known] if isinstance(inst, dict) else []
        return [f"{where} must NOT have additional properties ('{k}')" for k in extra] or \
            [f"{where} must NOT have additional properties"]
    text = {
        "type": lambda: "must be " + (val if isinstance(val, str) else ",".join(val)),
        "minLength": lambda: f"must NOT have fewer than {val} characters",
        "maxLength": lambda: f"must NOT have more than {val} characters",
        "minItems": lambda: f"must NOT have fewer than {val} items",
        "maxItems": lambda: f"must NOT have more than {val} items",
        "enum": lambda: "must be equal to one of the allowed values",
        "const": lambda: "must be equal to constant",
        "pattern": lambda: f'must match pattern "{val}"',
        "minimum": lambda: f"must be >= {val}",
        "maximum": lambda: f"must be <= {val}",
        "anyOf": lambda: "must match a schema in anyOf",
        "oneOf": lambda: "must match exactly one schema in oneOf",
    }.get(kw, lambda: err.message)()
    return [f"{where} {text}"]


# --------------------------------------------------------------------------
# FieldFormatEntityPolicy / KubernetesValidatorFunctions / CommonValidatorFunctions.
# JS regexes anchor with ^...$ and $ never matches before a trailing newline,
# so these use fullmatch rather than Python's $.

_OBJECT_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]").fullmatch
_DNS_LABEL = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*").fullmatch  # runs of hyphens are fine
_TAG = re.compile(r"[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*").fullmatch
_KIND = re.compile(r"[a-zA-Z][a-z0-9A-Z]*").fullmatch
_API_SUFFIX = re.compile(r"[a-z0-9A-Z]+").fullmatch
# What String.prototype.trim() removes (WhiteSpace and LineTerminator of ECMAScript).
_JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

EXPECT_NAME = ("a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], "
               "at most 63 characters in total")
EXPECT_PREFIXED = "a valid prefix and/or suffix"
EXPECT_DNS_LABEL = "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total"
EXPECT_TAG = "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total"
EXPECT_KIND = "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total"
EXPECT_URL = "a string that is a valid url"
EXPECT_NON_EMPTY = "a non empty string"


def is_valid_object_name(v: Any) -> bool:
    return isinstance(v, str) and 1 <= len(v) <= 63 and _OBJECT_NAME(v) is not None


def is_valid_dns_label(v: Any) -> bool:
    return isinstance(v, str) and 1 <= len(v) <= 63 and _DNS_LABEL(v) is not None


def is_valid_dns_subdomain(v: Any) -> bool:
    return isinstance(v, str) and 1 <= len(v) <= 253 and all(map(is_valid_dns_label, v.split(".")))


def is_valid_tag(v: Any) -> bool:
    return isinstance(v, str) and 1 <= len(v) <= 63 and _TAG(v) is not None


def is_valid_kind(v: Any) -> bool:
    return isinstance(v, str) and 1 <= len(v) <= 63 and _KIND(v) is not None


def is_non_empty_string(v: Any) -> bool:
    return isinstance(v, str) and v.strip(_JS_SPACE) != ""


@lru_cache(maxsize=8192)  # the same few annotation/label keys recur on every entity
def is_valid_prefixed_key(v: str) -> bool:
    """``[dns-subdomain/]object-name``: label and annotation keys."""
    parts = v.split("/")
    if len(parts) == 1:
        return is_valid_object_name(parts[0])
    return len(parts) == 2 and is_valid_dns_subdomain(parts[0]) and is_valid_object_name(parts[1])


@lru_cache(maxsize=1024)
def is_valid_api_version(v: str) -> bool:
    parts = v.split("/")
    suffix_ok = lambda s: 1 <= len(s) <= 63 and _API_SUFFIX(s) is not None  # noqa: E731
    if len(parts) == 1:
        return suffix_ok(parts[0])
    return len(parts) == 2 and is_valid_dns_subdomain(parts[0]) and suffix_ok(parts[1])


@lru_cache(maxsize=16384)
def is_valid_url(v: str) -> bool:
    """What ``new URL(v)`` accepts: WHATWG URL parsing by Ada, the parser inside Node.

    Node 20/22's Ada also refuses a host label ``xn--…`` that is not valid
    Punycode of a valid IDNA label (``xn--a``, ``xn--``); the Ada bundled in
    the Python binding lets those through, so that check is made here.
    """
    if not isinstance(v, str) or "\x00" in v or not ada_url.check_url(v):
        return False
    host = ada_url.URL(v).hostname or ""
    return all(_punycode_label_ok(label) for label in host.split(".") if label.startswith("xn--"))


def _punycode_label_ok(label: str) -> bool:
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
        return decoded != "" and idna.uts46_remap(decoded, std3_rules=False, transitional=False) == decoded
    except (UnicodeError, ValueError, idna.IDNAError):
        return False


def _not_valid(field: str, expectation: str, value: Any) -> str:
    return f'"{field}" is not valid; expected {expectation} but found "{_js_str(value)}"'


def _js_str(value: Any) -> str:
    """How a template literal prints a JSON value."""
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None else _js_str(v) for v in value)
    return str(value)


def _field_format(entity: dict[str, Any]) -> list[str]:
    """FieldFormatEntityPolicy, with its field names (``labels.<key>``, ``tags.<i>``…),
    on an entity the schemas accepted (so the maps and lists have their types)."""
    out: list[str] = []
    api, kind = entity.get("apiVersion"), entity.get("kind")
    if not is_valid_api_version(api):
        out.append(_not_valid("apiVersion", EXPECT_PREFIXED, api))
    if not is_valid_kind(kind):
        out.append(_not_valid("kind", EXPECT_KIND, kind))
    meta = entity["metadata"]
    name, ns = meta.get("name"), meta.get("namespace")
    if not is_valid_object_name(name):
        out.append(_not_valid("metadata.name", EXPECT_NAME, name))
    if ns is not None and not is_valid_dns_label(ns):
        out.append(_not_valid("metadata.namespace", EXPECT_DNS_LABEL, ns))
    for group, value_ok, value_expect in (
            ("labels", lambda v: v == "" or is_valid_object_name(v), EXPECT_NAME),
            ("annotations", lambda v: isinstance(v, str), "a string")):
        for k, v in (meta.get(group) or {}).items():
            if not (isinstance(k, str) and is_valid_prefixed_key(k)):
                out.append(_not_valid(f"{group}.{k}", EXPECT_PREFIXED, k))
            if v is None:
                out.append(f"{group}.{k} must have a value")
            elif not value_ok(v):
                out.append(_not_valid(f"{group}.{k}", value_expect, v))
    for i, tag in enumerate(meta.get("tags") or ()):
        if not is_valid_tag(tag):
            out.append(_not_valid(f"tags.{i}", EXPECT_TAG, tag))
    for i, link in enumerate(meta.get("links") or ()):
        url = link.get("url")
        if url is None:
            out.append(f"links.{i}.url must have a value")
        elif not is_valid_url(url):
            out.append(_not_valid(f"links.{i}.url", EXPECT_URL, url))
        for part in ("title", "icon"):
            if part in link and not is_non_empty_string(link[part]):
                out.append(f"links.{i}.{part} must have a value" if link[part] is None
                           else _not_valid(f"links.{i}.{part}", EXPECT_NON_EMPTY, link[part]))
    return out


# --------------------------------------------------------------------------
# BuiltinKindsEntityProcessor.postProcessEntity: the fields it turns into
# relations, with the default kind each passes to parseEntityRef (none for
# dependsOn/dependencyOf: those refs must name their kind).

REF_FIELDS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "Component": (("owner", "Group"), ("subcomponentOf", "Component"), ("providesApis", "API"),
                  ("consumesApis", "API"), ("dependsOn", None), ("dependencyOf", None),
                  ("system", "System")),
    "API": (("owner", "Group"), ("system", "System")),
    "Resource": (("owner", "Group"), ("dependsOn", None), ("dependencyOf", None), ("system", "System")),
    "User": (("memberOf", "Group"),),
    "Group": (("parent", "Group"), ("children", "Group"), ("members", "User")),
    "System": (("owner", "Group"), ("domain", "Domain")),
    "Domain": (("owner", "Group"), ("subdomainOf", "Domain")),
}


def _flat(value: Any) -> list[Any]:
    """``[value].flat()``: one level of lists opened."""
    return list(value) if isinstance(value, list) else [value]


def _ref_errors(entity: dict[str, Any]) -> list[str]:
    spec = entity.get("spec") or {}
    ns = entity["metadata"].get("namespace") or "default"
    out: list[str] = []
    for field, default_kind in REF_FIELDS.get(entity["kind"], ()):
        targets = spec.get(field)
        if js_falsy(targets):
            continue
        for target in _flat(targets):
            if isinstance(target, str) and _string_ref_ok(target, default_kind is not None):
                continue
            try:
                parse_backstage_ref(target, default_kind, ns)
            except RefError as exc:
                out.append(f"spec.{field}: {exc}")
    return out


@lru_cache(maxsize=16384)  # refs recur (owners, systems): parse each spelling once
def _string_ref_ok(target: str, has_default_kind: bool) -> bool:
    try:
        parse_backstage_ref(target, "x" if has_default_kind else None)
        return True
    except RefError:
        return False


# --------------------------------------------------------------------------

ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec")


def known_kinds() -> set[tuple[str, str]]:
    """The (kind, apiVersion) pairs that have a schema here."""
    return set(kind_table())


def validate_entity(entity: Any) -> list[str]:
    """[] when Backstage would accept ``entity``; else its messages."""
    envelope = _schema("EntityEnvelope").errors(entity)
    if envelope:  # without a kind and a name nothing else can be checked
        return envelope
    meta = entity["metadata"]
    annotations = meta.get("annotations")
    if js_falsy(annotations) and "annotations" in meta:
        entity = {**entity, "metadata": {**meta, "annotations": {}}}
    elif "annotations" in meta and not isinstance(annotations, dict):
        return ["metadata.annotations must be a valid object"]
    kind, api = entity["kind"], entity["apiVersion"]
    sid = kind_table().get((kind, api))
    # The kind schema includes Entity's: when it passes, so does SchemaValidEntityPolicy
    # (the common case, checked once by the fast path).
    kind_ok = sid is not None and _schema(sid).fast is not None and _schema(sid).fast(entity)
    if not kind_ok:
        messages = _schema("Entity").errors(entity)
        if messages:  # SchemaValidEntityPolicy stops the policies here
            return messages
    messages = [f"Unknown field {k}" for k in entity if k not in ROOT_FIELDS]
    messages += _field_format(entity)
    if kind == "Template" and api in TEMPLATE_API_VERSIONS:
        # The scaffolder's processor knows these; Lookout lists them and links their owner.
        owner = (entity.get("spec") or {}).get("owner")
        if owner is not None and not (isinstance(owner, str) and owner):
            messages.append("/spec/owner must be a non-empty string")
        return messages
    if sid is None:
        return messages + [_unknown_kind(entity)]
    kind_errors = [] if kind_ok else _schema(sid).errors(entity)
    return messages + kind_errors + ([] if kind_errors else _ref_errors(entity))


def _unknown_kind(entity: dict[str, Any]) -> str:
    kind, api = entity["kind"], entity["apiVersion"]
    versions = sorted(v for (k, v) in kind_table() if k == kind)
    meta = entity["metadata"]
    ref = f"{kind}:{meta.get('namespace') or 'default'}/{meta.get('name')}".lower()
    why = (f'unknown apiVersion "{api}" for kind {kind} (known: {", ".join(versions)})' if versions
           else f'unknown kind "{kind}"')
    return (f"{why}: No processor recognized the entity {ref} as valid, "
            "possibly caused by a foreign kind or apiVersion")
