"""The read stage and Backstage's rules on real Backstage descriptors (shared/corpus/backstage)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.entity.rules import validate_entity
from generator.model import Repo
from generator.read.descriptors import read_descriptor_file, read_descriptors
from generator.read.yamlsafe import YamlFailure, load_documents

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpus/backstage"
REPOS = ("backstage__backstage", "backstage__demo", "backstage__software-templates")
INVALID = "backstage__backstage/packages/catalog-model/examples/components/invalid-component.yaml"

# Entities of the corpus that Backstage's own examples mean to be valid, yet the
# schemas we hold (the corpus' snapshot of packages/catalog-model/src/schema)
# reject: newer Backstage adds them through "model layers" whose schemas are not
# in the snapshot (AiResource.v1alpha1*.schema.json, API.v1alpha1.mcp-server /
# ai-model-server.schema.json). Listed so that a schema update shows up here.
NEWER_THAN_SCHEMAS = {
    ("AiResource", None),                     # no default processor recognises the kind
    ("Environment", None),                    # in Backstage's main branch, not in the released package
    ("API", "mcp-server"),                    # v1alpha1 API without `definition`
    ("API", "ai-model-server"),
}
# Scaffolder input, not entities: fetch:template copies these folders and fills
# in the ${{ }} placeholders (the `skeleton/` ones are never read at all).
TEMPLATE_INPUT = ("/template/catalog-info.yaml",)


def corpus_files(repo_dir: Path) -> list[str]:
    out = []
    for path in sorted(repo_dir.rglob("*")):
        rel = path.relative_to(repo_dir).as_posix()
        if path.suffix in (".yaml", ".yml") and "skeleton" not in path.parts:
            out.append(rel)
    return out


@pytest.fixture(scope="module")
def corpus() -> dict[str, Repo]:
    if not CORPUS.is_dir():
        pytest.skip(f"the Backstage corpus is absent ({CORPUS})")
    return {name: Repo(name, CORPUS / name) for name in REPOS if (CORPUS / name).is_dir()}


def test_every_document_with_a_kind_becomes_a_draft(corpus: dict[str, Repo]) -> None:
    total = 0
    for repo in corpus.values():
        for rel in corpus_files(repo.path):
            text = (repo.path / rel).read_text()
            docs = load_documents(text)
            assert not any(isinstance(d, YamlFailure) for d in docs), rel
            with_kind = [d for d in docs if isinstance(d.data, dict) and "kind" in d.data]
            result = read_descriptor_file(repo, rel)
            assert len(result.drafts) == len(with_kind), rel
            assert [d.location.line for d in result.drafts] == [d.line for d in with_kind], rel
            assert all(d.source == "yaml" and d.location.file == rel for d in result.drafts)
            # the only problems: URLs not fetched, documents that are not entities
            for p in result.problems:
                assert p.severity == "info" or p.message.startswith("not an entity"), (rel, p)
            total += len(result.drafts)
    assert total > 100


def test_skeleton_templates_produce_no_problems(corpus: dict[str, Repo]) -> None:
    repo = corpus["backstage__software-templates"]
    skeletons = sorted(p.relative_to(repo.path).as_posix() for p in repo.path.rglob("skeleton/**/*.y*ml"))
    assert skeletons
    for rel in skeletons:
        assert read_descriptor_file(repo, rel).problems == []
        assert read_descriptor_file(repo, rel).drafts == []


def test_invalid_component_is_rejected_naming_the_field(corpus: dict[str, Repo]) -> None:
    repo_name, rel = INVALID.split("/", 1)
    [draft] = read_descriptor_file(corpus[repo_name], rel).drafts
    messages = validate_entity(draft.entity)
    assert any(m.startswith('"metadata.name" is not valid; expected a string that is sequences of '
                            '[a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total '
                            'but found "invalid component"') for m in messages), messages


def test_backstage_accepts_what_its_examples_mean_to_be_valid(corpus: dict[str, Repo]) -> None:
    accepted = 0
    for name, repo in corpus.items():
        for rel in corpus_files(repo.path):
            for draft in read_descriptor_file(repo, rel).drafts:
                entity = draft.entity
                messages = validate_entity(entity)
                spec = entity.get("spec") if isinstance(entity.get("spec"), dict) else {}
                if f"{name}/{rel}" == INVALID or rel.endswith(TEMPLATE_INPUT):
                    assert messages, (rel, draft.location.line)
                elif (entity["kind"], None) in NEWER_THAN_SCHEMAS or (entity["kind"], spec.get("type")) in NEWER_THAN_SCHEMAS:
                    assert messages, (rel, draft.location.line)
                else:
                    assert messages == [], (rel, draft.location.line, messages)
                    accepted += 1
    assert accepted >= 90


def test_following_the_example_locations(corpus: dict[str, Repo], tmp_path: Path) -> None:
    """catalog-model/examples as a repo whose catalog-info.yaml is a Location naming
    Backstage's own all.yaml and acme-corp.yaml: the chains of Locations resolve."""
    examples = tmp_path / "examples"
    shutil.copytree(CORPUS / "backstage__backstage/packages/catalog-model/examples", examples)
    (examples / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\n"
        "spec:\n  targets: [./all.yaml, ./acme-corp.yaml, ./all.yaml]\n")
    result = read_descriptors(Repo("examples", examples))
    files = {d.location.file for d in result.drafts}
    assert {"all.yaml", "all-components.yaml", "components/petstore-component.yaml",
            "acme/org.yaml", "acme/team-a-group.yaml", "systems/podcast-system.yaml"} <= files
    assert len(result.drafts) == len({(d.location.file, d.location.line) for d in result.drafts})
    origins = {d.entity["metadata"]["annotations"]["backstage.io/managed-by-origin-location"]
               for d in result.drafts}
    assert origins == {"file:examples/catalog-info.yaml"}
    # The corpus holds a subset of Backstage's examples: all-apis.yaml names files it lacks.
    for p in result.problems:
        assert p.severity == "info" or (p.file == "all-apis.yaml" and p.message.endswith("does not exist")), p
