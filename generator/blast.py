"""Blast radius of a merge request: what a repo's change does to the other repos.

The published catalog says what the repo declared before and who outside it
uses what (dependsOn, consumesApi, `data` lookups); the linked validation
says what it declares now. Compared:

- an entity removed (or renamed: the same Terraform address under a new
  ref) that other repos depend on or consume: an error listing them, their
  repos and owners;
- a Resource whose physical name changed while another repo's `data` block
  looks it up by the old one: an error naming the lookup and its line;
- an owner change: info, a warning when other repos depend on the entity
  (their owners learn who to ask now).

Every message starts with "blast radius:" so reports can group them.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from generator.entity.refs import entity_ref
from generator.link import Catalog
from generator.model import ANN_FILE, ANN_LINE, ANN_PHYSICAL_NAME, ANN_REPO, ANN_TF_ADDRESS, Location, Problem
from generator.published import Published, PublishedEntity

MAX_LISTED = 10


def _who(pub: Published, refs: list[str]) -> str:
    parts = []
    for ref in refs[:MAX_LISTED]:
        e = pub.entities.get(ref)
        owner = f", owner {e.owner}" if e and e.owner else ", no owner"
        parts.append(f"{ref} ({e.repo if e else '?'}{owner})")
    more = f" and {len(refs) - MAX_LISTED} more" if len(refs) > MAX_LISTED else ""
    return "; ".join(parts) + more


def _owner_of(entity: dict[str, Any]) -> str | None:
    return next((r["targetRef"] for r in entity.get("relations", ()) if r["type"] == "ownedBy"), None)


def _loc(entity: dict[str, Any]) -> Location:
    anns = entity["metadata"].get("annotations") or {}
    line = anns.get(ANN_LINE)
    return Location(anns.get(ANN_REPO, ""), anns.get(ANN_FILE, ""), int(line) if str(line).isdigit() else None)


class _Blast:
    def __init__(self, pub: Published, names: set[str], linked: Catalog,
                 where: dict[str, dict[str, Location]]):
        self.pub, self.where = pub, where
        self.before = {r: e for r, e in pub.entities.items() if e.repo in names}
        self.after = {entity_ref(e): e for e in linked.entities
                      if (e["metadata"].get("annotations") or {}).get(ANN_REPO) in names}
        outside = {r for r, e in pub.entities.items() if e.repo not in names}
        # target inside -> [(user outside, relation)]
        self.users: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for src, rel, target in pub.uses:
            if target in self.before and src in outside:
                self.users[target].append((src, rel))
        self.lookups = defaultdict(list)  # (type, physical name) -> lookups from outside
        for lk in pub.lookups or ():
            if lk.ref in outside:
                self.lookups[(lk.resource_type, lk.physical_name)].append(lk)
        # What the repos declare now, by physical name (lookups still find these) and by address.
        self.physical_now = {((e.get("spec") or {}).get("type"),
                              (e["metadata"].get("annotations") or {}).get(ANN_PHYSICAL_NAME))
                             for e in self.after.values()}
        self.by_address = {(_loc(e).repo, (e["metadata"].get("annotations") or {}).get(ANN_TF_ADDRESS)): r
                           for r, e in self.after.items()
                           if (e["metadata"].get("annotations") or {}).get(ANN_TF_ADDRESS)}
        self.problems: list[Problem] = []

    def only_looked_up(self, user: str, old: PublishedEntity) -> bool:
        """``user`` reaches ``old`` through a `data` lookup only, which a same-named successor satisfies."""
        if self.pub.lookups is None or not old.physical:
            return False
        return any(lk.ref == user for lk in self.lookups.get((old.type, old.physical), ()))

    def removed(self, ref: str, old: PublishedEntity) -> None:
        still_found = (old.type, old.physical) in self.physical_now
        broken = sorted({u for u, rel in self.users.get(ref, ())
                         if not (still_found and rel == "dependsOn" and self.only_looked_up(u, old))})
        if not broken:
            return
        verb = "consume" if old.kind == "API" else "depend on"
        new_ref = self.by_address.get((old.repo, old.address)) if old.address else None
        if new_ref:
            now = (self.after[new_ref]["metadata"].get("annotations") or {}).get(ANN_PHYSICAL_NAME)
            renamed = f"; physical name {old.physical!r} → {now!r}" if old.physical and now != old.physical else ""
            what = f"{ref} is renamed to {new_ref} ({old.address}{renamed})"
            loc = _loc(self.after[new_ref])
        else:
            what = f"{ref} is removed"
            loc = Location(old.repo, old.file, None)
        msg = (f"blast radius: {what}, but {len(broken)} entit{'y' if len(broken) == 1 else 'ies'} in other "
               f"repos {verb} it: {_who(self.pub, broken)}")
        lookups = [] if still_found else self._lookups_of(old)
        if lookups:
            msg += (f"; {len(lookups)} `data` lookup(s) find it by its physical name {old.physical!r}, which "
                    f"nothing declares any more: {self._listed(lookups)}")
        self.problems.append(Problem.at("error", msg + "; keep it until they have moved", loc, ref))

    def _lookups_of(self, old: PublishedEntity) -> list:
        return sorted(self.lookups.get((old.type, old.physical), ()), key=lambda lk: (lk.ref, lk.address))

    def _listed(self, lookups: list) -> str:
        return "; ".join(f"{lk.address} in {self.pub.entities[lk.ref].repo}/{lk.file}:{lk.line}"
                         for lk in lookups[:MAX_LISTED]) + \
            (f" and {len(lookups) - MAX_LISTED} more" if len(lookups) > MAX_LISTED else "")

    def physical_renamed(self, ref: str, old: PublishedEntity, new: dict[str, Any]) -> None:
        now = (new["metadata"].get("annotations") or {}).get(ANN_PHYSICAL_NAME)
        if not old.physical or now == old.physical or (old.type, old.physical) in self.physical_now:
            return
        change = f"the physical name of {ref} changes from {old.physical!r} to {now!r}" if now else \
            f"{ref} no longer has the physical name {old.physical!r}"
        if self.pub.lookups is None:
            users = sorted({u for u, rel in self.users.get(ref, ()) if rel == "dependsOn"})
            if users:
                self.problems.append(Problem.at(
                    "warning", f"blast radius: {change}; a `data` lookup by the old name in these repos would "
                    f"no longer find it: {_who(self.pub, users)} (the catalog.json given does not record "
                    "lookups; api/validate.json.gz does)", _loc(new), ref))
            return
        lookups = self._lookups_of(old)
        if not lookups:
            return
        users = sorted({lk.ref for lk in lookups})
        self.problems.append(Problem.at(
            "error", f"blast radius: {change}, so {len(lookups)} `data` lookup(s) in other repos will no "
            f"longer find it: {self._listed(lookups)} (of {_who(self.pub, users)})", _loc(new), ref))

    def owner_changes(self) -> None:
        groups: dict[tuple, list[str]] = defaultdict(list)
        for ref, old in self.before.items():
            new = self.after.get(ref)
            now = _owner_of(new) if new else None
            if new is None or now == old.owner or not (now or old.owner):
                continue
            if now is None and (new.get("spec") or {}).get("owner"):
                continue  # an owner that does not resolve is an error of its own
            loc = self.where.get(ref, {}).get("owner") or _loc(new)
            groups[(loc, old.owner, now)].append(ref)
        for (loc, was, now), refs in sorted(groups.items(), key=lambda kv: str(kv[0])):
            users = sorted({u for r in refs for u, _ in self.users.get(r, ())})
            what = refs[0] + (f" and {len(refs) - 1} more" if len(refs) > 1 else "")
            msg = f"blast radius: the owner of {what} changes from {was or 'nobody'} to {now or 'nobody'}"
            if users:
                msg += f"; {len(users)} entit{'y' if len(users) == 1 else 'ies'} in other repos depend on it: " \
                       f"{_who(self.pub, users)}"
            self.problems.append(Problem.at("warning" if users else "info", msg, loc, refs[0]))

    def run(self) -> list[Problem]:
        for ref, old in sorted(self.before.items()):
            new = self.after.get(ref)
            if new is None:
                self.removed(ref, old)
            elif old.kind == "Resource":
                self.physical_renamed(ref, old, new)
        self.owner_changes()
        return self.problems


def blast_radius(pub: Published, names: set[str], linked: Catalog,
                 where: dict[str, dict[str, Location]]) -> list[Problem]:
    """Problems (in the validated repos) for what the change breaks or changes elsewhere."""
    return _Blast(pub, names, linked, where).run()
