/* Lookout entity page: pretty-print the descriptor (served compact) when it is opened. */
(function () {
  "use strict";
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
})();
