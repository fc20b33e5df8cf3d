// Time from a keystroke to the search page's results shown, in headless
// Chromium with its CPU slowed down (CDP Emulation.setCPUThrottlingRate),
// over a built site served as files on 127.0.0.1.
//
//     node benches/search_time.mjs OUT [--rate 4] [--runs 5] [--delay 120] [QUERY ...]
//
// OUT is a build's output (DIR/public). Uses playwright-core from
// tests/browser/node_modules (npm ci there first) and Debian's chromium.
// For each query and run, two measures, each in a new browser context
// (empty cache):
//
// - typed: the query typed key by key (`--delay` ms between keys, the
//   earlier keys' searches fetch meta.json and chunks as a person's do);
//   time from the last key's `input` event to the results shown.
// - pasted: the whole query inserted at once into a page that has fetched
//   nothing of the index yet; time from its `input` event to the results
//   shown (meta.json, chunks and ten fragments all fetched and parsed).
//
// "Shown": search.js clears the list's aria-busy once the results of the
// current query are all in the list; the time is taken in the first frame
// callback after that, then one task later (the frame painted). Served
// without compression, with no network delay: this measures the page's
// work (fetching from the loopback, parsing, matching, building the list),
// not a network. Prints each query's median and the median over all.
// Measures; asserts nothing; not in CI.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..");
const require = createRequire(join(repo, "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [, value] = args.splice(at, 2);
  return Number(value);
};
const rate = option("--rate", 4);
const runs = option("--runs", 5);
const delay = option("--delay", 120);
const [out, ...given] = args;
if (!out || !existsSync(join(out, "_search", "meta.json"))) {
  console.error("usage: node benches/search_time.mjs OUT [--rate 4] [--runs 5] [--delay 120] [QUERY ...]");
  console.error("OUT must be a built site with _search/meta.json");
  process.exit(2);
}
const root = resolve(out);
const queries = given.length ? given : ["tresorier", "mentorat europeen", "afterwork", "bibliotheqeu", "ma"];

const types = { ".html": "text/html; charset=utf-8", ".json": "application/json", ".js": "text/javascript",
  ".css": "text/css", ".svg": "image/svg+xml", ".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png" };
const server = createServer((req, res) => {
  let file = normalize(join(root, decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname)));
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" }).end(readFileSync(file));
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// In the page, before any key: the time of each `input` event of the
// search box, and each time the list stops being busy, the time its
// frame was painted, with the number of input events before it (so that
// the results of an earlier key never count for the last one).
function instrument() {
  window.__inputs = [];
  window.__shown = [];
  window.addEventListener("input", (e) => window.__inputs.push(e.timeStamp), true);
  const list = document.getElementById("search-results");
  new MutationObserver(() => {
    if (list.hasAttribute("aria-busy")) return;
    const inputs = window.__inputs.length;
    requestAnimationFrame(() => setTimeout(() => window.__shown.push({ inputs, at: performance.now() }), 0));
  }).observe(list, { attributes: true, attributeFilter: ["aria-busy"] });
}

async function measure(query, mode) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await page.goto(base + "recherche/", { waitUntil: "load" });
  await page.evaluate(instrument);
  const input = page.locator("#search-query");
  await input.focus();
  if (mode === "typed") await input.pressSequentially(query, { delay });
  else await page.keyboard.insertText(query);
  const inputs = await page.evaluate(() => window.__inputs);
  await page.waitForFunction((n) => window.__shown.some((s) => s.inputs === n), inputs.length, { timeout: 60000 });
  const shown = await page.evaluate((n) => window.__shown.find((s) => s.inputs === n).at, inputs.length);
  const status = await page.textContent("#search-status");
  const results = await page.locator("#search-results li:not(.search-more)").count();
  await context.close();
  if (inputs.length !== (mode === "typed" ? query.length : 1)) throw new Error(`${query}: ${inputs.length} input events`);
  return { ms: shown - inputs[inputs.length - 1], status, results };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`CPU throttling ${rate}x, ${runs} runs per query and mode, ${delay} ms between typed keys`);
const all = { typed: [], pasted: [] };
for (const query of queries) {
  const line = [];
  let shown = "";
  for (const mode of ["typed", "pasted"]) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const r = await measure(query, mode);
      times.push(r.ms);
      shown = `${r.status} (${r.results} shown)`;
    }
    all[mode].push(...times);
    line.push(`${mode} ${median(times).toFixed(0).padStart(5)} ms (${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)})`);
  }
  console.log(`${JSON.stringify(query).padEnd(22)} ${line.join("   ")}   ${shown}`);
}
console.log(`median over all: typed ${median(all.typed).toFixed(0)} ms, pasted ${median(all.pasted).toFixed(0)} ms`);
await browser.close();
server.close();
