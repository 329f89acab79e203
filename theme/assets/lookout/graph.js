/* Lookout graph explorer: a root entity, depth, direction, relation and kind
 * filters, all kept in the query string; drawn with the site's own mermaid.
 *
 * Data: graph/graph.json (refs, titles, kinds, one direction of every
 * relation pair as flat index arrays). Labels are reduced to plain
 * characters plus mermaid entity codes (#60;), so a title is always text;
 * node ids and links are generated here, never taken from the catalog.
 */
(function () {
  "use strict";
  var root = document.getElementById("graph-explorer");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var base = root.getAttribute("data-base") || "../";
  var status = $("graph-status"), out = $("graph-output");
  var MAX_NODES = 150;
  // forward relation -> [inverse, label of the pair, checked by default]
  var PAIRS = [
    ["dependsOn", "dependencyOf", "depends on", true],
    ["consumesApi", "apiConsumedBy", "consumes API", true],
    ["providesApi", "apiProvidedBy", "provides API", true],
    ["partOf", "hasPart", "part of", false],
    ["ownedBy", "ownerOf", "owned by", false],
    ["memberOf", "hasMember", "member of", false],
    ["childOf", "parentOf", "child of", false]
  ];
  var G, N, adj, byRef = {}, renderSeq = 0;

  function el(tag, text) { var e = document.createElement(tag); if (text != null) e.textContent = text; return e; }
  function label(text) {
    text = String(text).replace(/\s+/g, " ").trim();
    if (text.length > 48) text = text.slice(0, 47) + "\u2026";
    var s = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      s += /[A-Za-z0-9 \-_.,\/:()]/.test(ch) ? ch : "#" + text.charCodeAt(i) + ";";
    }
    return s;
  }
  function pageUrl(ref) {
    var c = ref.indexOf(":"), s = ref.indexOf("/", c);
    var kind = ref.slice(0, c), ns = ref.slice(c + 1, s), name = ref.slice(s + 1);
    var sharded = (G.sharded || []).indexOf(kind) >= 0;  // shown by the namespace's page (?name=)
    var url = base + "catalog/" + ns + "/" + (sharded ? kind + "/?name=" + name : kind + "/" + name + "/");
    return /^[A-Za-z0-9._\/\-]+(\?name=[A-Za-z0-9._\-]+)?$/.test(url) ? url : null;
  }
  function buildAdjacency() {
    adj = new Array(N);
    for (var i = 0; i < N; i++) adj[i] = [];
    PAIRS.forEach(function (p, code) {
      var e = G.edges[p[0]] || [];
      for (var j = 0; j < e.length; j += 2) {
        adj[e[j]].push(e[j + 1] * 16 + code);        // forward
        adj[e[j + 1]].push(e[j] * 16 + code + 8);    // inverse
      }
    });
  }
  function checks(fieldset, name, items, checked) {
    items.forEach(function (it) {
      var l = el("label"), cb = el("input");
      cb.type = "checkbox"; cb.name = name; cb.value = it[0]; cb.checked = checked(it);
      cb.id = "graph-" + name + "-" + it[0].toLowerCase();
      l.appendChild(cb); l.appendChild(document.createTextNode(it[1]));
      fieldset.appendChild(l);
    });
  }
  function checkedValues(name) {
    return Array.prototype.filter.call(root.querySelectorAll("input[name=" + name + "]"), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
  }
  function resolve(text) {
    text = text.trim().toLowerCase();
    if (!text) return -1;
    if (byRef.hasOwnProperty(text)) return byRef[text];
    for (var i = 0; i < N; i++) {
      var r = G.refs[i];
      if (r.slice(r.indexOf("/") + 1) === text) return i;
    }
    for (i = 0; i < N; i++) if ((G.title[i] || "").toLowerCase() === text) return i;
    return -1;
  }
  function suggest() {
    var text = $("graph-root").value.trim().toLowerCase(), list = $("graph-suggest");
    list.textContent = "";
    if (text.length < 2) return;
    var n = 0;
    for (var i = 0; i < N && n < 20; i++) {
      if (G.refs[i].indexOf(text) >= 0) { var o = el("option"); o.value = G.refs[i]; list.appendChild(o); n++; }
    }
  }
  function readUrl() {
    var q = new URLSearchParams(location.search);
    $("graph-root").value = q.get("root") || "";
    $("graph-depth").value = q.get("depth") || "2";
    if (!$("graph-depth").value) $("graph-depth").value = "2";
    $("graph-direction").value = q.get("dir") || "both";
    if (!$("graph-direction").value) $("graph-direction").value = "both";
    if (q.has("rel")) {
      var rels = q.get("rel").split(",");
      Array.prototype.forEach.call(root.querySelectorAll("input[name=rel]"), function (c) { c.checked = rels.indexOf(c.value) >= 0; });
    }
    if (q.has("kinds")) {
      var kinds = q.get("kinds").split(",");
      Array.prototype.forEach.call(root.querySelectorAll("input[name=kind]"), function (c) { c.checked = kinds.indexOf(c.value) >= 0; });
    }
  }
  function writeUrl() {
    var q = new URLSearchParams();
    var r = $("graph-root").value.trim();
    if (r) q.set("root", r);
    q.set("depth", $("graph-depth").value);
    if ($("graph-direction").value !== "both") q.set("dir", $("graph-direction").value);
    q.set("rel", checkedValues("rel").join(","));
    var kinds = checkedValues("kind");
    if (kinds.length !== G.kinds.length) q.set("kinds", kinds.join(","));
    history.replaceState(null, "", location.pathname + "?" + q.toString());
  }
  function explore() {
    var start = resolve($("graph-root").value);
    out.textContent = "";
    if (start < 0) {
      status.textContent = $("graph-root").value.trim()
        ? "No entity matches \u201c" + $("graph-root").value.trim() + "\u201d."
        : "Enter a root entity (a ref like component:default/orders, or a name).";
      root.setAttribute("data-ready", "1");
      return;
    }
    var depth = parseInt($("graph-depth").value, 10) || 2, dir = $("graph-direction").value;
    var rels = checkedValues("rel"), kinds = checkedValues("kind");
    var relOk = {}, kindOk = {};
    PAIRS.forEach(function (p, code) {
      if (rels.indexOf(p[0]) < 0) return;
      if (dir !== "in") relOk[code] = true;
      if (dir !== "out") relOk[code + 8] = true;
    });
    G.kinds.forEach(function (k, i) { if (kinds.indexOf(k) >= 0) kindOk[i] = true; });
    var seen = {}, order = [start], edges = [], truncated = false;
    seen[start] = 0;
    for (var h = 0; h < order.length; h++) {
      var u = order[h];
      if (seen[u] >= depth) continue;
      var list = adj[u];
      for (var j = 0; j < list.length; j++) {
        var v = Math.floor(list[j] / 16), code = list[j] % 16;
        if (!relOk[code] || !kindOk[G.kind[v]]) continue;
        if (!seen.hasOwnProperty(v)) {
          if (order.length >= MAX_NODES) { truncated = true; continue; }
          seen[v] = seen[u] + 1;
          order.push(v);
        }
        // one arrow per pair, drawn in the forward direction
        if (code < 8) edges.push([u, v, code]); else edges.push([v, u, code - 8]);
      }
    }
    var lines = ["flowchart LR"], clicks = [], done = {};
    order.forEach(function (i) {
      var kind = G.kinds[G.kind[i]] || "";
      lines.push("  n" + i + '["' + label(G.title[i] || G.refs[i]) + "<br>" + label(kind) + '"]');
      var url = pageUrl(G.refs[i]);
      if (url) clicks.push("  click n" + i + ' href "' + url + '" "Open"');
    });
    edges.forEach(function (e) {
      var key = e[0] + ">" + e[1] + ":" + e[2];
      if (done[key]) return;
      done[key] = true;
      lines.push("  n" + e[0] + " -->|" + label(PAIRS[e[2]][2]) + "| n" + e[1]);
    });
    lines.push("  classDef lkRoot stroke-width:4px", "  class n" + start + " lkRoot");
    var text = lines.concat(clicks).join("\n");
    status.textContent = order.length + " entities, " + Object.keys(done).length + " relations" +
      (truncated ? " (stopped at " + MAX_NODES + " entities: lower the depth or filter relations/kinds)" : "") + ".";
    status.setAttribute("data-nodes", String(order.length));
    if (typeof mermaid === "undefined") { root.setAttribute("data-ready", "1"); return; }
    var seq = ++renderSeq;
    mermaid.render("lk-graph-svg-" + seq, text).then(function (res) {
      if (seq !== renderSeq) return;
      out.innerHTML = res.svg;  // mermaid's own output, sanitized (securityLevel strict)
      if (res.bindFunctions) res.bindFunctions(out);
      root.setAttribute("data-ready", "1");
    }).catch(function (err) {
      status.textContent = "Could not draw the graph: " + (err && err.message ? err.message : err);
      root.setAttribute("data-ready", "error");
    });
  }
  if (typeof mermaid !== "undefined") {
    var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default",
      flowchart: { htmlLabels: true }, maxEdges: 2000 });
  }
  fetch(root.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(function (data) {
      G = data; N = G.refs.length;
      for (var i = 0; i < N; i++) byRef[G.refs[i]] = i;
      buildAdjacency();
      checks($("graph-relations"), "rel", PAIRS.map(function (p) { return [p[0], p[2], p[3]]; }), function (it) { return it[2]; });
      checks($("graph-kinds"), "kind", G.kinds.map(function (k) { return [k, k]; }), function () { return true; });
      readUrl();
      var t = 0;
      $("graph-root").addEventListener("input", function () { clearTimeout(t); t = setTimeout(suggest, 120); });
      $("graph-form").addEventListener("submit", function (e) { e.preventDefault(); writeUrl(); explore(); });
      $("graph-form").addEventListener("change", function (e) {
        if (e.target.id !== "graph-root") { writeUrl(); explore(); }
      });
      explore();
    })
    .catch(function (err) {
      status.textContent = "Could not load the graph (" + err.message + ").";
      root.setAttribute("data-ready", "error");
    });
})();
