// Lookout full search (/search/): every search bucket, with facets (search-core.js).
// Every value shown comes from the index (i.e. from repos): it is set with
// textContent, never innerHTML, except Pagefind's excerpt, which is rebuilt
// node by node keeping only text and <mark>.
import { describe, excerptNodes, loadHits, openSearch, runSearch, safeHref } from "./search-core.js";

const FACETS = ["is", "kind", "type", "owner", "lifecycle", "tag"];
const PAGE_SIZE = 20;

const root = document.getElementById("lookout-search");
if (root) main(root).catch((err) => fail(root, err));

function fail(root, err) {
  const status = root.querySelector("#lookout-search-status");
  if (status) status.textContent = "Search is unavailable: the index could not be loaded.";
  console.warn("lookout search:", err);
}

async function main(root) {
  // site root, relative to this page (works under any base path)
  const base = new URL((root.dataset.base || ".").replace(/\/?$/, "/"), location.href);
  const pagefind = await openSearch(base.href);

  const input = root.querySelector("#lookout-search-input");
  const status = root.querySelector("#lookout-search-status");
  const list = root.querySelector("#lookout-search-list");
  const more = root.querySelector("#lookout-search-more");
  const state = readUrl();
  // What the user typed while the index loaded wins over the URL's query.
  if (input.value.trim()) state.q = input.value;
  else input.value = state.q;
  root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());

  let ranked = []; // the hits loaded so far, in order
  let rest = [];   // Pagefind results not loaded yet (from `next` on)
  let next = 0;
  let shown = 0;
  let filters = {};
  let generation = 0;
  const allFilters = await pagefind.filters();

  async function run() {
    const gen = ++generation;
    writeUrl(state);
    filters = {};
    for (const f of FACETS) if (state.filters[f].size) filters[f] = { any: [...state.filters[f]] };
    const hasFilter = Object.keys(filters).length > 0;
    if (!state.q.trim() && !hasFilter) {
      renderFacets(allFilters, null);
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Type to search entities and docs, or pick a filter.";
      return;
    }
    const found = await runSearch(pagefind, state.q, filters, 200);
    if (found === null || gen !== generation) return; // superseded by a newer query
    ranked = found.ranked;
    rest = found.rest;
    next = 0;
    shown = 0;
    list.replaceChildren();
    renderFacets(found.totalFilters || allFilters, found.filters);
    await showMore(gen);
  }

  async function showMore(gen) {
    // the first RERANK results are loaded and in Lookout's order; later ones load on demand
    // (a group record is as many hits as it has matching members: the total grows as they load)
    const want = shown + PAGE_SIZE;
    while (ranked.length < want && next < rest.length) {
      const batch = rest.slice(next, next + want - ranked.length);
      next += batch.length;
      const hits = await loadHits(batch, filters);
      if (gen !== generation) return;
      ranked.push(...hits);
    }
    if (gen !== generation) return;
    const data = ranked.slice(shown, want);
    shown += data.length;
    for (const d of data) list.appendChild(renderHit(d, base));
    const total = ranked.length + rest.length - next;
    status.textContent = total === 1 ? "1 result" : `${total} results`;
    more.hidden = shown >= total;
  }

  function renderFacets(totals, current) {
    for (const facet of FACETS) {
      const box = root.querySelector(`fieldset[data-facet="${facet}"]`);
      const values = root.querySelector(`fieldset[data-facet="${facet}"] .lookout-facet__values`);
      const counts = (current && current[facet]) || (totals && totals[facet]) || {};
      const names = new Set([...Object.keys((totals && totals[facet]) || {}), ...state.filters[facet]]);
      values.replaceChildren();
      for (const name of [...names].sort((a, b) => a.localeCompare(b))) {
        const label = document.createElement("label");
        const cb = document.createElement("input");
        cb.type = "checkbox";
        cb.name = facet;
        cb.value = name;
        cb.checked = state.filters[facet].has(name);
        cb.addEventListener("change", () => {
          cb.checked ? state.filters[facet].add(name) : state.filters[facet].delete(name);
          run();
        });
        const text = document.createElement("span");
        text.textContent = facet === "is" ? (name === "docs" ? "Docs pages" : name === "entity" ? "Catalog entities" : name) : name;
        const count = document.createElement("span");
        count.className = "lookout-count";
        count.textContent = String(counts[name] ?? 0);
        label.append(cb, text, count);
        values.appendChild(label);
      }
      box.hidden = names.size === 0;
    }
  }

  input.addEventListener("input", () => { state.q = input.value; run(); });
  more.addEventListener("click", () => showMore(generation));
  await run();
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const f of FACETS) filters[f] = new Set(params.getAll(f).filter(Boolean));
  return { q: params.get("q") || "", filters };
}

function writeUrl(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const f of FACETS) for (const v of [...state.filters[f]].sort()) params.append(f, v);
  const qs = params.toString();
  history.replaceState(null, "", qs ? `?${qs}` : location.pathname);
}

function renderHit(d, base) {
  const li = document.createElement("li");
  li.className = "lookout-hit";
  const a = document.createElement("a");
  a.className = "lookout-hit__title";
  const href = safeHref(d.url, base);
  if (href) a.href = href;
  a.textContent = (d.meta && d.meta.title) || d.url;
  const p = document.createElement("p");
  p.className = "lookout-hit__excerpt";
  p.append(...excerptNodes(d.excerpt));
  li.append(a, describe(d, base), p);
  return li;
}
