"""Backstage's entity validation: what @backstage/catalog-model checks.

``validate_entity(entity) -> list[str]`` returns ``[]`` when Backstage
would accept the entity, else messages in Backstage's own words:

1. the envelope (``EntityEnvelope.schema.json``), as Backstage's
   ``entityEnvelopeSchemaValidator``; nothing else is checked when it fails;
2. the kind's JSON Schema (``kinds/<Kind>.<version>.schema.json``, which
   includes ``Entity`` and ``EntityMeta``), messages shaped like ajv's
   (``/spec must have required property 'owner'``); an unknown
   kind/apiVersion gets the Entity schema and an "unknown kind" message,
   because Backstage rejects what no processor recognises;
3. ``FieldFormatEntityPolicy``: names, namespaces, tags, label and
   annotation keys/values, link URLs (KubernetesValidatorFunctions).

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
_DNS_LABEL = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*").fullmatch
_TAG = re.compile(r"[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*").fullmatch
_KIND = re.compile(r"[a-zA-Z][a-z0-9A-Z]*").fullmatch
_API_SUFFIX = re.compile(r"[a-z0-9A-Z]+").fullmatch
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
_FORBIDDEN_HOST = frozenset(" #%/:<>?@[\\]^|\t\n\r\x00")

EXPECT_NAME = ("a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], "
               "at most 63 characters in total")
EXPECT_PREFIXED = "a valid prefix and/or suffix"
EXPECT_DNS_LABEL = "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total"
EXPECT_TAG = "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total"
EXPECT_KIND = "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total"
EXPECT_URL = "a string that is a valid url"


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
    """What ``new URL(v)`` (WHATWG, no base) accepts, closely enough.

    It needs a scheme; http(s)/ws(s)/ftp need a host without forbidden
    characters and a numeric port; other schemes (mailto:, file:, urn:) take
    an opaque rest.
    """
    s = v.strip(" \t\n\r\x00\x0b\x0c")
    m = _URL_SCHEME.match(s)
    if not m:
        return False
    if m.group(1).lower() not in _SPECIAL_SCHEMES:
        return True
    rest = s[m.end():].lstrip("/\\")
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        host, _, tail = hostport[1:].partition("]")
        if not host or (tail and not tail.startswith(":")):
            return False
        port = tail[1:]
    else:
        host, _, port = hostport.partition(":")
        if not host or any(c in _FORBIDDEN_HOST for c in host):
            return False
    return port == "" or (port.isdigit() and int(port) <= 65535)


def _not_valid(field: str, expectation: str, value: Any) -> str:
    return f'"{field}" is not valid; expected {expectation} but found "{value}"'


def _field_format(entity: dict[str, Any]) -> list[str]:
    """FieldFormatEntityPolicy, with its field names (``labels.<key>``, ``tags.<i>``…);
    values of the wrong type were already reported by the schema."""
    out: list[str] = []
    api, kind = entity.get("apiVersion"), entity.get("kind")
    if isinstance(api, str) and not is_valid_api_version(api):
        out.append(_not_valid("apiVersion", EXPECT_PREFIXED, api))
    if isinstance(kind, str) and not is_valid_kind(kind):
        out.append(_not_valid("kind", EXPECT_KIND, kind))
    meta = entity.get("metadata")
    if not isinstance(meta, dict):
        return out
    name, ns = meta.get("name"), meta.get("namespace")
    if isinstance(name, str) and not is_valid_object_name(name):
        out.append(_not_valid("metadata.name", EXPECT_NAME, name))
    if isinstance(ns, str) and not is_valid_dns_label(ns):
        out.append(_not_valid("metadata.namespace", EXPECT_DNS_LABEL, ns))
    for group, value_ok, value_expect in (
            ("labels", lambda v: v == "" or is_valid_object_name(v), EXPECT_NAME),
            ("annotations", lambda v: isinstance(v, str), "a string")):
        pairs = meta.get(group)
        if not isinstance(pairs, dict):
            continue
        for k, v in pairs.items():
            if not isinstance(k, str) or not is_valid_prefixed_key(k):
                out.append(_not_valid(f"{group}.{k}", EXPECT_PREFIXED, k))
            if isinstance(v, str) and not value_ok(v):
                out.append(_not_valid(f"{group}.{k}", value_expect, v))
    tags = meta.get("tags")
    if isinstance(tags, list):
        for i, tag in enumerate(tags):
            if isinstance(tag, str) and not is_valid_tag(tag):
                out.append(_not_valid(f"tags.{i}", EXPECT_TAG, tag))
    links = meta.get("links")
    if isinstance(links, list):
        for i, link in enumerate(links):
            url = link.get("url") if isinstance(link, dict) else None
            if isinstance(url, str) and not is_valid_url(url):
                out.append(_not_valid(f"links.{i}.url", EXPECT_URL, url))
    return out


# --------------------------------------------------------------------------

def known_kinds() -> set[tuple[str, str]]:
    """The (kind, apiVersion) pairs that have a schema here."""
    return set(kind_table())


def validate_entity(entity: Any) -> list[str]:
    """[] when Backstage would accept ``entity``; else its messages."""
    envelope = _schema("EntityEnvelope").errors(entity)
    if envelope:  # without a kind and a name nothing else can be checked
        return envelope
    kind, api = entity["kind"], entity["apiVersion"]
    sid = None if (kind == "Template" and api in TEMPLATE_API_VERSIONS) else kind_table().get((kind, api))
    messages = _schema(sid or "Entity").errors(entity)
    messages += _field_format(entity)
    if sid is None and not (kind == "Template" and api in TEMPLATE_API_VERSIONS):
        messages.append(_unknown_kind(entity))
    return messages


def _unknown_kind(entity: dict[str, Any]) -> str:
    kind, api = entity["kind"], entity["apiVersion"]
    versions = sorted(v for (k, v) in kind_table() if k == kind)
    meta = entity["metadata"]
    ref = f"{kind}:{meta.get('namespace') or 'default'}/{meta.get('name')}".lower()
    why = (f'unknown apiVersion "{api}" for kind {kind} (known: {", ".join(versions)})' if versions
           else f'unknown kind "{kind}"')
    return (f"{why}: No processor recognized the entity {ref} as valid, "
            "possibly caused by a foreign kind or apiVersion")
