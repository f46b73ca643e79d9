// Play a task's media in the result viewer: the highlighted segment follows playback, a click on
// a segment seeks there, and the media route answers byte ranges.
// Usage: node player.mjs <airflow url> <jwt> <task id> <png path>; prints one JSON line.
import { chromium } from "playwright-core";

const [base, token, taskId, png] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--mute-audio"],
});
const out = {};
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 700 } });
  await context.addCookies([{ name: "_token", value: token, url: base }]);
  const page = await context.newPage();
  out.status = (await page.goto(`${base}/linguaflow/view/${taskId}`, { waitUntil: "load" })).status();
  await page.waitForFunction(() => document.getElementById("player").readyState >= 1, null, { timeout: 20000 });
  out.duration = await page.evaluate(() => document.getElementById("player").duration);
  await page.evaluate(() => document.getElementById("player").play());
  await page.waitForSelector("tr.now", { timeout: 15000 });
  out.first = await page.$eval("tr.now", (r) => r.id);
  await page.waitForFunction((first) => {
    const now = document.querySelector("tr.now");
    return now && now.id !== first;
  }, out.first, { timeout: 20000 });
  out.next = await page.$eval("tr.now", (r) => r.id);
  await page.evaluate(() => document.getElementById("player").pause());
  const rows = await page.$$("tr.seg");
  await rows[rows.length - 1].click();
  await page.waitForFunction(() => {  // the seek lands, then the highlight follows it (its own event, a moment later)
    const last = [...document.querySelectorAll("tr.seg")].pop();
    const now = document.querySelector("tr.now");
    return Math.abs(document.getElementById("player").currentTime - Number(last.dataset.start)) < 0.75 && now && now.id === last.id;
  }, null, { timeout: 10000 });
  out.clicked = await page.evaluate(() => [...document.querySelectorAll("tr.seg")].pop().id);
  out.afterClick = { time: await page.evaluate(() => document.getElementById("player").currentTime),
                     now: await page.$eval("tr.now", (r) => r.id) };
  out.downloads = await page.$$eval("a[download]", (as) => as.map((a) => a.getAttribute("download")));
  out.flagged = await page.$$eval("td.flag", (tds) => tds.map((td) => td.title));
  out.ranged = await page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Range: "bytes=0-99" } });
    return { status: r.status, bytes: (await r.arrayBuffer()).byteLength, range: r.headers.get("content-range") };
  }, `${base}/linguaflow/tasks/${taskId}/media`);
  await page.evaluate(() => document.getElementById("player").pause());
  await page.screenshot({ path: png, fullPage: false });
} catch (e) {
  out.error = String(e);
}
console.log(JSON.stringify(out));
await browser.close();
