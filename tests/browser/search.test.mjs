// The search page in headless Chromium, typed into as a person types, over
// a copy of the repository's own site (content/ and themes/) built by the
// `alumni` binary, with a few club pages added for the test: prefixes,
// accents and capitals, one typo, the last word of a long page, the
// heading a result links to, no request to another host, hostile page
// titles shown as text, and the message shown without JavaScript.
//
// Needs a built binary (target/release/alumni, else target/debug/alumni;
// ALUMNI_BIN overrides) and Debian's chromium. The built site is served as
// files by a static server on 127.0.0.1, as a CDN would serve it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "..", "..");
const binary = process.env.ALUMNI_BIN
  || [join(repo, "target", "release", "alumni"), join(repo, "target", "debug", "alumni")].find(existsSync);
const chromiumFlags = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// The words the pages below are found by. None of the generated filler
// (consonant-vowel syllables without "bi") starts like them, and all of
// the filler sorts after "départ" (see the prefix test).
const HOSTILE_TITLE = `<img src=x onerror=alert(1)> "><script>alert(2)</script>`;
const LAST_WORD = "xylographie";

// Filler of `count` words from syllables: thousands of distinct words, so
// that the index has several chunks and a query must pick the right ones.
function filler(count) {
  const syllables = ["di", "fo", "gu", "ju", "la", "me", "ni", "po", "ru", "sa", "te", "vo", "wu", "zu"];
  const words = [];
  for (let i = 0; i < count; i++) {
    // 7919 is prime to 14⁴: the first 14⁴ words are all different.
    let n = (i * 7919) % (syllables.length ** 4), word = "";
    for (let k = 0; k < 4; k++, n = Math.floor(n / 14)) word += syllables[n % 14];
    words.push(word);
  }
  const paragraphs = [];
  for (let i = 0; i < words.length; i += 100) paragraphs.push(words.slice(i, i + 100).join(" ") + ".");
  return paragraphs.join("\n\n");
}

function club(title, body, lang = "fr") {
  const fields = lang === "fr"
    ? "club_kind: [thématique]\nstatus: actif\nscope: \"Tous les diplômés\"\ncontact: \"Direction des relations alumni\""
    : "club_kind: [thematic]\nstatus: active\nscope: \"Every graduate\"\ncontact: \"Alumni relations office\"";
  return `---\ntitle: ${JSON.stringify(title)}\ndate: 2026-11-20\n${fields}\n---\n\n${body}\n`;
}

// content/clubs/<file> -> its text; the URL of each is /clubs/<name>/ (or /en/clubs/<name>/).
const PAGES = {
  "essai-atelier.md": club("Atelier des peintres", "Une artiste expose ses toiles au public."),
  "essai-quai.md": club("Club du quai", "Le départ du train est à midi."),
  "essai-normale.md": club("Anciens de la rue d'Ulm", "Les anciens de l'École normale se retrouvent chaque mois."),
  "essai-normale.en.md": club("Former students of rue d'Ulm", "Former students of the École normale meet every month.", "en"),
  "essai-lecture.md": club("Club de lecture", "La bibliothèque du quartier ouvre le samedi."),
  "essai-long.md": club("Une très longue page", `${filler(20000)}\n\n## Tout à la fin\n\nLe dernier mot est ${LAST_WORD}.`),
  "essai-hostile.md": club(HOSTILE_TITLE, "Un club au mot unique ornithorynque."),
};

let site, server, base, browser, meta;

// Serves `root` as files: a folder's index.html, 404.html for the rest.
function serveFiles(root) {
  const types = { ".html": "text/html; charset=utf-8", ".json": "application/json", ".js": "text/javascript",
    ".css": "text/css", ".svg": "image/svg+xml", ".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png",
    ".xml": "application/xml", ".avif": "image/avif", ".woff2": "font/woff2" };
  const http = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": types[".html"] }).end(readFileSync(join(root, "404.html")));
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((done) => http.listen(0, "127.0.0.1", () => done(http)));
}

before(async () => {
  assert.ok(binary, "build alumni first (cargo build or cargo build --release)");
  site = mkdtempSync(join(tmpdir(), "alumni-search-"));
  for (const part of ["content", "themes"]) cpSync(join(repo, part), join(site, part), { recursive: true });
  for (const [file, text] of Object.entries(PAGES)) writeFileSync(join(site, "content", "clubs", file), text);
  const run = spawnSync(binary, ["build", "--root", site, "--out", join(site, "public")],
    { encoding: "utf8", env: { ...process.env, LC_ALL: "C.UTF-8" } });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  // Several chunks (the filler's words): a query must fetch its own.
  meta = JSON.parse(readFileSync(join(site, "public", "_search", "meta.json"), "utf8"));
  assert.ok(meta.c.length >= 3, `${meta.c.length} chunks`);
  server = await serveFiles(join(site, "public"));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

// A page that records its requests, console errors, uncaught errors and dialogs.
async function open(path, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const seen = { requests: [], errors: [], dialogs: [] };
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error") seen.errors.push(m.text()); });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss(); });
  await page.goto(base + path);
  return { page, seen, close: () => context.close() };
}

// Every request went to this server; nothing ran that should not have.
function assertClean(seen) {
  const away = seen.requests.filter((u) => new URL(u).host !== new URL(base).host);
  assert.deepEqual(away, [], "requests to another host");
  assert.deepEqual(seen.errors, [], "console errors");
  assert.deepEqual(seen.dialogs, [], "dialogs");
}

// Types `query` into the search box key by key, waits until the list
// answers that query (search.js clears aria-busy once its results are all
// shown), then opens every "more" and returns all results.
async function search(page, query) {
  const input = page.locator("#search-query");
  await input.fill("");
  await input.pressSequentially(query, { delay: 40 });
  const idle = () => page.waitForFunction(() => !document.getElementById("search-results").hasAttribute("aria-busy"),
    null, { timeout: 15000 });
  await idle();
  assert.equal(await input.inputValue(), query);
  for (;;) {
    const more = page.locator("#search-results .search-more button");
    if (await more.count() === 0) break;
    await more.click();
    await idle();
  }
  const results = await page.$$eval("#search-results li:not(.search-more)", (items) => items.map((li) => {
    const a = li.querySelector("a");
    return {
      title: a.textContent,
      href: a.getAttribute("href"),
      where: li.querySelector(".meta").textContent,
      marks: [...li.querySelectorAll("mark")].map((m) => m.textContent),
      elements: li.querySelectorAll("*").length,
    };
  }));
  return { results, status: await page.textContent("#search-status") };
}

const paths = (found) => found.results.map((r) => r.href.replace(/#.*/, ""));

// Catches prefix matching that finds substrings anywhere in a word (`art`
// in `départ`), or no prefix matching at all (`artis` finding only
// `artis`), and a "more" button that loses results.
test("a query word matches the beginnings of words, not their middles", async () => {
  // "depart" is in the chunk that "art" fetches: only the matching rule
  // keeps it out, not the sharding.
  const chunk = meta.c.find((c) => c[1] >= "art");
  assert.ok(chunk[0] <= "art" && chunk[1] >= "depart", JSON.stringify(chunk));
  const { page, seen, close } = await open("recherche/");
  const artis = await search(page, "artis");
  assert.ok(paths(artis).includes("/clubs/essai-atelier/"), JSON.stringify(artis));
  const art = await search(page, "art");
  assert.ok(paths(art).includes("/clubs/essai-atelier/"), JSON.stringify(art));
  assert.ok(!paths(art).includes("/clubs/essai-quai/"), JSON.stringify(art));
  // Every counted result was shown, and the page of "départ" is indexed.
  assert.match(art.status, new RegExp(`^${art.results.length} `));
  // More results than one screen: "more" brings the rest.
  const club = await search(page, "club");
  assert.ok(club.results.length > 10, JSON.stringify(club.status));
  assert.match(club.status, new RegExp(`^${club.results.length} `));
  assert.ok(paths(await search(page, "depart")).includes("/clubs/essai-quai/"));
  assertClean(seen);
  await close();
});

// Catches a query folded differently from the index (capitals or accents
// kept on one side), in either language's index.
for (const [path, target] of [["recherche/", "/clubs/essai-normale/"], ["en/search/", "/en/clubs/essai-normale/"]]) {
  test(`accents and capitals do not matter (${path})`, async () => {
    const { page, seen, close } = await open(path);
    for (const query of ["ecole", "ÉCOLE", "École"]) {
      const found = await search(page, query);
      assert.ok(paths(found).includes(target), `${query}: ${JSON.stringify(found)}`);
      const ours = found.results.find((r) => r.href.startsWith(target));
      assert.ok(ours.marks.includes("École"), JSON.stringify(ours));
    }
    assertClean(seen);
    await close();
  });
}

// Catches typos not forgiven (substitution, swap, deletion), or two
// forgiven.
test("one typo in a long word is forgiven", async () => {
  const { page, seen, close } = await open("recherche/");
  for (const query of ["bibliotheqeu", "bibliotehque", "bibliothque"]) {
    const found = await search(page, query);
    assert.ok(paths(found).includes("/clubs/essai-lecture/"), `${query}: ${JSON.stringify(found)}`);
  }
  // Two typos are not.
  assert.ok(!paths(await search(page, "bibliotehqeu")).includes("/clubs/essai-lecture/"));
  assertClean(seen);
  await close();
});

// Catches an index that keeps only the beginning of a page's text, and an
// excerpt or heading lost past the first few thousand words; then a link
// to an anchor that the target page does not have.
test("the last word of a long page is found, linked to its heading's anchor", async () => {
  const { page, seen, close } = await open("recherche/");
  const found = await search(page, LAST_WORD);
  assert.equal(found.results.length, 1, JSON.stringify(found));
  const [result] = found.results;
  assert.equal(result.title, "Une très longue page");
  assert.equal(result.href, "/clubs/essai-long/#tout-a-la-fin");
  assert.equal(result.where, "Clubs › Tout à la fin");
  assert.deepEqual(result.marks, [LAST_WORD]);
  await page.click(`#search-results a[href="${result.href}"]`);
  await page.waitForURL(base + "clubs/essai-long/#tout-a-la-fin");
  const heading = await page.evaluate(() => {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    return target && { tag: target.tagName, text: target.textContent };
  });
  assert.ok(heading, "no element with the result's anchor");
  assert.equal(heading.tag, "H2");
  assert.match(heading.text, /^Tout à la fin/);
  assertClean(seen);
  await close();
});

// Catches a search page or index that fetches from another host (a
// font, a CDN's script, an absolute base_url in data-index), and a
// recorder that sees nothing (the index's own files must show up).
test("no request leaves 127.0.0.1", async () => {
  const { page, seen, close } = await open("recherche/");
  await search(page, "bibliotheque ouvre");
  await search(page, "mentorat");
  const kinds = new Set(seen.requests.map((u) => new URL(u).pathname.replace(/\/[0-9a-f]{12}(\/\d+)?\.json$/, "/…")));
  for (const part of ["/_search/meta.json", "/_search/c/…", "/_search/f/…"]) {
    assert.ok(kinds.has(part), `${part} not among ${[...kinds].join(" ")}`);
  }
  assertClean(seen);
  await close();
});

// Catches results built with innerHTML (the title's <img> would load "x"
// and run its handler; the <script> would be parsed), here and on the
// club's own page.
test("a hostile page title shows as text and runs nothing", async () => {
  const { page, seen, close } = await open("recherche/");
  const found = await search(page, "ornithorynque");
  assert.equal(found.results.length, 1, JSON.stringify(found));
  assert.equal(found.results[0].title, HOSTILE_TITLE);
  // a, p.meta, p.search-excerpt and its mark: no element from the title.
  assert.equal(found.results[0].elements, 4, await page.innerHTML("#search-results"));
  assert.equal(await page.locator("#search-results img, #search-results script").count(), 0);
  await page.click("#search-results li a");
  await page.waitForURL(base + "clubs/essai-hostile/");
  assert.equal(await page.textContent("h1"), HOSTILE_TITLE);
  assert.ok(!seen.requests.some((u) => new URL(u).pathname.endsWith("/x")), seen.requests.join("\n"));
  assertClean(seen);
  await close();
});

// Catches a <noscript> message lost from the template, or one that names
// no way on (the site map link).
for (const [path, message] of [
  ["recherche/", "La recherche fonctionne avec JavaScript."],
  ["en/search/", "Search needs JavaScript."],
]) {
  test(`without JavaScript the search page says so (${path})`, async () => {
    const { page, seen, close } = await open(path, { javaScriptEnabled: false });
    const text = await page.locator("main").innerText();
    assert.ok(text.includes(message), text);
    const sitemap = page.locator("main a[href$='sitemap.xml']");
    assert.equal(await sitemap.count(), 1);
    assert.ok(await sitemap.isVisible());
    assertClean(seen);
    await close();
  });
}
