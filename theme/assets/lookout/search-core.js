// Lookout search core, shared by the search page (search.js) and the header box
// (header-search.js): Pagefind's JS API over every bucket the build wrote
// (pagefind/lookout-search.json, see generator/search/index.py), merged with
// Pagefind's multisite mergeIndex, plus Lookout's ranking of the first hits.
//
// Fragments: the build packs each bucket's Pagefind fragments into a few
// packs/<n>.json.gz files (one file per indexed page would be most of the site's
// files). Pagefind runs on the main thread (noWorker) and its fragment requests
// are answered from the packs here; every other request goes to the network.

const packs = new Map();   // pack URL -> Promise<{hash: fragment JSON text}>
const buckets = new Map(); // bucket base path -> number of packs

export function packOf(hash, n) {
  // the same as generator/search/index.py pack_of
  const digits = hash.split("_").pop();
  return parseInt(digits.slice(0, 6), 16) % n;
}

async function gunzipJson(resp) {
  if (!resp.ok) throw new Error(`search pack: HTTP ${resp.status}`);
  const stream = resp.body.pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

function installFragmentPacks(origin) {
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input && input.url;
    const m = url && /^(.*\/)fragment\/([A-Za-z0-9_]+)\.pf_fragment$/.exec(new URL(url, location.href).pathname);
    const n = m && buckets.get(m[1]);
    if (!n) return realFetch(input, init);
    const packUrl = new URL(`${m[1]}packs/${packOf(m[2], n)}.json.gz`, origin).href;
    if (!packs.has(packUrl)) packs.set(packUrl, realFetch(packUrl).then(gunzipJson));
    return packs.get(packUrl).then((pack) => {
      const text = pack[m[2]];
      if (text === undefined) return new Response("", { status: 404 });
      // Pagefind skips decompression of data that starts with its signature
      return new Response("pagefind_dcd" + text);
    });
  };
}

let opened = null;

// One Pagefind over every bucket; `base` is the site root URL.
export function openSearch(base) {
  if (!opened) opened = load(base);
  return opened;
}

async function load(base) {
  const root = new URL("pagefind/", base);
  const manifest = await (await fetch(new URL("lookout-search.json", root))).json();
  const indexes = manifest.indexes || [];
  if (!indexes.length) throw new Error("the search index is empty");
  for (const ix of indexes) buckets.set(new URL(ix.path, root).pathname, ix.packs);
  installFragmentPacks(location.origin);
  const pagefind = await import(new URL("pagefind.js", root).href);
  const common = { baseUrl: new URL(base).pathname, excerptLength: 24 };
  // Group records (a large org's Resources, up to 100 in one) are many short entities, not
  // one long page: Pagefind's page-length term would rank a big group's exact name below every
  // short page that shares a word with it, so it is off when the index has them.
  if (manifest.groups) common.ranking = { pageLength: 0 };
  await pagefind.options({ ...common, basePath: new URL(indexes[0].path, root).pathname, noWorker: true });
  await pagefind.init();
  await Promise.all(indexes.slice(1).map((ix) => pagefind.mergeIndex(new URL(ix.path, root).pathname, common)));
  return pagefind;
}

const words = (s) => (s || "").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

// How well an entity is *named* by the query (0 for docs pages): an exact name or
// title first; then a resource whose type says what the query names (`kafka`
// -> kafka-cluster, `s3` -> s3-bucket); then names that start with the query
// (as it is being typed); then names holding every query word (or its start).
export function nameTier(d, query) {
  const m = d.meta || {};
  if (m.is === "docs" || !m.kind) return 0;
  const q = query.trim().toLowerCase();
  const qw = words(q);
  if (!qw.length) return 0;
  const names = [m.name, m.title].filter(Boolean).map((s) => s.toLowerCase());
  if (names.includes(q)) return 4;
  if (m.kind === "Resource" && qw.length === 1 && words(m.type)[0] === qw[0]) return 3;
  if (names.some((n) => n.startsWith(q))) return 2;
  const nameWords = names.flatMap(words);
  if (qw.every((w) => nameWords.some((n) => n.startsWith(w)))) return 1;
  return 0;
}

const nameLength = (d) => ((d.meta && (d.meta.name || d.meta.title)) || "").length;

export const RERANK = 30;

// A group record (sharded Resources of one repo, type and owner: generator/search/records.py
// group_html) is never a hit itself: it becomes one hit per member Pagefind matched (its
// sub-results, one per member heading, whose id is the member's name), or, with no query,
// per member; each links to that Resource's page. Lifecycle and tag filters select the
// group if any member matches: here only the members that do are kept.
export function expand(d, filters) {
  const m = d.meta || {};
  if (!m.members) return [d];
  let table;
  try { table = JSON.parse(m.members); } catch { return []; }
  const byName = new Map(table.map((row) => [row[0], row]));
  const subs = (d.sub_results || []).filter((s) => s.anchor && byName.has(s.anchor.id));
  const picked = subs.length ? subs.map((s) => [byName.get(s.anchor.id), s.excerpt]) : table.map((row) => [row, ""]);
  const want = (f) => (filters && filters[f] && filters[f].any) || null;
  const life = want("lifecycle");
  const tags = want("tag");
  const page = d.url.split(/[?#]/)[0]; // …/catalog/<ns>/resource/
  const seen = new Set();
  const out = [];
  for (const [[name, title, lifecycle, memberTags], excerpt] of picked) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (life && !life.includes(lifecycle)) continue;
    if (tags && !(memberTags || []).some((t) => tags.includes(t))) continue;
    out.push({
      url: `${page}?name=${encodeURIComponent(name)}`,
      excerpt,
      meta: { title: title || name, name, kind: m.kind, type: m.type, owner: m.owner, lifecycle },
      filters: { is: ["entity"], kind: [m.kind], type: m.type ? [m.type] : [], owner: m.owner ? [m.owner] : [],
                 lifecycle: lifecycle ? [lifecycle] : [], tag: memberTags || [] },
    });
  }
  return out;
}

// The hits of Pagefind results (loaded, group records expanded).
export async function loadHits(results, filters) {
  const data = await Promise.all(results.map((r) => r.data()));
  return data.flatMap((d) => expand(d, filters));
}

// Run a search; return {ranked, rest, total, filters, totalFilters}: `ranked` holds the hits
// of the first RERANK results in Lookout's order, `rest` the later results (not loaded:
// loadHits). `total` counts a not yet loaded group record as one.
export async function runSearch(pagefind, query, filters, debounceMs) {
  const q = query.trim();
  const search = q
    ? (debounceMs ? await pagefind.debouncedSearch(q, { filters }, debounceMs)
                  : await pagefind.search(q, { filters }))
    : await pagefind.search(null, { filters });
  if (search === null) return null;
  const data = await loadHits(search.results.slice(0, RERANK), filters);
  const order = data.map((d, i) => ({ d, i, tier: q ? nameTier(d, q) : 0 }));
  // within a tier of named hits, the shorter name is the closer one (`ledger-service`
  // before `ledger-service-exports`); otherwise Pagefind's order stands
  order.sort((a, b) => b.tier - a.tier || (a.tier && nameLength(a.d) - nameLength(b.d)) || a.i - b.i);
  const rest = search.results.slice(RERANK);
  return {
    ranked: order.map((o) => o.d),
    rest,
    total: order.length + rest.length,
    filters: search.filters,
    totalFilters: search.totalFilters,
  };
}

export function safeHref(url, base) {
  try {
    const u = new URL(url, base);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch { return null; }
}

function first(value) { return Array.isArray(value) ? value[0] : value; }

// "Docs page of <entity> (Component)" or "Component · service · production · owned by …"
export function describe(d, base) {
  const what = document.createElement("div");
  what.className = "lookout-hit__what";
  const f = d.filters || {};
  const m = d.meta || {};
  if ((f.is || []).includes("docs") || m.is === "docs") {
    what.append("Docs page of ");
    const href = m.entity_url ? safeHref(m.entity_url, base) : null;
    const name = document.createElement(href ? "a" : "span");
    if (href) name.href = href;
    name.textContent = m.entity || "an entity";
    what.append(name);
    const kind = m.entity_kind || first(f.kind);
    if (kind) what.append(` (${kind})`);
  } else {
    const parts = [first(f.kind) || "Entity"];
    if (first(f.type)) parts.push(first(f.type));
    if (first(f.lifecycle)) parts.push(first(f.lifecycle));
    let text = parts.join(" · ");
    if (first(f.owner)) text += ` · owned by ${first(f.owner)}`;
    what.textContent = text;
  }
  return what;
}

// Pagefind marks hits with <mark>; keep those and plain text, nothing else.
export function excerptNodes(html) {
  const tpl = document.createElement("template");
  tpl.innerHTML = html || "";
  const out = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.push(document.createTextNode(child.textContent));
      else if (child.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = child.textContent;
        out.push(mark);
      } else walk(child);
    }
  };
  walk(tpl.content);
  return out;
}
