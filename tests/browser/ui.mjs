// Browser test of the Airflow UI: the media DAG's trigger form and the result viewer page.
// Usage: node ui.mjs <airflow url> <jwt> <media uri> <task id> <out dir>
// Fills the form (media, adds German to the languages, task id) and triggers; prints one JSON line; screenshots to <out dir>.
import { chromium } from "playwright-core";

const [base, token, mediaUri, taskId, outDir] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
await context.addCookies([{ name: "_token", value: token, url: base }]);
const page = await context.newPage();
const result = {};
try {
  await page.goto(`${base}/dags/linguaflow_media`, { waitUntil: "networkidle" });
  await page.getByRole("button", { name: /^Trigger/ }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  // the Params' titles and descriptions label the form's fields
  result.form = {
    media: await dialog.getByText("Media URI").count(),
    languages: await dialog.getByText("Target languages").count(),
    engine: await dialog.getByText("ASR engine").count(),
  };
  await dialog.locator("#element_media_uri").fill(mediaUri);
  await dialog.locator("#element_task_id").fill(taskId);
  // the language multi-select: keep the defaults (zh, ja) and add German
  await dialog.locator("#element_target_languages input").first().click();
  await page.keyboard.type("de");
  await page.keyboard.press("Enter");
  await dialog.getByText("Trigger Dag - linguaflow_media").click();  // close the dropdown (Escape would close the dialog)
  result.chips = await dialog.locator("#element_target_languages").innerText();
  await page.screenshot({ path: `${outDir}/trigger-form.png` });
  await page.locator("button", { hasText: /^\s*Trigger\s*$/ }).last().click();
  await dialog.waitFor({ state: "detached", timeout: 30000 });
  result.triggered = true;
  console.log(JSON.stringify(result));
} catch (e) {
  await page.screenshot({ path: `${outDir}/failure.png` });
  console.log(JSON.stringify({ ...result, error: String(e) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
