"""Write a deterministic synthetic ``catalog.json`` of about N entities.

It follows docs/catalog-schema.md (version 1): groups with sub-groups,
users, domains, systems, components, APIs and resources, every relation
written in its inverse pair, refs canonical, lists sorted, problems with
repo/file/line. A few Kafka clusters are hubs that many components depend
on, so pages exercise the "+ N more" collapse. Same N and seed, same bytes.

    python bench/gen_catalog.py --entities 5000 -o build/catalog.json
"""
from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

INVERSE = {
    "ownedBy": "ownerOf", "partOf": "hasPart", "dependsOn": "dependencyOf",
    "providesApi": "apiProvidedBy", "consumesApi": "apiConsumedBy",
    "childOf": "parentOf", "memberOf": "hasMember",
}
TAGS = ["go", "python", "java", "kotlin", "typescript", "rust", "grpc", "rest", "pci", "gdpr",
        "tier-1", "tier-2", "batch", "streaming", "internal", "public"]
LIFECYCLES = ["production", "production", "production", "experimental", "deprecated"]
RESOURCE_TYPES = [("rds", "aws_db_instance"), ("s3-bucket", "aws_s3_bucket"),
                  ("sqs-queue", "aws_sqs_queue"), ("lambda", "aws_lambda_function"),
                  ("dynamodb-table", "aws_dynamodb_table"), ("datadog-monitor", "datadog_monitor"),
                  ("elasticache", "aws_elasticache_cluster")]
WORDS = ["orders", "payments", "billing", "search", "catalog", "checkout", "identity", "ledger",
         "shipping", "pricing", "inventory", "reviews", "media", "notify", "fraud", "reports",
         "accounts", "cart", "tax", "promo", "auth", "profile", "feeds", "geo"]


def generate(n: int, seed: int = 1) -> dict:
    rnd = random.Random(seed)
    n = max(n, 20)
    counts = {
        "domain": max(1, n // 200), "group": max(3, n // 50), "user": max(2, n // 10),
        "system": max(1, n // 40), "api": max(1, n // 10),
    }
    counts["component"] = max(2, int(n * 0.33))
    counts["resource"] = max(1, n - sum(counts.values()))

    entities: dict[str, dict] = {}
    rels: dict[str, set] = defaultdict(set)
    n_repos = max(1, counts["component"] // 2)
    repos = [f"repo-{i:05d}" for i in range(n_repos)]

    def add(kind: str, name: str, spec: dict, *, title=None, desc=None, tags=(), repo=None,
            file=".af/service.tf", line=1, extra_ann=None) -> str:
        ref = f"{kind.lower()}:default/{name}"
        ann = {}
        if repo:
            ann = {"lookout/repo": repo, "lookout/file": file, "lookout/line": str(line),
                   "backstage.io/managed-by-location": f"file:{repo}/{file}",
                   "backstage.io/managed-by-origin-location": f"file:{repo}/{file}"}
        ann.update(extra_ann or {})
        meta = {"name": name, "namespace": "default", "annotations": ann}
        if title:
            meta["title"] = title
        if desc:
            meta["description"] = desc
        if tags:
            meta["tags"] = sorted(set(tags))
        entities[ref] = {"apiVersion": "backstage.io/v1alpha1", "kind": kind,
                         "metadata": meta, "spec": spec}
        return ref

    def relate(src: str, rel: str, dst: str) -> None:
        rels[src].add((rel, dst))
        rels[dst].add((INVERSE[rel], src))

    org_repo = "org"
    # Groups: a tree, top-level departments with teams below.
    groups = []
    n_top = max(1, int(counts["group"] ** 0.5) // 2)
    for i in range(counts["group"]):
        name = f"team-{WORDS[i % len(WORDS)]}-{i:04d}" if i >= n_top else f"dept-{i:03d}"
        spec = {"type": "team" if i >= n_top else "department", "children": []}
        ref = add("Group", name, spec, title=f"{name.replace('-', ' ').title()}",
                  desc=f"The {name} group", repo=org_repo, file="groups.yaml", line=1 + 8 * i)
        if i >= n_top:
            parent = groups[rnd.randrange(0, min(len(groups), max(n_top, i // 3)))]
            spec["parent"] = parent
            entities[parent]["spec"]["children"].append(ref)
            relate(ref, "childOf", parent)
        groups.append(ref)
    for i in range(counts["user"]):
        name = f"user-{i:05d}"
        member = sorted({rnd.choice(groups) for _ in range(rnd.choice((1, 1, 2)))})
        ref = add("User", name, {"memberOf": member, "profile": {"displayName": f"User {i}",
                                                                  "email": f"{name}@example.com"}},
                  repo=org_repo, file="users.yaml", line=1 + 6 * i)
        for g in member:
            relate(ref, "memberOf", g)
            entities[g]["spec"].setdefault("members", []).append(ref)
    domains = []
    for i in range(counts["domain"]):
        owner = rnd.choice(groups)
        ref = add("Domain", f"domain-{i:03d}", {"owner": owner}, desc=f"Business domain {i}",
                  repo=org_repo, file="domains.yaml", line=1 + 5 * i)
        relate(ref, "ownedBy", owner)
        domains.append(ref)
    systems = []
    for i in range(counts["system"]):
        owner, dom = rnd.choice(groups), rnd.choice(domains)
        ref = add("System", f"system-{WORDS[i % len(WORDS)]}-{i:04d}", {"owner": owner, "domain": dom},
                  desc=f"System {i}", repo=org_repo, file="systems.yaml", line=1 + 6 * i)
        relate(ref, "ownedBy", owner)
        relate(ref, "partOf", dom)
        systems.append(ref)
    # Hubs: a few Kafka clusters everything publishes to.
    hubs = []
    n_hubs = max(1, counts["resource"] // 500)
    resources = []
    for i in range(counts["resource"]):
        repo = repos[i % n_repos]
        if i < n_hubs:
            rtype, tf = "kafka-cluster", "aws_msk_cluster"
            name = f"events-{i:03d}"
        else:
            rtype, tf = RESOURCE_TYPES[i % len(RESOURCE_TYPES)]
            name = f"{repo}-{rtype}-{i:06d}"
        owner = rnd.choice(groups)
        spec = {"type": rtype, "owner": owner}
        if rnd.random() < 0.7:
            spec["system"] = rnd.choice(systems)
        ref = add("Resource", name, spec, title=name if rtype != "datadog-monitor" else f"High CPU on {name}",
                  repo=repo, file=".af/resources.tf", line=1 + 10 * (i // n_repos),
                  extra_ann={"lookout/terraform-type": tf, "lookout/physical-name": name,
                             "lookout/terraform-address": f"{tf}.r{i}"})
        relate(ref, "ownedBy", owner)
        if "system" in spec:
            relate(ref, "partOf", spec["system"])
        (hubs if i < n_hubs else resources).append(ref)
    for i, ref in enumerate(resources):
        if i % 9 == 0 and i + 1 < len(resources):
            dep = resources[rnd.randrange(len(resources))]
            if dep != ref:
                entities[ref]["spec"].setdefault("dependsOn", []).append(dep)
                relate(ref, "dependsOn", dep)
    apis = []
    for i in range(counts["api"]):
        owner, system = rnd.choice(groups), rnd.choice(systems)
        ref = add("API", f"{WORDS[i % len(WORDS)]}-api-{i:05d}",
                  {"type": rnd.choice(["openapi", "grpc", "asyncapi"]), "lifecycle": rnd.choice(LIFECYCLES),
                   "owner": owner, "system": system, "definition": "openapi: 3.0.0"},
                  desc=f"API number {i}", tags=[rnd.choice(TAGS)],
                  repo=repos[i % n_repos], file="api.yaml", line=1 + 20 * (i // n_repos))
        relate(ref, "ownedBy", owner)
        relate(ref, "partOf", system)
        apis.append(ref)
    comps = []
    res_i = 0
    for i in range(counts["component"]):
        repo = repos[i % n_repos]
        owner = rnd.choice(groups)
        name = f"{WORDS[i % len(WORDS)]}-svc-{i:05d}"
        spec = {"type": rnd.choice(["service", "service", "service", "website", "library"]),
                "owner": owner, "system": rnd.choice(systems)}
        if rnd.random() < 0.9:
            spec["lifecycle"] = rnd.choice(LIFECYCLES)
        ann = {}
        if rnd.random() < 0.6:
            ann["pagerduty.com/service-id"] = f"P{i:06d}"
        if rnd.random() < 0.4:
            ann["backstage.io/techdocs-ref"] = "dir:."
        deps = set()
        for _ in range(rnd.choice((1, 2, 3))):
            if resources:
                deps.add(resources[res_i % len(resources)])
                res_i += 1
        if rnd.random() < 0.3:
            deps.add(rnd.choice(hubs))
        if comps and rnd.random() < 0.4:
            deps.add(rnd.choice(comps))
        spec["dependsOn"] = sorted(deps)
        provides = [apis[i % len(apis)]] if rnd.random() < 0.3 else []
        consumes = sorted({rnd.choice(apis) for _ in range(rnd.choice((0, 1, 2)))} - set(provides))
        if provides:
            spec["providesApis"] = provides
        if consumes:
            spec["consumesApis"] = consumes
        links = [{"url": f"https://dashboards.example.com/{name}", "title": "Dashboard", "icon": "dashboard"}] \
            if rnd.random() < 0.5 else []
        ref = add("Component", name, spec, title=name.replace("-", " ").title(),
                  desc=f"The {name} {spec['type']}: handles {WORDS[(i * 7) % len(WORDS)]}.",
                  tags=rnd.sample(TAGS, rnd.choice((0, 1, 2, 3))), repo=repo, line=3, extra_ann=ann)
        if links:
            entities[ref]["metadata"]["links"] = links
        relate(ref, "ownedBy", owner)
        relate(ref, "partOf", spec["system"])
        for d in deps:
            relate(ref, "dependsOn", d)
        for a in provides:
            relate(ref, "providesApi", a)
        for a in consumes:
            relate(ref, "consumesApi", a)
        comps.append(ref)

    for ref, ent in entities.items():
        ent["relations"] = [{"type": t, "targetRef": r} for t, r in sorted(rels[ref])]
        for key in ("children", "members"):
            if key in ent["spec"]:
                ent["spec"][key] = sorted(ent["spec"][key])
    problems = []
    sev = ["error", "warning", "info"]
    for i, ref in enumerate(sorted(entities)):
        if i % 23 == 0:
            ann = entities[ref]["metadata"]["annotations"]
            problems.append({"severity": sev[i % 3], "message": f"synthetic problem #{i} on {ref}",
                             "repo": ann.get("lookout/repo"), "file": ann.get("lookout/file"),
                             "line": int(ann["lookout/line"]) if "lookout/line" in ann else None,
                             "entityRef": ref})
    problems.append({"severity": "warning", "message": "a file that could not be parsed", "repo": repos[0],
                     "file": ".af/broken.tf", "line": 7, "entityRef": None})
    problems.sort(key=lambda p: (p["repo"] or "", p["file"] or "", p["line"] or 0,
                                 sev.index(p["severity"]), p["entityRef"] or "", p["message"]))
    sources = [{"repo": r, "commit": f"{i:040x}",
                "url": f"https://git.example.com/org/{r}" if i % 5 else None}
               for i, r in enumerate(sorted(repos + [org_repo]))]
    return {"schema_version": 1, "sources": sources,
            "entities": [entities[r] for r in sorted(entities)], "problems": problems}


def dumps(catalog: dict) -> str:
    return json.dumps(catalog, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", "-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", type=Path, default=Path("build/catalog.json"))
    args = ap.parse_args(argv)
    cat = generate(args.entities, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dumps(cat), encoding="utf-8")
    print(f"{args.output}: {len(cat['entities'])} entities, "
          f"{sum(len(e['relations']) for e in cat['entities'])} relations, {len(cat['problems'])} problems")


if __name__ == "__main__":
    main()
