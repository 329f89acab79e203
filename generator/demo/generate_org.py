"""The org repo of a generated org: Groups in a hierarchy, Users, Systems, Domains.

About 45 teams and 400 people per 1,000 repos: an organization, a few
departments, teams under them, and every sixth team split off as a
sub-team of the one before. Each department is a Domain with a few Systems.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

DEPARTMENTS = ("platform", "commerce", "payments", "customer", "data", "logistics", "growth", "finance",
               "media", "security", "mobile", "partners")
TEAMS = ("sre", "kafka", "databases", "checkout", "cart", "pricing", "search", "catalog", "ledger", "billing",
         "fraud", "identity", "accounts", "notifications", "recommendations", "shipping", "warehouse", "returns",
         "reviews", "streaming", "analytics", "reporting", "edge", "observability", "ios", "android", "web",
         "design-system", "payments-core", "risk", "tax", "invoicing", "marketplace", "ads", "loyalty",
         "support-tools", "crm", "onboarding", "compliance", "appsec", "developer-experience", "content",
         "routing", "fleet", "experiments")
FIRST = ("ada alan amara ana anton aria ben carla chen dario diego elena emil eva farah felix gita hana hugo "
         "ines ivan jana jonas kai karin lars lea leo lina luca maya mehmet mia nadia nils noor omar oskar "
         "paula priya rafael rosa sami sara sven tara theo uma vera wei yara yusuf zoe").split()
LAST = ("okafor nguyen schmidt rossi garcia kowalski tanaka silva novak jensen haddad fischer moreau "
        "costa petrov larsen ali kim weber dubois santos berg lindqvist murphy horvat yilmaz popescu "
        "andersen bianchi conti ferreira sato ivanova brandt keller lopez meyer ortiz".split())


@dataclass
class OrgPlan:
    departments: list[str]
    teams: list[str]                       # team group names
    parent: dict[str, str]                 # team -> parent group
    title_of: dict[str, str]
    system_of: dict[str, str]              # team -> the system its services belong to
    systems: dict[str, tuple[str, str]]    # system -> (owner team, domain)
    users: list[tuple[str, str, list[str]]] = field(default_factory=list)   # (name, display, teams)
    platform_teams: list[str] = field(default_factory=list)
    platform_system: str = ""


def plan_org(rng: random.Random, repos: int) -> OrgPlan:
    n_teams = max(3, round(repos * 0.045))
    n_depts = max(1, round(n_teams / 5))
    n_users = max(2 * n_teams, round(repos * 0.4))
    depts = [DEPARTMENTS[i % len(DEPARTMENTS)] + (f"-{i // len(DEPARTMENTS) + 1}" if i >= len(DEPARTMENTS) else "")
             for i in range(n_depts)]
    teams, parent, title_of = [], {}, {}
    for i in range(n_teams):
        name = TEAMS[i % len(TEAMS)] + (f"-{i // len(TEAMS) + 1}" if i >= len(TEAMS) else "")
        dept = depts[i % n_depts] if i >= 3 else depts[0]   # the first three teams are the platform's
        # Every sixth team is a sub-team of the team before it (same department).
        parent[name] = teams[-1] if i % 6 == 5 else dept
        teams.append(name)
        title_of[name] = name.replace("-", " ").title()
    systems: dict[str, tuple[str, str]] = {}
    system_of = {}
    n_systems = max(2, round(repos / 25))
    sys_names = [f"{t}-system" for t in teams][:n_systems]
    while len(sys_names) < n_systems:
        sys_names.append(f"{teams[len(sys_names) % n_teams]}-system-{len(sys_names) // n_teams + 1}")
    for i, s in enumerate(sys_names):
        owner = teams[i % n_teams]
        systems[s] = (owner, _dept_of(owner, parent, depts))
    for i, t in enumerate(teams):
        mine = [s for s, (o, _) in systems.items() if o == t]
        system_of[t] = mine[0] if mine else sys_names[i % n_systems]
    users = []
    taken: set[str] = set()
    for i in range(n_users):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name, n = f"{first}.{last}", 2
        while name in taken:
            name, n = f"{first}.{last}{n}", n + 1
        taken.add(name)
        member = [teams[i % n_teams]]   # every team has people
        if rng.random() < 0.1:
            member = sorted(set(member + [rng.choice(teams)]))
        users.append((name, f"{first.title()} {last.title()}", member))
    return OrgPlan(depts, teams, parent, title_of, system_of, systems, users,
                   platform_teams=teams[:3], platform_system=system_of[teams[0]])


def _dept_of(team: str, parent: dict[str, str], depts: list[str]) -> str:
    while team not in depts:
        team = parent[team]
    return team


def _group(name: str, gtype: str, display: str, parent: str | None, children: list[str], desc: str) -> str:
    lines = ["apiVersion: backstage.io/v1alpha1", "kind: Group", "metadata:", f"  name: {name}",
             f"  description: {desc}", "spec:", f"  type: {gtype}", "  profile:", f"    displayName: {display}",
             f"    email: {name}@acme.example"]
    if parent:
        lines.append(f"  parent: {parent}")
    lines.append(f"  children: [{', '.join(children)}]")
    return "\n".join(lines) + "\n"


def write_org_repo(root: Path, org: OrgPlan) -> tuple[int, int, int, int]:
    """Write the org repo; (groups, users, systems, domains) it declares."""
    root.mkdir(parents=True, exist_ok=True)
    children: dict[str, list[str]] = {}
    for team in org.teams:
        children.setdefault(org.parent[team], []).append(team)
    docs = [_group("acme", "organization", "Acme", None, org.departments, "Acme engineering")]
    for d in org.departments:
        docs.append(_group(d, "department", d.replace("-", " ").title(), "acme", children.get(d, []),
                           f"The {d} department"))
    for t in org.teams:
        docs.append(_group(t, "team", org.title_of[t], org.parent[t], children.get(t, []),
                           f"The {org.title_of[t]} team"))
    (root / "groups.yaml").write_text("---\n".join(docs), encoding="utf-8")
    users = [f"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: {name}\nspec:\n  profile:\n"
             f"    displayName: {display}\n    email: {name}@acme.example\n  memberOf: [{', '.join(teams)}]\n"
             for name, display, teams in org.users]
    (root / "users.yaml").write_text("---\n".join(users), encoding="utf-8")
    domains = [f"apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: {d}\n"
               f"  description: Everything the {d} department runs\nspec:\n  owner: {d}\n" for d in org.departments]
    (root / "domains.yaml").write_text("---\n".join(domains), encoding="utf-8")
    systems = [f"apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: {s}\n"
               f"  description: Services of the {org.title_of[o]} team\nspec:\n  owner: {o}\n  domain: {d}\n"
               for s, (o, d) in org.systems.items()]
    (root / "systems.yaml").write_text("---\n".join(systems), encoding="utf-8")
    (root / "catalog-info.yaml").write_text(
        "# Teams, people, systems and domains: every owner in a .af/service.tf names a group here.\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: acme-org\n"
        "  description: Teams, people, systems and domains of Acme engineering\nspec:\n  targets:\n"
        "    - ./domains.yaml\n    - ./systems.yaml\n    - ./groups.yaml\n    - ./users.yaml\n", encoding="utf-8")
    return 1 + len(org.departments) + len(org.teams), len(org.users), len(org.systems), len(org.departments)
