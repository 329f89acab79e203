"""What Terraform's file functions may see: the repo, through generator.safefs.

``file("${path.module}/policy.json")`` in an .af folder reads a file of the
repo, relative to that folder, as Terraform would; a path that leaves the
repo (``../../etc/passwd``, an absolute path, a symlink out) is refused, so
the call becomes Unknown. Every answer is recorded by safefs, so the read
cache notices when such a file changes.
"""
from __future__ import annotations

import posixpath
from pathlib import Path

from generator.safefs import RepoFileError, is_plain_file, read_bytes, resolve_in_repo


class RepoFiles:
    """tffuncs.FileAccess over one repo, paths relative to its .af folder."""

    def __init__(self, root: Path, module_dir: str):
        self.root, self.module_dir = root, module_dir.strip("/") or "."

    def _rel(self, path: str) -> str:
        if not path or "\x00" in path or posixpath.isabs(path) or "\\" in path:
            raise PermissionError(path)
        rel = posixpath.normpath(posixpath.join(self.module_dir, path))
        if rel == ".." or rel.startswith("../"):
            raise PermissionError(path)
        return rel

    def read(self, path: str) -> bytes:
        rel = self._rel(path)
        try:
            return read_bytes(self.root, rel)
        except RepoFileError as exc:
            if "does not exist" in str(exc):
                raise FileNotFoundError(path) from None
            raise PermissionError(path) from None

    def is_file(self, path: str) -> bool:
        rel = self._rel(path)
        try:
            resolve_in_repo(self.root, rel)     # a symlinked folder must not reveal what is outside
        except RepoFileError:
            raise PermissionError(path) from None
        return is_plain_file(self.root, rel)

    def glob(self, path: str, pattern: str) -> list[str]:
        from generator.read.descriptors import _glob
        base = self._rel(path)
        prefix = "" if base == "." else base + "/"
        found, _ = _glob(self.root, prefix + pattern)
        return sorted(f[len(prefix):] for f in found if f.startswith(prefix))
