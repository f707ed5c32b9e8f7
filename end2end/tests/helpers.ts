import { expect, type Locator, type Page } from "@playwright/test";
import { join, resolve } from "node:path";

/**
 * A sending policy that never holds (Pengaturan → Kebijakan pengiriman): the stories send at any
 * hour the tests run, dozens of messages within minutes, from numbers waha-sim links on the spot.
 */
export const NO_HOLDS = {
  quiet_enabled: false,
  quiet_start: "21:00",
  quiet_end: "07:00",
  daily_cap: "",
  waves_enabled: false,
  wave_size: "25",
  wave_pause: "20",
  warmup_enabled: false,
  warmup_days: "14",
  warmup_first: "20",
  warmup_step: "20",
  guard_enabled: false,
  guard_failed_pct: "30",
  guard_undelivered_pct: "50",
  guard_undelivered_mins: "30",
};

/** The release binary under test. */
export const TAGIH_BIN = process.env.TAGIH_BIN ?? resolve(__dirname, "../../target/release/tagih");

/** A viewport server's SQLite database, named by its port (the config sets the folder). */
export function dbUrl(port: number) {
  return `sqlite://${join(process.env.TAGIH_E2E_DATA_DIR!, `tagih-${port}.db`)}?mode=rwc`;
}

/** Opens a path and waits until the wasm has hydrated the page (forms then run through it). */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
}

export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

// Server-function refusals the UI handles and explains (the browser still logs them).
const EXPECTED_STATUS = /the server responded with a status of (401|409|422|429)/;

/** Collects page errors and console errors, except the expected refusals above. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !EXPECTED_STATUS.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export function isNarrow(page: Page) {
  return (page.viewportSize()?.width ?? 1280) < 960;
}

/** Nothing sticks out sideways: the page fits the viewport width. */
export async function fitsWidth(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll, "page wider than the viewport").toBeLessThanOrEqual(width);
}

/**
 * A dialog is its own layout: no text in it may inherit right alignment from where it was opened
 * (a table cell). Money columns (`.num`) and the action row are right-aligned on purpose.
 */
export async function noInheritedRightAlign(dialog: Locator) {
  const offenders = await dialog.evaluate((root) => {
    const bad: string[] = [];
    for (const el of Array.from(root.querySelectorAll("*"))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim() !== "");
      if (!own || el.closest(".num, .modal-actions")) continue;
      const align = getComputedStyle(el).textAlign;
      if (align === "right" || align === "end") bad.push(`${el.tagName.toLowerCase()}: ${el.textContent!.trim().slice(0, 40)}`);
    }
    return bad;
  });
  expect(offenders, "right-aligned text in a dialog").toEqual([]);
}

/** The element is entirely inside the viewport horizontally (no sideways scrolling to reach it). */
export async function inViewportX(page: Page, target: Locator) {
  const box = await target.boundingBox();
  expect(box, "element not rendered").not.toBeNull();
  const width = page.viewportSize()!.width;
  expect(box!.x, "element starts left of the viewport").toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, "element cut off at the right edge").toBeLessThanOrEqual(width);
}

export async function shot(page: Page, name: string) {
  const project = test_project(page);
  await page.screenshot({ path: `test-results/screens/${project}-${name}.png`, fullPage: true });
}

function test_project(page: Page) {
  const w = page.viewportSize()?.width ?? 0;
  return w < 640 ? "mobile" : "desktop";
}

/** waha-sim, one per viewport: its port next to Tagih's, and the key both are started with. */
export const SIM_KEY = "e2e-sim-key-4b7d2c91";
export const simPort = (serverPort: number) => serverPort + 10;

/** The owner the first-run story (foundation.spec.ts) creates. */
export const OWNER = { name: "Budi Santoso", username: "budi", password: "kuda-laut-biru-7" };

/** Signs in as the owner and waits for the dashboard. */
export async function signIn(page: Page) {
  await open(page, "/login");
  if (page.url().includes("/login")) {
    await page.getByLabel("Nama pengguna").fill(OWNER.username);
    await page.getByLabel("Kata sandi").fill(OWNER.password);
    await page.getByRole("button", { name: "Masuk" }).click();
  }
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await hydrated(page);
}

/** The viewport's waha-sim, from the page's Tagih URL. */
export function simUrl(page: Page) {
  const port = Number(new URL(page.url()).port);
  return `http://127.0.0.1:${simPort(port)}`;
}

/** The viewport's WhatsApp session is WORKING: started, and "scanned" in the simulator when it
 * asks for a QR (an earlier spec may have linked it already, then a start logs straight in). */
export async function connectWhatsApp(page: Page) {
  const base = simUrl(page);
  const headers = { "X-Api-Key": SIM_KEY };
  await page.request.post(`${base}/api/sessions/default/start`, { headers });
  await expect
    .poll(
      async () => {
        const status = (await (await page.request.get(`${base}/api/sessions/default`, { headers })).json()).status;
        if (status === "SCAN_QR_CODE") await page.request.post(`${base}/_sim/sessions/default/scan`);
        return status;
      },
      { timeout: 15_000 },
    )
    .toBe("WORKING");
}

/** Calls a server function with the page's session (form-encoded, as the app does). */
export async function call(page: Page, name: string, form: Record<string, string>) {
  const origin = new URL(page.url()).origin;
  const r = await page.request.post(`${origin}/api/${name}`, { form, headers: { Origin: origin } });
  expect(r.ok(), `${name}: ${r.status()} ${await r.text()}`).toBeTruthy();
  return r.json();
}

export async function callJson(page: Page, name: string, data: unknown) {
  const origin = new URL(page.url()).origin;
  const r = await page.request.post(`${origin}/api/${name}`, { data, headers: { Origin: origin } });
  expect(r.ok(), `${name}: ${r.status()} ${await r.text()}`).toBeTruthy();
  return r.json();
}
