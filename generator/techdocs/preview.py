"""``lookout preview``: a repo's docs with live reload, built exactly as the portal builds them.

mkdocs' own ``serve`` runs the server and the reload loop; the only thing
swapped is where its config comes from: ``load_config`` inside
``mkdocs.commands.serve`` is replaced by one that re-reads the repo's
mkdocs.yml through ``prepare_docs`` and returns the same safe, constructed
config as the nightly build (``worker.make_config``). So a service owner
sees the problems and the sanitized output the portal will have.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model import ANN_REPO, ANN_TECHDOCS
from generator.techdocs.config import prepare_docs
from generator.techdocs.worker import DocsContext, make_config

log = logging.getLogger("lookout.preview")


@dataclass
class PreviewTarget:
    repo: str
    docs_root: str
    title: str
    kind: str
    owner: str | None
    entity_ref: str
    entity_url: str


def _target(repo_path: Path, catalog_path: Path | None) -> PreviewTarget:
    """The entity whose docs this repo holds: from catalog.json if given, else defaults."""
    name = repo_path.resolve().name
    default = PreviewTarget(name, ".", name, "Component", None, f"component:default/{name}", "")
    if catalog_path is None:
        return default
    catalog = json.loads(Path(catalog_path).read_text(encoding="utf-8"))
    for entity in catalog.get("entities", []):
        meta = entity.get("metadata", {})
        ann = meta.get("annotations", {})
        ref = ann.get(ANN_TECHDOCS, "")
        if ann.get(ANN_REPO) != name or not ref.startswith("dir:"):
            continue
        kind, ns = entity.get("kind", "Component"), meta.get("namespace", "default")
        return PreviewTarget(
            name, ref[len("dir:"):] or ".", meta.get("title") or meta.get("name", name), kind,
            entity.get("spec", {}).get("owner"),
            f"{kind.lower()}:{ns}/{meta.get('name', name)}".lower(),
            f"catalog/{ns}/{kind.lower()}/{meta.get('name', name)}/".lower())
    return default


def preview_repo(repo_path: Path, catalog_path: Path | None = None, host: str = "127.0.0.1",
                 port: int = 8000, *, iframe_hosts: tuple[str, ...] = (),
                 open_in_browser: bool = False) -> None:
    """Serve ``repo_path``'s docs on http://host:port/ until interrupted."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import click
    import mkdocs.commands.serve as mk_serve

    repo_path = Path(repo_path).resolve()
    target = _target(repo_path, catalog_path)
    ctx = DocsContext(target.entity_ref, target.entity_url, "", target.title, target.kind,
                      target.owner, {}, tuple(iframe_hosts))
    reported: set[str] = set()

    def load_config(config_file: Any = None, site_dir: str | None = None, **kwargs: Any):
        # called by mkdocs serve at start and on every rebuild
        prep = prepare_docs(target.repo, repo_path, target.docs_root, target.title)
        for p in prep.problems:
            line = f"{p.severity}: {p.file or '-'}{':' + str(p.line) if p.line else ''}: {p.message}"
            if line not in reported:  # say each once, not on every reload
                reported.add(line)
                log.warning(line)
        if not prep.ok:
            raise click.ClickException("docs cannot be built; see the problems above")
        config, _plugin = make_config(prep, ctx, site_dir or "", preview=True,
                                      dev_addr=f"{host}:{port}")
        return config

    mk_serve.load_config = load_config  # type: ignore[assignment]
    watch = [str(p) for p in (repo_path / target.docs_root / "mkdocs.yml",
                              repo_path / target.docs_root / "mkdocs.yaml") if p.exists()]
    mk_serve.serve(livereload=True, watch=watch, open_in_browser=open_in_browser)
