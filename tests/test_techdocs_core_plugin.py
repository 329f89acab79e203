"""Inside a service repo, plain `mkdocs build`/`mkdocs serve` with `plugins: [techdocs-core]`
uses Lookout's entry point: the portal's docs theme, extensions and sanitizing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MKDOCS_YML = """\
site_name: Orders service
nav:
  - Home: index.md
  - Runbook: runbook.md
plugins:
  - techdocs-core
markdown_extensions:
  - admonition
extra_css:
  - evil.css
"""
INDEX = """\
# Orders

!!! note "On call"
    Page the payments rota.

```mermaid
graph LR
  orders --> payments
```

<script>window.__pwned = 1</script>
<img src="x.png" onerror="alert(1)">
"""


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "orders"
    (repo / "docs").mkdir(parents=True)
    (repo / "mkdocs.yml").write_text(MKDOCS_YML)
    (repo / "docs/index.md").write_text(INDEX)
    (repo / "docs/runbook.md").write_text("# Runbook\n\nRestart it.\n")
    return repo


def test_mkdocs_build_in_a_techdocs_repo_uses_the_portal_docs_setup(tmp_path):
    repo = _repo(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOKOUT_")}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / "out")],
                          cwd=repo, env=dict(env, NO_MKDOCS_2_WARNING="1"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    page = (out / "index.html").read_text()
    assert 'class="lookout-docs-banner"' in page            # theme/techdocs, the portal's docs theme
    assert 'class="admonition note"' in page
    assert "__pwned" not in page and "onerror" not in page  # sanitized as in the portal
    assert 'class="mermaid"' in page and "assets/lookout/mermaid.min.js" in page
    assert (out / "assets/lookout/mermaid.min.js").stat().st_size > 1_000_000
    assert list((out / "assets/stylesheets").glob("main.*.css")), "material's CSS is in the preview"
    assert (out / "runbook/index.html").is_file()
    # What the portal drops is said, with the line, as the nightly build reports it.
    assert "lookout: mkdocs.yml:9:" in proc.stderr and "stylesheets from a repo are not allowed" in proc.stderr
