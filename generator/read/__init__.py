"""read: one repo -> entity drafts + problems. Pure, per repo, never raises on bad input."""
from __future__ import annotations

from pathlib import Path

from generator.config import ReadConfig
from generator.model import ANN_TECHDOCS, Problem, ReadResult, Repo
from generator.safefs import is_plain_file, recording


def read_repo(repo: Repo, cfg: ReadConfig) -> ReadResult:
    # Imported here so that a worker process pays for the readers only when it reads.
    from generator.read.descriptors import read_descriptors
    from generator.read.fold import fold
    from generator.read.terraform import read_terraform

    result = ReadResult()
    for reader in (lambda: fold(read_terraform(repo, cfg), cfg), lambda: read_descriptors(repo, cfg.namespace)):
        try:
            result.extend(reader())
        except Exception as exc:  # a reader bug must cost one repo, not the build
            result.problems.append(Problem("error", f"internal error while reading: {exc!r}", repo.name))
    _mark_docs(repo, result)
    _check(result)
    return result


def _check(result: ReadResult) -> None:
    """Each draft's validate_entity verdict, as link would compute it (namespace defaulted)."""
    from generator.entity.rules import validate_entity

    for draft in result.drafts:
        ent, meta = draft.entity, draft.entity.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("name"), str) and "namespace" not in meta:
            ent = {**ent, "metadata": {**meta, "namespace": "default"}}
        try:
            draft.errors = tuple(validate_entity(ent))
        except Exception:  # noqa: BLE001 - link checks it again and reports as it always did
            draft.errors = None


def _mark_docs(repo: Repo, result: ReadResult) -> None:
    """A repo with mkdocs.yml at its root documents its Components (TechDocs' convention)."""
    root_mkdocs = any(is_plain_file(repo.path, n) for n in ("mkdocs.yml", "mkdocs.yaml"))
    if not root_mkdocs:
        return
    for draft in result.drafts:
        if draft.entity.get("kind") == "Component":
            meta = draft.entity.setdefault("metadata", {})
            if isinstance(meta, dict):
                anns = meta.setdefault("annotations", {})
                if isinstance(anns, dict):
                    anns.setdefault(ANN_TECHDOCS, "dir:.")


def read_repo_cached(repo: Repo, cfg: ReadConfig, cache_dir: Path | None,
                     load_hit: bool = True) -> tuple[ReadResult | None, bool]:
    """``read_repo``, skipped when nothing it looked at last time has changed.

    Returns (result, whether it came from the cache); with ``load_hit`` False, a
    cached result is not loaded (None: ``ReadCache.result`` has it).
    """
    if cache_dir is None:
        return read_repo(repo, cfg), False
    from generator.read.cache import ReadCache

    cache = ReadCache(cache_dir)
    if cache.check(repo, cfg):
        if not load_hit:
            return None, True
        hit = cache.result(repo)
        if hit is not None:
            return hit, True
    with recording() as seen:
        result = read_repo(repo, cfg)
    cache.store(repo, cfg, seen, result)
    return result, False
