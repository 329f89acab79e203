"""A synchronous client for ``pagefind --service`` (the binary of ``pagefind[bin]``).

The ``pagefind`` package's own asyncio wrapper reads one response per 0.1 s
poll (about ten records a second: 30,000 entity records took more than ten
minutes), so Lookout speaks the same protocol itself: every request is
base64(JSON) followed by a comma on the binary's stdin, every response the
same on its stdout. A whole batch is written by one thread while the caller
reads the responses, so neither pipe fills up and blocks the other.
"""
from __future__ import annotations

import base64
import json
import subprocess
import threading
from pathlib import Path
from typing import Any


class PagefindServiceError(RuntimeError):
    """The Pagefind binary failed or answered with an error (a Lookout bug, not a repo's)."""


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise PagefindServiceError("the Pagefind binary is missing: install pagefind[bin]") from None
    return Path(get_executable())


class PagefindService:
    """One ``pagefind --service`` process; each index in it is written with ``write``."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen([str(_executable()), "--service"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next_id = 0

    def batch(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send every payload, return the responses in the same order."""
        first = self._next_id + 1
        messages = []
        for payload in payloads:
            self._next_id += 1
            body = json.dumps({"message_id": self._next_id, "payload": payload}, ensure_ascii=False)
            messages.append(base64.b64encode(body.encode("utf-8")) + b",")
        errors: list[BaseException] = []

        def write() -> None:
            try:
                for m in messages:
                    self._proc.stdin.write(m)
                self._proc.stdin.flush()
            except OSError as exc:  # the binary died; the reader reports it
                errors.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        answers: dict[int, dict[str, Any]] = {}
        pending = b""
        while len(answers) < len(messages):
            chunk = self._proc.stdout.read1(1 << 20)
            if not chunk:
                raise PagefindServiceError(f"pagefind --service exited ({errors or 'no output'})")
            *done, pending = (pending + chunk).split(b",")
            for part in done:
                if not part:
                    continue
                resp = json.loads(base64.b64decode(part))
                payload = resp.get("payload") or {}
                if payload.get("type") == "Error":
                    raise PagefindServiceError(f"pagefind: {payload.get('message')}")
                if resp.get("message_id") is not None:
                    answers[resp["message_id"]] = payload
        writer.join()
        return [answers[i] for i in range(first, self._next_id + 1)]

    def new_index(self, config: dict[str, Any]) -> int:
        return self.batch([{"type": "NewIndex", "config": config}])[0]["index_id"]

    def add_html(self, index_id: int, pages: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """``pages``: (url, html) pairs."""
        return self.batch([{"type": "AddFile", "index_id": index_id, "url": url, "file_path": None,
                            "file_contents": html} for url, html in pages])

    def files(self, index_id: int) -> list[tuple[str, bytes]]:
        """Every file of the index, (path inside the bundle, bytes); the index is then dropped."""
        got = self.batch([{"type": "GetFiles", "index_id": index_id}])[0]
        self.batch([{"type": "DeleteIndex", "index_id": index_id}])
        out = []
        for f in got.get("files") or []:
            path = str(f["path"]).replace("\\", "/").lstrip("/")
            if path.startswith("pagefind/"):
                path = path[len("pagefind/"):]
            if ".." in path.split("/"):
                raise PagefindServiceError(f"pagefind returned an unexpected path {f['path']!r}")
            out.append((path, base64.b64decode(f["content"])))
        return out

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
