// Search in the browser over the sharded index the build writes under
// _search/ (see src/search.rs for its format and decisions): meta.json lists
// the chunks' word ranges; a query fetches the chunks of its words, then
// one fragment per result shown. Words match at their start, accents and
// capitals do not matter, words of five letters or more forgive one typo.
// Everything is fetched from this site; results are built with
// textContent only (page titles come from contributors).
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var metaUrl = new URL(form.getAttribute("data-index"), location.href);
  var SHOWN = 10;
  var meta = null;
  var files = {}; // URL -> promise of parsed JSON
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  // The same table as the build's (src/search.rs, fold_char).
  var FOLD = {};
  [["àáâãäåāăą", "a"], ["æ", "ae"], ["çćč", "c"], ["èéêëēėęě", "e"], ["ìíîïīį", "i"],
    ["ñń", "n"], ["òóôõöøō", "o"], ["œ", "oe"], ["ß", "ss"], ["ùúûüūů", "u"], ["ýÿ", "y"]]
    .forEach(function (e) { for (var c of e[0]) FOLD[c] = e[1]; });
  var FOLDED = new RegExp("[" + Object.keys(FOLD).join("") + "]", "g");

  // The same folding as the build: lower case, accents and ligatures off.
  function fold(text) {
    return text.toLowerCase().replace(FOLDED, function (c) { return FOLD[c]; });
  }

  function get(url) {
    var key = url.toString();
    if (!files[key]) {
      files[key] = fetch(key).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + key);
        return r.json();
      });
      files[key].catch(function () { delete files[key]; });
    }
    return files[key];
  }

  function loadMeta() {
    if (meta) return Promise.resolve(meta);
    return get(metaUrl).then(function (m) {
      if (m.v !== 1) throw new Error("index format " + m.v);
      meta = m;
      return m;
    });
  }

  // Chunks whose range may hold words starting with `prefix`, the first `max`.
  function chunksFor(prefix, max) {
    var out = [];
    for (var i = 0; i < meta.c.length && out.length < max; i++) {
      var c = meta.c[i];
      if ((c[0] < prefix || c[0].indexOf(prefix) === 0) && (c[1] >= prefix)) out.push(c[2]);
    }
    return out;
  }

  function loadChunks(names) {
    return Promise.all(names.map(function (n) {
      return get(new URL(n, metaUrl)).then(function (c) { return { name: n, chunk: c }; });
    }));
  }

  // Optimal string alignment distance of q to w or to a beginning of w, at most 1?
  function nearPrefix(q, w) {
    var prev2 = null, prev = [], row, i, j;
    for (j = 0; j <= w.length; j++) prev.push(j);
    for (i = 1; i <= q.length; i++) {
      row = [i];
      var low = i;
      for (j = 1; j <= w.length; j++) {
        var d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (q[i - 1] === w[j - 1] ? 0 : 1));
        if (prev2 && j > 1 && q[i - 1] === w[j - 2] && q[i - 2] === w[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        row.push(d);
        if (d < low) low = d;
      }
      if (low > 1) return false;
      prev2 = prev;
      prev = row;
    }
    return prev.some(function (d) { return d <= 1; });
  }

  // page -> {score, pos} for one query word over some chunks; typo: also near words.
  function matches(q, chunks, typo) {
    var found = new Map();
    var seen = {};
    chunks.forEach(function (c) {
      if (seen[c.name]) return;
      seen[c.name] = true;
      var words = c.chunk.w;
      for (var k = 0; k < words.length; k++) {
        var w = words[k];
        var weight;
        if (w.indexOf(q) === 0) weight = w.length === q.length ? 1 : 0.7;
        else if (typo && nearPrefix(q, w)) weight = 0.4;
        else continue;
        var p = c.chunk.p[k], page = 0;
        for (var i = 0; i < p.length;) {
          page += p[i];
          var info = p[i + 1], n = p[i + 2];
          var count = Math.floor(info / 4);
          var score = weight * ((info & 1 ? 4 : 0) + (info & 2 ? 1 : 0) + (count ? 1 + Math.log(count) : 0));
          var pos = n ? p[i + 3] : -1;
          i += 3 + n;
          var had = found.get(page - 1);
          if (!had) found.set(page - 1, { score: score, pos: pos });
          else {
            // The best score, and a position in the text when any word has one.
            if (had.score < score) had.score = score;
            if (had.pos < 0) had.pos = pos;
          }
        }
      }
    });
    return found;
  }

  // All matches of one query word: as typed, then with a typo if none.
  function wordMatches(q) {
    var typo = q.length >= meta.typo;
    return loadChunks(chunksFor(q, meta.per_word)).then(function (chunks) {
      var found = matches(q, chunks, typo);
      if (found.size > 0 || !typo) return found;
      var names = chunksFor(q.slice(0, 2), meta.c.length).filter(function (n) {
        return !chunks.some(function (c) { return c.name === n; });
      });
      // The chunks nearest the word first.
      var at = names.findIndex(function (n) {
        var c = meta.c.find(function (c) { return c[2] === n; });
        return c[1] >= q;
      });
      if (at < 0) at = names.length - 1;
      names = names.slice(Math.max(0, at - 1), Math.max(0, at - 1) + meta.per_word);
      return loadChunks(names).then(function (more) { return matches(q, chunks.concat(more), true); });
    });
  }

  function heading(fragment, pos) {
    var h = null;
    for (var i = 0; i < fragment.h.length && fragment.h[i][2] <= pos; i++) h = fragment.h[i];
    return pos >= 0 ? h : null;
  }

  // About twenty words of the text around word `pos`, the query's words marked.
  function excerpt(fragment, pos, terms) {
    var p = document.createElement("p");
    p.className = "search-excerpt";
    var text = fragment.x, n = 0, m, start = 0, end = text.length;
    var from = Math.max(0, pos - 8), to = Math.max(0, pos) + 14;
    WORD.lastIndex = 0;
    var spans = [];
    while ((m = WORD.exec(text)) !== null) {
      if (n === from) start = m.index;
      if (n >= from && n < to) spans.push([m.index, m.index + m[0].length, m[0]]);
      if (n === to) { end = m.index; break; }
      n++;
    }
    if (pos < 0) { start = 0; }
    var at = start;
    if (start > 0) p.appendChild(document.createTextNode("… "));
    spans.forEach(function (s) {
      var f = fold(s[2]);
      if (terms.some(function (t) { return f.indexOf(t) === 0; })) {
        p.appendChild(document.createTextNode(text.slice(at, s[0])));
        var mark = document.createElement("mark");
        mark.textContent = s[2];
        p.appendChild(mark);
        at = s[1];
      }
    });
    p.appendChild(document.createTextNode(text.slice(at, end).trimEnd()));
    if (end < text.length) p.appendChild(document.createTextNode(" …"));
    return p;
  }

  function show(results, terms, from, ticket) {
    var shown = results.slice(from, from + SHOWN);
    return Promise.all(shown.map(function (r) {
      return get(new URL("f/" + meta.f[Math.floor(r.page / meta.group)] + "/" + r.page + ".json", metaUrl));
    })).then(function (fragments) {
      if (ticket !== current) return;
      var old = list.querySelector(".search-more");
      if (old) old.remove();
      fragments.forEach(function (f, i) {
        var r = shown[i];
        var h = heading(f, r.pos);
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = f.u + (h ? "#" + encodeURIComponent(h[0]) : "");
        a.textContent = f.t;
        li.appendChild(a);
        var where = document.createElement("p");
        where.className = "meta";
        where.textContent = f.s + (h ? " › " + h[1].replace(/\s*#$/, "") : "");
        li.appendChild(where);
        li.appendChild(excerpt(f, r.pos, terms));
        list.appendChild(li);
      });
      if (from + SHOWN < results.length) {
        var li = document.createElement("li");
        li.className = "search-more";
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = form.getAttribute("data-more");
        button.addEventListener("click", function () {
          busy(true);
          show(results, terms, from + SHOWN, ticket).then(done(ticket), done(ticket));
        });
        li.appendChild(button);
        list.appendChild(li);
      }
    });
  }

  // The list is busy (aria-busy) from a query's keystroke until its
  // results are all shown: assistive technologies wait for the whole list,
  // and a reader of the page knows which query the list answers.
  function busy(on) {
    if (on) list.setAttribute("aria-busy", "true");
    else list.removeAttribute("aria-busy");
  }
  function done(ticket) {
    return function () { if (ticket === current) busy(false); };
  }

  var current = 0;
  function search() {
    var terms = [];
    (fold(input.value).match(WORD) || []).forEach(function (t) {
      if (terms.indexOf(t) < 0) terms.push(t);
    });
    var ticket = ++current;
    if (terms.length === 0) {
      list.textContent = "";
      status.textContent = "";
      busy(false);
      return;
    }
    busy(true);
    loadMeta().then(function () {
      return Promise.all(terms.map(wordMatches));
    }).then(function (perWord) {
      if (ticket !== current) return;
      // Pages every word matched, best first.
      var results = [];
      perWord[0].forEach(function (first, page) {
        var score = first.score, pos = first.pos;
        for (var i = 1; i < perWord.length; i++) {
          var other = perWord[i].get(page);
          if (!other) return;
          score += other.score;
          if (pos < 0) pos = other.pos;
        }
        results.push({ page: page, score: score, pos: pos });
      });
      results.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
      list.textContent = "";
      status.textContent = results.length === 0 ? form.getAttribute("data-none")
        : results.length === 1 ? form.getAttribute("data-one")
        : results.length + " " + form.getAttribute("data-many");
      return show(results, terms, 0, ticket);
    }).then(done(ticket), function () {
      if (ticket === current) status.textContent = form.getAttribute("data-error");
      done(ticket)();
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  input.addEventListener("input", search);
  var query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; search(); }
})();
