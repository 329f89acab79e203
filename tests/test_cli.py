"""The `lookout` CLI as a user runs it: a real subprocess, real exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lookout(*args, cwd=None, check=False):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.parametrize("cmd", [[], ["catalog"], ["validate"], ["query"], ["build"], ["serve"], ["preview"],
                                 ["demo"], ["demo", "init"]])
def test_every_command_has_help(cmd):
    proc = lookout(*cmd, "--help")
    assert proc.returncode == 0
    assert "Usage:" in proc.stdout


def test_user_mistakes_get_one_clear_line_not_a_traceback(tmp_path):
    bad_config = tmp_path / "lookout.yaml"
    bad_config.write_text("repoz: [x]\n")
    proc = lookout("catalog", "--config", str(bad_config), "-o", str(tmp_path / "c.json"))
    assert proc.returncode == 2
    assert "lookout.yaml:1: lookout.yaml: unknown key 'repoz'; did you mean 'repos'?" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = lookout("query", "owner", "x", "--catalog", str(tmp_path / "missing.json"))
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"schema_version": 99, "entities": []}))
    proc = lookout("query", "orphans", "--catalog", str(newer))
    assert proc.returncode == 2 and "newer than this Lookout supports" in proc.stderr


@pytest.fixture(scope="module")
def demo_catalog(tmp_path_factory):
    out = tmp_path_factory.mktemp("cat") / "catalog.json"
    proc = lookout("catalog", "-o", str(out), check=True)
    assert "entities" in proc.stdout
    return out


def test_catalog_with_no_arguments_builds_the_demo_org(demo_catalog):
    doc = json.loads(demo_catalog.read_text())
    assert doc["schema_version"] == 1
    assert len(doc["sources"]) >= 15
    kinds = {e["kind"] for e in doc["entities"]}
    assert {"Component", "Resource", "API", "System", "Domain", "Group", "User"} <= kinds
    for e in doc["entities"]:
        anns = e["metadata"]["annotations"]
        assert anns["backstage.io/managed-by-location"]
        if anns.get("lookout/file", "").endswith(".tf"):
            assert anns["lookout/terraform-address"]


def test_strict_exits_1_when_errors_exist(tmp_path, demo_catalog):
    doc = json.loads(demo_catalog.read_text())
    assert any(p["severity"] == "error" for p in doc["problems"])  # the demo has honest mistakes
    proc = lookout("catalog", "--strict", "-o", str(tmp_path / "c.json"))
    assert proc.returncode == 1


def test_query_answers_from_the_catalog(demo_catalog):
    doc = json.loads(demo_catalog.read_text())
    cluster = next(e for e in doc["entities"] if e["kind"] == "Resource" and e["spec"].get("type") == "kafka-cluster")
    ref = f"resource:default/{cluster['metadata']['name']}"
    consumers = lookout("query", "consumers", ref, "--catalog", str(demo_catalog), check=True).stdout.split()
    assert consumers, "the shared Kafka cluster has consumers in the demo org"
    owner = lookout("query", "owner", ref, "--catalog", str(demo_catalog), check=True).stdout.strip()
    assert owner.startswith("group:")
    owns = lookout("query", "owns", owner, "--catalog", str(demo_catalog), check=True).stdout.split()
    assert ref in owns
    orphans = lookout("query", "orphans", "--catalog", str(demo_catalog), check=True).stdout.split()
    assert orphans, "the demo org has an ownerless resource"
    proc = lookout("query", "owner", "no-such-thing", "--catalog", str(demo_catalog))
    assert proc.returncode == 2 and "no entity named" in proc.stderr


def test_dependents_follow_the_apis_a_component_provides(demo_catalog):
    # storefront-web consumes checkout-api, which checkout-service provides: when
    # checkout-service breaks, so does its API, and so does the storefront.
    doc = json.loads(demo_catalog.read_text())
    store = next(e for e in doc["entities"] if e["metadata"]["name"] == "storefront-web")
    assert {"type": "consumesApi", "targetRef": "api:default/checkout-api"} in store["relations"]
    assert not any(r["targetRef"] == "component:default/checkout-service" for r in store["relations"])
    out = lookout("query", "dependents", "component:default/checkout-service", "--catalog", str(demo_catalog),
                  check=True).stdout.split()
    assert "api:default/checkout-api" in out and "component:default/storefront-web" in out
    # the API's own dependents are its consumers, not its provider
    api = lookout("query", "dependents", "api:default/checkout-api", "--catalog", str(demo_catalog),
                  check=True).stdout.split()
    assert "component:default/storefront-web" in api and "component:default/checkout-service" not in api


def test_validate_reports_lines_and_gitlab_code_quality(tmp_path):
    repo = tmp_path / "svc"
    (repo / ".af").mkdir(parents=True)
    (repo / ".af" / "service.tf").write_text('module "service" {\n  source = "git::https://x/modules/service"\n'
                                             '  service_name = "svc"\n  owner = "nobody-team"\n'
                                             '  lifecycle = "production"\n}\n')
    (repo / ".af" / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    proc = lookout("validate", str(repo))
    assert proc.returncode == 1
    assert ".af/broken.tf:" in proc.stdout and "error" in proc.stdout
    proc = lookout("validate", str(repo), "--format", "codequality")
    report = json.loads(proc.stdout)
    broken = [r for r in report if r["location"]["path"] == ".af/broken.tf"]
    assert broken and broken[0]["severity"] == "major" and broken[0]["location"]["lines"]["begin"] >= 1
    assert all(len(r["fingerprint"]) == 64 for r in report)


def test_validate_rejects_the_old_depends_on_form_as_terraform_would(tmp_path):
    repo = tmp_path / "svc"
    (repo / ".af").mkdir(parents=True)
    (repo / ".af" / "service.tf").write_text('module "service" {\n  source = "git::https://x/modules/service"\n'
                                             '  service_name = "svc"\n  lifecycle = "production"\n'
                                             '  depends_on = ["component:cart"]\n}\n')
    proc = lookout("validate", str(repo))
    assert proc.returncode == 1
    line = next(ln for ln in proc.stdout.splitlines() if "depends_on" in ln)
    assert ".af/service.tf:5" in line and 'write dependencies = ["component:cart"] instead' in line


def test_validate_resolves_against_a_published_catalog(tmp_path, demo_catalog):
    doc = json.loads(demo_catalog.read_text())
    group = next(e["metadata"]["name"] for e in doc["entities"] if e["kind"] == "Group")
    repo = tmp_path / "newsvc"
    (repo / ".af").mkdir(parents=True)
    (repo / ".af" / "service.tf").write_text(
        f'module "service" {{\n  source = "git::https://x/modules/service"\n  service_name = "newsvc"\n'
        f'  owner = "{group}"\n  lifecycle = "experimental"\n}}\n')
    alone = lookout("validate", str(repo), "--format", "json")
    # alone, the owner cannot be checked: said once, not an error
    assert alone.returncode == 0, alone.stdout
    assert [p["severity"] for p in json.loads(alone.stdout) if "not checked" in p["message"]] == ["info"]
    proc = lookout("validate", str(repo), "--catalog", str(demo_catalog), "--format", "json")
    assert proc.returncode == 0, proc.stdout
    assert not any("dangling" in p["message"] for p in json.loads(proc.stdout))


def test_demo_init_writes_git_repositories(tmp_path):
    dest = tmp_path / "org"
    lookout("demo", "init", str(dest), check=True)
    repos = [p for p in dest.iterdir() if p.is_dir()]
    assert len(repos) >= 15 and all((p / ".git").is_dir() for p in repos)
    proc = lookout("demo", "init", str(dest))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    out = tmp_path / "c.json"
    lookout("catalog", "--repos", str(dest), "-o", str(out), check=True)
    assert all(s["commit"] for s in json.loads(out.read_text())["sources"])


def test_config_file_names_repos_and_extends_the_type_table(tmp_path):
    repo = tmp_path / "checkouts" / "search"
    (repo / ".af").mkdir(parents=True)
    (repo / ".af" / "main.tf").write_text(
        'module "app" {\n  source = "git::https://git.example/platform/svc-module?ref=v2"\n'
        '  service_name = "search"\n  owner = "team-a"\n  lifecycle = "production"\n}\n'
        'resource "aws_opensearch_domain" "main" {\n  domain_name = "search-prod"\n}\n')
    (tmp_path / "lookout.yaml").write_text(
        "repos: [checkouts]\n"
        "service_module_sources: ['platform/svc-module']\n"
        "resource_types:\n  aws_opensearch_domain: {type: opensearch, name_attr: domain_name}\n")
    out = tmp_path / "c.json"
    lookout("catalog", "--config", str(tmp_path / "lookout.yaml"), "-o", str(out), check=True)
    ents = {e["metadata"]["name"]: e for e in json.loads(out.read_text())["entities"]}
    assert ents["search"]["kind"] == "Component"
    assert ents["search-prod"]["spec"]["type"] == "opensearch"
    assert "resource:default/search-prod" in ents["search"]["spec"]["dependsOn"]


def test_a_bug_in_lookout_is_one_line_and_exit_3(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import generator.query
    from generator.cli import main

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.query, "answer", broken)
    cat = tmp_path / "c.json"
    cat.write_text('{"schema_version": 1, "entities": []}')
    monkeypatch.delenv("LOOKOUT_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["query", "orphans", "--catalog", str(cat)])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.output and "Traceback" not in result.output


def test_serving_on_a_busy_port_is_a_clear_message_before_any_build(tmp_path):
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = lookout("serve", "--port", str(port), "--out", str(tmp_path / "site"))
    assert proc.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "site").exists()


def test_a_second_build_on_the_same_cache_waits_for_the_first_and_says_so(tmp_path):
    """Two builds sharing a cache folder prune it under each other: the second one waits."""
    import time

    from generator.cachelock import cache_lock

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    with cache_lock(tmp_path / ".lookout-cache", say=False):   # "the first build"
        proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "--out", "site", "--no-search"],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not (tmp_path / ".lookout-cache" / "read").is_dir() and time.monotonic() < deadline:
            time.sleep(0.2)   # it reads while the other one holds the lock: only publishing waits
        time.sleep(3)
        assert proc.poll() is None and not (tmp_path / "site").exists()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "waiting for another build that uses the cache folder" in err
    assert (tmp_path / "site" / "catalog" / "index.html").is_file()


def test_only_the_console_script_leaves_the_catalog_to_the_exit(tmp_path):
    """`lookout` (run) ends the process without freeing what the build held; a caller of
    main in its own process (a test, `lookout serve`'s rebuilds) must get it freed as usual."""
    from click.testing import CliRunner

    from generator import gcpolicy
    from generator.cli import main

    result = CliRunner().invoke(main, ["catalog", "-o", str(tmp_path / "c.json")])
    assert result.exit_code == 0, result.output
    assert gcpolicy._LEFT is None
    proc = lookout("catalog", "-o", str(tmp_path / "d.json"))   # the console path: the same file
    assert proc.returncode == 0 and "entities" in proc.stdout
    assert (tmp_path / "d.json").read_bytes() == (tmp_path / "c.json").read_bytes()
