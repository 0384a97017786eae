/* Progressive enhancement only: every page works without this file.
   - the office search lists matches as you type (GET /v1/jurisdictions?q=);
   - print buttons appear and print the page. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  var q = document.getElementById("q");
  var hits = document.getElementById("hits");
  if (!q || !hits) return;
  var timer = null, last = "";
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function title(name) {
    return /[A-Z]/.test(name) ? name : name.replace(/\b\w/g, function (c) { return c.toUpperCase(); });
  }
  function show(list) {
    var html = list.map(function (h, i) {
      var id = "hit-jurisdiction-" + i;
      return '<div class="choice"><input type="radio" name="jurisdiction" id="' + id + '" value="' + esc(h.ocd_id) +
        '"' + (i === 0 ? " checked" : "") + ' aria-describedby="' + id + '-help"><label for="' + id + '">' +
        esc(h.display_name || title(h.name)) + '<span class="help" id="' + id + '-help">' + esc(h.ocd_id) + "</span></label></div>";
    }).join("");
    hits.innerHTML = html || '<p>' + esc(hits.getAttribute("data-none") || "") + "</p>";
  }
  q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = q.value.trim();
      if (text === last) return;
      last = text;
      if (text.length < 2) { return; }
      fetch("/v1/jurisdictions?governments=true&limit=12&q=" + encodeURIComponent(text))
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (page) { if (q.value.trim() === text) show(page.results || []); })
        .catch(function () {});
    }, 200);
  });
})();
/* Printing shows the explanation too. */
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
