"""The portal's front-end asset from npm (mermaid), served by the site itself.

mermaid is vendored: ``generator/portal/vendor/mermaid.min.js`` (MIT, its
licence beside it) is the file of the version package-lock.json pins, and
``tests/test_packaging.py`` keeps the two equal. So a build works from a wheel,
with no Node and no checkout. To move to a new mermaid: bump it in
package.json, ``npm install``, then

    python -m generator.portal.assets --update     # copy node_modules' file into vendor/
    python -m generator.portal.assets --copy-to build/site
"""
from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from generator.resources import CHECKOUT_ROOT, mermaid_js

NODE_MERMAID = CHECKOUT_ROOT / "node_modules/mermaid/dist/mermaid.min.js"
MERMAID_DEST = "assets/lookout/mermaid.min.js"


def find_mermaid(explicit: str | None = None) -> Path | None:
    """LOOKOUT_MERMAID, then ``explicit``, then the vendored copy."""
    raw = os.environ.get("LOOKOUT_MERMAID") or explicit
    path = Path(raw) if raw else mermaid_js()
    return path if path.is_file() else None


def copy_to(site_dir: Path) -> Path:
    src = find_mermaid()
    if src is None:
        raise SystemExit(f"mermaid.min.js not found at {mermaid_js()}: reinstall Lookout")
    dest = Path(site_dir) / MERMAID_DEST
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def update_vendored() -> Path:
    if not NODE_MERMAID.is_file():
        raise SystemExit(f"{NODE_MERMAID} missing: run `npm ci` at the repository root first")
    shutil.copyfile(NODE_MERMAID, mermaid_js())
    shutil.copyfile(NODE_MERMAID.parents[1] / "LICENSE", mermaid_js().with_name("mermaid.LICENSE"))
    return mermaid_js()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--update", action="store_true", help="vendor node_modules' mermaid.min.js")
    ap.add_argument("--copy-to", type=Path, metavar="SITE_DIR")
    args = ap.parse_args(argv)
    if args.update:
        print(update_vendored())
    if args.copy_to:
        print(copy_to(args.copy_to))
    elif not args.update:
        print(find_mermaid() or f"mermaid.min.js missing at {mermaid_js()}")


if __name__ == "__main__":
    main()
