"""`lookout demo generate`: an org of any size, shaped like a real one, the same for a seed.

    summary = generate_org(Path("/tmp/org"), repos=1000, resources=25_000, docs_pages=8, seed=1)

What it writes (one folder per repository, plain files, no git):

- ``org/``: Groups (an organization, departments, teams, some sub-teams),
  Users (each a member of one team, some of two), Systems and Domains, as
  Backstage YAML behind one Location;
- platform repos (about 1 in 100): shared Kafka clusters and Aurora
  databases, each with its monitors and on-call;
- service repos: the service module, variables with defaults and locals,
  ``data`` lookups of the shared clusters (how many services use one is
  long-tailed: a few clusters have most consumers), a long-tailed number of
  resource blocks (most repos a handful, a few hundreds), an API descriptor
  for about a third, a docs site for 99 in 100;
- about 2% of repos with one deliberate mistake each (``BROKEN_KINDS``),
  and at least one of each kind in an org of 30 repos or more. The summary
  lists them with the file and line a problem should name.

Everything is drawn from ``random.Random`` seeded by the seed (and, per
repo, by the seed and the repo's name), so the same arguments give a
byte-identical tree on every machine.
"""
from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from generator.demo.generate_docs import write_api, write_docs
from generator.demo.generate_org import OrgPlan, plan_org, write_org_repo
from generator.demo.generate_repo import write, write_platform, write_service

LANGUAGES = [("go", 25), ("java", 20), ("python", 18), ("typescript", 15), ("kotlin", 10), ("rust", 4),
             ("ruby", 4), ("scala", 3), ("csharp", 1)]
PREFIXES = ("orders payments billing invoices ledger checkout cart pricing quotes catalog search inventory "
            "stock shipping returns reviews ratings media images video identity accounts auth sessions profile "
            "consent notifications email sms push feeds recommendations ads loyalty promotions coupons tax "
            "fraud risk kyc payouts settlements refunds disputes partners marketplace sellers merchants "
            "warehouse fulfilment routing tracking delivery drivers fleet maps geo analytics reporting metrics "
            "events audit compliance exports imports scheduler workflow documents contracts support tickets "
            "chat translations content cms assets gateway edge config flags experiments onboarding "
            "subscriptions plans usage quota rates currency").split()
SUFFIXES = ("service", "api", "worker", "gateway", "jobs", "consumer", "indexer", "web", "sync", "processor",
            "scheduler", "exporter")
KAFKA = ("events", "clickstream", "payments-events", "audit-log", "cdc", "telemetry", "orders-stream",
         "notifications", "search-updates", "iot")
DATABASES = ("accounts", "catalog", "ledger", "sessions", "orders", "customers", "content", "risk", "billing",
             "inventory", "reporting", "partners")
# What a broken repo gets wrong; see _break().
BROKEN_KINDS = ("merge-conflict", "trailing-comma", "yaml-tab", "invalid-api-name", "unknown-owner",
                "unknown-api")


@dataclass
class Api:
    name: str
    type: str
    title: str
    description: str


@dataclass
class Service:
    name: str
    team: str
    system: str
    language: str
    description: str
    lifecycle: str | None
    type: str = "service"
    blocks: int = 1
    pagerduty: str | None = None
    dashboard: str = ""
    tags: list[str] = field(default_factory=list)
    kafka: list[str] = field(default_factory=list)
    kafka_via_var: bool = False
    dbs: list[str] = field(default_factory=list)
    api: Api | None = None
    consumes: list[str] = field(default_factory=list)
    deps: list[str] = field(default_factory=list)
    docs: bool = True
    tfvars: bool = False
    broken: str | None = None


@dataclass
class Platform:
    name: str
    kind: str            # "kafka" | "postgres"
    team: str
    system: str
    shared: list[str]    # physical names of the clusters it declares
    description: str
    pagerduty: str


@dataclass
class Broken:
    """One deliberate mistake, and the problem a reader should report for it."""

    repo: str
    file: str
    line: int        # the line the problem names: the mistake's (a descriptor's error: its first line)
    kind: str
    # What the mistake takes out of the catalog (a file that does not parse is not read at all).
    resource_blocks_lost: int = 0
    resources_lost: int = 0
    apis_lost: int = 0


@dataclass
class Summary:
    repos: int = 0
    groups: int = 0
    users: int = 0
    systems: int = 0
    domains: int = 0
    components: int = 0
    apis: int = 0
    resource_blocks: int = 0
    resources: int = 0      # what a reader makes of them: count/for_each expanded, helper blocks folded
    docs_sites: int = 0
    docs_pages: int = 0
    broken: list[Broken] = field(default_factory=list)

    def text(self) -> str:
        return (f"{self.repos} repos: {self.components} components, {self.apis} APIs, {self.resource_blocks} "
                f"resource blocks ({self.resources} Resources: count/for_each expanded, helpers folded), {self.groups} "
                f"groups, {self.users} users, {self.systems} systems, {self.domains} domains, "
                f"{self.docs_sites} docs sites ({self.docs_pages} pages); {len(self.broken)} broken inputs")


def _zipf(rng: random.Random, items: list, s: float = 1.1) -> object:
    return rng.choices(items, [1 / (i + 1) ** s for i in range(len(items))])[0]


def _allocate(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, each at least 1 (largest remainder: exact and stable)."""
    n = len(weights)
    spare = total - n
    scale = sum(weights)
    raw = [w / scale * spare for w in weights]
    out = [1 + int(r) for r in raw]
    order = sorted(range(n), key=lambda i: (-(raw[i] - int(raw[i])), i))
    for i in order[:total - sum(out)]:
        out[i] += 1
    return out


def _names(rng: random.Random, n: int) -> list[str]:
    combos = [f"{p}-{s}" for p in PREFIXES for s in SUFFIXES]
    rng.shuffle(combos)
    return [combos[i % len(combos)] + (f"-{i // len(combos) + 1}" if i >= len(combos) else "") for i in range(n)]


def plan(repos: int, resources: int, seed: int) -> tuple[OrgPlan, list[Platform], list[Service]]:
    rng = random.Random(seed)
    org = plan_org(rng, repos)
    n_platform = max(2, round(repos / 100))
    n_services = repos - 1 - n_platform
    if n_services < 1:
        raise ValueError(f"--repos must be at least 4 (the org repo, 2 platform repos and a service), got {repos}")
    platforms: list[Platform] = []
    for i in range(n_platform):
        kind = "kafka" if i % 2 == 0 else "postgres"
        k = i // 2
        shared = ([f"{KAFKA[(2 * k + j) % len(KAFKA)]}-prod" + (f"-{(2 * k + j) // len(KAFKA) + 1}"
                                                                  if 2 * k + j >= len(KAFKA) else "") for j in range(2)]
                  if kind == "kafka" else
                  [f"prod-shared-{DATABASES[(3 * k + j) % len(DATABASES)]}" + (f"-{(3 * k + j) // len(DATABASES) + 1}"
                                                                               if 3 * k + j >= len(DATABASES) else "")
                   for j in range(3)])
        name = f"{'kafka' if kind == 'kafka' else 'postgres'}-platform" + (f"-{k + 1}" if k else "")
        platforms.append(Platform(name, kind, org.platform_teams[i % len(org.platform_teams)], org.platform_system,
                                  shared, f"Shared {'Kafka clusters' if kind == 'kafka' else 'Aurora databases'}: "
                                  + ", ".join(shared), f"P{rng.randrange(16**6):06X}"))
    platform_blocks = sum(len(p.shared) * (4 if p.kind == "kafka" else 3) + (2 if p.kind == "kafka" else 1)
                          for p in platforms)
    if resources < platform_blocks + n_services:
        raise ValueError(f"--resources must be at least {platform_blocks + n_services} for {repos} repos "
                         "(one per service plus the platform repos' shared clusters)")
    kafka = [c for p in platforms if p.kind == "kafka" for c in p.shared]
    dbs = [c for p in platforms if p.kind == "postgres" for c in p.shared]
    # Long tail: lognormal weights, capped so no repo is more than ~30x the median.
    weights = [min(rng.lognormvariate(0, 1.3), 30.0) for _ in range(n_services)]
    blocks = _allocate(resources - platform_blocks, weights)
    services: list[Service] = []
    names = _names(rng, n_services)
    langs, lang_w = [lng for lng, _ in LANGUAGES], [w for _, w in LANGUAGES]
    for i, name in enumerate(names):
        team = _zipf(rng, org.teams, 0.6)
        svc = Service(name, team, org.system_of[team], rng.choices(langs, lang_w)[0],
                      f"{name.split('-')[0].capitalize()} {name.split('-')[1]} of the {org.title_of[team]} team",
                      rng.choices(["production", "experimental", "deprecated"], [85, 10, 5])[0],
                      blocks=blocks[i], dashboard=f"{rng.randrange(36**3):03x}-{rng.randrange(36**3):03x}")
        svc.type = "website" if name.endswith("-web") else "service"
        svc.pagerduty = f"P{rng.randrange(16**6):06X}" if rng.random() < 0.9 else None
        svc.tags = sorted(rng.sample(["tier-1", "tier-2", "pci", "gdpr", "internal", "public", "batch",
                                      "streaming"], rng.choice((1, 1, 2))))
        if rng.random() < 0.6:
            svc.kafka = sorted({_zipf(rng, kafka) for _ in range(rng.choice((1, 1, 1, 2)))})
            svc.kafka_via_var = rng.random() < 0.3
        if rng.random() < 0.3:
            svc.dbs = [_zipf(rng, dbs)]
        if rng.random() < 0.35:
            kind = rng.choices(["openapi", "asyncapi", "grpc"], [70, 20, 10])[0]
            svc.api = Api(f"{name}-{'events' if kind == 'asyncapi' else 'api'}", kind,
                          f"{name.replace('-', ' ').title()} {'events' if kind == 'asyncapi' else 'API'}",
                          f"The {kind} interface of {name}.")
        svc.docs = rng.random() < 0.99
        svc.tfvars = rng.random() < 0.2
        services.append(svc)
    apis = [s.api.name for s in services if s.api]
    for i, svc in enumerate(services):
        if apis and rng.random() < 0.5:
            svc.consumes = sorted({_zipf(rng, apis, 0.9) for _ in range(rng.choice((1, 1, 2, 3)))}
                                  - {svc.api.name if svc.api else ""})
        if i and rng.random() < 0.2:
            svc.deps = sorted({f"component:{services[rng.randrange(i)].name}" for _ in range(rng.choice((1, 2)))})
    n_broken = max(round(repos * 0.02), min(len(BROKEN_KINDS), repos // 5))
    for j, svc in enumerate(rng.sample(services, min(n_broken, len(services)))):
        svc.broken = BROKEN_KINDS[j % len(BROKEN_KINDS)]
        if svc.broken in ("yaml-tab", "invalid-api-name") and svc.api is None:
            svc.api = Api(f"{svc.name}-api", "openapi", f"{svc.name} API", f"The API of {svc.name}.")
        if svc.broken == "unknown-owner":
            svc.api = None   # the API's owner would be right; keep the one mistake alone
    return org, platforms, services


def _break(root: Path, svc: Service, files: dict[str, list[str]], counts: dict[str, list[int]],
           api_lines: list[str] | None) -> Broken:
    """Make the one mistake ``svc.broken`` names; return where a problem should point."""
    kind = svc.broken
    if kind in ("merge-conflict", "trailing-comma"):
        rel = next((r for r in files if r in counts), ".af/variables.tf")
        lines = list(files[rel])
        start = next(i for i, ln in enumerate(lines) if ln.startswith(("resource ", "variable ")))
        at = next(i for i in range(start + 1, len(lines)) if re.match(r'^  \w+ += "', lines[i]))
        if kind == "merge-conflict":   # left in by a hurried rebase
            lines[at:at + 1] = ["<<<<<<< HEAD", lines[at], "=======", lines[at] + "  # v2", ">>>>>>> main"]
        else:                          # a JSON habit: HCL separates arguments by newlines only
            lines[at] += ","
        write(root / rel, lines)
        lost = counts.get(rel, [0, 0])
        return Broken(svc.name, rel, at + 1, kind, lost[0], lost[1])
    if kind in ("yaml-tab", "invalid-api-name"):
        lines = list(api_lines or [])
        if kind == "yaml-tab":         # YAML forbids tabs in indentation
            at = lines.index("spec:") + 1
            lines[at] = "\t" + lines[at].lstrip()
        else:                          # a title where the name goes; reported on the descriptor
            lines[3] = f"  name: {svc.name.replace('-', ' ').title()} API"
            at = 0
        (root / ".af/api.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return Broken(svc.name, ".af/api.yaml", at + 1, kind, apis_lost=1)
    # A wrong value in the service module: reported at the argument's line.
    lines = list(files[".af/service.tf"])
    key = "owner" if kind == "unknown-owner" else "consumes_apis"
    found = [i for i, ln in enumerate(lines) if ln.strip().startswith(key + " ")]
    if found:
        at = found[0]
        lines[at] = lines[at].split("=")[0] + ('= "' + svc.team + '-old"' if key == "owner"
                                               else '= ["' + svc.name + '-legacy-api"]')
    else:
        at = len(lines) - 1
        lines.insert(at, f'  consumes_apis = ["{svc.name}-legacy-api"]')
    write(root / ".af/service.tf", lines)
    return Broken(svc.name, ".af/service.tf", at + 1, kind)


def generate_org(dest: Path, *, repos: int, resources: int, docs_pages: int = 8, seed: int = 1) -> Summary:
    """Write the org under ``dest`` (which must be empty or missing); ValueError for impossible sizes."""
    if docs_pages < 1:
        raise ValueError(f"--docs-pages must be at least 1, got {docs_pages}")
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise ValueError(f"{dest} is not empty; give a new folder")
    org, platforms, services = plan(repos, resources, seed)
    summary = Summary(repos=repos)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        counts = write_org_repo(dest / "org", org)
        summary.groups, summary.users, summary.systems, summary.domains = counts
        for p in platforms:
            rng = random.Random(f"{seed}/{p.name}")
            blocks, instances = write_platform(dest / p.name, p, rng)
            summary.resource_blocks += blocks
            summary.resources += instances
            svc_like = Service(p.name, p.team, p.system, "hcl", p.description, "production", kafka=p.shared)
            summary.docs_pages += write_docs(dest / p.name, svc_like, docs_pages, rng)
            summary.docs_sites += 1
        for svc in services:
            root = dest / svc.name
            rng = random.Random(f"{seed}/{svc.name}")
            files, counts = write_service(root, svc, rng)
            summary.resource_blocks += sum(b for b, _ in counts.values())
            summary.resources += sum(n for _, n in counts.values())
            api_lines = write_api(root, svc, svc.api) if svc.api else None
            if svc.docs:
                summary.docs_pages += write_docs(root, svc, docs_pages, rng)
                summary.docs_sites += 1
            if svc.broken:
                summary.broken.append(_break(root, svc, files, counts, api_lines))
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    summary.components = len(services) + len(platforms)
    summary.apis = sum(1 for s in services if s.api)
    summary.broken.sort(key=lambda b: (b.repo, b.file))
    assert summary.resource_blocks == resources, (summary.resource_blocks, resources)
    return summary
