"""`lookout preview`: one repo's entity pages and docs, as the portal will show them.

Run inside a service repo (or given its path). The repo is read and linked
exactly as the nightly build does, with a published catalog.json (when
given) standing in for every other repo so that owners, systems and
`data` lookups resolve. The preview site holds the repo's own entities and
their direct neighbours (so every link on the repo's pages leads
somewhere) and the repo's docs; it rebuilds and reloads the browser when
a file in the repo changes.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.build import BuildError, publish
from generator.catalog_json import load_catalog
from generator.config import Config
from generator.crawl import head_commit
from generator.entity.refs import entity_ref
from generator.link import Catalog, link
from generator.model import ANN_REPO, Repo
from generator.read import read_repo
from generator.validate import catalog_drafts


def preview_catalog(repo: Repo, cfg: Config, published: dict[str, Any] | None) -> Catalog:
    """The repo linked against the published catalog, cut down to what its pages show."""
    results = [read_repo(repo, cfg.read)]
    if published is not None:
        results.append(catalog_drafts(published, {repo.name}))
    full = link(results, [repo])
    own = {entity_ref(e) for e in full.entities
           if (e["metadata"].get("annotations") or {}).get(ANN_REPO) == repo.name}
    keep = set(own)
    for e in full.entities:
        if entity_ref(e) in own:
            keep.update(r["targetRef"] for r in e["relations"])
    entities = []
    for e in full.entities:
        if entity_ref(e) in keep:
            e = dict(e, relations=[r for r in e["relations"] if r["targetRef"] in keep])
            entities.append(e)
    problems = [p for p in full.problems if p.repo == repo.name]
    return Catalog(entities, problems, [{"repo": repo.name, "commit": repo.commit, "url": None}])


def preview(repo_path: Path, catalog_path: Path | None, host: str = "127.0.0.1", port: int = 8000,
            out_dir: Path | None = None) -> None:
    from generator.serve import check_address

    check_address(host, port)
    repo_path = repo_path.resolve()
    repo = Repo(repo_path.name, repo_path, head_commit(repo_path))
    published = load_catalog(catalog_path) if catalog_path else None
    # The site and the docs cache live as long as the preview and are removed after it
    # (Ctrl+C, or SIGTERM: see _stop_on_sigterm); a preview leaves nothing behind.
    with tempfile.TemporaryDirectory(prefix="lookout-preview-") as tmp, _stop_on_sigterm():
        cfg = Config(cache_dir=Path(tmp) / "cache")
        out = (out_dir or Path(tmp) / "site").resolve()
        _serve_preview(repo, repo_path, cfg, published, out, host, port)


@contextlib.contextmanager
def _stop_on_sigterm():
    """SIGTERM (a closed terminal, a CI job's end) stops the preview as Ctrl+C does, so cleanup runs."""
    def stop(signum, frame):
        raise KeyboardInterrupt
    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:   # not the main thread (tests): nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _serve_preview(repo: Repo, repo_path: Path, cfg: Config, published: dict[str, Any] | None, out: Path,
                   host: str, port: int) -> None:
    from generator.serve import serve_with_reload

    def rebuild() -> None:
        try:
            report = publish(preview_catalog(repo, cfg, published), [repo], cfg, out, progress=False)
        except BuildError as exc:
            print(f"preview build failed, still serving the last good one: {exc}", file=sys.stderr)
            return
        for p in report.problems:
            where = f"{p.file}:{p.line}" if p.line else (p.file or "")
            print(f"{p.severity}: {where}: {p.message}", file=sys.stderr)
        print(f"preview of {repo.name}: {report.entities} entities (with their neighbours), "
              f"{report.docs_sites} docs site(s), {len(report.problems)} problems", file=sys.stderr)

    rebuild()
    serve_with_reload(rebuild, out, [repo_path], host, port)

