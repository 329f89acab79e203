/* Lookout catalog table: every entity, filtered and paged client-side.
 *
 * Data: catalog/entities.json (column arrays + dictionaries, written by the
 * lookout plugin). Filter state lives in the query string, so a reload or a
 * shared link shows the same view. Rows are built with textContent only:
 * no catalog string is ever parsed as HTML. 250,000 rows: one pass over typed
 * arrays per filter change, 100 rows in the DOM at a time.
 */
(function () {
  "use strict";
  var root = document.getElementById("catalog");
  if (!root) return;
  var PAGE = 100;
  var base = root.getAttribute("data-base") || "../";
  var $ = function (id) { return document.getElementById(id); };
  var status = $("catalog-status"), tbody = $("catalog-rows"), pager = $("catalog-pager");
  var FILTERS = ["kind", "type", "owner", "lifecycle", "tag", "system", "namespace"];
  var D, R, N, TOTAL, hay, view = [], page = 0, sortKey = "", sortDir = 1;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function splitRef(ref) {  // kind:ns/name
    var c = ref.indexOf(":"), s = ref.indexOf("/", c);
    return [ref.slice(0, c), ref.slice(c + 1, s), ref.slice(s + 1)];
  }
  function refUrl(ref, style) {  // style 2: a sharded Resource, shown by its namespace's page
    var p = splitRef(ref);
    if (style === 2) return base + "catalog/" + encodeURIComponent(p[1]) + "/resource/?name=" + encodeURIComponent(p[2]);
    return base + "catalog/" + encodeURIComponent(p[1]) + "/" + encodeURIComponent(p[0]) + "/" + encodeURIComponent(p[2]) + "/";
  }
  function fill(select, values, labels) {
    var order = values.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var x = (labels ? labels[a] : values[a]).toLowerCase(), y = (labels ? labels[b] : values[b]).toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    });
    var frag = document.createDocumentFragment();
    order.forEach(function (i) {
      var o = el("option", labels ? labels[i] : values[i]);
      o.value = select.id === "filter-kind" ? values[i].toLowerCase() : values[i];
      frag.appendChild(o);
    });
    select.appendChild(frag);
  }
  function readUrl() {
    var q = new URLSearchParams(location.search);
    $("filter-text").value = q.get("q") || "";
    FILTERS.forEach(function (f) {
      var s = $("filter-" + f), v = q.get(f) || "";
      if (f === "kind") v = v.toLowerCase();
      s.value = v;
      if (s.value !== v) s.value = "";  // unknown value in the link: show all
    });
    $("filter-problems").checked = q.get("problems") === "1";
    page = Math.max(0, (parseInt(q.get("page"), 10) || 1) - 1);
    var sort = q.get("sort") || "";
    sortDir = sort.charAt(0) === "-" ? -1 : 1;
    sortKey = sort.replace(/^-/, "");
  }
  function writeUrl() {
    var q = new URLSearchParams();
    var text = $("filter-text").value.trim();
    if (text) q.set("q", text);
    FILTERS.forEach(function (f) { var v = $("filter-" + f).value; if (v) q.set(f, v); });
    if ($("filter-problems").checked) q.set("problems", "1");
    if (sortKey) q.set("sort", (sortDir < 0 ? "-" : "") + sortKey);
    if (page > 0) q.set("page", String(page + 1));
    var s = q.toString();
    history.replaceState(null, "", location.pathname + (s ? "?" + s : "") + location.hash);
  }
  function idx(dict, value) {
    if (!value) return -2;  // no filter
    var i = dict.indexOf(value);
    return i;  // -1: nothing matches
  }
  function apply() {
    var want = {};
    var kinds = D.kind.map(function (k) { return k.toLowerCase(); });
    want.kind = idx(kinds, $("filter-kind").value);
    want.type = idx(D.type, $("filter-type").value);
    want.owner = idx(D.owner, $("filter-owner").value);
    want.lifecycle = idx(D.lifecycle, $("filter-lifecycle").value);
    want.system = idx(D.system, $("filter-system").value);
    want.ns = idx(D.ns, $("filter-namespace").value);
    var tag = idx(D.tag, $("filter-tag").value);
    var probs = $("filter-problems").checked;
    var words = $("filter-text").value.toLowerCase().split(/\s+/).filter(Boolean);
    var cols = ["kind", "type", "owner", "lifecycle", "system", "ns"].filter(function (c) { return want[c] !== -2; });
    var out = [];
    outer: for (var i = 0; i < N; i++) {
      for (var c = 0; c < cols.length; c++) if (R[cols[c]][i] !== want[cols[c]]) continue outer;
      if (tag !== -2 && R.tags[i].indexOf(tag) < 0) continue;
      if (probs && !R.problems[i]) continue;
      if (words.length) {
        var h = hay(i);
        for (var w = 0; w < words.length; w++) if (h.indexOf(words[w]) < 0) continue outer;
      }
      out.push(i);
    }
    if (sortKey) sortView(out);
    view = out;
  }
  function sortValue(key, i) {
    switch (key) {
      case "name": return (R.title[i] || R.name[i]).toLowerCase();
      case "kind": return D.kind[R.kind[i]] || "";
      case "type": return R.type[i] < 0 ? "\uffff" : D.type[R.type[i]];
      case "owner": return R.owner[i] < 0 ? "\uffff" : D.ownerTitle[R.owner[i]].toLowerCase();
      case "lifecycle": return R.lifecycle[i] < 0 ? "\uffff" : D.lifecycle[R.lifecycle[i]];
    }
    return "";
  }
  function sortView(out) {
    var keys = {};
    for (var j = 0; j < out.length; j++) keys[out[j]] = sortValue(sortKey, out[j]);
    out.sort(function (a, b) { var x = keys[a], y = keys[b]; return (x < y ? -1 : x > y ? 1 : a - b) * sortDir; });
  }
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE, end = Math.min(view.length, start + PAGE);
    var frag = document.createDocumentFragment();
    for (var j = start; j < end; j++) frag.appendChild(row(view[j]));
    tbody.textContent = "";
    tbody.appendChild(frag);
    status.textContent = view.length
      ? "Showing " + (start + 1).toLocaleString() + "–" + end.toLocaleString() + " of " + view.length.toLocaleString() +
        " entities" + (view.length < TOTAL ? " (" + TOTAL.toLocaleString() + " in the catalog)" : "")
      : "No entity matches these filters (" + TOTAL.toLocaleString() + " in the catalog).";
    status.setAttribute("data-count", String(view.length));
    pager.hidden = pages <= 1;
    $("page-info").textContent = "Page " + (page + 1) + " of " + pages.toLocaleString();
    $("page-prev").disabled = page === 0;
    $("page-next").disabled = page >= pages - 1;
    Array.prototype.forEach.call(root.querySelectorAll("th[data-sort]"), function (th) {
      var k = th.getAttribute("data-sort");
      if (k === sortKey) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }
  // A row's ref is left out ("") where it is its kind, namespace and name lower-cased:
  // derived when a row is drawn or searched, never for all 250,000 rows up front (0.2 s).
  function refOf(i) {
    return R.ref[i] || (R.ref[i] = (D.kind[R.kind[i]] + ":" + D.ns[R.ns[i]] + "/" + R.name[i]).toLowerCase());
  }
  function row(i) {
    var tr = el("tr");
    var ref = refOf(i);
    tr.setAttribute("data-ref", ref);
    var name = el("td");
    if (R.url[i]) {
      var a = el("a", R.title[i] || R.name[i]);
      a.href = refUrl(ref, R.url[i]);
      name.appendChild(a);
    } else name.appendChild(el("span", R.title[i] || R.name[i]));
    if (R.problems[i]) {
      var badge = el("span", String(R.problems[i]), "lk-sev lk-sev--warning");
      badge.title = R.problems[i] + " problem(s)";
      name.appendChild(document.createTextNode(" "));
      name.appendChild(badge);
    }
    tr.appendChild(name);
    tr.appendChild(el("td", D.kind[R.kind[i]]));
    tr.appendChild(el("td", R.type[i] < 0 ? "" : D.type[R.type[i]]));
    var owner = el("td");
    if (R.owner[i] >= 0) {
      var oa = el("a", D.ownerTitle[R.owner[i]]);
      oa.href = refUrl(D.owner[R.owner[i]]);
      owner.appendChild(oa);
    }
    tr.appendChild(owner);
    tr.appendChild(el("td", R.lifecycle[i] < 0 ? "" : D.lifecycle[R.lifecycle[i]]));
    var tags = el("td");
    R.tags[i].forEach(function (t) { tags.appendChild(el("span", D.tag[t], "lk-tag")); tags.appendChild(document.createTextNode(" ")); });
    tr.appendChild(tags);
    tr.appendChild(el("td", R.desc[i], "lk-desc-cell"));
    return tr;
  }
  // The rows held: the whole catalog once it is loaded; before that, where the Owner filter
  // is set, that owner's file (catalog/owner/<k>.json: its rows, the same dictionaries), which
  // holds every row such a view can show. A shared link to a team's rows shows from it. The
  // whole file is fetched only when a view needs it: parsing it in the background would hold
  // the page up for as long as it takes (0.3 s at 250,000 entities) just as it is shown.
  var owners = JSON.parse(root.getAttribute("data-owners") || "[]");
  var src = root.getAttribute("data-src"), whole = null, wholeData = null, slices = {}, held = null, seq = 0;
  function get(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }
  function all() {
    return whole || (whole = get(src).then(function (d) { wholeData = d; return d; }));
  }
  function rowsFor(owner) {
    if (wholeData) return Promise.resolve(wholeData);
    var k = owner ? owners.indexOf(owner) : -1;
    if (k < 0) return all();
    // a missing or broken owner file (a page older than its data) costs only the wait for the whole
    return slices[k] || (slices[k] = get(base + "catalog/owner/" + k + ".json").catch(all));
  }
  function hold(data) {
    if (data === held) return;
    held = data; R = data.rows; N = R.name.length; TOTAL = data.total || N;
    var cache = new Array(N);
    hay = function (i) {
      var h = cache[i];
      if (h === undefined) h = cache[i] = (refOf(i) + " " + R.title[i] + " " + R.desc[i] + " " +
        R.tags[i].map(function (t) { return D.tag[t]; }).join(" ")).toLowerCase();
      return h;
    };
  }
  function update(resetPage) {
    if (resetPage) page = 0;
    var mine = ++seq;
    return rowsFor($("filter-owner").value).then(function (data) {
      if (mine !== seq) return;  // a later change is being shown
      hold(data);
      apply();
      render();
      writeUrl();
    }).catch(fail);
  }
  function fail(err) {
    status.textContent = "Could not load the catalog (" + err.message + ").";
    root.setAttribute("data-ready", "error");
  }
  var timer = 0;
  function wire() {
    $("filter-text").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update(true); }, 150);
    });
    FILTERS.forEach(function (f) { $("filter-" + f).addEventListener("change", function () { update(true); }); });
    $("filter-problems").addEventListener("change", function () { update(true); });
    $("catalog-filters").addEventListener("submit", function (e) { e.preventDefault(); update(true); });
    $("catalog-filters").addEventListener("reset", function () {
      setTimeout(function () { sortKey = ""; update(true); }, 0);
    });
    $("page-prev").addEventListener("click", function () { page--; render(); writeUrl(); window.scrollTo(0, 0); });
    $("page-next").addEventListener("click", function () { page++; render(); writeUrl(); window.scrollTo(0, 0); });
    Array.prototype.forEach.call(root.querySelectorAll("th[data-sort]"), function (th) {
      th.addEventListener("click", function () {
        var k = th.getAttribute("data-sort");
        if (sortKey === k) sortDir = -sortDir; else { sortKey = k; sortDir = 1; }
        update(true);
      });
    });
    window.addEventListener("popstate", function () { readUrl(); update(false); });
  }
  rowsFor(new URLSearchParams(location.search).get("owner"))
    .then(function (data) {
      D = data.dict;
      hold(data);
      fill($("filter-kind"), D.kind);
      fill($("filter-type"), D.type);
      fill($("filter-owner"), D.owner, D.ownerTitle);
      fill($("filter-lifecycle"), D.lifecycle);
      fill($("filter-tag"), D.tag);
      fill($("filter-system"), D.system, D.systemTitle);
      fill($("filter-namespace"), D.ns);
      readUrl();
      wire();
      apply();
      render();
      root.setAttribute("data-ready", "1");
    })
    .catch(fail);
})();
