// The theme on a phone (390 x 844) in headless Chromium, on the repository's
// own site served by `alumni serve`: the header stays small on every kind of
// page, its menu opens without JavaScript, search is in the header, every
// link and button is a target of at least 24 x 24 CSS px or has room around
// it (WCAG 2.2, 2.5.8), and the language link of an untranslated page says
// it leads to the other language's home. A copy of the site with one example
// club (addresses under example.org) shows a club's contact block.
//
// Needs the release binary (cargo build --release) and Debian's chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "..", "..");
const binary = join(repo, "target", "release", "alumni");
const shots = join(repo, "tests", "screenshots");
const chromiumFlags = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const PHONE = { width: 390, height: 844 };

// One page of each kind the header must fit on.
const PAGES = {
  home: "",
  "home-en": "en/",
  list: "clubs/",
  club: "clubs/biotech/",
  article: "interviews/ambitions-du-reseau/",
  term: "tags/clubs/",
  search: "recherche/",
  untranslated: "en/tags/clubs/",
};

// The regions whose targets are measured.
const REGIONS = ".site-header, .breadcrumbs, .tags, .site-footer";

let site, repoServer, copyServer, browser, base, copyBase;

function startServer(root) {
  return new Promise((done, fail) => {
    const child = spawn(binary, ["serve", "--root", root, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C.UTF-8" } });
    let out = "";
    const timer = setTimeout(() => fail(new Error("serve did not start: " + out)), 20000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/serving the site at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        done({ child, url: m[1] });
      }
    });
    child.stderr.on("data", (chunk) => { out += chunk; });
    child.on("exit", (code) => fail(new Error(`serve exited with ${code}: ${out}`)));
  });
}

// An example club written as a bundle, with every way to reach it.
const EXAMPLE_CLUB = `---
title: "Club d'exemple"
description: "Un club d'exemple pour les tests du thème."
weight: 90
club_kind: [thématique]
status: actif
scope: "Personne : c'est un exemple"
contact: "Le bureau du club d'exemple"
contact_email: "bureau@example.org"
website: "https://club.example.org/"
logo: { src: logo.svg, alt: "Logo du club d'exemple" }
---
Un exemple.
`;
const EXAMPLE_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" fill="#1d2c4c"/></svg>\n`;

before(async () => {
  mkdirSync(shots, { recursive: true });
  site = mkdtempSync(join(tmpdir(), "alumni-phone-"));
  cpSync(join(repo, "content"), join(site, "content"), { recursive: true });
  cpSync(join(repo, "themes"), join(site, "themes"), { recursive: true });
  mkdirSync(join(site, "content", "clubs", "club-d-exemple"));
  writeFileSync(join(site, "content", "clubs", "club-d-exemple", "index.md"), EXAMPLE_CLUB);
  writeFileSync(join(site, "content", "clubs", "club-d-exemple", "logo.svg"), EXAMPLE_LOGO);
  const [a, b] = await Promise.all([startServer(repo), startServer(site)]);
  repoServer = a.child;
  base = a.url;
  copyServer = b.child;
  copyBase = b.url;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags });
});

after(async () => {
  if (browser) await browser.close();
  if (repoServer) repoServer.kill("SIGTERM");
  if (copyServer) copyServer.kill("SIGTERM");
  if (site) rmSync(site, { recursive: true, force: true });
});

// Every visible target of the regions that is smaller than 24 x 24 px and
// whose 24 px circle (centred on it) meets another target or its circle.
function crampedTargets(regions) {
  const targets = [...document.querySelectorAll(regions)]
    .flatMap((r) => [...r.querySelectorAll("a[href], button, summary, input:not([type=hidden]), select, textarea")])
    .filter((el, i, all) => all.indexOf(el) === i)
    .map((el) => ({ el, rect: el.getBoundingClientRect() }))
    .filter(({ el, rect }) => rect.width > 0 && rect.height > 0 && getComputedStyle(el).visibility !== "hidden");
  const small = ({ rect }) => rect.width < 24 || rect.height < 24;
  const centre = ({ rect }) => [rect.left + rect.width / 2, rect.top + rect.height / 2];
  // Distance from a point to a rectangle (0 inside it).
  const toRect = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const name = ({ el, rect }) => `${el.tagName.toLowerCase()} "${(el.textContent || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(rect.width)}x${Math.round(rect.height)}`;
  return targets.filter((t) => small(t)).filter((t) => {
    const c = centre(t);
    return targets.some((o) => {
      if (o === t || o.el.contains(t.el) || t.el.contains(o.el)) return false;
      if (toRect(c, o.rect) < 12) return true;
      return small(o) && Math.hypot(c[0] - centre(o)[0], c[1] - centre(o)[1]) < 24;
    });
  }).map(name);
}

for (const [kind, path] of Object.entries(PAGES)) {
  test(`${kind} at 390 x 844: the header is at most 120 px tall`, async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(base + path);
    const height = await page.locator(".site-header").evaluate((h) => h.getBoundingClientRect().height);
    await page.screenshot({ path: join(shots, `phone-${kind}.png`) });
    assert.ok(height <= 120, `the header is ${height} px tall`);
    await page.close();
  });

  test(`${kind} at 390 x 844: targets of the header, breadcrumbs, tags and footer are 24 px or spaced`, async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(base + path);
    assert.deepEqual(await page.evaluate(crampedTargets, REGIONS), []);
    // Breadcrumbs and tags, too short to tap before, are 24 px tall whatever their spacing.
    const heights = await page.locator(".breadcrumbs a, .tags a").evaluateAll((links) => links.map((a) => a.getBoundingClientRect().height));
    assert.ok(heights.every((h) => h >= 24), `heights ${heights.join(", ")}`);
    // The open menu's links too.
    await page.locator(".site-header summary").click();
    assert.deepEqual(await page.evaluate(crampedTargets, ".site-header"), []);
    await page.close();
  });
}

test("at 390 x 844 the menu opens without JavaScript, by mouse and by keyboard", async () => {
  const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(base + "clubs/");
  const menu = page.locator(".site-header summary");
  assert.ok(await menu.isVisible(), "a menu button is shown");
  assert.match(await menu.innerText(), /Menu/);
  const link = page.locator(".main-nav a", { hasText: "Entretiens" });
  assert.equal(await link.isVisible(), false, "the menu starts closed");
  await menu.click();
  assert.ok(await link.isVisible(), "a click opens the menu");
  await menu.click();
  assert.equal(await link.isVisible(), false, "a second click closes it");
  await menu.focus();
  await page.keyboard.press("Enter");
  assert.ok(await link.isVisible(), "Enter opens the menu");
  await page.screenshot({ path: join(shots, "phone-menu-open.png") });
  await link.click();
  assert.equal(page.url(), base + "interviews/");
  await context.close();
});

test("with JavaScript, Escape or a click elsewhere closes the menu", async () => {
  const page = await browser.newPage({ viewport: PHONE });
  await page.goto(base + "clubs/");
  const menu = page.locator(".site-header summary");
  const link = page.locator(".main-nav a", { hasText: "Entretiens" });
  await menu.click();
  assert.ok(await link.isVisible());
  await page.keyboard.press("Escape");
  assert.equal(await link.isVisible(), false, "Escape closes the menu");
  assert.ok(await menu.evaluate((s) => s === document.activeElement), "focus goes back to the menu button");
  await menu.click();
  await page.mouse.click(195, 780);
  assert.equal(await link.isVisible(), false, "a click on the page closes the menu");
  await page.close();
});

test("at 1280 px the menu's links show without opening anything", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base);
  assert.equal(await page.locator(".site-header summary").isVisible(), false);
  assert.ok(await page.locator(".main-nav a", { hasText: "Entretiens" }).isVisible());
  assert.ok(await page.locator(".site-header input[type=search]").isVisible());
  await page.screenshot({ path: join(shots, "desktop-home.png") });
  await page.close();
});

test("the header holds a search form that leads to the search page without JavaScript", async () => {
  const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(base + "clubs/biotech/");
  const field = page.locator(".site-header form[role=search] input[type=search]");
  assert.ok(await field.isVisible(), "a search field is shown in the header");
  assert.equal(await field.getAttribute("name"), "q");
  await field.fill("docteurs");
  await page.locator(".site-header form[role=search] button").click();
  assert.equal(page.url(), base + "recherche/?q=docteurs");
  await context.close();
});

test("the search page finds the words typed in the header", async () => {
  const page = await browser.newPage({ viewport: PHONE });
  await page.goto(base + "en/");
  await page.locator(".site-header input[type=search]").fill("doctors");
  await page.keyboard.press("Enter");
  await page.waitForURL(base + "en/search/?q=doctors");
  await page.locator("#search-results li").first().waitFor();
  assert.match(await page.locator("#search-results").innerText(), /Doctors/);
  await page.close();
});

test("on an untranslated page the language link says it leads to the home page", async () => {
  const page = await browser.newPage({ viewport: PHONE });
  await page.goto(base + "en/tags/clubs/");
  const link = page.locator(".site-header .languages a");
  assert.equal(await link.getAttribute("href"), "/");
  assert.equal(await link.getAttribute("hreflang"), "fr");
  assert.match(await link.innerText(), /Français.*accueil/s);
  assert.ok(await link.isVisible());
  // A translated page names the language alone and goes to the translation.
  await page.goto(base + "clubs/biotech/");
  assert.equal(await link.innerText(), "English");
  assert.equal(await link.getAttribute("href"), "/en/clubs/biotech/");
  await page.close();
});

test("a page shown in French for want of a translation links to its French original", async () => {
  const page = await browser.newPage({ viewport: PHONE });
  await page.goto(base + "en/news/site-en-ligne/");
  const link = page.locator(".site-header .languages a");
  assert.equal(await link.getAttribute("href"), "/news/site-en-ligne/");
  assert.equal(await link.innerText(), "Français");
  await page.close();
});

test("a club page shows its contact, e-mail, website and logo, labelled in its language", async () => {
  const page = await browser.newPage({ viewport: PHONE });
  await page.goto(copyBase + "clubs/club-d-exemple/");
  const contact = page.locator(".club-contact");
  assert.match(await contact.innerText(), /Le bureau du club d'exemple/);
  assert.match(await contact.innerText(), /Contact/);
  const mail = contact.locator('a[href^="mailto:"]');
  assert.equal(await mail.getAttribute("href"), "mailto:bureau@example.org");
  assert.equal(await mail.innerText(), "bureau@example.org");
  const web = contact.locator('a[href="https://club.example.org/"]');
  assert.ok(await web.isVisible());
  assert.match(await web.getAttribute("rel"), /\bexternal\b/);
  assert.match(await web.getAttribute("rel"), /\bugc\b/);
  const logo = page.locator("img.club-logo");
  assert.equal(await logo.getAttribute("alt"), "Logo du club d'exemple");
  assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), "the logo loads");
  await page.screenshot({ path: join(shots, "phone-club-contact.png"), fullPage: true });
  // A real club of the repository: its contact, in English on the English page.
  await page.goto(base + "en/clubs/biotech/");
  assert.match(await page.locator(".club-contact").innerText(), /Contact[\s\S]*Alumni Relations Office/);
  await page.close();
});
