"""Parsed mkdocs.yml files kept between builds (yamlload.YamlMemo): same plan, keys still exact."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.techdocs import yamlload
from generator.techdocs.build import DocsJob, code_version, docs_keys
from generator.techdocs.config import prepare_docs
from generator.techdocs.yamlload import YamlMemo

MKDOCS_YML = """site_name: Orders
nav:
  - Home: index.md
  - Missing: nope.md
hooks:
  - evil.py
markdown_extensions:
  - toc:
      permalink: true
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - not_allowed_ext
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "orders"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "docs" / "index.md").write_text("# Orders\n\nversion one\n")
    return root


def plan(repo: Path, memo: YamlMemo | None = None):
    prep = prepare_docs("orders", repo, ".", "Orders", memo)
    return (prep.site_name, prep.nav, prep.extensions, prep.docs_dir,
            [(p.severity, p.message, p.file, p.line) for p in prep.problems])


def test_a_memo_hit_gives_the_plan_a_fresh_parse_gives(repo, tmp_path, monkeypatch):
    fresh = plan(repo)
    assert any(line == 5 and "hooks" in msg for _, msg, _, line in fresh[4])   # lines survive the memo
    first = YamlMemo(tmp_path / "cache", "v1")
    (tmp_path / "cache").mkdir()
    assert plan(repo, first) == fresh
    first.save()

    def no_parsing(text):
        raise AssertionError("parsed again although the memo holds this text")
    monkeypatch.setattr(yamlload, "load_mkdocs_yaml", no_parsing)
    again = YamlMemo(tmp_path / "cache", "v1")
    assert plan(repo, again) == fresh
    # what a caller does to its plan does not reach the next one served from the memo
    prepare_docs("orders", repo, ".", "Orders", again).extensions["toc"]["permalink"] = "changed"
    assert plan(repo, again) == fresh


def test_another_code_version_or_a_damaged_memo_parses_again(repo, tmp_path):
    (tmp_path / "cache").mkdir()
    memo = YamlMemo(tmp_path / "cache", "v1")
    plan(repo, memo)
    memo.save()
    assert YamlMemo(tmp_path / "cache", "v1").old
    assert not YamlMemo(tmp_path / "cache", "v2").old
    (tmp_path / "cache" / YamlMemo.FILE).write_bytes(b"not a pickle")
    damaged = YamlMemo(tmp_path / "cache", "v1")
    assert not damaged.old and plan(repo, damaged) == plan(repo)


def test_keys_change_with_any_input_byte_even_with_a_warm_memo(repo, tmp_path):
    cache = tmp_path / "cache"
    (cache / "techdocs").mkdir(parents=True)
    job = DocsJob("component:default/orders", "orders", repo, ".", "catalog/default/component/orders/",
                  "docs/default/component/orders", "Orders", "Component")
    memo = YamlMemo(cache / "techdocs", code_version())   # as build_all_docs leaves it
    prepare_docs("orders", repo, ".", "Orders", memo)
    memo.save()
    before = docs_keys([job], cache_dir=cache)
    assert before == docs_keys([job])   # the memo changes the cost, not the key
    page = repo / "docs" / "index.md"
    page.write_text(page.read_text().replace("one", "two"))   # same size: only the bytes differ
    after_page = docs_keys([job], cache_dir=cache)
    assert after_page != before
    (repo / "mkdocs.yml").write_text(MKDOCS_YML.replace("site_name: Orders", "site_name: Orderz"))
    after_yml = docs_keys([job], cache_dir=cache)
    assert after_yml not in (before, after_page) and after_yml == docs_keys([job])
