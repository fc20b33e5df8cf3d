// The repository's own site in headless Chromium: axe-core finds no serious
// or critical violation on each kind of page, on a phone (390 px) and a
// desktop (1280 px) screen; screenshots of each go to tests/screenshots/
// (ignored by git) for a person to look at. A club page, an episode page
// and an interview page each show their picture, loaded, with its size,
// and so does a news item's figure.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const repo = resolve(import.meta.dirname, "..", "..");
const binary = join(repo, "target", "release", "alumni");
const shots = join(repo, "tests", "screenshots");
const axePath = require.resolve("axe-core/axe.min.js");
const chromiumFlags = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

// One page of each kind.
const PAGES = {
  home: "",
  "home-en": "en/",
  section: "clubs/",
  timeline: "network/",
  club: "clubs/biotech/",
  "club-logo": "clubs/club-des-docteurs/",
  episode: "alter-ego/episode-1/",
  event: "events/lancement-du-reseau/",
  interview: "interviews/ambitions-du-reseau/",
  news: "news/lancement-alter-ego/",
  term: "tags/clubs/",
  search: "recherche/",
  "not-found": "cette-page-n-existe-pas/",
};

let server, browser, base;

before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ server, base } = await new Promise((done, fail) => {
    const child = spawn(binary, ["serve", "--root", repo, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C.UTF-8" } });
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      const m = out.match(/serving the site at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) done({ server: child, base: m[1] });
    });
    child.on("exit", (code) => fail(new Error("serve exited " + code + ": " + out)));
  }));
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
});

for (const width of [390, 1280]) {
  for (const [name, path] of Object.entries(PAGES)) {
    test(`${name} at ${width} px: no serious or critical axe violation`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(base + path);
      await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
      await page.addScriptTag({ path: axePath });
      const results = await page.evaluate(async () => {
        // The live-reload overlay is not part of the site.
        return await window.axe.run(document, { exclude: [["#alumni-errors"]] });
      });
      const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      const report = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      assert.deepEqual(report, []);
      await page.close();
    });
  }
}

test("the clubs list filters by kind in place, and its links work without JavaScript", async () => {
  const page = await browser.newPage();
  await page.goto(base + "clubs/");
  const all = await page.locator(".cards .card").count();
  assert.ok(all >= 4, `${all} clubs`);
  const link = page.locator('nav.filters a[data-kind="professionnel"]');
  assert.equal(await link.getAttribute("href"), "/club-kind/professionnel/");
  await link.click();
  assert.equal(await page.locator(".cards .card:visible").count(), 1);
  assert.match(await page.locator(".cards .card:visible h2").innerText(), /Biotech/);
  assert.equal(await page.locator("nav.filters [role=status]").innerText(), "1 club affiché");
  assert.equal(page.url(), base + "clubs/");
  await page.locator('nav.filters a[data-kind=""]').click();
  assert.equal(await page.locator(".cards .card:visible").count(), all);
  await page.close();
});

// Each kind of page with a picture shows it: loaded (the browser chose a
// variant of the srcset and decoded it), with width and height so that
// nothing moves as it arrives.
for (const [name, path, selector] of [
  ["club", "clubs/club-des-docteurs/", ".club-contact img.club-logo"],
  ["episode", "alter-ego/episode-1/", ".page-image img"],
  ["interview", "interviews/ambitions-du-reseau/", ".page-image img"],
  ["series list", "alter-ego/", ".cards img.card-poster"],
  ["news", "en/news/alter-ego-launch/", ".prose figure img"],
]) {
  test(`the ${name} page shows its picture, loaded and sized`, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(base + path);
    const img = page.locator(selector).first();
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((sel) => {
      const i = document.querySelector(sel);
      return i && i.complete;
    }, selector);
    const seen = await img.evaluate((i) => ({
      natural: i.naturalWidth,
      current: i.currentSrc,
      width: i.getAttribute("width"),
      height: i.getAttribute("height"),
      alt: i.alt,
    }));
    assert.ok(seen.natural > 0, `${path}: not loaded: ${JSON.stringify(seen)}`);
    assert.match(seen.width, /^\d+$/);
    assert.match(seen.height, /^\d+$/);
    assert.ok(seen.alt.length > 10, seen.alt);
    // Chromium takes the WebP source of the <picture>.
    assert.match(seen.current, /\.webp$/);
    await page.close();
  });
}

// A logo shown 72 CSS pixels wide on a list: the phone fetches the file its
// density needs (160 pixels at 2, 320 at 3), not the column's 480.
for (const [density, wanted] of [[2, "160w"], [3, "320w"]]) {
  test(`the clubs list's logos load ${wanted} files at density ${density}`, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: density });
    const page = await context.newPage();
    await page.goto(base + "clubs/");
    const logo = page.locator("img.card-logo").first();
    await logo.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const i = document.querySelector("img.card-logo");
      return i && i.complete && i.naturalWidth > 0;
    });
    const current = await logo.evaluate((i) => i.currentSrc);
    assert.ok(current.endsWith(`.${wanted}.webp`), current);
    await context.close();
  });
}
