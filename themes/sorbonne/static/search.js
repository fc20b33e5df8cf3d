// Search in the browser over the index the build writes (search.json):
// every word must appear in the title, description or text of a page;
// accents and capitals do not matter. Nothing leaves the reader's browser.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var entries = null;

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function load() {
    if (entries) return Promise.resolve(entries);
    return fetch(form.getAttribute("data-index"))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        entries = data.map(function (e) {
          return { entry: e, title: fold(e.title), description: fold(e.description), text: fold(e.text) };
        });
        return entries;
      });
  }

  function search() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    load().then(function (all) {
      var found = all
        .map(function (e) {
          var score = 0;
          for (var i = 0; i < words.length; i++) {
            var w = words[i];
            var s = (e.title.indexOf(w) !== -1 ? 3 : 0) + (e.description.indexOf(w) !== -1 ? 2 : 0) + (e.text.indexOf(w) !== -1 ? 1 : 0);
            if (s === 0) return null;
            score += s;
          }
          return { e: e.entry, score: score };
        })
        .filter(Boolean)
        .sort(function (a, b) { return b.score - a.score; })
        .slice(0, 30);
      list.textContent = "";
      found.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.e.url;
        a.textContent = r.e.title;
        li.appendChild(a);
        var p = document.createElement("p");
        p.textContent = r.e.section + (r.e.description ? " — " + r.e.description : "");
        li.appendChild(p);
        list.appendChild(li);
      });
      status.textContent = found.length === 0 ? form.getAttribute("data-none")
        : found.length === 1 ? form.getAttribute("data-one")
        : found.length + " " + form.getAttribute("data-many");
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  input.addEventListener("input", search);
  var query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; search(); }
})();
