"""The portal's front-end assets from npm (mermaid), served by the site itself.

The ``lookout`` plugin adds ``mermaid.min.js`` to every build it runs (as
``assets/lookout/mermaid.min.js``). This module finds it, and as a script
installs it (``npm ci`` at the repo root, from the committed package-lock.json)
or copies it into an already built site:

    python -m generator.portal.assets --install
    python -m generator.portal.assets --copy-to build/site
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MERMAID_REL = Path("node_modules/mermaid/dist/mermaid.min.js")
MERMAID_DEST = "assets/lookout/mermaid.min.js"


def find_mermaid(explicit: str | None = None) -> Path | None:
    """LOOKOUT_MERMAID, then ``explicit``, then node_modules at the repo root or the cwd."""
    raw = os.environ.get("LOOKOUT_MERMAID") or explicit
    candidates = [Path(raw)] if raw else [REPO_ROOT / MERMAID_REL, Path.cwd() / MERMAID_REL]
    return next((p for p in candidates if p.is_file()), None)


def install() -> Path:
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO_ROOT, check=True)
    path = find_mermaid()
    if path is None:
        raise SystemExit("npm ci ran but mermaid.min.js is still missing")
    return path


def copy_to(site_dir: Path) -> Path:
    src = find_mermaid()
    if src is None:
        raise SystemExit("mermaid.min.js not found: run `npm ci` at the repository root")
    dest = Path(site_dir) / MERMAID_DEST
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--install", action="store_true", help="run `npm ci` if mermaid is missing")
    ap.add_argument("--copy-to", type=Path, metavar="SITE_DIR")
    args = ap.parse_args(argv)
    path = find_mermaid()
    if path is None and args.install:
        path = install()
    if args.copy_to:
        print(copy_to(args.copy_to))
    elif path is None:
        print("mermaid.min.js not found: run `npm ci` (or this with --install)", file=sys.stderr)
        raise SystemExit(1)
    else:
        print(path)


if __name__ == "__main__":
    main()
