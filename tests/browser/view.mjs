// Open the result viewer page of one task with the UI's session cookie and screenshot it.
// Usage: node view.mjs <airflow url> <jwt> <task id> <png path>; prints the page's text.
import { chromium } from "playwright-core";

const [base, token, taskId, png] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1200, height: 500 } });
await context.addCookies([{ name: "_token", value: token, url: base }]);
const page = await context.newPage();
const response = await page.goto(`${base}/linguaflow/view/${taskId}`, { waitUntil: "load" });
await page.screenshot({ path: png, fullPage: true });
console.log(JSON.stringify({ status: response.status(), text: await page.innerText("body") }));
await browser.close();
