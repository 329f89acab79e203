"""Which files of a repo's docs folder may be published, and their hash.

mkdocs walks ``docs_dir`` itself with ``os.walk(followlinks=True)`` and
copies every file it finds: a symlink to ``/etc/passwd`` would be copied,
a symlinked folder to ``/`` walked, a FIFO would hang the build, and an
``.html`` file would be published unsanitized on the portal's origin.
So Lookout walks the tree itself (``scan_docs``) and mkdocs only ever sees
that list (``mkdocs_files``, installed in place of mkdocs' ``get_files``).
The same list feeds the cache key, so what is hashed is what is built.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import Problem

MAX_PAGE_BYTES = 5 * 1024 * 1024      # one Markdown page
MAX_ASSET_BYTES = 25 * 1024 * 1024    # one image / attachment
MAX_FILES = 5_000                     # per docs site
MAX_TOTAL_BYTES = 300 * 1024 * 1024   # per docs site

# Static files published next to the pages. Not here on purpose: .html,
# .htm, .xhtml, .xml, .js, .mjs, .css (markup or code that would run or
# restyle on the portal's origin, unsanitized).
STATIC_SUFFIXES = frozenset("""
png jpg jpeg gif webp avif ico bmp svg pdf txt csv json yaml yml
mp4 webm mp3 ogg wav zip gz tgz drawio puml mmd woff woff2 ttf otf
""".split())
# An SVG opened on its own is a document that runs script; publish only inert ones.
_SVG_ACTIVE = re.compile(rb"(?i)<\s*script|\bon[a-z]+\s*=|javascript:|<\s*foreignobject|<!entity"
                         rb"|<\s*iframe|<\s*embed|<\s*object|href\s*=\s*[\"']?\s*data:")


@dataclass(frozen=True)
class DocEntry:
    rel: str          # docs_dir-relative posix path
    path: str         # absolute path of the entry (may be an in-repo symlink)
    size: int


@dataclass
class ScanResult:
    entries: list[DocEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def pages(self) -> list[str]:
        return [e.rel for e in self.entries if e.rel.endswith(".md")]


def _inside(root: str, target: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def scan_docs(repo_root: Path, docs_dir: Path, repo: str) -> ScanResult:
    """Every publishable file under ``docs_dir``, sorted, with problems for the rest.

    ``docs_dir`` must already be known to lie inside ``repo_root``.
    """
    out = ScanResult()
    real_root = os.path.realpath(repo_root)
    base = str(docs_dir)
    rel_base = os.path.relpath(base, repo_root).replace(os.sep, "/")
    prefix = "" if rel_base == "." else rel_base + "/"
    skipped_types: Counter[str] = Counter()
    total = 0

    def problem(sev: str, rel: str, msg: str) -> None:
        out.problems.append(Problem(sev, msg, repo, prefix + rel))  # type: ignore[arg-type]

    for cur, dirnames, filenames in os.walk(base, followlinks=False):
        rel_dir = os.path.relpath(cur, base).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        keep = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            if os.path.islink(os.path.join(cur, d)):
                problem("warning", rel_dir + d, "symlinked folder in the docs is not followed")
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = rel_dir + name
            full = os.path.join(cur, name)
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix != "md" and suffix not in STATIC_SUFFIXES:
                skipped_types["." + suffix if suffix else "(no suffix)"] += 1
                continue
            if os.path.islink(full):
                real = os.path.realpath(full)
                if not _inside(real_root, real):
                    problem("warning", rel, "symlink points outside the repository; "
                            "neither read nor published")
                    continue
            try:
                st = os.stat(full)
            except OSError as exc:
                problem("warning", rel, f"cannot read: {exc.strerror}")
                continue
            if not stat.S_ISREG(st.st_mode):
                problem("warning", rel, "not a regular file; skipped")
                continue
            limit = MAX_PAGE_BYTES if suffix == "md" else MAX_ASSET_BYTES
            if st.st_size > limit:
                problem("warning", rel, f"file is {st.st_size:,} bytes, over the limit of "
                        f"{limit:,} for docs {'pages' if suffix == 'md' else 'files'}; skipped")
                continue
            if suffix == "svg" and _svg_is_active(full):
                problem("warning", rel, "SVG contains script, event handlers or embedded "
                        "documents; not published")
                continue
            if len(out.entries) >= MAX_FILES or total + st.st_size > MAX_TOTAL_BYTES:
                problem("error", rel, f"docs exceed {MAX_FILES:,} files or "
                        f"{MAX_TOTAL_BYTES:,} bytes; the rest is not published")
                return out
            total += st.st_size
            out.entries.append(DocEntry(rel, full, st.st_size))
    if skipped_types:
        kinds = ", ".join(f"{k} ({n})" for k, n in sorted(skipped_types.items()))
        out.problems.append(Problem("info", f"files of these types are not published with "
                                    f"the docs: {kinds}", repo, rel_base if prefix else "."))
    return out


def _svg_is_active(path: str) -> bool:
    with open(path, "rb") as fh:
        return bool(_SVG_ACTIVE.search(fh.read(MAX_ASSET_BYTES)))


def tree_hash(entries: list[DocEntry], salt: str) -> str:
    """Content hash of the docs tree: paths + bytes, plus ``salt`` (config, versions)."""
    h = hashlib.sha256(salt.encode())
    for e in entries:
        h.update(b"\0F" + e.rel.encode() + b"\0")
        # The size the scan saw, in one read (reading 1 MB chunks allocated a megabyte twice a
        # file); a file that grew since is hashed to its end, a chunk at a time.
        with open(e.path, "rb", buffering=0) as src:
            data = src.read(e.size + 1)
            fh = hashlib.sha256(data)
            while len(data) > e.size and (more := src.read(1 << 20)):
                fh.update(more)
        h.update(fh.digest())
    return h.hexdigest()


def mkdocs_files(entries: list[DocEntry], config) -> object:
    """mkdocs ``Files`` for exactly ``entries`` (what mkdocs' get_files would make).

    Mirrors mkdocs 1.6's README/index rule: a README.md next to an index.md
    is left out.
    """
    from mkdocs.structure.files import File, Files, set_exclusions

    files: list[File] = []
    by_dest: dict[str, File] = {}
    for e in entries:
        f = File(e.rel, config["docs_dir"], config["site_dir"], config["use_directory_urls"])
        prev = by_dest.setdefault(f.dest_uri, f)
        if prev is not f:
            readme = prev if posixpath.basename(prev.src_uri).lower() == "readme.md" else f
            if readme in files:
                files.remove(readme)
            if readme is f:
                continue
            by_dest[f.dest_uri] = f
        files.append(f)
    set_exclusions(files, config)
    return Files(files)
