// End-to-end: the overlay of `alumni serve` for editors, in headless Chromium.
// serve starts on a broken site and shows its error; fixing the file reloads
// to the page; a broken link shows as a warning; the overlay folds to a
// badge and back, by keyboard too, and stays folded across reloads; on a
// 390 px phone it has no horizontal overflow and the caret stands under its
// column's character, after a tab and wide characters; axe finds no serious
// or critical violation in it.
//
// Needs the release binary (cargo build --release) and Debian's chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const repo = resolve(import.meta.dirname, "..", "..");
const binary = process.env.ALUMNI_BIN || join(repo, "target", "release", "alumni");
const chromiumFlags = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const PAGE = "clubs/club-docteurs-chercheurs-et-doctorants/";

let site, server, browser, base, file, original;

function startServer(root) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, ["serve", "--root", root, "--port", "0", "--lang", "en"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LC_ALL: "C.UTF-8" },
    });
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
  site = mkdtempSync(join(tmpdir(), "alumni-overlay-"));
  cpSync(join(repo, "tests", "fixtures", "site"), site, { recursive: true });
  file = join(site, "content", "clubs", "docteurs.md");
  original = readFileSync(file, "utf8");
  // Broken before the server starts: nothing can be built.
  writeFileSync(file, original.replace("date: 2026-11-20", "date: [2026"));
  ({ child: server, url: base } = await startServer(site));
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumFlags });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
  if (site) rmSync(site, { recursive: true, force: true });
});

// Adds a paragraph to the page's body.
function withBody(extra) {
  writeFileSync(file, original + "\n" + extra + "\n");
}

test("serve starts on a broken site, shows the overlay, and reloads to the page once fixed", async () => {
  const page = await browser.newPage();
  const response = await page.goto(base + PAGE);
  assert.equal(response.status(), 503);
  const overlay = page.locator("#alumni-errors");
  await overlay.waitFor({ state: "visible", timeout: 15000 });
  const text = await overlay.innerText();
  assert.match(text, /content\/clubs\/docteurs\.md:4:7: error: invalid YAML/);
  assert.match(text, /nothing could be built yet/);
  // The source line reads as written: the caret adds no text to it.
  assert.match(text, /date: \[2026/);
  // The page under it says what happens, in both languages.
  const body = await page.locator("main").innerText();
  assert.match(body, /Le site ne peut pas encore être construit/);
  assert.match(body, /The site cannot be built yet/);
  // The panel names itself and is focused on arrival.
  assert.equal(await page.getAttribute(".a-panel", "role"), "dialog");
  assert.equal(await page.evaluate(() => document.activeElement.className), "a-panel");

  writeFileSync(file, original);
  await page.waitForFunction(() => document.querySelector("h1") && document.querySelector("h1").textContent.includes("Club des docteurs"), null, { timeout: 15000 });
  await overlay.waitFor({ state: "detached", timeout: 15000 });
  await page.close();
});

test("a broken link shows as a warning in the overlay, and goes with the fix", async () => {
  const page = await browser.newPage();
  await page.goto(base + PAGE);
  withBody("Voir [la page perdue](/nulle-part/).");
  await page.waitForFunction(() => document.body.innerText.includes("la page perdue"), null, { timeout: 15000 });
  const warning = page.locator("#alumni-errors .a-warning");
  await warning.waitFor({ state: "visible", timeout: 15000 });
  const text = await warning.innerText();
  assert.match(text, /content\/clubs\/docteurs\.md:\d+:\d+: warning: link to `\/nulle-part\/`, which is not a page or file of the site/);
  assert.match(await page.locator("#alumni-errors h2").innerText(), /1 warning/);
  writeFileSync(file, original);
  await page.locator("#alumni-errors").waitFor({ state: "detached", timeout: 15000 });
  await page.close();
});

test("the overlay folds to a badge and back, by keyboard, and stays folded for the session", async () => {
  const page = await browser.newPage();
  await page.goto(base + PAGE);
  withBody("Voir [la page perdue](/nulle-part/).");
  const panel = page.locator("#alumni-errors .a-panel");
  const badge = page.locator("#alumni-errors .a-badge");
  await panel.waitFor({ state: "visible", timeout: 15000 });
  assert.equal(await badge.isVisible(), false);
  // Keyboard: from the panel, Tab reaches the fold button; Enter folds.
  await page.focus("#alumni-errors .a-panel");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "a-fold");
  await page.keyboard.press("Enter");
  await badge.waitFor({ state: "visible" });
  assert.equal(await panel.isVisible(), false);
  assert.equal(await badge.innerText(), "1 warning");
  assert.equal(await page.evaluate(() => document.activeElement.className.includes("a-badge")), true);
  // Remembered across a reload in this tab.
  await page.reload();
  await badge.waitFor({ state: "visible", timeout: 15000 });
  assert.equal(await panel.isVisible(), false);
  // The badge reopens it, and Escape folds it again.
  await page.focus("#alumni-errors .a-badge");
  await page.keyboard.press("Enter");
  await panel.waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.activeElement.className), "a-fold");
  await page.keyboard.press("Escape");
  await badge.waitFor({ state: "visible" });
  await page.locator("#alumni-errors .a-badge").click();
  await panel.waitFor({ state: "visible" });
  writeFileSync(file, original);
  await page.locator("#alumni-errors").waitFor({ state: "detached", timeout: 15000 });
  await page.close();
});

test("on a 390 px phone the overlay does not overflow and the caret stands under its character", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true });
  // (Not `isMobile`: the fixture theme has no viewport meta, which would lay
  // the page out 980 px wide; a real theme has one, so 390 CSS px it is.)
  const page = await context.newPage();
  await page.goto(base + PAGE);
  // A long line that wraps on a phone, with a tab and wide characters before the link.
  withBody("Un texte qui passe à la ligne,\tpuis 漢字とカタカナ 🎓 et des mots avant [le lien](/introuvable/) puis la fin.");
  const caret = page.locator("#alumni-errors .a-caret");
  await caret.waitFor({ state: "attached", timeout: 15000 });
  const m = await page.evaluate(() => {
    const root = document.getElementById("alumni-errors");
    const rect = (e) => e.getBoundingClientRect();
    const overflow = [...root.querySelectorAll("*")]
      .filter((e) => e.getClientRects().length > 0 && rect(e).right > window.innerWidth + 0.5)
      .map((e) => e.className || e.tagName);
    const panel = root.querySelector(".a-panel");
    const at = root.querySelector(".a-at");
    const caret = root.querySelector(".a-caret");
    const cells = [...root.querySelectorAll(".a-warning .a-c")];
    const one = cells.find((c) => c.style.width === "1ch");
    const ch = rect(one).width;
    const rows = new Map();
    for (const c of cells) {
      const top = Math.round(rect(c).top);
      if (!rows.has(top)) rows.set(top, []);
      rows.get(top).push(c);
    }
    // Cells follow each other without gaps, each as wide as its columns.
    let gridErrors = [];
    for (const row of rows.values()) {
      for (let i = 0; i < row.length; i++) {
        const w = parseFloat(row[i].style.width);
        if (Math.abs(rect(row[i]).width - w * ch) > 0.5) gridErrors.push(`width of ${row[i].textContent}`);
        if (i > 0 && Math.abs(rect(row[i]).left - rect(row[i - 1]).right) > 0.5) gridErrors.push(`gap before ${row[i].textContent}`);
      }
    }
    const location = root.querySelector(".a-warning .a-loc").textContent;
    return {
      overflow,
      panelScroll: panel.scrollWidth - panel.clientWidth,
      docScroll: document.documentElement.scrollWidth - window.innerWidth,
      rows: rows.size,
      gridErrors,
      atText: at.firstChild.textContent,
      atCol: at.getAttribute("data-col"),
      locationCol: location.split(":").pop(),
      caretLeft: rect(caret).left,
      atLeft: rect(at).left,
      caretTop: rect(caret).top,
      charBottom: rect(at).top + parseFloat(getComputedStyle(at).lineHeight),
      wide: cells.filter((c) => c.style.width === "2ch" && !c.classList.contains("a-tab")).map((c) => c.textContent),
      tab: cells.filter((c) => c.classList.contains("a-tab")).map((c) => c.style.width),
    };
  });
  assert.deepEqual(m.overflow, [], "no element of the overlay reaches past the screen's right edge");
  assert.ok(m.panelScroll <= 0, `the panel scrolls sideways by ${m.panelScroll} px`);
  assert.ok(m.docScroll <= 0, `the page scrolls sideways by ${m.docScroll} px`);
  assert.ok(m.rows >= 3, `the line wraps on the phone (${m.rows} rows)`);
  assert.deepEqual(m.gridErrors, []);
  // The caret's cell is the character at the diagnostic's column...
  assert.equal(m.atText, "/");
  assert.equal(m.atCol, m.locationCol);
  // ...and the caret is under it, at the same x.
  assert.ok(Math.abs(m.caretLeft - m.atLeft) < 0.5, `caret at ${m.caretLeft}, character at ${m.atLeft}`);
  assert.ok(m.caretTop >= m.charBottom - 0.5, "the caret is below its character");
  assert.deepEqual(m.wide, ["漢", "字", "と", "カ", "タ", "カ", "ナ", "🎓"]);
  assert.equal(m.tab.length, 1);
  if (process.env.OVERLAY_SHOT) await page.screenshot({ path: process.env.OVERLAY_SHOT });

  // Accessible: axe finds nothing serious in the overlay.
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(async () => await window.axe.run({ include: [["#alumni-errors"]] }));
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`), []);
  writeFileSync(file, original);
  await page.locator("#alumni-errors").waitFor({ state: "detached", timeout: 15000 });
  await context.close();
});
