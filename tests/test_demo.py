"""The embedded demo org: its files are well-formed (except the mistakes it
makes on purpose), internally consistent with its README, and ``init_demo``
writes deterministic git repositories."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import hcl2
import lark
import pytest
import yaml

from generator.demo import demo_root, head_commit, init_demo, repo_names

ROOT = demo_root()
README = (ROOT.parent / "README.md").read_text(encoding="utf-8")

BROKEN_TF = ROOT / "email-campaigns/.af/schedule.tf"
INVALID_NAME_YAML = ROOT / "recommendations/.af/feature-store.yaml"
NAME_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


class _MkdocsLoader(yaml.SafeLoader):
    """Safe loading with mkdocs' python/ENV tags kept as inert strings."""


def _inert(loader, suffix, node):
    return f"<{node.tag}>"


_MkdocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", _inert)
_MkdocsLoader.add_multi_constructor("!", _inert)


def _unquote(v):
    """python-hcl2 8 keeps the quotes of string literals."""
    if isinstance(v, str) and len(v) >= 2 and v[0] == v[-1] == '"':
        return v[1:-1]
    if isinstance(v, list):
        return [_unquote(x) for x in v]
    if isinstance(v, dict):
        return {_unquote(k): _unquote(x) for k, x in v.items()}
    return v


def _tf_files():
    return sorted(ROOT.rglob("*.tf"))


def _yaml_files():
    return sorted(p for p in ROOT.rglob("*") if p.suffix in (".yaml", ".yml") and p.name != "mkdocs.yml")


def _parsed(path: Path) -> dict:
    return _unquote(hcl2.loads(path.read_text(encoding="utf-8")))


def _service_modules() -> dict[str, dict]:
    """repo -> attributes of its module "service"."""
    out = {}
    for repo in repo_names():
        f = ROOT / repo / ".af/service.tf"
        if f.exists():
            for block in _parsed(f).get("module", []):
                if "service" in block:
                    out[repo] = block["service"]
    return out


def _descriptor_files():
    """What Lookout reads as Backstage descriptors: .af/*.yaml (not deeper),
    a root catalog-info.yaml, and the org repo's files."""
    for f in _yaml_files():
        rel = f.relative_to(ROOT).parts
        if rel[0] == "org" or rel[1:] == ("catalog-info.yaml",) or (len(rel) == 3 and rel[1] == ".af"):
            yield f


def _yaml_entities():
    for f in _descriptor_files():
        for doc in yaml.safe_load_all(f.read_text(encoding="utf-8")):
            yield f, doc


def test_every_descriptor_document_is_an_entity():
    n = 0
    for f, doc in _yaml_entities():
        assert isinstance(doc, dict) and {"apiVersion", "kind", "metadata"} <= set(doc), f
        n += 1
    assert n >= 50


def _readme_list(marker: str) -> list[str]:
    m = re.search(rf"<!-- {marker}: begin -->(.*?)<!-- {marker}: end -->", README, re.S)
    assert m, f"README lacks the {marker} list"
    return sorted(re.findall(r"^- (\S+)$", m.group(1), re.M))


# --- shape -------------------------------------------------------------------

def test_repo_count_and_org_repo():
    names = repo_names()
    assert 15 <= len(names) <= 20
    assert "org" in names


@pytest.mark.parametrize("path", _tf_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_tf_parses_except_the_broken_one(path):
    if path == BROKEN_TF:
        with pytest.raises(lark.exceptions.LarkError):
            hcl2.loads(path.read_text(encoding="utf-8"))
    else:
        hcl2.loads(path.read_text(encoding="utf-8"))


def test_tfvars_parse():
    files = sorted(ROOT.rglob("*.tfvars"))
    assert len(files) >= 2
    for f in files:
        assert _parsed(f)


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_loads(path):
    docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    assert docs and all(d is not None for d in docs)


def test_mkdocs_files_load_with_inert_tags():
    files = sorted(ROOT.rglob("mkdocs.yml"))
    with_docs = [f for f in files if (f.parent / "docs").is_dir()]
    assert len(with_docs) == len(files) and len(files) >= 0.75 * (len(repo_names()) - 1)
    allowed = {"admonition", "attr_list", "tables", "toc", "pymdownx.details", "pymdownx.superfences",
               "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.emoji"}
    for f in files:
        cfg = yaml.load(f.read_text(encoding="utf-8"), Loader=_MkdocsLoader)
        assert cfg["site_name"] and cfg["nav"]
        for page in cfg["nav"]:
            (target,) = page.values()
            assert (f.parent / "docs" / target).is_file(), f"{f}: nav entry {target} missing"
        exts = {next(iter(e)) if isinstance(e, dict) else e for e in cfg["markdown_extensions"]}
        assert exts <= allowed, f"{f}: {exts - allowed}"


def test_the_invalid_name_is_the_only_invalid_name():
    bad = [(f, d["metadata"]["name"]) for f, d in _yaml_entities()
           if not NAME_RE.match(str(d["metadata"]["name"]))]
    assert bad == [(INVALID_NAME_YAML, "Feature Store")]


# --- consistency with the README and between repos ---------------------------

def test_events_prod_consumers_match_readme():
    consumers = []
    for repo in repo_names():
        variables, tfvars = {}, {}
        files = sorted((ROOT / repo / ".af").glob("*.tf")) if (ROOT / repo / ".af").is_dir() else []
        parsed = [_parsed(f) for f in files if f != BROKEN_TF]
        for p in parsed:
            for v in p.get("variable", []):
                for name, body in v.items():
                    variables[name] = body.get("default")
        for f in (ROOT / repo / ".af").glob("*.tfvars"):
            tfvars.update(_parsed(f))
        for f in (ROOT / repo / ".af").glob("*.tf.json"):   # Terraform's JSON syntax: one data object
            parsed.append({"data": [json.loads(f.read_text(encoding="utf-8")).get("data", {})]})
        for p in parsed:
            for d in p.get("data", []):
                for body in d.get("aws_msk_cluster", {}).values():
                    name = body["cluster_name"]
                    m = re.fullmatch(r"\$\{var\.(\w+)\}", name)
                    if m:
                        name = tfvars.get(m.group(1), variables.get(m.group(1)))
                    if name == "events-prod":
                        consumers.append(repo)
    assert sorted(consumers) == _readme_list("events-prod consumers")
    assert len(consumers) >= 4
    declared = [f for f in ROOT.rglob("*.tf") if f != BROKEN_TF and "aws_msk_cluster" in
                {t for r in _parsed(f).get("resource", []) for t in r}]
    assert [f.relative_to(ROOT).as_posix() for f in declared] == ["kafka-platform/.af/msk.tf"]


def test_search_phrase_in_exactly_one_docs_page():
    hits = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
            if p.is_file() and "quiesce" in p.read_text(encoding="utf-8", errors="replace").lower()]
    assert hits == ["ledger-service/docs/operations.md"]
    assert "nightly quiesce window" in (ROOT / hits[0]).read_text(encoding="utf-8")


def test_org_location_targets_exist_and_groups_are_consistent():
    loc = yaml.safe_load((ROOT / "org/catalog-info.yaml").read_text(encoding="utf-8"))
    assert loc["kind"] == "Location"
    entities = []
    for t in loc["spec"]["targets"]:
        f = (ROOT / "org" / t).resolve()
        assert f.is_file(), t
        entities += list(yaml.safe_load_all(f.read_text(encoding="utf-8")))
    groups = {e["metadata"]["name"]: e for e in entities if e["kind"] == "Group"}
    users = [e for e in entities if e["kind"] == "User"]
    assert len(users) >= 18 and len(groups) >= 6
    for name, g in groups.items():
        assert g["spec"]["profile"]["displayName"] and g["spec"]["profile"]["email"]
        for child in g["spec"]["children"]:
            assert groups[child]["spec"]["parent"] == name
        if "parent" in g["spec"]:
            assert name in groups[g["spec"]["parent"]]["spec"]["children"]
    for u in users:
        assert u["spec"]["memberOf"] and all(m in groups for m in u["spec"]["memberOf"])
    for e in entities:
        if e["kind"] in ("System", "Domain"):
            assert e["spec"]["owner"] in groups


def test_service_modules_reference_what_exists_except_the_documented_mistakes():
    org = [d for f in (ROOT / "org").rglob("*.yaml") for d in yaml.safe_load_all(f.read_text(encoding="utf-8"))]
    groups = {d["metadata"]["name"]: d for d in org if d["kind"] == "Group"}
    systems = {d["metadata"]["name"] for d in org if d["kind"] == "System"}
    apis = {d["metadata"]["name"] for f, d in _yaml_entities() if d["kind"] == "API"}
    modules = _service_modules()
    components = {m["service_name"] for m in modules.values()}
    assert len({m["owner"] for m in modules.values()}) >= 5
    assert len({m["language"] for m in modules.values()}) >= 6

    odd_owners, dangling, no_lifecycle = [], [], []
    for repo, m in modules.items():
        if m["owner"] not in groups:
            odd_owners.append((repo, m["owner"]))
        assert m.get("system") in systems, repo
        if "lifecycle" not in m:
            no_lifecycle.append(repo)
        else:
            assert m["lifecycle"] in ("production", "experimental", "deprecated")
        for api in m.get("provides_apis", []) + m.get("consumes_apis", []):
            assert api in apis, (repo, api)
        for ref in m.get("dependencies", []):
            kind, _, name = ref.rpartition(":")
            assert kind == "component"
            if name not in components:
                dangling.append((repo, ref))
        assert "depends_on" not in m, repo  # Terraform rejects strings there
    assert odd_owners == [("payment-gateway", "Payments Team")]
    assert groups["payments"]["spec"]["profile"]["displayName"] == "Payments Team"
    assert dangling == [("notification-service", "component:sms-gateway")]
    assert no_lifecycle == ["reconciliation-jobs"]
    assert "legacy-scripts" not in modules and any((ROOT / "legacy-scripts/.af").glob("*.tf"))


def test_api_definitions_point_at_files_inside_the_af_folder():
    """Not directly in .af/: every .af/*.yaml is read as a descriptor."""
    n = 0
    for f, d in _yaml_entities():
        if d["kind"] == "API":
            target = f.parent / d["spec"]["definition"]["$text"]
            assert target.is_file() and target.parent == f.parent / "specs"
            n += 1
    assert n >= 4


def test_drift_between_tf_and_yaml_in_checkout_service():
    tf = _service_modules()["checkout-service"]
    yml = yaml.safe_load((ROOT / "checkout-service/catalog-info.yaml").read_text(encoding="utf-8"))
    assert yml["metadata"]["name"] == tf["service_name"]
    assert yml["metadata"]["description"] != tf["description"]


def test_physical_names_are_unique_where_literal():
    seen = {}
    keys = {"aws_db_instance": "identifier", "aws_s3_bucket": "bucket", "aws_sqs_queue": "name",
            "aws_lambda_function": "function_name", "aws_dynamodb_table": "name",
            "aws_sns_topic": "name", "datadog_monitor": "name", "pagerduty_service": "name"}
    for f in _tf_files():
        if f == BROKEN_TF:
            continue
        for r in _parsed(f).get("resource", []):
            for rtype, blocks in r.items():
                for body in blocks.values():
                    name = body.get(keys.get(rtype, ""), None)
                    if isinstance(name, str) and "${" not in name:
                        assert (rtype, name) not in seen, (f, seen.get((rtype, name)))
                        seen[(rtype, name)] = f


# --- init_demo -----------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_init_demo_is_deterministic(tmp_path):
    a = init_demo(tmp_path / "a")
    b = init_demo(tmp_path / "b" / "nested")
    assert [p.name for p in a] == [p.name for p in b] == repo_names()
    for ra, rb in zip(a, b, strict=True):
        assert (ra / ".git").is_dir()
        ha, hb = head_commit(ra), head_commit(rb)
        assert re.fullmatch(r"[0-9a-f]{40}", ha)
        assert ha == hb, ra.name
    # one commit, on main, with every source file
    out = subprocess.run(["git", "-C", str(a[0]), "rev-list", "--count", "HEAD"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "1"
    branch = subprocess.run(["git", "-C", str(a[0]), "symbolic-ref", "--short", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert branch == "main"
    checkout = tmp_path / "a" / "checkout-service"
    tracked = subprocess.run(["git", "-C", str(checkout), "ls-files"],
                             capture_output=True, text=True, check=True).stdout.split()
    src = sorted(p.relative_to(ROOT / "checkout-service").as_posix()
                 for p in (ROOT / "checkout-service").rglob("*") if p.is_file())
    assert sorted(tracked) == src
    status = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert status == ""


@needs_git
def test_init_demo_accepts_an_empty_folder(tmp_path):
    repos = init_demo(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == set(repo_names())
    assert all(p.parent == tmp_path for p in repos)


def test_init_demo_refuses_a_non_empty_destination(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty"):
        init_demo(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_demo_refuses_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        init_demo(f)


def test_resource_labels_are_unique_within_each_repo():
    """A Resource whose physical name is unknown is named <service>-<label>:
    two blocks with one label in one repo would collide for no reason."""
    for repo in repo_names():
        seen: dict[str, str] = {}
        for f in sorted((ROOT / repo).glob(".af/*.tf")):
            if f == BROKEN_TF:
                continue
            for r in _parsed(f).get("resource", []):
                for rtype, blocks in r.items():
                    for label in blocks:
                        assert label not in seen, f"{repo}: {label} is both {seen[label]} and {rtype}"
                        seen[label] = rtype


def test_package_data_ships_every_demo_file():
    """pyproject's package-data globs must cover the whole demo, hidden .af
    sub-folders included (glob's ** does not enter hidden folders)."""
    import glob
    import os
    import tomllib

    pkg = ROOT.parent.parent  # generator/
    pyproject = pkg.parent / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("not running from a source checkout")
    patterns = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["generator"]
    shipped = {os.path.normpath(f) for p in patterns for f in glob.glob(str(pkg / p), recursive=True)}
    missing = sorted(str(p.relative_to(pkg)) for p in ROOT.rglob("*") if p.is_file()
                     and "__pycache__" not in p.parts and os.path.normpath(p) not in shipped)
    assert not missing, f"not in package-data (add \"demo/org/**/.af/*/*\"): {missing}"
