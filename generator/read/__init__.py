"""read: one repo -> entity drafts + problems. Pure, per repo, never raises on bad input."""
from __future__ import annotations

import os

from generator.config import ReadConfig
from generator.model import ANN_TECHDOCS, Problem, ReadResult, Repo


def read_repo(repo: Repo, cfg: ReadConfig) -> ReadResult:
    # Imported here so that a worker process pays for python-hcl2 only when it reads.
    from generator.read.descriptors import read_descriptors
    from generator.read.terraform import read_terraform

    result = ReadResult()
    for reader in (lambda: read_terraform(repo, cfg), lambda: read_descriptors(repo, cfg.namespace)):
        try:
            result.extend(reader())
        except Exception as exc:  # a reader bug must cost one repo, not the build
            result.problems.append(Problem("error", f"internal error while reading: {exc!r}", repo.name))
    _mark_docs(repo, result)
    return result


def _mark_docs(repo: Repo, result: ReadResult) -> None:
    """A repo with mkdocs.yml at its root documents its Components (TechDocs' convention)."""
    root_mkdocs = any(os.path.isfile(repo.path / n) and not os.path.islink(repo.path / n)
                      for n in ("mkdocs.yml", "mkdocs.yaml"))
    if not root_mkdocs:
        return
    for draft in result.drafts:
        if draft.entity.get("kind") == "Component":
            meta = draft.entity.setdefault("metadata", {})
            if isinstance(meta, dict):
                anns = meta.setdefault("annotations", {})
                if isinstance(anns, dict):
                    anns.setdefault(ANN_TECHDOCS, "dir:.")
