"""generator/safefs.py: what a reader may open in an untrusted repo, and what it is told."""
from __future__ import annotations

import os
import threading

import pytest

from generator.safefs import RepoFileError, read_bytes, resolve_in_repo


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / ".af" / "sub").mkdir(parents=True)
    (root / ".af" / "main.tf").write_text("a = 1\n")
    (tmp_path / "secret.txt").write_text("outside\n")
    return root


def test_a_plain_file_is_read_and_resolved_to_its_real_path(repo):
    assert read_bytes(repo, ".af/main.tf") == b"a = 1\n"
    assert resolve_in_repo(repo, ".af/main.tf") == (repo / ".af" / "main.tf").resolve()
    assert resolve_in_repo(repo, ".af/sub/../main.tf") == (repo / ".af" / "main.tf").resolve()


def test_a_symlink_inside_the_repo_is_followed(repo):
    os.symlink("main.tf", repo / ".af" / "alias.tf")
    os.symlink("..", repo / ".af" / "sub" / "up")
    assert read_bytes(repo, ".af/alias.tf") == b"a = 1\n"
    assert read_bytes(repo, ".af/sub/up/main.tf") == b"a = 1\n"


@pytest.mark.parametrize("link, rel", [("../../secret.txt", ".af/evil.tf"), ("/etc", ".af/etc")])
def test_a_symlink_out_of_the_repo_is_refused(repo, link, rel):
    os.symlink(link, repo / rel)
    target = rel if rel.endswith(".tf") else f"{rel}/passwd"
    with pytest.raises(RepoFileError, match="outside the repository"):
        read_bytes(repo, target)


@pytest.mark.parametrize("rel", ["../secret.txt", ".af/../../secret.txt", "/etc/passwd"])
def test_a_path_that_leaves_the_repo_is_refused(repo, rel):
    with pytest.raises(RepoFileError, match="outside the repository|absolute path"):
        read_bytes(repo, rel)


def test_missing_files_folders_and_fifos_are_refused_with_their_reason(repo):
    with pytest.raises(RepoFileError, match="does not exist"):
        read_bytes(repo, ".af/nope.tf")
    with pytest.raises(RepoFileError, match="does not exist"):
        read_bytes(repo, ".af/nope/deeper.tf")
    with pytest.raises(RepoFileError, match="not a regular file"):
        read_bytes(repo, ".af/sub")
    os.mkfifo(repo / ".af" / "pipe.tf")
    # A FIFO with no writer would block an open forever: refused at once instead.
    done: list = []
    reader = threading.Thread(target=lambda: done.append(pytest.raises(RepoFileError, read_bytes, repo,
                                                                       ".af/pipe.tf")), daemon=True)
    reader.start()
    reader.join(5)
    assert done and "not a regular file" in str(done[0].value)


def test_the_size_limit_is_enforced(repo):
    (repo / ".af" / "big.tf").write_bytes(b"x" * 101)
    assert read_bytes(repo, ".af/big.tf", limit=101) == b"x" * 101
    with pytest.raises(RepoFileError, match="101 bytes; the limit is 100"):
        read_bytes(repo, ".af/big.tf", limit=100)
