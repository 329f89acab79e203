"""The real Backstage corpus, read and linked: inverses, dangling refs, rejects."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.entity.refs import entity_ref
from generator.entity.relations import INVERSE
from generator.link import link
from generator.model import Repo
from generator.read.descriptors import read_descriptor_file

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "backstage"


@pytest.fixture(scope="module")
def linked():
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    results, repos = [], []
    for top in sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name != "schema"):
        repo = Repo(top.name, top)
        repos.append(repo)
        for f in sorted(top.rglob("*.y*ml")):
            rel = f.relative_to(top).as_posix()
            if "skeleton" in f.relative_to(top).parts:
                continue
            results.append(read_descriptor_file(repo, rel))
    return link(results, repos)


def test_every_relation_has_its_inverse(linked):
    ents = {entity_ref(e): e for e in linked.entities}
    assert len(ents) > 50
    pairs = 0
    for ref, e in ents.items():
        for rel in e["relations"]:
            target = ents[rel["targetRef"]]
            assert {"type": INVERSE[rel["type"]], "targetRef": ref} in target["relations"]
            pairs += 1
    assert pairs > 100


def test_dangling_references_are_listed_with_their_file(linked):
    dangling = [p for p in linked.problems if p.message.startswith("dangling reference")]
    assert dangling
    assert all(p.repo and p.file and p.line for p in dangling)


def test_invalid_component_is_rejected_in_backstages_words(linked):
    refs = {entity_ref(e) for e in linked.entities}
    bad = [p for p in linked.problems if p.file and p.file.endswith("invalid-component.yaml")]
    assert bad and all(p.severity == "error" for p in bad)
    assert any('"metadata.name" is not valid' in p.message for p in bad)
    assert not any(r.endswith("/invalid-component") for r in refs)
