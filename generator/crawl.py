"""crawl: configuration -> the repos to read.

Two sources: folders of checkouts (each sub-folder is a repo), and a
manifest of git URLs with refs, cloned or fetched shallowly into a cache.
git runs with no hooks, no submodules and no prompts: the URLs are
configured by the platform team, but the repos behind them are not trusted.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.model import Problem, Repo

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class CrawlError(Exception):
    pass


@dataclass(frozen=True)
class ManifestEntry:
    url: str
    ref: str | None = None
    name: str | None = None
    web_url: str | None = None

    @property
    def repo_name(self) -> str:
        if self.name:
            return self.name
        base = self.url.rstrip("/").rsplit("/", 1)[-1]
        return base[:-4] if base.endswith(".git") else base


def _git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1"}
    cmd = ["git", "-c", "core.hooksPath=/dev/null", "-c", "safe.directory=*",
           "-c", "submodule.recurse=false", *args]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise CrawlError(f"git {' '.join(args[:2])} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip()


def head_commit(path: Path) -> str | None:
    if not (path / ".git").exists():
        return None
    try:
        return _git("rev-parse", "HEAD", cwd=path)
    except CrawlError:
        return None  # an empty repo has no HEAD yet


def repos_in_folder(folder: Path) -> list[Repo]:
    """Each sub-folder of ``folder`` is one repo (hidden folders are not)."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise CrawlError(f"repos folder {folder} {what} (it should hold one checkout per repo: "
                         "`repos` in lookout.yaml, or --repos)")
    repos = []
    for child in sorted(folder.iterdir()):
        if child.name.startswith(".") or not child.is_dir() or child.is_symlink():
            continue
        repos.append(Repo(name=child.name, path=child.resolve(), commit=head_commit(child)))
    return repos


def org_repo(path: Path) -> Repo:
    if not path.is_dir():
        raise CrawlError(f"org repo {path} does not exist (`org` in lookout.yaml, or --org)")
    path = path.resolve()
    return Repo(path.name, path, head_commit(path))


AF = ".af"
MAX_LAYOUT_ENTRIES = 10_000   # entries looked at under .af/ for stray .tf files


def layout_problems(repo: Repo) -> list[Problem]:
    """What a repo has that Lookout will not read, said once, with what to do (info).

    Only names are looked at, never contents: this runs on every repo of every build.
    """
    root = repo.path
    af = root / AF
    has_af = af.is_dir() and not af.is_symlink()
    has_yaml = (root / "catalog-info.yaml").is_file()
    mkdocs = next((n for n in ("mkdocs.yml", "mkdocs.yaml") if (root / n).is_file()), None)
    out: list[Problem] = []
    if not has_af and not has_yaml:
        if mkdocs:
            out.append(Problem("info", f"{mkdocs} and docs but nothing that declares an entity, so the docs are "
                               "not published: add .af/service.tf (`lookout new service`) or a "
                               "catalog-info.yaml", repo.name, mkdocs))
        else:
            out.append(Problem("info", "nothing to read: no .af/ folder, catalog-info.yaml or mkdocs.yml; add "
                               ".af/service.tf (`lookout new service`) to put this repo in the catalog",
                               repo.name))
    if has_af:
        out += _stray_tf(repo, af)
    return out


def _stray_tf(repo: Repo, af: Path) -> list[Problem]:
    """.tf files in sub-folders of .af/: Lookout reads .af/*.tf only."""
    found: dict[str, int] = {}
    seen = 0
    stack = [p for p in _entries(af) if p.is_dir() and not p.is_symlink()]
    while stack and seen < MAX_LAYOUT_ENTRIES:
        folder = stack.pop()
        for entry in _entries(folder):
            seen += 1
            if entry.is_dir() and not entry.is_symlink():
                stack.append(entry)
            elif entry.name.endswith((".tf", ".tf.json")):
                rel = folder.relative_to(repo.path).as_posix()
                found[rel] = found.get(rel, 0) + 1
    return [Problem("info", f"{n} Terraform file(s) in {rel}/ are not read (Lookout reads the .tf files directly "
                    f"in {AF}/): move what describes the repo into {AF}/", repo.name, rel)
            for rel, n in sorted(found.items())]


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def load_manifest(path: Path) -> list[ManifestEntry]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CrawlError(f"{path}: {exc}") from None
    items = raw.get("repos") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise CrawlError(f"{path}: expected a list of repos (or a mapping with key 'repos')")
    entries = []
    for i, item in enumerate(items, 1):
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise CrawlError(f"{path}: entry {i} needs a 'url'")
        entry = ManifestEntry(item["url"], item.get("ref"), item.get("name"), item.get("web_url"))
        if not _SAFE_NAME.match(entry.repo_name):
            raise CrawlError(f"{path}: entry {i}: repo name {entry.repo_name!r} is not a safe folder name")
        entries.append(entry)
    return entries


def fetch(entry: ManifestEntry, cache: Path) -> Repo:
    """Clone (first time) or fetch (later) one repo shallowly at its ref."""
    dest = cache / entry.repo_name
    if (dest / ".git").is_dir():
        _git("remote", "set-url", "origin", entry.url, cwd=dest)
        _git("fetch", "--depth", "1", "--no-tags", "origin", entry.ref or "HEAD", cwd=dest)
        _git("checkout", "--force", "--detach", "FETCH_HEAD", cwd=dest)
        _git("clean", "-fdx", "-q", cwd=dest)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        args = ["clone", "--depth", "1", "--no-tags", "--single-branch"]
        if entry.ref:
            args += ["--branch", entry.ref]
        _git(*args, "--", entry.url, str(dest))
    return Repo(entry.repo_name, dest.resolve(), head_commit(dest), entry.web_url)


def crawl_manifest(path: Path, cache: Path,
                   select: Callable[[str], bool] | None = None) -> tuple[list[Repo], list[str]]:
    """Repos from a manifest (those ``select`` accepts by name, if given); a repo that fails
    to clone is an error line, not the end."""
    repos, errors = [], []
    for entry in load_manifest(path):
        if select and not select(entry.repo_name):
            continue
        try:
            repos.append(fetch(entry, cache))
        except (CrawlError, subprocess.TimeoutExpired) as exc:
            errors.append(f"{entry.repo_name} ({entry.url}): {exc}")
    return repos, errors
