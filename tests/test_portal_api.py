"""An API's page shows its definition, as Backstage's API page does."""
from __future__ import annotations

from generator.portal.build import build_site


def test_an_api_page_shows_its_definition_highlighted_and_inert(tmp_path):
    import json
    hostile = 'openapi: 3.0.0\ninfo:\n  title: "</code></pre><script>window.__pwned=1</script>"\npaths: {}\n'
    catalog = {"schema_version": 1, "sources": [], "problems": [], "entities": [{
        "apiVersion": "backstage.io/v1alpha1", "kind": "API",
        "metadata": {"name": "pay", "namespace": "default", "annotations": {}},
        "spec": {"type": "openapi", "lifecycle": "production", "owner": "group:default/x", "definition": hostile},
        "relations": []}]}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog))
    build_site(path, tmp_path / "site", progress=False)
    page = (tmp_path / "site/catalog/default/api/pay/index.html").read_text()
    definition = page.split('id="definition"', 1)[1].split("</section>", 1)[0]
    assert 'class="highlight"' in definition and "openapi" in definition
    assert "<script>" not in definition and "&lt;script&gt;" in definition
