"""Backstage's validation rules (generator.entity.rules)."""
from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from generator.entity.rules import _schema, is_valid_url, known_kinds, validate_entity
from generator.entity.schema import SCHEMA_DIR, kind_table

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpus/backstage"


def component(**meta: object) -> dict:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "orders", "namespace": "default", **meta},
        "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/payments"},
    }


def test_schemas_are_copied_with_licence() -> None:
    assert (SCHEMA_DIR / "LICENSE").is_file()
    notice = (SCHEMA_DIR / "NOTICE").read_text()
    assert "Apache" in notice and "packages/catalog-model/src/schema" in notice
    kinds = {k for k, _ in known_kinds()}
    assert {"Component", "API", "Resource", "System", "Domain", "Group", "User", "Location"} <= kinds


def test_every_schema_compiles_to_the_fast_path() -> None:
    for sid in set(kind_table().values()) | {"Entity", "EntityEnvelope"}:
        assert _schema(sid).fast is not None, sid


def test_valid_component() -> None:
    assert validate_entity(component(tags=["go", "c++", "a:b", "c#"],
                                      labels={"example.com/team": "x", "empty": ""},
                                      annotations={"backstage.io/techdocs-ref": "dir:.", "x": ""},
                                      links=[{"url": "https://example.com/a b", "title": "A"},
                                             {"url": "mailto:a@example.com"}])) == []


@pytest.mark.parametrize("entity, needle", [
    ({"kind": "Component", "metadata": {"name": "x"}},
     "<root> must have required property 'apiVersion'"),
    ({"apiVersion": "backstage.io/v1alpha1", "kind": "Component"},
     "<root> must have required property 'metadata'"),
    ({"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {}},
     "/metadata must have required property 'name'"),
    ({"apiVersion": "backstage.io/v1alpha1", "kind": "", "metadata": {"name": "x"}},
     "/kind must NOT have fewer than 1 characters"),
    ("not a mapping", "<root> must be object"),
])
def test_envelope(entity: object, needle: str) -> None:
    assert needle in validate_entity(entity)


def test_kind_schema_messages_are_ajv_shaped() -> None:
    e = component()
    del e["spec"]["owner"]
    assert validate_entity(e) == ["/spec must have required property 'owner'"]
    e = component()
    e["spec"]["dependsOn"] = "resource:x"
    assert validate_entity(e) == ["/spec/dependsOn must be array"]
    e = component()
    e["spec"]["type"] = ""
    assert validate_entity(e) == ["/spec/type must NOT have fewer than 1 characters"]
    e = component()
    e["status"] = {"items": [{"type": "t", "level": "fatal", "message": "m"}]}
    assert validate_entity(e) == ["/status/items/0/level must be equal to one of the allowed values"]
    e = component()
    e["extra"] = 1
    assert validate_entity(e) == ["<root> must NOT have additional properties ('extra')"]
    e = component()
    e["metadata"]["annotations"] = {"a": 1}
    assert validate_entity(e) == ["/metadata/annotations/a must be string"]


def test_name_rule() -> None:
    msg = ('"metadata.name" is not valid; expected a string that is sequences of [a-zA-Z0-9] '
           'separated by any of [-_.], at most 63 characters in total but found "my service"')
    assert validate_entity(component(name="my service")) == [msg]
    for good in ("a", "A1", "a.b_c-d", "x" * 63):
        assert validate_entity(component(name=good)) == [], good
    for bad in ("x" * 64, "-a", "a-", "a_", ".a", "a/b", "a\n", "ä"):
        assert any('"metadata.name"' in m for m in validate_entity(component(name=bad))), bad


def test_namespace_rule() -> None:
    assert validate_entity(component(namespace="team-a1")) == []
    assert validate_entity(component(namespace="ns--x")) == []  # runs of hyphens: a DNS label to Backstage
    for bad in ("Team", "a_b", "-a", "a-", "x" * 64):
        [msg] = validate_entity(component(namespace=bad))
        assert msg.startswith('"metadata.namespace" is not valid; expected a string that is sequences of [a-z0-9]'), bad


def test_tag_rule() -> None:
    for good in ("go", "c++", "c#", "k8s:prod", "a-b-c", "x" * 63):
        assert validate_entity(component(tags=[good])) == [], good
    for bad in ("Go", "go 1.15", "a--b", "-a", "a_b", "x" * 64):
        [msg] = validate_entity(component(tags=["ok", bad]))
        assert msg.startswith('"tags.1" is not valid; expected a string that is sequences of [a-z0-9+#]'), bad
    assert validate_entity(component(tags=[""]))[0] == "/metadata/tags/0 must NOT have fewer than 1 characters"


@pytest.mark.parametrize("group", ["labels", "annotations"])
def test_prefixed_keys(group: str) -> None:
    longest_prefix = ("a" * 63 + ".") * 3 + "a" * 61  # 253 characters of DNS labels
    for good in ("name", "example.com/name", "a.b-c.d/x_y.z", longest_prefix + "/" + "b" * 63, "my--corp.com/team"):
        assert validate_entity(component(**{group: {good: "v"}})) == [], good
    for bad in ("a/b/c", "Example.com/x", "/x", "x/", longest_prefix + "a/b", "a" * 64 + ".com/b", "ex ample/x", "b" * 64):
        msgs = validate_entity(component(**{group: {bad: "v"}}))
        assert f'"{group}.{bad}" is not valid; expected a valid prefix and/or suffix but found "{bad}"' in msgs, bad


def test_label_values() -> None:
    assert validate_entity(component(labels={"k": ""})) == []
    [msg] = validate_entity(component(labels={"k": "two words"}))
    assert msg.startswith('"labels.k" is not valid; expected a string that is sequences of [a-zA-Z0-9]')


def test_links_need_a_parseable_url() -> None:
    for good in ("https://example.com", "http://localhost:7007/x?y#z", "mailto:a@b.c", "file:///x",
                 "https://[::1]:8080/", "slack://channel"):
        assert is_valid_url(good), good
    for bad in ("example.com", "/relative", "https://", "http://exa mple.com", "https://a:99999", "",
                "http://1.2.3.256/", "http://[::1/"):
        assert not is_valid_url(bad), bad
    [msg] = validate_entity(component(links=[{"url": "www.example.com"}]))
    assert msg == '"links.0.url" is not valid; expected a string that is a valid url but found "www.example.com"'
    assert validate_entity(component(links=[{"title": "x"}])) == ["/metadata/links/0 must have required property 'url'"]
    [msg] = validate_entity(component(links=[{"url": "https://x", "title": " \u3000"}]))
    assert msg.startswith('"links.0.title" is not valid; expected a non empty string')
    assert validate_entity(component(links=[{"url": "https://x", "icon": "\t"}]))
    assert validate_entity(component(links=[{"url": "https://x", "type": ""}])) == \
        ["/metadata/links/0/type must NOT have fewer than 1 characters"]


def test_current_metadata_rules() -> None:
    assert validate_entity(component(title="")) == ["/metadata/title must NOT have fewer than 1 characters"]
    assert validate_entity(component(title=5)) == ["/metadata/title must be string"]
    assert validate_entity(component(generation="anything")) == []  # no longer part of the model
    for empty in ("", 0, False, None):  # ingestion treats these as no annotations
        assert validate_entity(component(annotations=empty)) == [], empty
    assert validate_entity(component(annotations=[])) == ["metadata.annotations must be a valid object"]
    for root in ("status", "relations"):  # valid by the Entity schema, refused by NoForeignRootFields
        e = component()
        e[root] = {} if root != "relations" else []
        assert validate_entity(e) == [f"Unknown field {root}"], root


def test_spec_fields_of_the_current_kinds() -> None:
    system = {"apiVersion": "backstage.io/v1alpha1", "kind": "System", "metadata": {"name": "s"},
              "spec": {"owner": "t", "type": ""}}
    assert validate_entity(system) == ["/spec/type must NOT have fewer than 1 characters"]
    domain = {"apiVersion": "backstage.io/v1alpha1", "kind": "Domain", "metadata": {"name": "d"},
              "spec": {"owner": "t", "subdomainOf": 5}}
    assert validate_entity(domain) == ["/spec/subdomainOf must be string"]
    location = {"apiVersion": "backstage.io/v1alpha1", "kind": "Location", "metadata": {"name": "l"},
                "spec": {"target": "./a.yaml", "presence": "sometimes"}}
    assert validate_entity(location) == ["/spec/presence must be equal to one of the allowed values"]
    location["spec"]["presence"] = "optional"
    assert validate_entity(location) == []
    user = {"apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": {"name": "u"},
            "spec": {"memberOf": [], "profile": {"jobTitle": ""}}}
    assert validate_entity(user) == []  # not a field of the current User schema: not checked
    env = {"apiVersion": "backstage.io/v1alpha1", "kind": "Environment", "metadata": {"name": "e"}, "spec": {}}
    assert validate_entity(env)[0].startswith('unknown kind "Environment"')


def test_relation_refs_must_parse_as_backstage_parses_them() -> None:
    e = component()
    e["spec"]["dependsOn"] = ["orders-db"]  # dependsOn has no default kind
    assert validate_entity(e) == ['spec.dependsOn: Entity reference "orders-db" had missing or empty kind '
                                  '(e.g. did not start with "component:" or similar)']
    e["spec"]["dependsOn"] = ["resource:ns/a/b"]  # the name keeps later slashes
    assert validate_entity(e) == []
    e["spec"]["dependencyOf"] = 5  # not in the schema, but parseEntityRef refuses it
    assert validate_entity(e) == ['spec.dependencyOf: Entity reference 5 had missing or empty kind '
                                  '(e.g. did not start with "component:" or similar)']
    e["spec"]["dependencyOf"] = [{"kind": "Component", "name": "x"}]
    assert validate_entity(e) == []


def test_kind_and_api_version_formats() -> None:
    e = component()
    e["apiVersion"] = "backstage.io/v1alpha1/x"
    assert any(m.startswith('"apiVersion" is not valid; expected a valid prefix and/or suffix') for m in validate_entity(e))


def test_unknown_kind_and_version() -> None:
    e = {"apiVersion": "backstage.io/v1alpha1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {}}
    [msg] = validate_entity(e)
    assert msg.startswith('unknown kind "Widget"') and "No processor recognized the entity widget:default/w" in msg
    e = component()
    e["apiVersion"] = "backstage.io/v2"
    [msg] = validate_entity(e)
    assert msg.startswith('unknown apiVersion "backstage.io/v2" for kind Component')


def test_template_is_listed_not_validated() -> None:
    template = {"apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template",
                "metadata": {"name": "react-ssr-template"}, "spec": {"anything": ["goes"]}}
    assert validate_entity(template) == []
    template["metadata"]["name"] = "bad name"  # the field-format policy still applies to every entity
    assert validate_entity(template) != []


def test_api_v1alpha2_is_gone() -> None:
    api = {"apiVersion": "backstage.io/v1alpha2", "kind": "API", "metadata": {"name": "m"},
           "spec": {"type": "openapi", "lifecycle": "x", "owner": "o", "definition": "x"}}
    [msg] = validate_entity(api)
    assert msg.startswith('unknown apiVersion "backstage.io/v1alpha2" for kind API')
    api["apiVersion"] = "backstage.io/v1beta1"
    assert validate_entity(api) == []


def test_odd_python_values_do_not_crash() -> None:
    e = component()
    e["metadata"]["labels"] = {1: "x", None: "y"}
    e["spec"]["weird"] = {(1, 2): object()}
    assert isinstance(validate_entity(e), list)
    e = component()
    e["metadata"]["links"] = ["not a mapping", None]
    assert validate_entity(e)


def test_fast_path_agrees_with_jsonschema() -> None:
    """The compiled checks may never call valid what jsonschema rejects (and vice versa)."""
    rng = random.Random(7)
    bases = [component(tags=["a"], links=[{"url": "https://x"}]),
             {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "g"},
              "spec": {"type": "team", "children": [], "profile": {"email": "a@b"}}},
             {"apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": {"name": "u"},
              "spec": {"memberOf": ["g"]}},
             {"apiVersion": "backstage.io/v1alpha1", "kind": "API", "metadata": {"name": "a"},
              "spec": {"type": "grpc", "lifecycle": "l", "owner": "o", "definition": "d"}},
             {"apiVersion": "backstage.io/v1alpha1", "kind": "Location", "metadata": {"name": "l"},
              "spec": {"targets": ["./a.yaml"]}}]
    junk = [None, 1, 1.5, True, "", "x", [], ["x"], {}, {"a": 1}, [1], -1]

    def paths(node: object, prefix: tuple = ()) -> list[tuple]:
        out = [prefix]
        if isinstance(node, dict):
            for k, v in node.items():
                out += paths(v, prefix + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                out += paths(v, prefix + (i,))
        return out

    checked = 0
    for base in bases:
        sid = kind_table()[(base["kind"], base["apiVersion"])]
        schema = _schema(sid)
        for path in paths(base)[1:]:
            for value in rng.sample(junk, 5) + ["__delete__"]:
                e = copy.deepcopy(base)
                parent = e
                for p in path[:-1]:
                    parent = parent[p]
                if value == "__delete__":
                    if isinstance(parent, dict):
                        del parent[path[-1]]
                    else:
                        continue
                else:
                    parent[path[-1]] = value
                assert schema.fast(e) == schema.validator.is_valid(e), (path, value)
                checked += 1
    assert checked > 200


def test_corpus_invalid_component_is_rejected_naming_the_field() -> None:
    path = CORPUS / "backstage__backstage/packages/catalog-model/examples/components/invalid-component.yaml"
    if not path.is_file():
        pytest.skip(f"corpus absent: {path}")
    import yaml
    msgs = validate_entity(yaml.safe_load(path.read_text()))
    assert any(m.startswith('"metadata.name" is not valid') and 'but found "invalid component"' in m for m in msgs)
    assert any(m.startswith('"tags.1" is not valid') and 'found "go 1.15.3"' in m for m in msgs)


def test_a_typical_terraform_component_is_valid() -> None:
    # Speed is the benchmarks' business (bench/bench_catalog.py times validation per entity).
    e = component(description="Orders service", tags=["go", "payments"],
                  annotations={"backstage.io/managed-by-location": "url:https://git.example.com/o/-/blob/HEAD/x",
                               "backstage.io/managed-by-origin-location": "url:https://git.example.com/o",
                               "lookout/repo": "orders", "lookout/file": ".af/service.tf", "lookout/line": "3",
                               "pagerduty.com/service-id": "PABC123", "backstage.io/techdocs-ref": "dir:."},
                  links=[{"url": "https://grafana.example.com/d/orders", "title": "Dashboard"}])
    e["spec"].update(system="payments", dependsOn=["resource:orders-db"], providesApis=["orders-api"])
    assert validate_entity(e) == []
