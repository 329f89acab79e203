/* Lookout entity page.
 * - A sharded Resource (catalog/<ns>/resource/?name=<name>, generator/portal/resource_shards.py):
 *   fetch the directory file its name hashes to, then the shard that names, un-gzip them, show
 *   the Resource's body (rendered and escaped by the build, as on a static entity page), draw its
 *   diagram with the site's mermaid.
 * - Every entity page: pretty-print the descriptor (served compact) when it is opened.
 */
(function () {
  "use strict";

  var CRC_TABLE = null;
  function nameHash(text) {  // CRC-32 (zlib's) over UTF-8, as resource_shards.name_hash
    if (!CRC_TABLE) {
      CRC_TABLE = new Int32Array(256);
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        CRC_TABLE[n] = c;
      }
    }
    var bytes = new TextEncoder().encode(text), crc = -1;
    for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ -1) >>> 0;
  }
  window.lookoutNameHash = nameHash;  // the browser tests check it agrees with Python's

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.arrayBuffer(); })
      .then(gunzipJson);
  }

  function gunzipJson(buf) {
    var head = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
    if (!(head[0] === 0x1f && head[1] === 0x8b)) {  // a host that sent it already decoded
      return Promise.resolve(JSON.parse(new TextDecoder().decode(buf)));
    }
    var stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  function drawDiagrams(root) {
    if (typeof mermaid === "undefined") return Promise.resolve();
    var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default",
      flowchart: { htmlLabels: true } });
    var blocks = root.querySelectorAll("pre.lk-mermaid"), seq = 0;
    return Promise.all(Array.prototype.map.call(blocks, function (pre) {
      var text = pre.textContent;
      return mermaid.render("lk-resource-svg-" + (++seq), text).then(function (res) {
        var div = document.createElement("div");
        div.className = "mermaid";
        div.innerHTML = res.svg;  // mermaid's own output, sanitized (securityLevel strict)
        pre.replaceWith(div);
        if (res.bindFunctions) res.bindFunctions(div);
      }).catch(function () { /* the tables below list every relation */ });
    }));
  }

  // On a namespace's resource page mermaid is not in the page: fetched once the body is shown
  // (parsing its 2.6 MB before the shard was fetched was a third of the time to the body).
  function withMermaid(src) {
    if (typeof mermaid !== "undefined" || !src) return Promise.resolve();
    return new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = script.onerror = function () { resolve(); };  // no diagram: the tables list every relation
      document.head.appendChild(script);
    });
  }

  function loadResource(box) {
    var status = document.getElementById("lk-resource-status");
    var name = new URLSearchParams(location.search).get("name");
    if (!name) {
      status.textContent = "Name a Resource: ?name=<name>, or pick one in the catalog.";
      box.setAttribute("data-ready", "none");
      return Promise.resolve();
    }
    var dirs = parseInt(box.getAttribute("data-dirs"), 10) || 1, src = box.getAttribute("data-src");
    var own = Object.prototype.hasOwnProperty;
    return fetchJson(src + "dir/" + (nameHash(name) % dirs) + ".json.gz")
      .then(function (dir) {
        var file = dir.names && own.call(dir.names, name) ? dir.names[name] : null;
        return file === null ? {} : fetchJson(src + encodeURIComponent(file) + ".json.gz");
      })
      .then(function (shard) {
        var rec = shard.resources && own.call(shard.resources, name)
          ? shard.resources[name] : null;
        if (!rec) {
          status.textContent = "No Resource named \u201c" + name + "\u201d in namespace " + box.getAttribute("data-ns") + ".";
          box.setAttribute("data-ready", "missing");
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = rec.body;  // the build's own escaped HTML (entity_page.py), never catalog text as markup
        // Not "mermaid" while mermaid is not loaded yet: material would fetch it from a CDN.
        Array.prototype.forEach.call(holder.querySelectorAll("pre.mermaid"), function (pre) {
          pre.className = "lk-mermaid";
        });
        box.replaceWith.apply(box, Array.prototype.slice.call(holder.childNodes));
        var site = box.getAttribute("data-site-name") || "";
        document.title = rec.title + (site ? " - " + site : "");
        var topic = document.querySelector('[data-md-component="header-topic"] .md-ellipsis');
        if (topic) topic.textContent = rec.title;
        var entity = document.querySelector(".lk-entity");
        if (location.hash) {
          var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
          if (target) target.scrollIntoView();
        }
        return withMermaid(box.getAttribute("data-mermaid")).then(function () {
          return drawDiagrams(entity || document);
        }).then(function () {
          if (entity) entity.setAttribute("data-ready", "1");
        });
      })
      .catch(function (err) {
        status.textContent = "Could not load this Resource: " + (err && err.message ? err.message : err);
        box.setAttribute("data-ready", "error");
      });
  }

  function prettyDescriptor() {
    var details = document.getElementById("descriptor-json");
    if (!details) return;
    details.addEventListener("toggle", function () {
      var code = details.querySelector("code.lk-json");
      if (!details.open || !code || code.getAttribute("data-pretty")) return;
      var text = code.textContent, cut = text.indexOf("\n"), tail = "";
      if (cut >= 0) { tail = text.slice(cut); text = text.slice(0, cut); }
      try {
        code.textContent = JSON.stringify(JSON.parse(text), null, 2) + tail;  // text only, never HTML
        code.setAttribute("data-pretty", "1");
      } catch (e) { /* leave it compact */ }
    });
  }

  var box = document.getElementById("lk-resource");
  if (box) loadResource(box).then(prettyDescriptor);
  else prettyDescriptor();
})();
