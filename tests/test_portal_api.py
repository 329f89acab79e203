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


def test_on_call_links_to_pagerduty_when_configured(tmp_path):
    import json
    catalog = {"schema_version": 1, "sources": [], "problems": [], "entities": [{
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "svc", "namespace": "default", "annotations": {"pagerduty.com/service-id": "PABC123"}},
        "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/x"}, "relations": []}]}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog))
    build_site(path, tmp_path / "plain", progress=False)
    assert "service-directory" not in (tmp_path / "plain/catalog/default/component/svc/index.html").read_text()
    build_site(path, tmp_path / "pd", progress=False, extra_config={"lookout": {"pagerduty_url": "https://acme.pagerduty.com/"}})
    page = (tmp_path / "pd/catalog/default/component/svc/index.html").read_text()
    assert 'href="https://acme.pagerduty.com/service-directory/PABC123"' in page
    build_site(path, tmp_path / "js", progress=False, extra_config={"lookout": {"pagerduty_url": "javascript:alert(1)"}})
    assert "javascript:" not in (tmp_path / "js/catalog/default/component/svc/index.html").read_text()


def test_home_shows_migration_into_af(tmp_path):
    import json
    import re

    def comp(name, tf):
        anns = {"lookout/terraform-address": "module.service"} if tf else {}
        return {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
                "metadata": {"name": name, "namespace": "default", "annotations": anns},
                "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/x"}, "relations": []}
    catalog = {"schema_version": 1, "sources": [], "problems": [],
               "entities": [comp("a", True), comp("b", True), comp("c", False), comp("d", True)]}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog))
    build_site(path, tmp_path / "site", progress=False)
    home = (tmp_path / "site/index.html").read_text()
    bar = re.search(r'id="coverage-af" data-count="(\d+)" data-percent="(\d+)"', home)
    assert bar and bar.groups() == ("3", "75")
