"""The embedded demo org: "Acme Shop", what Lookout builds with no configuration.

Each folder under ``org/`` is one repository (``org/org`` holds the Groups,
Users, Systems and Domains). ``README.md`` next to this file lists what the
demo contains and the mistakes it makes on purpose, so that every report of
the portal has something to show.

``init_demo(dest)`` turns the folders into real git repositories with one
commit each, whose hashes are the same on every machine and every run.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["demo_root", "repo_names", "init_demo", "head_commit", "DEMO_AUTHOR", "DEMO_DATE"]

DEMO_AUTHOR = ("Acme Shop Engineering", "engineering@acme.example")
# A fixed date makes commit hashes deterministic.
DEMO_DATE = "2024-05-06T09:00:00+00:00"

# Files that may appear in the source tree but are not part of any repo.
_IGNORED_NAMES = {"__pycache__", ".DS_Store", ".git"}


def demo_root() -> Path:
    """The folder holding the demo repositories, one sub-folder each."""
    return Path(__file__).resolve().parent / "org"


def repo_names() -> list[str]:
    """Names of the demo repositories, sorted."""
    return sorted(p.name for p in demo_root().iterdir()
                  if p.is_dir() and p.name not in _IGNORED_NAMES)


def _repo_files(repo_dir: Path) -> list[Path]:
    """Every file of one demo repo, relative to it, sorted; symlinks are not followed."""
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(repo_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED_NAMES)
        for name in sorted(filenames):
            if name in _IGNORED_NAMES or name.endswith((".pyc", ".pyo")):
                continue
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                out.append(path.relative_to(repo_dir))
    return out


def _git_env() -> dict[str, str]:
    """An environment in which git ignores the user's config and stamps fixed identities."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    name, email = DEMO_AUTHOR
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": DEMO_DATE,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": DEMO_DATE,
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
    })
    return env


def _git(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    cmd = ["git", "-c", "core.autocrlf=false", "-c", "core.fileMode=true",
           "-c", "commit.gpgSign=false", "-c", "core.hooksPath=" + os.devnull,
           "-c", "init.templateDir=", *args]
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, check=True,
                              capture_output=True, text=True)
    except FileNotFoundError:
        raise RuntimeError("init_demo needs git on PATH") from None
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {exc.stderr.strip()}") from None
    return done.stdout


def init_demo(dest: Path) -> list[Path]:
    """Write every demo repo to ``dest/<name>`` as a git repository with one commit.

    ``dest`` must not exist or be an empty folder; anything else is refused
    with a ``ValueError`` so that an existing checkout is never overwritten.
    Commits carry a fixed author, committer and date, so the same demo gives
    the same commit hashes wherever it is written. Returns the repo paths,
    sorted by name.
    """
    dest = Path(dest)
    if dest.exists():
        if not dest.is_dir():
            raise ValueError(f"cannot write the demo org to {dest}: it exists and is not a folder")
        if any(dest.iterdir()):
            raise ValueError(f"cannot write the demo org to {dest}: the folder is not empty "
                             "(choose a new or empty folder)")
    dest.mkdir(parents=True, exist_ok=True)
    env = _git_env()
    root = demo_root()
    repos: list[Path] = []
    for name in repo_names():
        src = root / name
        target = dest / name
        target.mkdir()
        for rel in _repo_files(src):
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            # Copy bytes only: the file mode in git is then always 100644.
            out.write_bytes((src / rel).read_bytes())
            os.chmod(out, 0o644)
        _git(["init", "--quiet", "-b", "main"], target, env)
        _git(["add", "--all"], target, env)
        _git(["commit", "--quiet", "--no-verify", "-m", f"Import {name}"], target, env)
        repos.append(target)
    return repos


def head_commit(repo: Path) -> str:
    """The HEAD commit hash of a repository written by ``init_demo``."""
    return _git(["rev-parse", "HEAD"], Path(repo), _git_env()).strip()
