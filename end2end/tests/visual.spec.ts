import { expect, test, type Page } from "@playwright/test";
import { noInheritedRightAlign, open, signIn } from "./helpers";

// What the key views look like, per viewport, compared with the baselines next to this file
// (`visual.spec.ts-snapshots/`). It runs after the stories that fill the database and before
// ledger.spec.ts adds random demo history, so the data on screen is the same every run.
// The viewport only (not the full page): a layout fault shows in what the admin sees first.
// Fonts are Debian's DejaVu and Liberation, installed by `make setup-test`. Dates, clock times
// and the live WhatsApp dot are masked; the threshold allows a few glyphs to differ (a new
// month's name, a Chromium update's anti-aliasing), not a moved or cut-off column or a dialog
// whose text runs the wrong way.
test.describe.configure({ mode: "serial" });

// Masked on a page: what changes from run to run or day to day.
const VOLATILE = [
  "[data-testid=wa-dot]",
  "td[data-label=Waktu]",
  "td[data-label=Dibuat]",
  "td[data-label='Jatuh tempo']",
  ".job-meta",
  "time",
  // The last backup's time and file name; the next scheduled stage's date.
  "[data-stat=backup]",
  "[data-stat=schedule]",
];
// Over a dialog only the dot is masked: the page behind is dimmed, and a mask drawn over the
// dialog would hide what the screenshot is for.
const VOLATILE_UNDER_DIALOG = ["[data-testid=wa-dot]"];

async function looks(page: Page, name: string, opts: { dialog?: boolean } = {}) {
  // Nothing moving: no caret, no transitions, fonts loaded.
  await page.evaluate(() => document.fonts.ready);
  // A statement link's token is random: drawn as a fixed one (in the text and the editor).
  await page.evaluate(() => {
    const token = /\/s\/[A-Za-z0-9_-]{32}/g;
    const fixed = "/s/" + "x".repeat(32);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const v = n.nodeValue ?? "";
      const r = v.replace(token, fixed);
      if (r !== v) n.nodeValue = r;
    }
    for (const t of Array.from(document.querySelectorAll("textarea"))) t.value = t.value.replace(token, fixed);
  });
  const masked: string[] = opts.dialog ? VOLATILE_UNDER_DIALOG : VOLATILE;
  await expect(page).toHaveScreenshot(`${name}.png`, {
    animations: "disabled",
    caret: "hide",
    mask: masked.map((s) => page.locator(s)),
    maxDiffPixelRatio: 0.02,
  });
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("dashboard", async ({ page }) => {
  await open(page, "/");
  await expect(page.locator("[data-stat=collected]")).toBeVisible();
  await looks(page, "dashboard");
});

test("tagihan, the row modal and the bulk modal", async ({ page }) => {
  await open(page, "/tagihan");
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await looks(page, "tagihan");

  await open(page, "/tagihan?q=Rina");
  await page.locator("tbody tr", { hasText: "Rina Kartika" }).getByTestId("wa-button").click();
  const row = page.getByRole("dialog", { name: "Kirim via WhatsApp" });
  await expect(row.locator(".wa-facts")).toContainText("Rina Kartika");
  await noInheritedRightAlign(row);
  await looks(page, "tagihan-row-modal", { dialog: true });
  await page.keyboard.press("Escape");

  await open(page, "/tagihan");
  await page.getByRole("button", { name: "Kirim Semua via WhatsApp" }).click();
  const bulk = page.getByRole("dialog", { name: "Kirim Semua via WhatsApp" });
  await expect(bulk.getByTestId("bulk-summary")).toBeVisible();
  await noInheritedRightAlign(bulk);
  await looks(page, "tagihan-bulk-modal", { dialog: true });
});

test("whatsapp and template", async ({ page }) => {
  await open(page, "/whatsapp");
  await expect(page.getByRole("heading", { level: 1, name: "WhatsApp" })).toBeVisible();
  await looks(page, "whatsapp");
  await open(page, "/template");
  await expect(page.getByRole("heading", { level: 1, name: "Template" })).toBeVisible();
  await looks(page, "template");
});

test("pengiriman and a job report", async ({ page }) => {
  await open(page, "/pengiriman");
  const first = page.locator("a.job-link").first();
  await expect(first).toBeVisible();
  await looks(page, "pengiriman");
  await first.click();
  await expect(page).toHaveURL(/\/pengiriman\/\d+$/);
  await expect(page.locator(".report-table tbody tr").first()).toBeVisible();
  await looks(page, "pengiriman-laporan");
});
