// The "New transcription" page: choose a real media file, pick a language, create the task and
// land on its viewer, which shows live progress and reloads with the result when the run ends.
// Usage: node upload.mjs <airflow url> <jwt> <media file> <png path> (the form; -result.png the end); prints one JSON line.
import { chromium } from "playwright-core";

const [base, token, media, png] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const out = { progress: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  await context.addCookies([{ name: "_token", value: token, url: base }]);
  const page = await context.newPage();
  out.status = (await page.goto(`${base}/linguaflow/new`, { waitUntil: "load" })).status();
  await page.setInputFiles("#file", media);
  out.chosen = await page.textContent("#chosen");
  await page.selectOption("#targets", ["de"]);
  await page.screenshot({ path: png, fullPage: false });  // the form, filled in
  await page.click("#create");
  await page.waitForURL(/\/linguaflow\/view\//, { timeout: 30000 });
  out.url = page.url();
  // live progress until the page reloads with the finished result
  const deadline = Date.now() + 400000;
  while (Date.now() < deadline) {
    let text;
    try {
      const live = await page.$("#live");
      if (!live) break;
      text = (await live.textContent()) || "";
    } catch (e) {  // the page reloaded with the result between the two calls: look again once it has loaded
      await page.waitForLoadState("load");
      continue;
    }
    if (!out.progress.includes(text)) out.progress.push(text);
    await page.waitForTimeout(1000);
  }
  await page.waitForLoadState("load");
  out.text = await page.innerText("body");
  await page.screenshot({ path: png.replace(/\.png$/, "-result.png"), fullPage: false });
} catch (e) {
  out.error = String(e);
}
console.log(JSON.stringify(out));
await browser.close();
