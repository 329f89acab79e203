"""Which pages' keys must be computed again, from what changed since the last build.

A page's key (entity_pages.py) hashes everything the page shows: its entity, its
problems, its repo's source link, its docs status, what each neighbour shows of
itself (``shown``), its dependents' walk and, for a Group, its walk over the org
below it. Computing every key walks and hashes the whole catalog (~1 s at M, ~8 s at
L, every night). Most nights one or a few repos change, so the last build's inputs
are kept beside its keys (page-keys.json in the cache folder), compared with this
build's, and only the pages an input change can reach have their keys computed
again; every other page keeps its last key. Over-approximating is safe (a key
computed again is the same key); missing a page is not, so the reach is written
to follow each input of ``EntityPages._key`` (a test compares every key with a
cold build's).
"""
from __future__ import annotations

import hashlib
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator import jsonbytes
from generator.graph import DEPENDENTS_WALK
from generator.portal.index import ANN_REPO, PortalIndex

STATE_VERSION = 1
# catalog.json as write_catalog writes it (sorted keys, two-space indent): the entities
# list and the line between two entities. Slicing the bytes there gives each entity's
# digest without encoding it again (45 MB at M: 0.07 s against 0.6 s).
_ENTITIES_START = b'\n  "entities": [\n'
_ENTITIES_END = b'\n  ],\n  "problems": '
_BETWEEN = b"\n    },\n    {\n"


def shown(ix: PortalIndex, ref: str) -> bytes:
    """What any page shows of ``ref``: its link, its table row, its diagram node."""
    ent = ix.entities.get(ref)
    if ent is None:
        fields: Any = ("missing", ref)
    else:
        meta = ent.get("metadata") or {}
        spec = ent.get("spec") if isinstance(ent.get("spec"), dict) else {}
        owner = ix.owner(ref)
        fields = (ref, ix.urls.get(ref), ix.title(ref), spec.get("type"), spec.get("lifecycle"),
                  meta.get("description"), owner, owner and ix.title(owner), owner and ix.urls.get(owner),
                  ix.ann(ref, ANN_REPO))
    return hashlib.blake2b(repr(fields).encode(), digest_size=16).digest()


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class KeyInputs:
    """Digests of a build's page inputs, by what they belong to."""
    method: str                                   # how entity digests were taken: "bytes" or "json"
    entities: dict[str, str]                      # ref -> its entity's digest
    sources: dict[str, str]                       # repo -> its sources entry's digest
    problems: dict[str, str]                      # ref -> its problems' digest
    docs: dict[str, str] | None                   # ref -> docs status (None: the catalog says nothing)
    shards: bool                                  # Resources sharded
    shown: dict[str, str] = field(default_factory=dict)   # ref -> shown(ref), hex, where known

    def to_json(self) -> dict:
        return {"method": self.method, "entities": self.entities, "sources": self.sources,
                "problems": self.problems, "docs": self.docs, "shards": self.shards, "shown": self.shown}

    @classmethod
    def from_json(cls, doc: Any) -> KeyInputs | None:
        try:
            return cls(str(doc["method"]), dict(doc["entities"]), dict(doc["sources"]), dict(doc["problems"]),
                       None if doc["docs"] is None else dict(doc["docs"]), bool(doc["shards"]), dict(doc["shown"]))
        except (KeyError, TypeError, ValueError):
            return None


def inputs_of(ix: PortalIndex, raw: bytes | None) -> KeyInputs:
    """This build's inputs; ``raw``: catalog.json's bytes."""
    listed = ix.catalog.get("entities") or []
    digests = _entity_digests(raw, len(listed)) if raw is not None else None
    entities: dict[str, str] = {}
    if digests is not None:
        method = "bytes"
        by_id = {id(ent): i for i, ent in enumerate(listed)}
        for ref, ent in ix.entities.items():
            entities[ref] = digests[by_id[id(ent)]]
    else:
        method = "json"
        for ref, ent in ix.entities.items():
            entities[ref] = _digest(jsonbytes.dumps(ent, default=str))
    sources = {repo: _digest(jsonbytes.dumps(src, default=str)) for repo, src in ix.sources.items()}
    problems = {ref: _digest(jsonbytes.dumps(ps, default=str)) for ref, ps in ix.problems_by_ref.items() if ps}
    return KeyInputs(method, entities, sources, problems, ix.docs_status and dict(ix.docs_status),
                     bool(ix.shards))


def _entity_digests(raw: bytes, count: int) -> list[str] | None:
    """The digest of each entity's bytes in catalog.json, in order; None when the file is not
    laid out as write_catalog lays it out (then the caller encodes each entity instead)."""
    start = raw.find(_ENTITIES_START)
    if start < 0 or count == 0:
        return None
    # JSON strings hold no raw newline, so a newline and its indent are structure: the
    # entities list ends where the top-level "problems" key follows it. Looked for from the
    # end (past problems and sources only): a find from the start is another pass over the
    # file (0.6 s of 449 MB at L).
    end = raw.rfind(_ENTITIES_END)
    if end < start:
        return None
    # Each entity hashed where it lies (a memoryview slice copies nothing). Slicing the list
    # out and splitting it copied the file twice over (~900 MB at L, measured), in the portal
    # process just before it forks its page workers.
    find, step = raw.find, len(_BETWEEN)
    out: list[str] = []
    pos = start + len(_ENTITIES_START)
    with memoryview(raw) as view:
        for _ in range(count - 1):
            nxt = find(_BETWEEN, pos, end)
            if nxt < 0:
                return None   # fewer entities than the catalog holds
            out.append(_digest(view[pos:nxt]))
            pos = nxt + step
        if find(_BETWEEN, pos, end) >= 0:
            return None       # more
        out.append(_digest(view[pos:end]))
    return out


def stale(ix: PortalIndex, last: KeyInputs, now: KeyInputs) -> set[str] | None:
    """The refs whose page keys may differ from the last build's; None: all of them.

    Also fills ``now.shown``: the last build's, recomputed for every entity whose shown
    fields could have changed (so the next build can compare again)."""
    if last.method != now.method or last.shards != now.shards:
        return None
    g = ix.graph
    pred = g.g._pred
    old, new = last.entities, now.entities
    removed = {r for r in old if r not in new}
    # The entity itself changed, or the set of its relations' targets that exist did: a
    # relation to one that went is dangling now (one to an entity that appeared is an edge
    # to an added entity, whose shown digest is new: ``moved`` below reaches its sources).
    changed = {r for r, d in new.items() if old.get(r) != d}
    changed.update(src for src, target in g.dangling if target in removed)
    # Its own inputs: problems, docs status, the source entry of a repo it names.
    own = {r for r in set(last.problems) | set(now.problems) if last.problems.get(r) != now.problems.get(r)}
    last_docs, now_docs = last.docs or {}, now.docs or {}
    if (last.docs is None) != (now.docs is None):
        own.update(ix.entities)
    else:
        own.update(r for r in set(last_docs) | set(now_docs) if last_docs.get(r) != now_docs.get(r))
    repos = {r for r in set(last.sources) | set(now.sources) if last.sources.get(r) != now.sources.get(r)}
    if repos:
        own.update(_naming_repos(ix, repos))
    # What the others show of an entity: its own fields and its owner's title and URL.
    candidates = set(changed)
    for owner in changed:
        candidates.update(r for r, keys in pred.get(owner, {}).items() if "ownedBy" in keys)
    now.shown = {r: d for r, d in last.shown.items() if r in new}
    moved = set(removed)
    for r in candidates:
        if r not in new:
            continue
        d = shown(ix, r).hex()
        if last.shown.get(r) != d:
            moved.add(r)
        now.shown[r] = d
    out = changed | own
    for r in moved:
        out.update(pred.get(r, ()))      # shows it as a neighbour
    touched = changed | moved
    out |= _reaching(pred, touched)       # walks to it in its dependents
    out |= _groups_above(pred, touched)   # owns it, or a group below owns it
    return {r for r in out if r in new}


def _naming_repos(ix: PortalIndex, repos: set[str]) -> set[str]:
    out = {r for r in ix.entities if ix.ann(r, ANN_REPO) in repos}
    out.update(ref for ref, ps in ix.problems_by_ref.items() if any(p.get("repo") in repos for p in ps))
    return out


def _reaching(pred: dict, seeds: set[str]) -> set[str]:
    """Every entity whose dependents' walk (DEPENDENTS_WALK edges, forwards) can reach a seed."""
    walk = frozenset(DEPENDENTS_WALK)
    seen: set[str] = set()
    queue = deque(s for s in seeds if s in pred)
    while queue:
        for p, keys in pred[queue.popleft()].items():
            if p not in seen and not walk.isdisjoint(keys):
                seen.add(p)
                queue.append(p)
    return seen


def _groups_above(pred: dict, seeds: set[str]) -> set[str]:
    """The owners of the seeds and every group above them (a Group's page counts and lists
    what it and its sub-groups own, and shows its sub-groups)."""
    seen: set[str] = set()
    queue = deque(s for s in seeds if s in pred)
    while queue:
        for p, keys in pred[queue.popleft()].items():
            if p not in seen and ("ownerOf" in keys or "parentOf" in keys):
                seen.add(p)
                queue.append(p)
    return seen


# -- the state file ---------------------------------------------------------------------
def load_state(path: Path) -> dict | None:
    try:
        doc = orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("version") == STATE_VERSION else None


def save_state(path: Path, catalog_sha: str, salt: str, inputs: KeyInputs, keys: dict) -> None:
    doc = {"version": STATE_VERSION, "catalog": catalog_sha, "salt": salt, "inputs": inputs.to_json(),
           "keys": keys}
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps(doc))
    os.replace(tmp, path)


def known_keys(state: dict | None, ix: PortalIndex, catalog_sha: str, salt: str,
               inputs: KeyInputs) -> dict[str, str | None]:
    """The last build's keys that still hold: all of them for the same catalog.json, none
    after a change of code, theme or settings, else all but the stale ones'."""
    if not state or state.get("salt") != salt or not isinstance(state.get("keys"), dict):
        return {}
    keys = state["keys"]
    last = KeyInputs.from_json(state.get("inputs"))
    if state.get("catalog") == catalog_sha:
        if last is not None:
            inputs.shown = last.shown
        return keys
    if last is None:
        return {}
    redo = stale(ix, last, inputs)
    if redo is None:
        return {}
    return {r: k for r, k in keys.items() if r in ix.entities and r not in redo}
