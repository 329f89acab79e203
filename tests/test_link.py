"""link: refs, relations in both directions, duplicates, drift, owners, lookups."""
from __future__ import annotations

import random
from pathlib import Path

from generator.catalog_json import to_json_bytes
from generator.entity.refs import parse_ref
from generator.entity.relations import INVERSE
from generator.graph import CatalogGraph
from generator.link import link
from generator.model import Draft, Location, Lookup, ReadResult, Repo


def ent(kind, name, spec=None, **meta):
    api = "backstage.io/v1alpha1"
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, **meta}, "spec": spec or {}}


def draft(repo, entity, file="catalog-info.yaml", line=1, source="yaml", lookups=()):
    return Draft(entity, Location(repo, file, line), source, list(lookups))


def org_drafts():
    return [
        draft("org", ent("Group", "payments", {"type": "team", "children": ["payments-ledger"],
                                               "profile": {"displayName": "Payments Team"}})),
        draft("org", ent("Group", "payments-ledger", {"type": "team", "parent": "payments", "children": []}), line=9),
        draft("org", ent("User", "ada", {"memberOf": ["payments-ledger"]}), line=20),
    ]


def run(drafts, problems=()):
    repos = sorted({Repo(d.location.repo, Path("/nonexistent") / d.location.repo) for d in drafts},
                   key=lambda r: r.name)
    return link([ReadResult(list(drafts), list(problems))], repos)


def by_ref(catalog):
    from generator.entity.refs import entity_ref
    return {entity_ref(e): e for e in catalog.entities}


def test_parse_ref_defaults_kind_and_namespace():
    assert parse_ref("orders", "component", "shop").key == "component:shop/orders"
    assert parse_ref("Group:Payments", "user").key == "group:default/payments"
    assert parse_ref("api:other/Pay").key == "api:other/pay"


def test_every_relation_has_its_inverse_and_spec_refs_are_normalised():
    drafts = org_drafts() + [
        draft("ledger", ent("Component", "ledger", {"type": "service", "lifecycle": "production",
                                                    "owner": "payments-ledger", "providesApis": ["ledger-api"]})),
        draft("ledger", ent("API", "ledger-api", {"type": "openapi", "lifecycle": "production",
                                                  "owner": "payments-ledger", "definition": "x"}), line=30),
    ]
    cat = run(drafts)
    ents = by_ref(cat)
    assert ents["component:default/ledger"]["spec"]["owner"] == "group:default/payments-ledger"
    for ref, e in ents.items():
        for rel in e["relations"]:
            back = {(r["type"], r["targetRef"]) for r in ents[rel["targetRef"]]["relations"]}
            assert (INVERSE[rel["type"]], ref) in back, (ref, rel)
    g = CatalogGraph.from_catalog({"entities": cat.entities})
    assert g.owned_by("group:default/payments") == ["api:default/ledger-api", "component:default/ledger"]
    assert g.owned_by("group:default/payments", include_subgroups=False) == []
    assert g.related("user:default/ada", "memberOf") == ["group:default/payments-ledger"]


def test_dangling_reference_is_reported_and_not_written():
    drafts = org_drafts() + [draft("svc", ent("Component", "svc", {
        "type": "service", "lifecycle": "production", "owner": "payments", "dependsOn": ["component:ghost"]}))]
    cat = run(drafts)
    svc = by_ref(cat)["component:default/svc"]
    assert all(r["targetRef"] != "component:default/ghost" for r in svc["relations"])
    msgs = [p for p in cat.problems if "dangling" in p.message]
    assert len(msgs) == 1 and "component:default/ghost" in msgs[0].message
    assert (msgs[0].repo, msgs[0].file, msgs[0].line) == ("svc", "catalog-info.yaml", 1)


def test_owner_given_as_display_title_resolves_with_a_warning():
    drafts = org_drafts() + [draft("svc", ent("Component", "svc", {
        "type": "service", "lifecycle": "production", "owner": "Payments Team"}), source="terraform",
        file=".af/service.tf")]
    cat = run(drafts)
    assert by_ref(cat)["component:default/svc"]["spec"]["owner"] == "group:default/payments"
    warn = [p for p in cat.problems if "display title" in p.message]
    assert len(warn) == 1 and "group:default/payments" in warn[0].message


def test_duplicate_first_wins_and_both_places_are_named():
    a = draft("alpha", ent("Component", "dup", {"type": "service", "lifecycle": "production", "owner": "payments"},
                           description="from alpha"))
    b = draft("beta", ent("Component", "dup", {"type": "service", "lifecycle": "production", "owner": "payments"},
                          description="from beta"))
    for order in ([a, b], [b, a]):
        cat = run(org_drafts() + order)
        assert by_ref(cat)["component:default/dup"]["metadata"]["description"] == "from alpha"
        dup = [p for p in cat.problems if "duplicate" in p.message]
        assert len(dup) == 1 and "alpha/catalog-info.yaml" in dup[0].message and "beta/" in dup[0].message


def test_terraform_wins_over_yaml_and_drift_is_reported():
    tf = draft("svc", ent("Component", "svc", {"type": "service", "lifecycle": "production", "owner": "payments"},
                          description="TF words"), file=".af/service.tf", source="terraform")
    yml = draft("svc", ent("Component", "svc", {"type": "service", "lifecycle": "production", "owner": "payments"},
                           description="YAML words", title="Service"), file="catalog-info.yaml")
    cat = run(org_drafts() + [yml, tf])
    svc = by_ref(cat)["component:default/svc"]
    assert svc["metadata"]["description"] == "TF words"
    assert svc["metadata"]["title"] == "Service"  # YAML adds what TF does not set
    drift = [p for p in cat.problems if p.message.startswith("drift")]
    assert len(drift) == 1 and "metadata.description" in drift[0].message
    assert not [p for p in cat.problems if "duplicate" in p.message]


def test_invalid_yaml_entity_is_rejected_but_terraform_gaps_are_warnings():
    bad = draft("svc", ent("Component", "bad name", {"type": "service", "lifecycle": "x", "owner": "payments"}))
    tf = draft("tf", ent("Resource", "bucket", {"type": "s3-bucket"}), source="terraform", file=".af/s3.tf")
    cat = run(org_drafts() + [bad, tf])
    refs = by_ref(cat)
    assert "component:default/bad name" not in refs
    assert any(p.severity == "error" and "metadata.name" in p.message for p in cat.problems)
    assert "resource:default/bucket" in refs
    assert any(p.entity_ref == "resource:default/bucket" and "ownerless" in p.message for p in cat.problems)


def test_data_lookup_links_consumers_across_repos():
    cluster = ent("Resource", "events-prod", {"type": "kafka-cluster", "owner": "payments"},
                  annotations={"lookout/physical-name": "events-prod"})
    consumers = []
    for name in ("a", "b"):
        lk = Lookup("kafka-cluster", "events-prod", "data.aws_msk_cluster.events", Location(name, ".af/kafka.tf", 3))
        consumers.append(draft(name, ent("Component", name, {"type": "service", "lifecycle": "production",
                                                            "owner": "payments"}), lookups=[lk], source="terraform"))
    miss = Lookup("kafka-cluster", "nope", "data.aws_msk_cluster.x", Location("c", ".af/k.tf", 1))
    other = draft("c", ent("Component", "c", {"type": "service", "lifecycle": "production", "owner": "payments"}),
                  lookups=[miss], source="terraform")
    cat = run(org_drafts() + [draft("kafka", cluster, source="terraform")] + consumers + [other])
    g = CatalogGraph.from_catalog({"entities": cat.entities})
    assert g.consumers("resource:default/events-prod") == ["component:default/a", "component:default/b"]
    assert any(p.severity == "info" and "nope" in p.message and p.repo == "c" for p in cat.problems)


def test_output_is_independent_of_input_order_and_cycles_are_reported():
    drafts = org_drafts() + [
        draft("x", ent("Component", "x", {"type": "service", "lifecycle": "production", "owner": "payments",
                                          "dependsOn": ["component:y"]})),
        draft("y", ent("Component", "y", {"type": "service", "lifecycle": "production", "owner": "payments",
                                          "dependsOn": ["component:x"]})),
    ]
    first = to_json_bytes(run(drafts))
    for seed in range(5):
        shuffled = drafts[:]
        random.Random(seed).shuffle(shuffled)
        assert to_json_bytes(run(shuffled)) == first
    assert b"dependency cycle: component:default/x -> component:default/y -> component:default/x" in first
