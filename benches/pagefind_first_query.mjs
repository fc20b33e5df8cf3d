// Bytes a first query fetches with Pagefind's default UI, against the
// site's own search page, over the same built output, in headless Chromium.
//
//     npx pagefind@1.4.0 --site OUT         # writes OUT/pagefind/
//     node benches/pagefind_first_query.mjs OUT [--subdir pagefind] [QUERY ...]
//
// (Pagefind indexes every page of OUT; over the sections the site's index
// covers: `--glob "{clubs,news,...,en/clubs,...}/*/index.html"
// --output-subdir pagefind-sections`, then `--subdir pagefind-sections`.)
// OUT is a build's output (DIR/public). Uses playwright-core from
// tests/browser/node_modules and Debian's chromium. Pagefind's side is a
// page served at /pagefind-bench/ (it is not written into OUT) with the
// default UI as Pagefind documents it (pagefind-ui.css, pagefind-ui.js,
// `new PagefindUI({ element: "#search" })`), in the language of the site's
// search page; the site's side is /recherche/. Each query goes into a
// fresh context (empty cache), pasted whole (one input event: a first
// query) and typed key by key 120 ms apart (each key's search may fetch;
// Pagefind's UI waits for a pause in typing, the site's page does not).
// Counted are the search's files (Pagefind's folder; search.js and
// OUT/_search/ for the site), not the page, its stylesheet or other
// scripts: raw bytes as served, and gzip level 6 of each, as a CDN would
// send them (Pagefind's index files are compressed already). Also prints
// how many results each shows (Pagefind's UI shows five at first, the
// site's page ten). Measures; asserts nothing; not in CI.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const repo = resolve(import.meta.dirname, "..");
const require = createRequire(join(repo, "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
// Pagefind's output folder in OUT (its --output-subdir).
const at = args.indexOf("--subdir");
const subdir = at < 0 ? "pagefind" : args.splice(at, 2)[1];
const [out, ...given] = args;
if (!out || !existsSync(join(out, subdir, "pagefind-ui.js")) || !existsSync(join(out, "_search", "meta.json"))) {
  console.error("usage: node benches/pagefind_first_query.mjs OUT [--subdir pagefind] [QUERY ...] (OUT with pagefind/ and _search/)");
  process.exit(2);
}
const root = resolve(out);
const queries = given.length ? given : ["trésorier", "tresorier", "mentorat européen", "afterwork", "bibliotheque", "bibliotheqeu"];

const benchPage = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Pagefind</title>
<link href="/${subdir}/pagefind-ui.css" rel="stylesheet"></head><body><div id="search"></div>
<script src="/${subdir}/pagefind-ui.js"></script>
<script>window.addEventListener("DOMContentLoaded", () => { new PagefindUI({ element: "#search", showSubResults: true }); });</script>
</body></html>`;
const types = { ".html": "text/html; charset=utf-8", ".json": "application/json", ".js": "text/javascript",
  ".css": "text/css", ".svg": "image/svg+xml", ".wasm": "application/wasm" };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
  if (path === "/pagefind-bench/") { res.writeHead(200, { "content-type": types[".html"] }).end(benchPage); return; }
  let file = normalize(join(root, path));
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" }).end(readFileSync(file));
});
await new Promise((done) => server.listen(Number(process.env.PORT || 0), "127.0.0.1", done));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// Types `query` on `path`, waits for `ready` (results shown), returns the
// search's files fetched (those `counted` accepts) and the results shown.
async function first(mode, path, input, query, ready, results, counted) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies = [];
  page.on("response", (r) => {
    const p = new URL(r.url()).pathname;
    // A response still arriving when the context closes is not counted.
    if (counted(p)) bodies.push(r.body().then((b) => ({ p, raw: b.length, gz: gzipSync(b, { level: 6 }).length }), () => null));
  });
  await page.goto(base + path, { waitUntil: "load" });
  if (mode === "typed") await page.locator(input).pressSequentially(query, { delay: 120 });
  else { await page.locator(input).focus(); await page.keyboard.insertText(query); }
  await page.waitForFunction(ready, query, { timeout: 60000 });
  // Let late fetches (fragments of results) finish.
  await page.waitForLoadState("networkidle");
  const shown = await page.locator(results).count();
  const files = (await Promise.all(bodies)).filter(Boolean);
  await context.close();
  return { files, shown };
}

const sum = (files, k) => files.reduce((n, f) => n + f[k], 0);
const kb = (n) => (n / 1000).toFixed(1).padStart(7) + " KB";
console.log("query                  mode   search    files     raw      gzip   shown");
for (const query of queries) for (const mode of ["pasted", "typed"]) {
  const pf = await first(mode, "pagefind-bench/", ".pagefind-ui__search-input", query,
    // "N résultats pour …", "Pas de résultat pour …", for the whole query.
    (q) => (document.querySelector(".pagefind-ui__message")?.textContent || "").trim().endsWith(" " + q),
    ".pagefind-ui__result", (p) => p.startsWith(`/${subdir}/`));
  const own = await first(mode, "recherche/", "#search-query", query,
    () => !document.getElementById("search-results").hasAttribute("aria-busy"),
    "#search-results li:not(.search-more)", (p) => p.startsWith("/_search/") || /\/search\.[0-9a-f]+\.js$/.test(p));
  for (const [name, r] of [["pagefind", pf], ["alumni", own]]) {
    console.log(`${JSON.stringify(query).padEnd(22)} ${mode.padEnd(6)} ${name.padEnd(8)} ${String(r.files.length).padStart(5)} ${kb(sum(r.files, "raw"))} ${kb(sum(r.files, "gz"))} ${String(r.shown).padStart(6)}`);
  }
}
await browser.close();
server.close();
