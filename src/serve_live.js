// Live reload for `alumni serve` (injected in serve mode only).
// Long-polls the server for rebuilds: reloads this page when its output
// changed, swaps stylesheets without a reload, and shows build errors and
// the checks' warnings in an overlay until they are fixed. Reconnects after
// a server restart. Every word shown comes from the server, in the language
// of the run: this script holds none.
//
// The overlay can be folded to a badge (remembered for the tab's session).
// A source line is drawn as a grid of cells of 1ch (2ch for wide
// characters, up to the next tab stop for a tab), so that the caret under
// it stands under its column in any font and however the line wraps.
(function () {
  "use strict";
  var endpoint = "/__alumni/poll";
  var script = document.currentScript;
  var version = null;
  var report = null;
  // The server that served this page: a different one answering means a restart.
  var instance = (script && script.getAttribute("data-instance")) || null;
  // The page served while nothing has built: any good build replaces it.
  var waiting = !!(script && script.hasAttribute("data-waiting"));
  var FOLDED = "alumni-overlay-folded";
  var TAB = 4;
  var foldedInMemory = false;

  function isFolded() {
    try { return sessionStorage.getItem(FOLDED) === "1"; } catch (e) { return foldedInMemory; }
  }

  function setFolded(value) {
    foldedInMemory = value;
    try { sessionStorage.setItem(FOLDED, value ? "1" : "0"); } catch (e) { /* storage refused: memory only */ }
  }

  function currentKey() {
    var path = decodeURIComponent(location.pathname).replace(/^\//, "");
    return path === "" || path.slice(-1) === "/" ? path + "index.html" : path;
  }

  // East Asian wide and fullwidth ranges, and emoji shown as pictures: two columns.
  function isWide(cluster) {
    var cp = cluster.codePointAt(0);
    if (/\p{Emoji_Presentation}/u.test(cluster)) return true;
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
      (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
  }

  // The user-perceived characters of a line (a letter and its accents are one cell).
  function clusters(text) {
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
      return Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text), function (s) { return s.segment; });
    }
    return Array.from(text);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The source line as cells; `column` is 1-based, in Unicode scalar values.
  function sourceLine(line, column, lineWord) {
    var code = el("div", "a-code");
    var gutter = el("span", "a-gutter", String(line.number));
    gutter.setAttribute("aria-label", lineWord + " " + line.number);
    code.appendChild(gutter);
    var src = el("span", "a-src");
    var at = Math.max(0, (column || 1) - 1);
    var scalars = 0;
    var width = 0;
    var caretPlaced = false;
    clusters(line.text).forEach(function (cluster) {
      var n = Array.from(cluster).length;
      var cell;
      var before = width;
      if (cluster === "\t") {
        var span = TAB - (width % TAB);
        cell = el("span", "a-c a-tab", "\u2192");
        cell.style.width = span + "ch";
        width += span;
      } else {
        var w = isWide(cluster) ? 2 : 1;
        cell = el("span", "a-c", cluster);
        cell.style.width = w + "ch";
        width += w;
      }
      cell.setAttribute("data-col", String(scalars + 1));
      if (!caretPlaced && at >= scalars && at < scalars + n) {
        markCaret(cell, width - before);
        caretPlaced = true;
      }
      scalars += n;
      src.appendChild(cell);
    });
    if (!caretPlaced) {
      // Past the line's end: a blank cell carries the caret.
      var end = el("span", "a-c a-end", " ");
      end.style.width = "1ch";
      end.setAttribute("data-col", String(scalars + 1));
      markCaret(end, 1);
      src.appendChild(end);
    }
    code.appendChild(src);
    return code;
  }

  // The caret is an inline box drawn by CSS, moved back to the cell's start
  // and one line down: no text of its own and no block box, so that the
  // line reads (and copies) as written.
  function markCaret(cell, columns) {
    cell.classList.add("a-at");
    var caret = el("span", "a-caret");
    caret.setAttribute("aria-hidden", "true");
    caret.style.marginLeft = "-" + columns + "ch";
    cell.appendChild(caret);
  }

  function item(d, texts) {
    var li = el("li", "a-item a-" + d.severity);
    var head = el("p", "a-head");
    head.appendChild(el("span", "a-loc", d.location));
    head.appendChild(document.createTextNode(": "));
    head.appendChild(el("span", "a-sev", d.word));
    head.appendChild(document.createTextNode(": " + d.message));
    li.appendChild(head);
    if (d.source_line !== null && d.line !== null) {
      li.appendChild(sourceLine({ number: d.line, text: d.source_line }, d.column, texts.line));
    }
    if (d.hint) {
      var hint = el("p", "a-hint");
      hint.appendChild(el("span", "a-hint-word", texts.hint));
      hint.appendChild(document.createTextNode(": " + d.hint));
      li.appendChild(hint);
    }
    return li;
  }

  var STYLE =
    "#alumni-errors,#alumni-errors *{all:revert;box-sizing:border-box}" +
    // Open, the box covers the page and scrolls; folded, it is the badge alone.
    "#alumni-errors{position:fixed;inset:0;z-index:2147483646;overflow-y:auto;overflow-x:hidden;" +
    "background:#15151d;color:#f2f2f7;font:15px/1.5 system-ui,sans-serif;padding:16px;margin:0;max-width:100vw}" +
    "#alumni-errors.a-folded{inset:auto 12px 12px auto;background:transparent;overflow:visible;padding:0}" +
    "#alumni-errors .a-panel{display:block;margin:0;padding:0}" +
    "#alumni-errors .a-panel[hidden],#alumni-errors .a-badge[hidden]{display:none}" +
    "#alumni-errors .a-top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-start;justify-content:space-between;margin:0 0 12px}" +
    "#alumni-errors h2{font:bold 17px/1.4 system-ui,sans-serif;color:#ffc2c2;margin:0;flex:1 1 16rem;min-width:0;overflow-wrap:anywhere}" +
    "#alumni-errors .a-only-warnings h2{color:#ffe29a}" +
    "#alumni-errors button{font:600 15px/1.2 system-ui,sans-serif;cursor:pointer;border-radius:6px;padding:8px 14px;min-height:44px;min-width:44px}" +
    "#alumni-errors .a-fold{background:#2e2e3c;color:#fff;border:2px solid #9a9ab4}" +
    "#alumni-errors button:focus-visible,#alumni-errors .a-panel:focus-visible{outline:3px solid #8ab4ff;outline-offset:2px}" +
    "#alumni-errors ol{list-style:none;margin:0;padding:0}" +
    "#alumni-errors .a-item{background:#23232f;border-left:4px solid #ff7b7b;padding:10px 12px;margin:0 0 12px;" +
    "font:14px/1.5 ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;overflow-wrap:anywhere;min-width:0}" +
    "#alumni-errors .a-warning{border-left-color:#ffd479}" +
    "#alumni-errors p{margin:0}" +
    "#alumni-errors .a-sev{font-weight:bold;color:#ff9e9e}" +
    "#alumni-errors .a-warning .a-sev{color:#ffd479}" +
    "#alumni-errors .a-hint{margin-top:6px;color:#d6d6e4}" +
    "#alumni-errors .a-hint-word{font-weight:bold;color:#9fd3ff}" +
    "#alumni-errors .a-code{display:flex;gap:1ch;margin:8px 0 0;padding:6px 0;background:#191922;white-space:pre}" +
    "#alumni-errors .a-gutter{flex:none;color:#b4b4c8;text-align:right;padding-left:4px}" +
    "#alumni-errors .a-src{flex:1 1 auto;min-width:0;white-space:normal;line-height:1.5}" +
    "#alumni-errors .a-c{display:inline-block;white-space:pre;overflow:visible;vertical-align:top;text-align:left}" +
    "#alumni-errors .a-tab{color:#a8a8c0}" +
    "#alumni-errors .a-at{background:#5a2630;border-radius:2px;padding-bottom:1.5em}" +
    "#alumni-errors .a-warning .a-at{background:#4d4020}" +
    "#alumni-errors .a-caret{display:inline-block;position:relative;top:1.5em;width:1ch;vertical-align:top;color:#ff9e9e;font-weight:bold}" +
    "#alumni-errors .a-warning .a-caret{color:#ffd479}" +
    "#alumni-errors .a-caret::before{content:'^'}" +
    "#alumni-errors .a-badge{background:#b3261e;color:#fff;" +
    "border:2px solid #fff;box-shadow:0 2px 8px rgba(0,0,0,.4)}" +
    "#alumni-errors .a-badge.a-only-warnings{background:#ffd479;color:#1a1a1a;border-color:#1a1a1a}" +
    "#alumni-errors .a-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}";

  // The problems shown, to tell whether the overlay must be drawn again.
  var shownKey = null;

  function overlay(state) {
    var problems = (state.errors || []).concat(state.warnings || []);
    var old = document.getElementById("alumni-errors");
    if (problems.length === 0) {
      if (old) old.remove();
      shownKey = null;
      return;
    }
    var key = JSON.stringify([problems, state.texts]);
    if (old && key === shownKey) return;
    shownKey = key;
    var hadFocus = old && old.contains(document.activeElement) ? document.activeElement.className : null;
    var texts = state.texts;
    var onlyWarnings = (state.errors || []).length === 0;
    var box = el("div");
    box.id = "alumni-errors";
    box.setAttribute("lang", state.lang);
    box.appendChild(el("style", null, STYLE));

    var panel = el("section", "a-panel" + (onlyWarnings ? " a-only-warnings" : ""));
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "alumni-errors-title");
    panel.tabIndex = -1;
    var top = el("div", "a-top");
    var title = el("h2", null, texts.title);
    title.id = "alumni-errors-title";
    top.appendChild(title);
    var fold = el("button", "a-fold", texts.fold);
    fold.type = "button";
    fold.setAttribute("aria-expanded", "true");
    fold.setAttribute("aria-controls", "alumni-errors-panel");
    top.appendChild(fold);
    panel.id = "alumni-errors-panel";
    panel.appendChild(top);
    var list = el("ol");
    problems.forEach(function (d) { list.appendChild(item(d, texts)); });
    panel.appendChild(list);
    box.appendChild(panel);

    var badge = el("button", "a-badge" + (onlyWarnings ? " a-only-warnings" : ""), texts.summary);
    badge.type = "button";
    badge.title = texts.show;
    badge.setAttribute("aria-expanded", "false");
    badge.setAttribute("aria-controls", "alumni-errors-panel");
    box.appendChild(badge);

    // Announced once per change, whether folded or not.
    var status = el("div", "a-sr", texts.title);
    status.setAttribute("role", "status");
    box.appendChild(status);

    function show(folded) {
      box.classList.toggle("a-folded", folded);
      panel.hidden = folded;
      badge.hidden = !folded;
    }
    fold.addEventListener("click", function () {
      setFolded(true);
      show(true);
      badge.focus();
    });
    badge.addEventListener("click", function () {
      setFolded(false);
      show(false);
      fold.focus();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        fold.click();
      }
    });
    show(isFolded());
    if (old) old.replaceWith(box); else document.body.appendChild(box);
    // Keep the keyboard where it was; on first showing, bring it to the
    // panel unless the reader is busy elsewhere in the page.
    if (hadFocus !== null) {
      (hadFocus.indexOf("a-badge") !== -1 ? badge : fold).focus();
    } else if (!old && !isFolded() && (document.activeElement === document.body || document.activeElement === null)) {
      panel.focus({ preventScroll: true });
    }
  }

  function swapStyles() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href);
      url.searchParams.set("alumni-v", String(version));
      link.href = url.toString();
    });
  }

  function apply(state) {
    var first = version === null;
    if (instance !== null && state.instance !== instance) {
      location.reload();
      return false;
    }
    instance = state.instance;
    if (waiting && state.served) {
      location.reload();
      return false;
    }
    var changed = !first && state.version !== version;
    version = state.version;
    report = state.report;
    overlay(state);
    if (changed && state.changed.length > 0) {
      var here = currentKey();
      if (state.changed.indexOf(here) !== -1) {
        location.reload();
        return false;
      }
      var others = state.changed.filter(function (p) { return !/\.css$/.test(p); });
      if (others.length < state.changed.length) swapStyles();
    }
    return true;
  }

  function poll() {
    var url = endpoint + "?v=" + (version === null ? "none" : version) + "&r=" + (report === null ? "none" : report);
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) { if (apply(state)) poll(); })
      .catch(function () { setTimeout(poll, 1000); });
  }

  poll();
})();
