// The header search box: results as you type, in a dropdown under the box.
// The index loads on the first keystroke (a page that is only read fetches nothing);
// Enter opens the highlighted hit, or the full search page (/search/?q=…).
// Without JavaScript the box is a plain GET form to the search page.
import { describe, openSearch, runSearch, safeHref } from "./search-core.js";

const SHOWN = 8;
const form = document.getElementById("header-search");
if (form) setup(form);

function setup(form) {
  const input = form.querySelector("input[name=q]");
  const searchPage = new URL(form.getAttribute("action"), location.href);
  const base = new URL("../", searchPage);
  const drop = document.createElement("div");
  drop.className = "lk-drop";
  drop.id = "header-search-results";
  drop.hidden = true;
  drop.setAttribute("role", "listbox");
  form.append(drop);
  input.setAttribute("aria-controls", drop.id);
  let generation = 0;
  let active = -1;

  const links = () => [...drop.querySelectorAll("a.lk-drop__hit")];
  function highlight(i) {
    const all = links();
    active = all.length ? (i + all.length) % all.length : -1;
    all.forEach((a, j) => a.classList.toggle("lk-drop__hit--active", j === active));
  }
  function close() { drop.hidden = true; active = -1; }

  async function run() {
    const gen = ++generation;
    const q = input.value;
    if (!q.trim()) { close(); drop.replaceChildren(); return; }
    let found;
    try {
      found = await runSearch(await openSearch(base.href), q, {}, 120);
    } catch (err) {
      if (gen !== generation) return;
      drop.replaceChildren(note("Search is unavailable: the index could not be loaded."));
      drop.hidden = false;
      console.warn("lookout search:", err);
      return;
    }
    if (found === null || gen !== generation) return;
    const items = found.ranked.slice(0, SHOWN).map((d) => hit(d, base));
    const all = document.createElement("a");
    all.className = "lk-drop__all";
    all.href = `${searchPage.href.split("?")[0]}?q=${encodeURIComponent(q)}`;
    all.textContent = found.total ? `All ${found.total} results` : "No results: open the search page";
    drop.replaceChildren(...items, all);
    drop.hidden = false;
    active = -1;
  }

  // the index loads on the first keystroke, not on focus: reading a page fetches nothing
  input.addEventListener("focus", () => { if (drop.childElementCount && input.value.trim()) drop.hidden = false; });
  input.addEventListener("input", run);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (drop.hidden) return;
      highlight(active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Escape") {
      close();
    } else if (e.key === "Enter" && active >= 0 && !drop.hidden) {
      e.preventDefault();
      location.href = links()[active].href;
    }
  });
  document.addEventListener("click", (e) => { if (!form.contains(e.target)) close(); });
}

function note(text) {
  const p = document.createElement("p");
  p.className = "lk-drop__note";
  p.textContent = text;
  return p;
}

function hit(d, base) {
  const a = document.createElement("a");
  a.className = "lk-drop__hit";
  a.setAttribute("role", "option");
  const href = safeHref(d.url, base);
  if (href) a.href = href;
  const title = document.createElement("span");
  title.className = "lk-drop__title";
  title.textContent = (d.meta && d.meta.title) || d.url;
  const what = describe(d, base);
  // a link inside a link is invalid: the dropdown says whose docs, without the link
  const line = document.createElement("span");
  line.className = "lk-drop__what";
  line.textContent = what.textContent;
  a.append(title, line);
  return a;
}
