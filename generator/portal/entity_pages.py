"""Entity pages, written by Lookout around one shell that mkdocs-material renders.

Profiled at 25,000 entities, material's page template (header, nav, footer)
was half of the portal's time, and it is the same on every entity page but for
the title and the URL: entity pages all sit at one depth, none is in the nav or
has a table of contents, all share one meta dict. So mkdocs renders one shell
page whose title, URL and body are sentinels (plugin.py), minified once, and
every entity page is that shell around its own body, written here.

Incremental by content: a page's key hashes everything it shows (the entity,
its problems, its repo's source link, what each neighbour shows of itself in
a row, a link or the diagram, its dependents, a Group's walk over the org
below it, and the shell, templates and code). A page whose key is in the page cache is linked from there, never
rendered; the bytes are the ones a cold build writes (tested).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from generator import jsonbytes
from generator.portal.assets import MERMAID_DEST
from generator.portal.entity_page import EntityPageBuilder
from generator.portal.html import html_title
from generator.portal.index import ANN_REPO, PortalIndex
from generator.portal.page_cache import PageCache
from generator.portal.page_keys import shown

# The shells: one at an entity page's depth, one at a namespace's resource page's
# (resource_shards.py). Neither URL is a prefix of the other.
SHELL_ROOT = "catalog/lookout-shell/"
SHELL_URL = SHELL_ROOT + "shell/page/"
RESOURCES_SHELL_URL = SHELL_ROOT + "resources/"
SHELL_SRC = SHELL_URL + "index.md"
RESOURCES_SHELL_SRC = RESOURCES_SHELL_URL + "index.md"
TITLE_SENTINEL = "LookoutShellTitleSentinel"
# An <h1>: material adds the page title as one when the body has none (entity bodies have).
BODY_SENTINEL = "<h1>LookoutShellBodySentinel</h1>"
CODE_FILES = [Path(__file__).parent, Path(__file__).resolve().parents[1] / "graph.py"]



class Shell:
    """The shell page split at its sentinels: a page is ``"".join`` of its parts."""

    def __init__(self, html: str, base: str, url: str = SHELL_URL):
        html = minify(html)
        if html.count(BODY_SENTINEL) != 1:
            raise RuntimeError("the entity page shell has no single body slot (theme/main.html changed?)")
        self.url = url
        self.parts = re.split(f"({TITLE_SENTINEL}|{re.escape(BODY_SENTINEL)}|{re.escape(url)})", html)
        self.base = base
        self.digest = hashlib.sha256(html.encode("utf-8")).hexdigest()

    def page(self, title_html: str, url: str, body: str) -> str:
        sub = {TITLE_SENTINEL: title_html, BODY_SENTINEL: body, self.url: url}
        return "".join([sub.get(p, p) for p in self.parts])


def minify(html: str) -> str:
    """Whitespace and optional quotes out of material's chrome (~30% of it), once per build."""
    import minify_html

    return minify_html.minify(html, keep_closing_tags=True, keep_html_and_head_opening_tags=True,
                              keep_comments=False, minify_css=False, minify_js=False)


def code_digest(extra: Any) -> str:
    """The portal's code and templates, plus ``extra`` (settings that change what pages show)."""
    h = hashlib.sha256(json.dumps(extra, sort_keys=True, default=str).encode())
    for root in CODE_FILES:
        files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
        for f in files:
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


class EntityPages:
    def __init__(self, ix: PortalIndex, builder: EntityPageBuilder, env, shell: Shell, *,
                 site_name: str, mermaid: bool, code_key: str, resources_shell: Shell | None = None):
        self.ix, self.builder, self.env, self.shell = ix, builder, env, shell
        self.resources_shell = resources_shell
        self.site_name, self.mermaid = site_name, mermaid
        self.template = env.get_template("entity.html")
        src = env.loader.get_source(env, "entity.html")[0]
        self.salt = hashlib.sha256(f"{code_key}\0{shell.digest}\0{mermaid}\0{site_name}\0{src}".encode()).digest()
        self._seen: dict[str, bytes] = {}
        # The last build's keys that still hold (page_keys.known_keys): all of them when
        # catalog.json is the same, else all but those an input change reaches.
        self.known_keys: dict[str, str | None] = {}
        self.keys: dict[str, str | None] = {}

    # -- rendering --------------------------------------------------------------------
    def body(self, ref: str, base: str) -> str:
        v = self.builder.build(ref, base)
        return self.template.render(v=v, base=base, site_name=self.site_name, mermaid=self.mermaid)

    def html(self, ref: str) -> bytes:
        """A page; for a sharded Resource its body only, as its shard holds it."""
        if ref in self.ix.sharded:
            return self.body(ref, self.resources_shell.base).encode("utf-8")
        body = self.body(ref, self.shell.base)
        return self.shell.page(html_title(self.ix.title(ref)), self.ix.urls[ref], body).encode("utf-8")

    # -- what a page shows ---------------------------------------------------------------
    def key(self, ref: str) -> str | None:
        """The hash of everything ``ref``'s page shows; None: always render it."""
        if ref in self.known_keys:
            return self.known_keys[ref]
        k = self.keys[ref] = self._key(ref)
        return k

    def _key(self, ref: str) -> str | None:
        ix = self.ix
        ent = ix.entities[ref]
        h = hashlib.blake2b(self.salt, digest_size=20)
        if ref in ix.sharded:
            h.update(b"shard-body\0" + self.resources_shell.digest.encode())
        h.update(jsonbytes.dumps(ent, default=str))
        problems = ix.problems_by_ref.get(ref, ())
        h.update(jsonbytes.dumps(problems, default=str))
        repos = {ix.ann(ref, ANN_REPO)} | {p.get("repo") for p in problems}
        h.update(jsonbytes.dumps([ix.sources.get(r) for r in sorted(repos, key=str) if isinstance(r, str)],
                                 default=str))
        h.update(str(ix.docs_state(ref)).encode())
        seen, neighbour = self._seen, self._neighbour
        # What the page shows of each entity its relations name. The entity's JSON (above)
        # holds the relations themselves, so its graph neighbours (the targets that exist, once
        # each, in the relations' order) are all that is left: a relation to a missing entity
        # shows what its JSON says, and one that appears is a new neighbour. One update of
        # the joined digests: a str, lower and update per relation were half of all keys.
        h.update(b"".join([seen.get(t) or neighbour(t) for t in ix.graph.targets(ref)]))
        total, first, complete = ix.graph.dependents_summary(ref, self.builder.list_cap)
        h.update(b"\1%d%d" % (total, complete))
        h.update(b"".join([seen.get(r) or neighbour(r) for r in first]))
        if ref.startswith("group:"):
            # A Group's page also shows a walk over the org below it: the counts by kind and
            # type, how many it owns (directly, in all), the first owned rows and who of it
            # owns each, the sub-groups. At M, walking all 55 costs ~0.18 s, building and
            # rendering their pages again another ~0.19 s on every build (CPU).
            gs = self.builder.group_summary(ref)
            cap = self.builder.list_cap
            shown = gs.first_owned[:cap]
            h.update(repr(("group", gs.total, gs.direct, gs.counts, [(r, gs.via[r]) for r in shown],
                           len(gs.subgroups), gs.subgroups[:cap])).encode())
            h.update(b"".join([seen.get(r) or neighbour(r)
                               for r in [*shown, *sorted(set(gs.via.values())), *gs.subgroups[:cap]]]))
        return h.hexdigest()

    def _neighbour(self, ref: str) -> bytes:
        d = self._seen[ref] = shown(self.ix, ref)
        return d

    def seed_shown(self, digests: dict[str, str]) -> None:
        """What the last build computed of ``shown`` and still holds (page_keys.stale)."""
        self._seen.update((r, bytes.fromhex(d)) for r, d in digests.items())

    def shown_digests(self) -> dict[str, str]:
        return {r: d.hex() for r, d in self._seen.items()}

    # -- writing -----------------------------------------------------------------------
    def write(self, site_dir: Path, refs: list[str], cache: PageCache | None, render_many) -> dict[str, int]:
        """Every page of ``refs`` into ``site_dir``: linked from ``cache`` when its key is there,
        else rendered by ``render_many(jobs)`` (jobs: (ref, key or None, dest))."""
        jobs = []
        reused = 0
        for ref in refs:
            key = self.key(ref) if cache is not None else None
            dest = site_dir / self.ix.urls[ref] / "index.html"
            if key is not None and cache.link_into(key, dest):
                reused += 1
                continue
            jobs.append((ref, key, dest))
        render_many(jobs)
        if cache is not None:
            cache.used.update(k for _, k, _ in jobs if k)
        return {"reused": reused, "rendered": len(jobs)}

    def write_shards(self, site_dir: Path, cache: PageCache, render_many) -> dict[str, int]:
        """Every sharded Resource into its repo's shard, the directory files that say which
        shard holds a name, and one resource page per namespace (resource_shards.py).

        A shard whose Resources' keys are all unchanged is linked from the cache, as is a
        directory file listing what it listed; else the bodies not in the cache are rendered
        (``render_many``) and the shard assembled. One repo's change: its shards only.
        """
        from generator.portal.resource_shards import (dir_bytes, dir_key, dir_path, loader_body, plan,
                                                      shard_bytes, shard_key, shard_path)

        shell = self.resources_shell
        ix = self.ix
        todo = []
        reused = shards = dirs_written = 0
        for ns, p in plan(ix).items():
            page = site_dir / f"catalog/{ns}/resource/index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_bytes(shell.page("Resources", f"catalog/{ns}/resource/",
                                        loader_body(ns, len(p.dirs), shell.base, self.site_name,
                                                    MERMAID_DEST if self.mermaid else None)).encode())
            for j, entries in enumerate(p.dirs):
                dkey, dest = dir_key(ns, j, len(p.dirs), entries), site_dir / dir_path(ns, j)
                if not cache.link_into(dkey, dest):
                    cache.store(dkey, dir_bytes(ns, j, len(p.dirs), entries), dest)
                    dirs_written += 1
            shards += len(p.shards)
            for shard in p.shards:
                members = [(r, self.key(r)) for r in shard.refs]
                skey = shard_key(ns, shard, members)
                if cache.link_into(skey, site_dir / shard_path(ns, shard.file)):
                    reused += len(members)
                    cache.used.update(k for _, k in members)
                else:
                    todo.append((ns, shard, members, skey))
        jobs = [(r, k, None) for *_, members, _ in todo for r, k in members if not cache.has(k)]
        render_many(jobs)
        for ns, shard, members, skey in todo:
            resources = [(r, ix.title(r), cache.read(k).decode("utf-8")) for r, k in members]
            cache.used.update(k for _, k in members)
            cache.store(skey, shard_bytes(ns, shard, resources), site_dir / shard_path(ns, shard.file))
        return {"reused": reused, "rendered": len(jobs), "shards": shards,
                "shards_written": len(todo), "dirs_written": dirs_written}

    def render_jobs(self, jobs, cache: PageCache | None, tick=None) -> None:
        """(ref, key, dest): a page into ``dest`` (and the cache); dest None: a sharded
        Resource's body, into the cache only."""
        for ref, key, dest in jobs:
            data = self.html(ref)
            if dest is None:
                cache.put(key, data)
            elif cache is not None and key is not None:
                cache.store(key, data, dest)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
            if tick is not None:
                tick()
