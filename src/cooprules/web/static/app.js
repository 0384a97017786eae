/* Progressive enhancement only: every page works without this file.
   - the office search lists matches as you type (GET /ask/offices?q=&lang=, names in the page's language);
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
  function show(page) {
    var list = page.hits || [];
    var html = list.map(function (h, i) {
      var id = "hit-jurisdiction-" + i;
      return '<div class="choice"><input type="radio" name="jurisdiction" id="' + id + '" value="' + esc(h.ocd_id) +
        '"' + (i === 0 ? " checked" : "") + ' aria-describedby="' + id + '-help"><label for="' + id + '">' +
        esc(h.name || title(h.ocd_id)) + '<span class="help" id="' + id + '-help">' + esc(h.ocd_id) + "</span></label></div>";
    }).join("");
    // the closest names, said as such, when no name matched as typed (as the server page does)
    if (html && page.approximate) html = '<p class="closest">' + esc(hits.getAttribute("data-closest") || "") + "</p>" + html;
    var none = page.approximate ? hits.getAttribute("data-noclose") : hits.getAttribute("data-none");
    hits.innerHTML = html || '<p>' + esc(none || "") + "</p>";
  }
  q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = q.value.trim();
      if (text === last) return;
      last = text;
      if (text.length < 2) { return; }
      var lang = document.documentElement.getAttribute("lang") || "en";
      fetch("/ask/offices?lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(text))
        .then(function (r) { return r.ok ? r.json() : {hits: []}; })
        .then(function (page) { if (q.value.trim() === text) show(page); })
        .catch(function () {});
    }, 200);
  });
})();
/* Printing shows the explanation too. */
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
