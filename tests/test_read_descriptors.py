"""The YAML read stage on hostile and ordinary repos built in tmp_path."""
from __future__ import annotations

import json
import os
import resource
import textwrap
from pathlib import Path

import pytest

from generator.model import ANN_FILE, ANN_LINE, ANN_MANAGED_BY, ANN_ORIGIN, ANN_REPO, Draft, ReadResult, Repo
from generator.read.descriptors import read_descriptor_file, read_descriptors
from generator.read.yamlsafe import MAX_ALIAS_EXPANSION, load_documents


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def entity(name: str, kind: str = "Component", extra: str = "") -> str:
    return (f"apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n"
            f"spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n{extra}")


def names(result: ReadResult) -> list[str]:
    return [d.entity["metadata"]["name"] for d in result.drafts]


def errors(result: ReadResult) -> list[str]:
    return [p.message for p in result.problems if p.severity == "error"]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "orders"
    root.mkdir()
    return Repo("orders", root)


# --- documents, lines, annotations ----------------------------------------

def test_multi_document_lines_and_annotations(repo: Repo) -> None:
    write(repo.path, ".af/entities.yaml", "# header comment\n" + entity("a") + "---\n\n" + entity("b")
          + "---\n" + entity("c", extra="  # trailing\n") + "---\n")
    result = read_descriptor_file(repo, ".af/entities.yaml")
    assert result.problems == []
    assert names(result) == ["a", "b", "c"]
    assert [d.location.line for d in result.drafts] == [2, 12, 21]
    d = result.drafts[1]
    assert isinstance(d, Draft) and d.source == "yaml"
    assert (d.location.repo, d.location.file) == ("orders", ".af/entities.yaml")
    ann = d.entity["metadata"]["annotations"]
    assert ann[ANN_REPO] == "orders" and ann[ANN_FILE] == ".af/entities.yaml" and ann[ANN_LINE] == "12"
    assert ann[ANN_MANAGED_BY] == ann[ANN_ORIGIN] == "file:orders/.af/entities.yaml"
    assert d.entity["metadata"]["namespace"] == "default"


def test_web_url_location_and_author_annotations_kept(tmp_path: Path) -> None:
    repo = Repo("orders", tmp_path, commit="abc", web_url="https://git.example.com/team/orders")
    write(tmp_path, "catalog-info.yaml", """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: a
          namespace: payments
          annotations:
            pagerduty.com/service-id: P1
            lookout/line: '999'
        spec: {type: service, lifecycle: production, owner: team-a}
        """)
    [d] = read_descriptors(repo, namespace="ignored-when-set").drafts
    meta = d.entity["metadata"]
    assert meta["namespace"] == "payments"
    assert meta["annotations"]["pagerduty.com/service-id"] == "P1"
    assert meta["annotations"][ANN_LINE] == "1"  # ours, always
    assert meta["annotations"][ANN_MANAGED_BY] == "url:https://git.example.com/team/orders/-/blob/abc/catalog-info.yaml"


def test_namespace_argument_is_the_default(repo: Repo) -> None:
    write(repo.path, ".af/a.yml", entity("a"))
    [d] = read_descriptors(repo, namespace="payments").drafts
    assert d.entity["metadata"]["namespace"] == "payments"


def test_non_mapping_and_kindless_documents(repo: Repo) -> None:
    write(repo.path, ".af/odd.yaml", "- a list\n---\njust text\n---\nname: no-kind\n---\n" + entity("ok"))
    result = read_descriptor_file(repo, ".af/odd.yaml")
    assert names(result) == ["ok"]
    msgs = [(p.line, p.message) for p in result.problems]
    assert (1, "Expected object at root, got object") in msgs
    assert (3, "Expected object at root, got string") in msgs
    assert (5, "not an entity: the document has no 'kind'") in msgs


@pytest.mark.parametrize("metadata", ["metadata: just-a-string\n", "metadata: [1, 2]\n", "",
                                      "metadata:\n  name: x\n  annotations: [a]\n"])
def test_malformed_metadata_does_not_crash(repo: Repo, metadata: str) -> None:
    write(repo.path, ".af/x.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n" + metadata)
    result = read_descriptor_file(repo, ".af/x.yaml")
    assert len(result.drafts) == 1 and result.problems == []  # validation is the linker's job


def test_yaml_1_2_scalars_and_string_keys(repo: Repo) -> None:
    write(repo.path, ".af/x.yaml", entity("x", extra="  since: 2024-01-01\n  flag: on\n  n: 0777\n  m: {1: a, true: b}\n"))
    spec = read_descriptor_file(repo, ".af/x.yaml").drafts[0].entity["spec"]
    assert spec["since"] == "2024-01-01" and spec["flag"] == "on" and spec["n"] == 777
    assert spec["m"] == {"1": "a", "true": "b"}
    json.dumps(spec)  # catalog.json must be able to hold it


# --- hostile input ---------------------------------------------------------

def test_syntax_error_is_one_problem_and_the_rest_goes_on(repo: Repo) -> None:
    write(repo.path, ".af/a.yaml", entity("first") + "---\nkind: [unclosed\nmetadata: x\n---\n" + entity("third"))
    write(repo.path, ".af/b.yaml", entity("other-file"))
    result = read_descriptors(repo)
    assert names(result) == ["first", "third", "other-file"]
    [problem] = result.problems
    assert problem.severity == "error" and problem.file == ".af/a.yaml" and problem.line == 11
    assert problem.message.startswith("YAML error")


def test_duplicate_keys_are_refused_as_backstage_does(repo: Repo) -> None:
    write(repo.path, ".af/a.yaml", entity("a") + "kind: Group\n")
    result = read_descriptor_file(repo, ".af/a.yaml")
    assert result.drafts == [] and "Map keys must be unique" in errors(result)[0]


def test_custom_tags_are_inert(repo: Repo, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    write(repo.path, ".af/tags.yaml", entity("t", extra=(
        "  env: !ENV [HOME, fallback]\n"
        "  fn: !!python/name:os.system\n"
        f"  run: !!python/object/apply:os.system ['touch {marker}']\n"
        "  new: !!python/object/new:builtins.dict [{a: 1}]\n"
        "  custom: !Ref Something\n")))
    result = read_descriptor_file(repo, ".af/tags.yaml")
    assert not marker.exists()
    [d] = result.drafts
    spec = d.entity["spec"]
    assert spec["env"] == ["HOME", "fallback"] and spec["fn"] == "" and spec["custom"] == "Something"
    json.dumps(d.entity)
    lines = sorted(p.line for p in result.problems if "custom YAML tag" in p.message)
    assert lines == [9, 10, 11, 12, 13]
    assert all(p.severity == "warning" and p.file == ".af/tags.yaml" for p in result.problems)


def test_alias_bomb_is_one_error_without_memory_blowup(repo: Repo) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghijk":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    write(repo.path, ".af/bomb.yaml", "kind: Component\nmetadata: {name: bomb}\n" + "\n".join(lines) + "\n---\n" + entity("after"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = read_descriptor_file(repo, ".af/bomb.yaml")
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert names(result) == ["after"]
    [problem] = result.problems
    assert problem.severity == "error" and problem.line == 1 and "aliases expand" in problem.message
    assert grown_kb < 50_000


def test_moderate_aliases_are_fine_and_unshared(repo: Repo) -> None:
    write(repo.path, ".af/a.yaml", entity("a", extra="  x: &x {k: [1, 2]}\n  y: *x\n"))
    [d] = read_descriptor_file(repo, ".af/a.yaml").drafts
    assert d.entity["spec"]["x"] == d.entity["spec"]["y"]
    assert d.entity["spec"]["x"] is not d.entity["spec"]["y"]


def test_recursive_alias(repo: Repo) -> None:
    write(repo.path, ".af/a.yaml", "kind: X\nself: &s [*s]\n")
    result = read_descriptor_file(repo, ".af/a.yaml")
    assert result.drafts == [] and "refers to its own anchor" in errors(result)[0]


def test_alias_limit_is_generous_for_real_files() -> None:
    [doc] = load_documents("base: &b {a: 1, b: 2}\nitems:\n" + "  - *b\n" * 1000)
    assert not hasattr(doc, "message")
    assert MAX_ALIAS_EXPANSION >= 100_000


def test_huge_file_is_refused_unread(repo: Repo) -> None:
    path = repo.path / ".af" / "huge.yaml"
    path.parent.mkdir()
    with open(path, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: costs no disk
    write(repo.path, ".af/ok.yaml", entity("ok"))
    result = read_descriptors(repo)
    assert names(result) == ["ok"]
    [problem] = result.problems
    assert problem.file == ".af/huge.yaml" and "limit" in problem.message


def test_non_utf8_is_a_problem(repo: Repo) -> None:
    (repo.path / "catalog-info.yaml").write_bytes(entity("x").encode() + b"  bad: \xff\xfe\n")
    result = read_descriptors(repo)
    assert result.drafts == [] and "UTF-8" in errors(result)[0]


def test_symlink_out_of_repo_is_never_read(repo: Repo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(entity("stolen-secret"))
    os.symlink("/etc/passwd", repo.path / "catalog-info.yaml")
    (repo.path / ".af").mkdir()
    os.symlink(secret, repo.path / ".af" / "link.yaml")
    result = read_descriptors(repo)
    assert result.drafts == []
    assert len(errors(result)) == 2 and all("outside the repository" in m for m in errors(result))
    assert "root:" not in repr(result) and "stolen-secret" not in repr(result)


# --- placeholders -----------------------------------------------------------

def test_placeholders_resolve_relative_to_the_descriptor(repo: Repo) -> None:
    write(repo.path, "api/openapi.yaml", "openapi: 3.0.0\ninfo: {title: Orders}\n")
    write(repo.path, "api/schema.json", '{"type": "object"}')
    write(repo.path, "api/catalog.yaml", entity("orders-api", kind="API", extra=(
        "  definition:\n    $text: ./openapi.yaml\n"
        "  parsed:\n    $yaml: openapi.yaml\n"
        "  schema:\n    $json: ./schema.json\n"
        "  jsonschema:\n    $ref: '#/definitions/x'\n"
        "  two:\n    $text: ./openapi.yaml\n    other: 1\n")))
    result = read_descriptor_file(repo, "api/catalog.yaml")
    assert result.problems == []
    spec = result.drafts[0].entity["spec"]
    assert spec["definition"].startswith("openapi: 3.0.0")
    assert spec["parsed"] == {"openapi": "3.0.0", "info": {"title": "Orders"}}
    assert spec["schema"] == {"type": "object"}
    assert spec["jsonschema"] == {"$ref": "#/definitions/x"}  # not a placeholder: left alone
    assert spec["two"] == {"$text": "./openapi.yaml", "other": 1}  # more than one key: left alone


@pytest.mark.parametrize("target", ["../../etc/passwd", "/etc/passwd", "../outside.yaml"])
def test_placeholder_escape_is_an_error_and_reads_nothing(repo: Repo, tmp_path: Path, target: str) -> None:
    (tmp_path / "outside.yaml").write_text("secret: stolen-secret\n")
    write(repo.path, ".af/a.yaml", entity("a", extra=f"  definition:\n    $text: {target}\n"))
    result = read_descriptor_file(repo, ".af/a.yaml")
    [d] = result.drafts
    assert d.entity["spec"]["definition"] == {"$text": target}
    [problem] = result.problems
    assert problem.severity == "error" and problem.line == 1 and problem.entity_ref == "component:default/a"
    assert "stolen-secret" not in repr(result) and "root:" not in repr(result)


def test_placeholder_symlink_out_is_refused(repo: Repo) -> None:
    os.symlink("/etc/passwd", repo.path / "passwd")
    write(repo.path, "catalog-info.yaml", entity("a", extra="  definition:\n    $text: ./passwd\n"))
    result = read_descriptors(repo)
    assert "outside the repository" in errors(result)[0] and "root:" not in repr(result)


def test_placeholder_url_is_not_fetched(repo: Repo) -> None:
    url = "https://example.com/openapi.yaml"
    write(repo.path, "catalog-info.yaml", entity("a", kind="API", extra=f"  definition:\n    $text: {url}\n"))
    result = read_descriptors(repo)
    assert result.drafts[0].entity["spec"]["definition"] == url
    [problem] = result.problems
    assert problem.severity == "info" and "not fetched" in problem.message


def test_placeholder_bad_json_and_missing_file(repo: Repo) -> None:
    write(repo.path, "bad.json", "{nope")
    write(repo.path, "catalog-info.yaml", entity("a", extra="  a:\n    $json: ./bad.json\n  b:\n    $text: ./missing.txt\n"))
    msgs = errors(read_descriptors(repo))
    assert any("$json" in m and "JSON" in m for m in msgs) and any("does not exist" in m for m in msgs)


def test_a_file_a_placeholder_reads_is_not_a_descriptor(repo: Repo) -> None:
    """.af/openapi.yaml beside the API that $text-includes it: content, not an entity to report.
    The referencing file sorts after the referenced one, so the order of reading does not matter."""
    write(repo.path, ".af/a-openapi.yaml", "openapi: 3.0.0\ninfo: {title: Orders, version: '1'}\npaths: {}\n")
    write(repo.path, ".af/b-schema.yaml", "type: object\n  bad: [indent\n")  # $yaml of it fails: one error
    write(repo.path, ".af/z-api.yaml", entity("orders-api", kind="API",
                                              extra="  definition:\n    $text: ./a-openapi.yaml\n"
                                                    "  schema:\n    $yaml: ./b-schema.yaml\n"))
    write(repo.path, ".af/stray.yaml", "just: data\n")  # referenced by nothing: still reported
    result = read_descriptors(repo)
    assert names(result) == ["orders-api"]
    [api] = result.drafts
    assert api.entity["spec"]["definition"].startswith("openapi: 3.0.0\n")
    by_file: dict[str, list[str]] = {}
    for p in result.problems:
        by_file.setdefault(p.file, []).append(p.message)
    assert set(by_file) == {".af/z-api.yaml", ".af/stray.yaml"}
    assert by_file[".af/stray.yaml"] == ["not an entity: the document has no 'kind'"]
    [yaml_error] = by_file[".af/z-api.yaml"]
    assert yaml_error.startswith("Placeholder $yaml './b-schema.yaml': failed to parse YAML")


# --- Location entities ------------------------------------------------------

def location(name: str, targets: list[str], typ: str | None = None) -> str:
    body = "".join(f"    - {t}\n" for t in targets)
    kind = f"  type: {typ}\n" if typ else ""
    return (f"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: {name}\n"
            f"spec:\n{kind}  targets:\n{body}")


def test_location_targets_are_followed_once_and_confined(repo: Repo, tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text(entity("outside"))
    write(repo.path, "catalog-info.yaml", location("root", [
        "./teams/a.yaml", "teams/a.yaml", "./services/*/catalog.yaml", "../outside.yaml", "/etc/passwd",
        "https://github.com/x/y/blob/main/catalog-info.yaml", "./missing.yaml"], typ="url"))
    write(repo.path, "teams/a.yaml", entity("team-a", kind="Group") + "---\n" + location("nested", ["../catalog-info.yaml", "b.yaml"]))
    write(repo.path, "teams/b.yaml", entity("team-b", kind="Group"))
    write(repo.path, "services/orders/catalog.yaml", entity("orders"))
    write(repo.path, "services/billing/catalog.yaml", entity("billing"))
    result = read_descriptors(repo)
    assert names(result) == ["root", "team-a", "nested", "billing", "orders", "team-b"]
    assert [d.entity["kind"] for d in result.drafts][:3] == ["Location", "Group", "Location"]
    by_msg = {p.message: p for p in result.problems}
    assert by_msg["Location target '../outside.yaml' points outside the repository"].severity == "error"
    assert by_msg["Location target '/etc/passwd' points outside the repository"].line == 1
    assert "not fetched" in by_msg["Location target 'https://github.com/x/y/blob/main/catalog-info.yaml' "
                                   "is remote and was not fetched (Lookout reads no URLs)"].message
    assert by_msg["Location target './missing.yaml' does not exist"].severity == "error"
    team_b = result.drafts[-1].entity["metadata"]["annotations"]
    assert team_b[ANN_MANAGED_BY] == "file:orders/teams/b.yaml"
    assert team_b[ANN_ORIGIN] == "file:orders/catalog-info.yaml"  # where the chain started


def test_other_location_types_are_not_followed(repo: Repo) -> None:
    write(repo.path, "catalog-info.yaml", location("gh", ["https://github.com/org"], typ="github-discovery"))
    result = read_descriptors(repo)
    assert names(result) == ["gh"] and "not followed" in result.problems[0].message


def test_glob_does_not_follow_symlinked_folders(repo: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "catalog-info.yaml").write_text(entity("outside"))
    os.symlink(outside, repo.path / "linked")
    write(repo.path, "catalog-info.yaml", location("all", ["./**/catalog-info.yaml", "./linked/*.yaml"]))
    result = read_descriptors(repo)
    assert "outside" not in names(result)


# --- scaffolder skeletons ---------------------------------------------------

def test_skeleton_folders_are_never_read(repo: Repo) -> None:
    skeleton_text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{values.name | dump}}\n  {%- if x %}\n"
    write(repo.path, "templates/web/skeleton/catalog-info.yaml", skeleton_text)
    write(repo.path, "templates/web/skeleton/deep/other.yaml", skeleton_text)
    write(repo.path, "templates/web/template.yaml",
          "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: web\nspec: {}\n")
    write(repo.path, "catalog-info.yaml", location("templates", [
        "./templates/**/*.yaml", "./templates/web/skeleton/catalog-info.yaml"]))
    result = read_descriptors(repo)
    assert names(result) == ["templates", "web"]
    assert not any("YAML" in p.message for p in result.problems)
    assert [p.severity for p in result.problems] == ["info"]  # the explicit target says why it is skipped
    assert read_descriptor_file(repo, "templates/web/skeleton/catalog-info.yaml") == ReadResult()
