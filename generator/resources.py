"""Where the files a build needs besides the code live: ``theme/``, ``site_src/``, mermaid.

In a checkout they are ``theme/`` and ``site_src/`` at the top of the repository.
The wheel carries the same folders inside the package, as ``generator/theme`` and
``generator/site_src`` (mapped by ``setup.py``; they keep their relative layout,
so ``site_src/mkdocs.yml``'s ``custom_dir: ../theme`` holds in both). mermaid is
vendored in ``generator/portal/vendor/`` (a test keeps it equal to the version
package-lock.json pins), so a build needs no Node and no checkout.
"""
from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

CHECKOUT_ROOT = Path(__file__).resolve().parents[1]


@cache
def _data_dir(name: str) -> Path:
    installed = Path(str(files("generator") / name))
    if installed.is_dir():
        return installed
    checkout = CHECKOUT_ROOT / name
    if checkout.is_dir():
        return checkout
    # Not a user's mistake: the installation is broken (a wheel built without its data).
    raise FileNotFoundError(f"Lookout's {name}/ folder is missing (looked in {installed} and {checkout}); "
                            "reinstall Lookout")


def theme_dir() -> Path:
    """The portal theme (material overrides); ``theme_dir() / "techdocs"`` is the docs theme."""
    return _data_dir("theme")


def site_src_dir() -> Path:
    return _data_dir("site_src")


def mkdocs_yml() -> Path:
    """The portal's base mkdocs config: ``mkdocs serve -f $(lookout mkdocs-config)``."""
    return site_src_dir() / "mkdocs.yml"


def mermaid_js() -> Path:
    return Path(str(files("generator.portal") / "vendor" / "mermaid.min.js"))
