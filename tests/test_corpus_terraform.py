"""read_terraform against real-world Terraform (../shared/corpus/terraform).

Every folder of the corpus that holds .tf files is read as if it were a
repo's .af folder. What each file declares is counted independently of the
reader (python-hcl2's own loads), and every declared resource must come out
as a Resource draft or be named by a problem about its file.
"""
from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import hcl2
import pytest

from generator.config import ReadConfig
from generator.model import Repo
from generator.read.terraform import read_terraform

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "terraform"

# The files corpus/README.md lists as not parsing with python-hcl2 8.1.4 (the test's oracle).
UNPARSEABLE = {
    ("DataDog__terraform-provider-datadog", "examples/resources/datadog_synthetics_test/resource.tf"),
    ("PagerDuty__terraform-provider-pagerduty",
     "website/docs/guides/migrate-schedule-to-schedulev2.example-1.tf"),
    ("PagerDuty__terraform-provider-pagerduty",
     "website/docs/guides/migrate-schedule-to-schedulev2.example-2.tf"),
    ("PagerDuty__terraform-provider-pagerduty", "website/docs/r/service_integration.example-2.tf"),
}

DATADOG_HEREDOC = ("DataDog__terraform-provider-datadog", "examples/resources/datadog_synthetics_test/resource.tf")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-world corpus is not at {CORPUS}")


def _strip(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def _declared_resources(text: str) -> list[str]:
    """Addresses of the resource blocks in a file, by python-hcl2's plain loads."""
    out = []
    for block in hcl2.loads(text).get("resource", []):
        for rtype, by_label in block.items():
            out.extend(f"{_strip(rtype)}.{_strip(label)}" for label in by_label)
    return out


@pytest.fixture(scope="module")
def corpus():
    """Each folder read once: (repo, file) -> problems, drafts; plus the independent counts."""
    folders = sorted({p.parent for p in CORPUS.rglob("*.tf")})
    problems = defaultdict(list)
    drafted = set()
    start = time.monotonic()
    for folder in folders:
        top = folder.relative_to(CORPUS).parts[0]
        af_dir = folder.relative_to(CORPUS / top).as_posix()
        result = read_terraform(Repo(name=top, path=CORPUS / top), ReadConfig(), af_dir=af_dir)
        for p in result.problems:
            problems[(p.repo, p.file)].append(p)
        for d in result.drafts:
            ann = d.entity["metadata"]["annotations"]
            # An instance of a count/for_each block (x.y[0], x.y["k"]) stands for its block.
            block = ann["lookout/terraform-address"].split("[", 1)[0]
            drafted.add((ann["lookout/repo"], ann["lookout/file"], block))
            if d.entity["kind"] == "Resource":
                assert ann["lookout/terraform-address"] and ann["lookout/terraform-type"]
    seconds = time.monotonic() - start

    declared, unparseable = {}, set()
    for path in sorted(CORPUS.rglob("*.tf")):
        top = path.relative_to(CORPUS).parts[0]
        key = (top, path.relative_to(CORPUS / top).as_posix())
        try:
            declared[key] = _declared_resources(path.read_text(encoding="utf-8"))
        except Exception:
            unparseable.add(key)
    return {"folders": folders, "problems": problems, "drafted": drafted, "declared": declared,
            "unparseable": unparseable, "seconds": seconds}


def test_every_declared_resource_is_a_draft_or_named_by_a_problem(corpus):
    missing = []
    for (repo, file), addresses in corpus["declared"].items():
        for address in addresses:
            named = any(address in p.message for p in corpus["problems"].get((repo, file), []))
            if (repo, file, address) not in corpus["drafted"] and not named:
                missing.append(f"{repo}/{file}: {address}")
    assert missing == []
    assert sum(len(a) for a in corpus["declared"].values()) > 700  # the corpus is really there


def test_exactly_the_three_invalid_files_fail_to_parse_each_with_one_located_error(corpus):
    assert corpus["unparseable"] == UNPARSEABLE  # python-hcl2 agrees with the README
    assert len(corpus["declared"]) == 733
    # Terraform reads the DataDog heredoc whose closing marker has trailing spaces; so does Lookout.
    invalid = UNPARSEABLE - {DATADOG_HEREDOC}
    for key in invalid:
        (problem,) = corpus["problems"][key]
        assert problem.severity == "error" and "syntax error" in problem.message
        assert isinstance(problem.line, int) and problem.line >= 1
    unread = sorted(key for key, probs in corpus["problems"].items()
                    if any("nothing in this file was read" in p.message or "cannot read" in p.message
                           for p in probs))
    assert unread == sorted(invalid)
    drafted = {address for repo, file, address in corpus["drafted"] if (repo, file) == DATADOG_HEREDOC}
    assert "datadog_synthetics_test.test_api" in drafted and len(drafted) > 10


def test_known_error_lines_in_terraform_words(corpus):
    first = {key[1].rsplit("/", 1)[-1]: corpus["problems"][key][0] for key in UNPARSEABLE - {DATADOG_HEREDOC}}
    assert first["migrate-schedule-to-schedulev2.example-1.tf"].line == 13
    assert first["migrate-schedule-to-schedulev2.example-2.tf"].line == 15
    assert "invalid character ';'" in first["migrate-schedule-to-schedulev2.example-1.tf"].message
    assert first["service_integration.example-2.tf"].line == 1
    assert "expected `=` or a block after `https`" in first["service_integration.example-2.tf"].message


def test_every_problem_names_a_file_and_every_error_a_line(corpus):
    for (repo, file), probs in corpus["problems"].items():
        assert repo and file
        for p in probs:
            assert p.message and p.severity in ("error", "warning", "info")
            if p.severity == "error":
                assert p.line, p


def test_real_monitor_example_reads_like_a_catalog_entry():
    folder = "examples/resources/datadog_monitor"
    repo = Repo(name="DataDog__terraform-provider-datadog", path=CORPUS / "DataDog__terraform-provider-datadog")
    result = read_terraform(repo, ReadConfig(), af_dir=folder)
    monitor = next(d.entity for d in result.drafts
                   if d.entity["metadata"]["annotations"]["lookout/terraform-address"] == "datadog_monitor.foo")
    assert monitor["metadata"]["name"] == "name-for-monitor-foo"
    assert monitor["metadata"]["title"] == "Name for monitor foo"
    assert monitor["spec"]["type"] == "datadog-monitor"
    assert monitor["metadata"]["annotations"]["lookout/file"] == f"{folder}/resource.tf"


def test_corpus_reads_fast_enough(corpus):
    files = len(corpus["declared"]) + len(corpus["unparseable"])
    # ~4 s on the 2-core build machine; a 10x regression should not pass unnoticed.
    assert corpus["seconds"] < 45, f"{files} files in {corpus['seconds']:.1f} s"
