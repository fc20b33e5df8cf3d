// Live reload for `alumni serve` (injected in serve mode only).
// Long-polls the server for rebuilds: reloads this page when its output
// changed, swaps stylesheets without a reload, and shows build errors in an
// overlay until the next good build. Reconnects after a server restart.
(function () {
  "use strict";
  var endpoint = "/__alumni/poll";
  var version = null;
  // The server that served this page: a different one answering means a restart.
  var instance = (document.currentScript && document.currentScript.getAttribute("data-instance")) || null;

  function currentKey() {
    var path = decodeURIComponent(location.pathname).replace(/^\//, "");
    return path === "" || path.slice(-1) === "/" ? path + "index.html" : path;
  }

  function overlay(errors) {
    var old = document.getElementById("alumni-errors");
    if (old) old.remove();
    if (!errors || errors.length === 0) return;
    var box = document.createElement("div");
    box.id = "alumni-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,30,.94);" +
      "color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:24px";
    var title = document.createElement("h2");
    title.textContent = "alumni: the site has " + errors.length + " error" + (errors.length > 1 ? "s" : "") +
      " (the last good version is still served)";
    title.style.cssText = "font:bold 18px/1.4 system-ui,sans-serif;color:#ffb4b4;margin:0 0 16px";
    box.appendChild(title);
    errors.forEach(function (e) {
      var block = document.createElement("pre");
      block.className = "alumni-error";
      block.style.cssText = "white-space:pre-wrap;background:#23232f;border-left:4px solid #ff6b6b;padding:12px;margin:0 0 12px";
      var text = e.location + ": error: " + e.message;
      if (e.source_line !== null && e.line !== null) {
        text += "\n" + e.line + " | " + e.source_line;
        var pad = String(e.line).replace(/./g, " ");
        text += "\n" + pad + " | " + " ".repeat(Math.max(0, (e.column || 1) - 1)) + "^";
      }
      if (e.hint) text += "\nhint: " + e.hint;
      block.textContent = text;
      box.appendChild(block);
    });
    document.body.appendChild(box);
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
    var changed = !first && state.version !== version;
    version = state.version;
    overlay(state.errors);
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
    var url = endpoint + "?v=" + (version === null ? "none" : version);
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) { if (apply(state)) poll(); })
      .catch(function () { setTimeout(poll, 1000); });
  }

  poll();
})();
