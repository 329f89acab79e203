"""Docs sites and API descriptors of a generated org.

A docs site is what a service repo carries: ``mkdocs.yml`` with the
techdocs-core extension set (the mermaid fence written with the
``!!python/name:`` tag real files use), and pages with admonitions,
tables, code, mermaid diagrams and task lists. An API is a Backstage
descriptor in ``.af/api.yaml`` whose definition is a ``$text``
substitution of a spec one folder down (``.af/specs/``).
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.demo.generate import Api, Service

PAGES = [("Overview", "index.md"), ("Architecture", "architecture.md"), ("Runbook", "runbook.md"),
         ("API", "api.md"), ("Operations", "operations.md"), ("SLOs", "slo.md"),
         ("Onboarding", "onboarding.md"), ("FAQ", "faq.md"), ("ADR 1: storage", "decisions/adr-0001.md"),
         ("ADR 2: messaging", "decisions/adr-0002.md")]
NOUNS = ("request", "order", "event", "batch", "deploy", "consumer", "partition", "replica", "token",
         "migration", "cache entry", "retry", "webhook", "schema", "rollout", "alert", "dashboard")
VERBS = ("validates", "publishes", "retries", "stores", "expires", "rejects", "replays", "drains",
         "throttles", "rotates", "indexes", "reconciles", "archives", "signs", "deduplicates")
ADJ = ("idempotent", "eventually consistent", "rate-limited", "sharded", "encrypted", "versioned",
       "append-only", "read-mostly", "multi-region", "best-effort", "ordered", "at-least-once")
FENCES = {"go": "go", "java": "java", "kotlin": "kotlin", "python": "python", "typescript": "typescript",
          "rust": "rust", "ruby": "ruby", "scala": "scala", "csharp": "csharp", "hcl": "hcl"}
SNIPPETS = {
    "go": 'func (h *Handler) Health(w http.ResponseWriter, r *http.Request) {\n    w.WriteHeader(http.StatusOK)\n}',
    "java": "@GetMapping(\"/health\")\npublic ResponseEntity<String> health() {\n    return ResponseEntity.ok(\"ok\");\n}",
    "kotlin": 'fun health(): ResponseEntity<String> = ResponseEntity.ok("ok")',
    "python": 'def health(request):\n    return {"status": "ok"}',
    "typescript": 'app.get("/health", (_req, res) => res.json({ status: "ok" }));',
    "rust": 'async fn health() -> impl IntoResponse {\n    (StatusCode::OK, "ok")\n}',
    "ruby": 'get "/health" do\n  json status: "ok"\nend',
    "scala": 'def health = Action { Ok("ok") }',
    "csharp": 'app.MapGet("/health", () => Results.Ok("ok"));',
    "hcl": 'module "topic" {\n  source = "../modules/topic"\n  name   = "orders.v1"\n}',
}
MKDOCS_EXTENSIONS = """markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.tasklist:
      custom_checkbox: true
"""


def _sentence(rng: random.Random, service: str) -> str:
    n1, n2 = rng.sample(NOUNS, 2)
    forms = (f"{service} {rng.choice(VERBS)} every {n1} before the {n2} is acknowledged.",
             f"The {n1} path is {rng.choice(ADJ)}, so a {n2} may be seen twice.",
             f"When the {n1} queue backs up, {service} {rng.choice(VERBS)} the oldest {n2} first.",
             f"Each {n1} carries a {rng.choice(ADJ)} {n2} id that downstream services keep.",
             f"Do not change the {n1} format without a new {n2} version.")
    return rng.choice(forms)


def _para(rng: random.Random, service: str, n: int) -> str:
    return " ".join(_sentence(rng, service) for _ in range(n))


def _page(svc: Service, title: str, rel: str, rng: random.Random) -> str:
    s = svc.name
    out = [f"# {title}", "", _para(rng, s, 3), ""]
    if rel == "index.md":
        out += [f"**Owner:** `{svc.team}` · **System:** `{svc.system}` · **Language:** {svc.language}", "",
                "## What it does", "", svc.description, "", _para(rng, s, 4), ""]
    if rel in ("architecture.md", "index.md") or rng.random() < 0.2:
        deps = (svc.deps + svc.kafka + svc.dbs)[:5] or ["clients"]
        out += ["## Data flow", "", "```mermaid", "graph LR", f"  {s.replace('-', '_')}[{s}]"]
        out += [f"  {s.replace('-', '_')} --> {d.replace('-', '_').replace(':', '_')}[{d}]" for d in deps]
        out += ["```", ""]
    if rel == "runbook.md" or rng.random() < 0.4:
        out += ["!!! warning \"Before you restart anything\"",
                f"    {_para(rng, s, 2)}", "", "## Common alerts", "",
                "| alert | first check | escalate to |", "|---|---|---|"]
        out += [f"| {rng.choice(NOUNS).capitalize()} {rng.choice(('latency', 'errors', 'lag', 'saturation'))} "
                f"| {rng.choice(('dashboard', 'last deploy', 'DLQ depth', 'DB connections'))} | `{svc.team}` |"
                for _ in range(rng.randrange(2, 6))]
        out += [""]
    if rel in ("api.md", "onboarding.md") or rng.random() < 0.5:
        lang = svc.language
        out += ["## Example", "", f"```{FENCES.get(lang, 'text')}", SNIPPETS.get(lang, "echo ok"), "```", ""]
    if rng.random() < 0.4:
        out += ["??? note \"Why it works this way\"", f"    {_para(rng, s, 2)}", ""]
    if rel in ("operations.md", "onboarding.md") or rng.random() < 0.3:
        out += ["## Checklist", ""] + [f"- [{'x' if rng.random() < 0.5 else ' '}] {_sentence(rng, s)}"
                                       for _ in range(rng.randrange(2, 5))] + [""]
    out += ["## Details", "", _para(rng, s, rng.randrange(3, 8)), ""]
    return "\n".join(out)


def docs_pages(k: int) -> list[tuple[str, str]]:
    return PAGES[:k] + [(f"Notes {i}", f"notes/page-{i}.md") for i in range(len(PAGES) + 1, k + 1)]


def write_docs(root: Path, svc: Service, k: int, rng: random.Random) -> int:
    """mkdocs.yml + ``k`` pages; returns the number of pages written."""
    pages = docs_pages(k)
    nav = "".join(f"  - {title}: {rel}\n" for title, rel in pages)
    plugins = "plugins:\n  - techdocs-core\n" if rng.random() < 0.3 else ""
    (root / "mkdocs.yml").write_text(
        # quoted: a platform repo's description has ": " in it, which plain YAML reads as a mapping
        f"site_name: {svc.name}\nsite_description: {json.dumps(svc.description)}\n"
        f"repo_url: https://git.acme.example/{svc.team}/{svc.name}\nnav:\n{nav}{plugins}{MKDOCS_EXTENSIONS}",
        encoding="utf-8")
    for title, rel in pages:
        path = root / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(svc, title, rel, rng), encoding="utf-8")
    return len(pages)


def write_api(root: Path, svc: Service, api: Api) -> list[str]:
    """``.af/api.yaml`` and its spec; returns the descriptor's lines (kept for breaking one)."""
    spec_file = {"openapi": "openapi.yaml", "asyncapi": "events.asyncapi.yaml", "grpc": "service.proto"}[api.type]
    lines = ["apiVersion: backstage.io/v1alpha1", "kind: API", "metadata:", f"  name: {api.name}",
             f"  title: {api.title}", f"  description: {api.description}",
             f"  tags: [{'rest' if api.type == 'openapi' else 'events' if api.type == 'asyncapi' else 'grpc'}]",
             "spec:", f"  type: {api.type}", f"  lifecycle: {svc.lifecycle or 'production'}",
             f"  owner: {svc.team}", f"  system: {svc.system}", "  definition:", f"    $text: ./specs/{spec_file}"]
    (root / ".af").mkdir(parents=True, exist_ok=True)
    (root / ".af/api.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    specs = root / ".af/specs"
    specs.mkdir(exist_ok=True)
    word = svc.name.split("-")[0]
    if api.type == "openapi":
        text = (f"openapi: 3.0.3\ninfo:\n  title: {api.title}\n  version: 1.4.0\npaths:\n"
                f"  /v1/{word}:\n    get:\n      summary: List {word}\n      responses:\n"
                f"        '200':\n          description: OK\n    post:\n      summary: Create a {word}\n"
                f"      responses:\n        '201':\n          description: Created\n"
                f"  /v1/{word}/{{id}}:\n    get:\n      summary: One {word}\n      parameters:\n"
                "        - name: id\n          in: path\n          required: true\n          schema:\n"
                "            type: string\n      responses:\n        '200':\n          description: OK\n"
                "        '404':\n          description: Not found\n")
    elif api.type == "asyncapi":
        text = (f"asyncapi: 2.6.0\ninfo:\n  title: {api.title}\n  version: 1.0.0\nchannels:\n"
                f"  {word}.created.v1:\n    publish:\n      message:\n        payload:\n          type: object\n"
                f"          properties:\n            id:\n              type: string\n")
    else:
        text = (f'syntax = "proto3";\n\npackage acme.{word.replace("-", "_")}.v1;\n\n'
                f"service {word.capitalize()}Service {{\n  rpc Get{word.capitalize()} (GetRequest) returns "
                f"(GetResponse);\n}}\n\nmessage GetRequest {{\n  string id = 1;\n}}\n\n"
                "message GetResponse {\n  string id = 1;\n  string name = 2;\n}\n")
    (specs / spec_file).write_text(text, encoding="utf-8")
    return lines
