"""Entity pages rendered by several processes are the pages one process renders."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.portal.build import build_site
from generator.portal.parallel import MIN_PAGES

ROOT = Path(__file__).resolve().parents[1]


def test_a_parallel_build_writes_the_same_site(tmp_path, monkeypatch):
    import generator.portal.parallel as parallel
    used = []
    render_pages = parallel.render_pages
    monkeypatch.setattr(parallel, "render_pages", lambda *a, **kw: used.append(render_pages(*a, **kw)))
    catalog = tmp_path / "catalog.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_catalog.py"), "-n", str(MIN_PAGES + 200),
                    "-o", str(catalog)], check=True, capture_output=True)
    build_site(catalog, tmp_path / "one", progress=False, workers=1)
    build_site(catalog, tmp_path / "two", progress=False, workers=2)

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    entity_pages = [k for k in one if k.startswith("catalog/") and k.count("/") == 4]
    assert len(entity_pages) >= MIN_PAGES
    differ = sorted(k for k in one.keys() | two.keys() if one.get(k) != two.get(k))
    assert differ == []
    assert used == [1, 2]  # the second build really was split over two processes
    assert not list(tmp_path.glob(".*"))  # no staging folders left
