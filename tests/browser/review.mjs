// Open a run's review (Airflow's Required Actions page of its `review` task) as a reviewer does,
// wait for the form, screenshot it. Usage: node review.mjs <airflow url> <jwt> <run id> <png path>;
// prints one JSON line: the page's text and whether the Publish button is there.
import { chromium } from "playwright-core";

const [base, token, runId, png] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const out = {};
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: "_token", value: token, url: base }]);
  const page = await context.newPage();
  const response = await page.goto(`${base}/dags/linguaflow_media/runs/${runId}/tasks/review/required_actions`,
                                   { waitUntil: "load" });
  out.status = response.status();
  const publish = page.getByRole("button", { name: "Publish" });
  await publish.first().waitFor({ timeout: 60000 });
  out.publish = await publish.count();
  await page.waitForTimeout(500);  // the form's fields settle
  out.text = (await page.innerText("body")).slice(0, 4000);
  await page.screenshot({ path: png, fullPage: false });
} catch (e) {
  out.error = String(e);
}
console.log(JSON.stringify(out));
await browser.close();
