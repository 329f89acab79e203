"""Backstage parity as a test: the released @backstage/catalog-model is the oracle.

Thousands of entities are generated deterministically (names, namespaces,
labels, annotations, tags, links, apiVersions and kinds, root fields, every
kind's spec fields; valid, invalid and the edges of every regex and length).
Each goes through Lookout's real read and link stages, as a descriptor in a
repo, and through Backstage's own code (tests/oracle/backstage_validate.cjs:
the pinned package's policies and validators, in the catalog backend's order),
in one Node process. Lookout must accept exactly what Backstage accepts.

Upgrading the pin in package.json / package-lock.json and running this test
is how Lookout follows Backstage: a disagreement names the entity and what
each side said.
"""
from __future__ import annotations

import copy
import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest

from generator.entity.schema import SCHEMA_DIR
from generator.link import link
from generator.model import Repo
from generator.read.descriptors import read_descriptors

ROOT = Path(__file__).resolve().parents[1]
ORACLE = ROOT / "tests" / "oracle" / "backstage_validate.cjs"
EXTRACT = ROOT / "tests" / "oracle" / "extract_schemas.cjs"
PACKAGE = ROOT / "node_modules" / "@backstage" / "catalog-model" / "package.json"


def _need_node() -> str:
    node = shutil.which("node")
    missing = "node is not installed" if node is None else \
        "@backstage/catalog-model is not installed (run `npm ci`)" if not PACKAGE.is_file() else None
    if missing:
        if os.environ.get("LOOKOUT_REQUIRE_ORACLES") == "1" or os.environ.get("CI"):
            pytest.fail(f"the Backstage oracle must run here, but {missing}")
        pytest.skip(missing)
    return node  # type: ignore[return-value]


def run_node(args: list[str], stdin: str = "") -> str:
    proc = subprocess.run([_need_node(), *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


# --------------------------------------------------------------------------
# The generator. Every pool is a list of edge cases; entities take one value
# from one pool at a time (so each case is seen alone), then random mixes.

LONG_PREFIX = ("a" * 63 + ".") * 3 + "a" * 61  # a 253-character DNS subdomain
JUNK: list[Any] = [5, None, True, [], {}, ["x"], {"a": "b"}, 0, False, 1.5]

NAMES = ["a", "B", "a" * 63, "c" * 64, "a-b", "a--b", "a_b", "a.b", "a..b", "-a", "a-", "_a", "a_",
         ".a", "a.", "1", "a b", "ä", "a/b", "a:b", "a\n", " a", "a ", "", "Ab-9.z_Q", "x" * 62 + "y",
         "a\tb", "a+b", "a#b", "a@b", "0-0", "a__b", "d.e-f_g", "9", "z" * 65, "q\u3000", *JUNK]
NAMESPACES = ["default", "a", "a-b", "a--b", "a---b", "-a", "a-", "A", "a_b", "a.b", "n" * 63, "n" * 64,
              "1", "0a", "", "a b", "ns--x", "é", "a\n", *JUNK]
KEYS = ["k", "a/b", "a.b/c", "my--corp.com/team", "-a.com/x", "a-.com/x", "A.com/x", "a.com/", "/x",
        "a/b/c", "a..b/c", ".a/b", "a./b", LONG_PREFIX + "/x", LONG_PREFIX + "a/x", "a" * 64 + ".com/x",
        "x/" + "b" * 63, "x/" + "b" * 64, "a_b/c", "a b/c", "1.2.3.4/x", "a.com/b_c.d-e", "a.com/-b",
        "a.com/b-", "ä/x", "", "a:b", "a/b ", "k" * 63, "k" * 64, "backstage.io/techdocs-ref",
        "a--b.c--d/e", "x.y/z", "0/0"]
LABEL_VALUES = ["", "v", "a b", "a" * 63, "a" * 64, "-v", "v-", "v.w_x-y", "ä", "a/b", "V1", *JUNK]
ANNOTATION_VALUES = ["", "any thing ✓", "x" * 5000, "line\nbreak", *JUNK]
CONTAINERS = ["", 0, False, None, [], {}, "x", 5, True, [1], 1.5]
TAGS = ["go", "c++", "c#", "k8s:prod", "a:b:c", ":", "a-b", "a--b", "-a", "a-", "Go", "a b", "a_b", "a.b",
        "t" * 63, "t" * 64, "", "1", "+", "#", "a+-b", "ä", "a/b", "::--::", *JUNK]
URLS = ["https://example.com", "http://localhost:7007/x?y#z", "mailto:a@b.c", "file:///x",
        "https://[::1]:8080/", "slack://channel", "example.com", "/relative", "https://", "http://exa mple.com",
        "https://a:99999", "", "http://1.2.3.256/", "http://[::1/", "http://1.2.3.4/", "http://0x7f.1/",
        "http://256/", "http://a%20b/", "https://ex%41mple.com", "http://a..b/", "http://-a/", "HTTP://A.COM",
        "javascript:alert(1)", "data:text/plain,hi", "urn:isbn:123", "http://[1:2:3:4:5:6:7:8]/",
        "http://[1:2:3:4:5:6:7:8:9]/", "http://a:b@c/", "http://a:@c/", "http://a/b\\c", "http:/a.com",
        "http:a.com", "h://x", "1http://x", "http://xn--nxasmq6b/", "http://xn--a/", "http://ä.com/",
        "http://a.com:0/", "http://a.com:65535/", "http://a.com:65536/", "ws://x", "ftp://x", "http://%zz/",
        "http://a<b/", "http://[::1]x/", " https://x ", "https://x\n", "http://1.2.3/", "http://1.2.3.4.5/",
        "http://0300.0250.0.1/", "http://4294967295/", "http://4294967296/", "https://a b.com",
        "https://a\tb.com/", "http://[::ffff:1.2.3.4]/", "http://a.com/%", "https://%E4%BE%8B.com/",
        "http://xn--/", "http://a.b.c./", "sftp://x y", "a+b://c", "-x://y", "http://a^b/", "http://a|b/",
        "http://[]/", "http://:80/", "http://@/", "https://user@host:8080/path", "http://xn--a-ecp/",
        "http://xn--abc-/", "http://xn----/", "http://xn--ab.com/", "http://XN--LS8H/", "http://a.xn--mnchen-3ya.de/",
        "http://xn--zz.com/", "http://β.com/", "http://A⒈.com/", 5, None, True]
TEXTS = ["Home", "", " ", "\t\n", "\u3000", "\u00a0", "\ufeff", "\u200b", "\x1c", "\x85", " x ", *JUNK]
LINK_ITEMS = ["x", None, 5, [], {}, {"url": "https://x", "extra": 1}, {"title": "t"}]
API_VERSIONS = ["backstage.io/v1alpha1", "backstage.io/v1beta1", "backstage.io/v1alpha2", "backstage.io/v1",
                "v1alpha1", "backstage.io/", "/v1alpha1", "a/b/c", "Backstage.io/v1alpha1",
                "backstage--io.com/v1alpha1", "backstage.io/v1-alpha1", "", *JUNK]
KINDS = ["Component", "component", "COMPONENT", "Environment", "Widget", "", "1a", "a-b", "API", "Api",
         *JUNK]
REFS = ["team-a", "group:team-a", "group:ns/team-a", "user:ada", "a:b:c", "a/b/c", "ns/kind:x", ":x", "x:",
        "/x", "x/", " x", "Group:Default/Team", "group:/x", "", "a:/b", "component:default/x", *JUNK]
REF_LISTS = [[], ["x"], ["component:x"], ["x", "y"], [""], [5], [None], [["component:x"]], "component:x",
             [{"kind": "component", "name": "x"}], ["resource:ns/db"], ["a:b:c"], ["/x"], None,
             [{"name": "x"}], ["api:a", "api:b"], [True], {"kind": "component", "name": "x"}]

BASE_SPECS: dict[str, dict[str, Any]] = {
    "Component": {"type": "service", "lifecycle": "production", "owner": "team-a"},
    "API": {"type": "openapi", "lifecycle": "production", "owner": "team-a", "definition": "openapi: 3.0.0"},
    "Resource": {"type": "database", "owner": "team-a"},
    "System": {"owner": "team-a"},
    "Domain": {"owner": "team-a"},
    "Group": {"type": "team", "children": []},
    "User": {"memberOf": []},
    "Location": {"target": "https://example.com/catalog-info.yaml"},
}
# (field, pool): every spec field of every kind (the schema's and the relation fields).
SPEC_FIELDS: dict[str, list[tuple[str, list[Any]]]] = {
    "Component": [("type", REFS), ("lifecycle", REFS), ("owner", REFS), ("system", REFS),
                  ("subcomponentOf", REFS), ("providesApis", REF_LISTS), ("consumesApis", REF_LISTS),
                  ("dependsOn", REF_LISTS), ("dependencyOf", REF_LISTS + REFS)],
    "API": [("type", REFS), ("lifecycle", REFS), ("owner", REFS), ("system", REFS), ("definition", REFS)],
    "Resource": [("type", REFS), ("owner", REFS), ("system", REFS), ("dependsOn", REF_LISTS),
                 ("dependencyOf", REF_LISTS + REFS)],
    "System": [("owner", REFS), ("domain", REFS), ("type", REFS)],
    "Domain": [("owner", REFS), ("subdomainOf", REFS), ("type", REFS)],
    "Group": [("type", REFS), ("parent", REFS), ("children", REF_LISTS), ("members", REF_LISTS),
              ("profile", CONTAINERS + [{"displayName": "x", "email": "e", "picture": "p"}, {"jobTitle": ""}]),
              ("profile.displayName", TEXTS), ("profile.email", TEXTS), ("profile.picture", TEXTS)],
    "User": [("memberOf", REF_LISTS), ("profile", CONTAINERS + [{"pronouns": "x"}, {"displayName": "Ada"}]),
             ("profile.displayName", TEXTS), ("profile.email", TEXTS), ("profile.picture", URLS[:8]),
             ("profile.jobTitle", TEXTS)],
    "Location": [("type", REFS), ("target", REFS), ("targets", REF_LISTS),
                 ("presence", ["required", "optional", "Required", "", "sometimes", *JUNK])],
}
REQUIRED = {"Component": ("type", "lifecycle", "owner"), "API": ("type", "lifecycle", "owner", "definition"),
            "Resource": ("type", "owner"), "System": ("owner",), "Domain": ("owner",),
            "Group": ("type", "children"), "User": ("memberOf",), "Location": ()}


def base(kind: str) -> dict[str, Any]:
    return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": {"name": "PLACEHOLDER"},
            "spec": copy.deepcopy(BASE_SPECS[kind])}


def put(entity: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    node = entity
    parts = dotted.split(".")
    for p in parts[:-1]:
        if not isinstance(node.get(p), dict):
            node[p] = {}
        node = node[p]
    node[parts[-1]] = copy.deepcopy(value)
    return entity


def single_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """(what, entity): one field at a time takes each value of its pool."""
    for kind in BASE_SPECS:
        yield f"{kind} base", base(kind)
        for name in NAMES:
            yield f"{kind} name {name!r}", put(base(kind), "metadata.name", name)
        for field, pool in SPEC_FIELDS[kind]:
            for value in pool:
                yield f"{kind} spec.{field}={value!r}", put(base(kind), f"spec.{field}", value)
        for field in REQUIRED[kind]:
            e = base(kind)
            del e["spec"][field]
            yield f"{kind} without spec.{field}", e
        for spec in ("x", [1], None, {}, 5):
            yield f"{kind} spec={spec!r}", {**base(kind), "spec": spec}
        e = base(kind)
        del e["spec"]
        yield f"{kind} without spec", e
    c = "Component"
    for ns in NAMESPACES:
        yield f"namespace {ns!r}", put(base(c), "metadata.namespace", ns)
    for group in ("labels", "annotations"):
        for key in KEYS:
            yield f"{group} key {key!r}", put(base(c), f"metadata.{group}", {key: "v"})
        for value in (LABEL_VALUES if group == "labels" else ANNOTATION_VALUES):
            yield f"{group} value {value!r}", put(base(c), f"metadata.{group}", {"k": value})
        for container in CONTAINERS:
            yield f"{group}={container!r}", put(base(c), f"metadata.{group}", container)
    for tag in TAGS:
        yield f"tag {tag!r}", put(base(c), "metadata.tags", ["ok", tag])
    for container in CONTAINERS:
        yield f"tags={container!r}", put(base(c), "metadata.tags", container)
    for url in URLS:
        yield f"link url {url!r}", put(base(c), "metadata.links", [{"url": url}])
    for part in ("title", "icon", "type"):
        for text in TEXTS:
            yield f"link {part} {text!r}", put(base(c), "metadata.links", [{"url": "https://x", part: text}])
    for item in LINK_ITEMS:
        yield f"link item {item!r}", put(base(c), "metadata.links", [item])
    for container in CONTAINERS:
        yield f"links={container!r}", put(base(c), "metadata.links", container)
    for field in ("title", "description", "uid", "etag", "generation", "somethingElse"):
        for text in TEXTS[:6] + JUNK + [-1, 1]:
            yield f"metadata.{field}={text!r}", put(base(c), f"metadata.{field}", text)
    for api in API_VERSIONS:
        yield f"apiVersion {api!r}", {**base(c), "apiVersion": api}
    for kind in KINDS:
        yield f"kind {kind!r}", {**base(c), "kind": kind}
    for root in ("status", "relations", "foo", "Spec"):
        for value in ({}, [], "x"):
            yield f"root {root}={value!r}", {**base(c), root: value}
    for meta in ("x", [1], None, {}, 5, {"name": "n", "namespace": None}):
        yield f"metadata={meta!r}", {**base(c), "metadata": meta}
    for doc in ([1], "x", 5, {}):
        yield f"document {doc!r}", doc  # type: ignore[misc]


def mixed_cases(n: int, seed: int = 20261201) -> Iterator[tuple[str, dict[str, Any]]]:
    """Random mixes of the pools' values (several fields wrong or right at once)."""
    rng = random.Random(seed)
    pick = lambda pool: copy.deepcopy(rng.choice(pool))  # noqa: E731
    for i in range(n):
        kind = rng.choice(list(BASE_SPECS))
        e = base(kind)
        meta = e["metadata"]
        if rng.random() < 0.3:
            meta["namespace"] = pick(NAMESPACES[:12])
        if rng.random() < 0.5:
            meta["labels"] = {pick(KEYS): pick(LABEL_VALUES[:8]) for _ in range(rng.randint(1, 3))}
        if rng.random() < 0.5:
            meta["annotations"] = {pick(KEYS): pick(ANNOTATION_VALUES[:3]) for _ in range(rng.randint(1, 3))}
        if rng.random() < 0.5:
            meta["tags"] = [pick(TAGS[:20]) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.5:
            meta["links"] = [{"url": pick(URLS[:60]), **({"title": pick(TEXTS[:10])} if rng.random() < .5 else {})}
                             for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.3:
            meta["title"] = pick(TEXTS[:8])
        for field, pool in SPEC_FIELDS[kind]:
            if rng.random() < 0.25 and "." not in field:
                e["spec"][field] = pick(pool)
        yield f"mix {i}", e


def generated() -> list[tuple[str, Any]]:
    cases = list(single_cases()) + list(mixed_cases(1200))
    out = []
    for i, (what, e) in enumerate(cases):
        meta = e.get("metadata") if isinstance(e, dict) else None
        if isinstance(meta, dict) and meta.get("name") == "PLACEHOLDER":
            meta["name"] = f"e{i}"  # every entity its own ref, so no two collide
        out.append((what, e))
    return out


def dedupe_refs(cases: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Drop a case whose ref (lower-cased, as both sides compare) was already used:
    the duplicate rule is not what this test is about."""
    seen: set[str] = set()
    out = []
    for what, e in cases:
        meta = e.get("metadata") if isinstance(e, dict) else None
        if isinstance(meta, dict) and isinstance(meta.get("name"), str):
            ns = meta.get("namespace") if isinstance(meta.get("namespace"), str) and meta.get("namespace") else "default"
            key = f"{e.get('kind')}:{ns}/{meta['name']}".lower()
            if key in seen:
                continue
            seen.add(key)
        out.append((what, e))
    return out


# --------------------------------------------------------------------------

def lookout_verdicts(cases: list[tuple[str, Any]], tmp: Path, per_file: int = 400) -> list[bool]:
    """Lookout's real stages: each entity a document of a descriptor file, read, linked;
    accepted when it is in the catalog."""
    repo = Repo("parity", tmp / "parity")
    (repo.path / ".af").mkdir(parents=True)
    where = []
    for start in range(0, len(cases), per_file):
        rel = f".af/entities-{start // per_file:03}.yaml"
        chunk = cases[start:start + per_file]
        # JSON is YAML: each document exactly as the oracle gets it, one per line.
        (repo.path / rel).write_text("".join(f"--- {json.dumps(e)}\n" for _, e in chunk), encoding="utf-8")
        where += [(rel, line) for line in range(1, len(chunk) + 1)]
    catalog = link([read_descriptors(repo)], [repo])
    files = {rel for rel, _ in where}
    unreadable = [p.message for p in catalog.problems if p.file in files and p.line is None]
    assert unreadable == []
    ann = [e["metadata"]["annotations"] for e in catalog.entities]
    kept = {(a["lookout/file"], int(a["lookout/line"])) for a in ann}
    return [w in kept for w in where]


def test_lookout_agrees_with_backstage_on_every_generated_entity(tmp_path: Path) -> None:
    cases = dedupe_refs(generated())
    assert len(cases) >= 2000
    stdin = "".join(json.dumps(e) + "\n" for _, e in cases)
    oracle = [json.loads(line) for line in run_node([str(ORACLE)], stdin).splitlines()]
    assert len(oracle) == len(cases)
    ours = lookout_verdicts(cases, tmp_path)
    disagree = [f"{what}: Backstage {'accepts' if o['ok'] else 'rejects (' + o['error'][:160] + ')'}, "
                f"Lookout {'accepts' if mine else 'rejects'}"
                for (what, _), o, mine in zip(cases, oracle, ours, strict=False) if o["ok"] != mine]
    accepted = sum(o["ok"] for o in oracle)
    print(f"parity: {len(cases) - len(disagree)}/{len(cases)} agree "
          f"({accepted} accepted, {len(cases) - accepted} rejected by Backstage)")
    assert 0.2 * len(cases) < accepted < 0.8 * len(cases)  # both sides of the line are exercised
    assert disagree == [], f"{len(disagree)} disagreements:\n" + "\n".join(disagree[:40])


def test_vendored_schemas_are_the_pinned_packages() -> None:
    shipped = json.loads(run_node([str(EXTRACT)]))
    ours = {p.relative_to(SCHEMA_DIR).as_posix(): json.loads(p.read_text("utf-8"))
            for p in SCHEMA_DIR.rglob("*.schema.json")}
    assert ours == shipped, ("generator/entity/schema/ differs from the installed @backstage/catalog-model: "
                             "run `node tests/oracle/extract_schemas.cjs --write generator/entity/schema`")
    version = json.loads(PACKAGE.read_text())["version"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@backstage/catalog-model"]["version"] == version
