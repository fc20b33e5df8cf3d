// End-to-end: `alumni serve` in a real browser. Open a page, edit its
// Markdown, see the change without reloading by hand; break its YAML, see
// the error overlay; fix it, see the overlay go.
//
// Needs the release binary (cargo build --release) and Debian's chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "..", "..");
const binary = join(repo, "target", "release", "alumni");
const chromiumFlags = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

let site, server, browser, base;

function startServer(root, port = 0) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, ["serve", "--root", root, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C.UTF-8" } });
    let out = "";
    const timer = setTimeout(() => reject(new Error("serve did not start: " + out)), 20000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/serving the site at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1] });
      }
    });
    child.stderr.on("data", (chunk) => { out += chunk; });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

before(async () => {
  site = mkdtempSync(join(tmpdir(), "alumni-e2e-"));
  cpSync(join(repo, "tests", "fixtures", "site"), site, { recursive: true });
  const started = await startServer(site);
  server = started.child;
  base = started.url;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
  if (site) rmSync(site, { recursive: true, force: true });
});

test("an edit shows up, a broken page shows an overlay, a fix removes it", async () => {
  const page = await browser.newPage();
  const file = join(site, "content", "clubs", "docteurs.md");
  const original = readFileSync(file, "utf8");
  await page.goto(base + "clubs/club-docteurs-chercheurs-et-doctorants/");
  assert.match(await page.textContent("h1"), /Club des docteurs/);
  // Mark the window: a reload by the live script is fine, a navigation by hand is not needed.
  writeFileSync(file, original + "\nUne phrase écrite pendant le test.\n");
  await page.waitForFunction(() => document.body.innerText.includes("Une phrase écrite pendant le test."), null, { timeout: 15000 });

  writeFileSync(file, original.replace("date: 2026-11-20", "date: [2026"));
  const overlay = page.locator("#alumni-errors");
  await overlay.waitFor({ state: "visible", timeout: 15000 });
  const text = await overlay.innerText();
  assert.match(text, /content\/clubs\/docteurs\.md:4:7: error: invalid YAML/);
  assert.match(text, /date: \[2026/);
  // The last good version is still under the overlay.
  assert.match(await page.textContent("h1"), /Club des docteurs/);

  writeFileSync(file, original.replace("Club des docteurs", "Club des docteurs réparé"));
  await overlay.waitFor({ state: "detached", timeout: 15000 });
  await page.waitForFunction(() => document.querySelector("h1").textContent.includes("réparé"), null, { timeout: 15000 });
  await page.close();
});

test("every page shows the overlay while the site is broken", async () => {
  const file = join(site, "content", "clubs", "biotech.md");
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replace("title: Club « Biotech »", "title: [Biotech"));
  const page = await browser.newPage();
  try {
    // A page opened after the failure gets the overlay too.
    await new Promise((r) => setTimeout(r, 500));
    await page.goto(base + "en/");
    await page.locator("#alumni-errors").waitFor({ state: "visible", timeout: 15000 });
  } finally {
    writeFileSync(file, original);
  }
  await page.locator("#alumni-errors").waitFor({ state: "detached", timeout: 15000 });
  await page.close();
});

test("a stylesheet edit is applied without reloading the page", async () => {
  const page = await browser.newPage();
  await page.goto(base + "clubs/");
  await page.evaluate(() => { window.alumniMarker = "still here"; });
  const css = join(site, "themes", "mini", "static", "style.css");
  const original = readFileSync(css, "utf8");
  writeFileSync(css, original + "\nh1 { color: rgb(1, 2, 3); }\n");
  try {
    await page.waitForFunction(() => getComputedStyle(document.querySelector("h1")).color === "rgb(1, 2, 3)", null, { timeout: 15000 });
    assert.equal(await page.evaluate(() => window.alumniMarker), "still here");
  } finally {
    writeFileSync(css, original);
  }
  await page.close();
});

test("a page reconnects to a restarted server and shows what changed meanwhile", async () => {
  const page = await browser.newPage();
  await page.goto(base + "clubs/");
  const port = Number(new URL(base).port);
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  const file = join(site, "content", "clubs", "_index.md");
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replace("Tous les clubs.", "Tous les clubs, après redémarrage."));
  try {
    const restarted = await startServer(site, port);
    server = restarted.child;
    await page.waitForFunction(() => document.body.innerText.includes("après redémarrage"), null, { timeout: 20000 });
  } finally {
    writeFileSync(file, original);
  }
  await page.close();
});

test("the search page finds pages whatever the accents", async () => {
  // The repository's own site, served read-only.
  const own = await startServer(repo);
  try {
    const page = await browser.newPage();
    // "cloture" must find "Clôture", "enquete" "enquête".
    await page.goto(own.url + "recherche/?q=cloture%20enquete");
    await page.waitForSelector("#search-results li", { timeout: 15000 });
    const titles = await page.$$eval("#search-results li a", (links) => links.map((a) => a.textContent));
    assert.ok(titles.some((t) => /Clôture de l.enquête/.test(t)), titles.join(" | "));
    await page.fill("#search-query", "zzzz introuvable");
    await page.waitForFunction(() => document.getElementById("search-results").children.length === 0);
    assert.match(await page.textContent("#search-status"), /Aucune page/);
    await page.close();
  } finally {
    own.child.kill("SIGTERM");
  }
});
