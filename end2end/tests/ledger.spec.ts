import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { TAGIH_BIN, dbUrl, fitsWidth, open, shot, signIn, watchErrors } from "./helpers";

// Pembayaran and Piutang per viewport, after every other spec: the payments the earlier specs
// recorded (a transfer, a reversal, a kasir's cash), then months of demo history added to the
// same database, bucketed by age, one bucket opened and offered as statements in bulk.
test.describe.configure({ mode: "serial" });

/** "Rp 1.250.000" → 1250000. */
function rupiah(text: string) {
  return Number(text.replace(/[^\d]/g, ""));
}

test("payments list: what came in, by method and person, a reversal shown but not counted", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page);
  await open(page, "/pembayaran");
  await expect(page.getByRole("heading", { level: 1, name: "Pembayaran" })).toBeVisible();
  // This month by default: the chip says so.
  await expect(page.locator(".chips .chip-on")).toHaveText("Bulan ini");

  // Billing's reversed Rp 100.000 is listed, marked, with its reason, and not counted.
  const reversed = page.locator("tbody tr.row-reversed");
  await expect(reversed).toHaveCount(1);
  await expect(reversed).toContainText("Dibatalkan");
  await expect(reversed).toContainText("Salah catat, uang belum diterima");
  await expect(page.getByTestId("reversed-total")).toHaveText("1 dibatalkan (Rp 100.000), tidak dihitung");

  // The headline is the sum of the rows received, and of each breakdown.
  const amounts = await page.locator("tbody tr:not(.row-reversed) td[data-label=Jumlah]").allTextContents();
  const sum = amounts.map(rupiah).reduce((a, b) => a + b, 0);
  const received = rupiah((await page.locator("[data-stat=received] .stat-value").textContent())!);
  expect(sum).toBeGreaterThanOrEqual(320_000); // 50.000 + 120.000 (billing) + 150.000 (kasir)
  expect(received).toBe(sum);
  for (const id of ["by-method", "by-user", "by-day"]) {
    const parts = await page.getByTestId(id).locator("dd").allTextContents();
    expect(parts.map(rupiah).reduce((a, b) => a + b, 0), id).toBe(received);
  }
  await expect(page.getByTestId("by-method")).toContainText("Transfer bank");
  await expect(page.getByTestId("by-user")).toContainText("kasir1");
  await fitsWidth(page);
  await shot(page, "70-pembayaran");

  // A filter narrows rows and totals alike; the export carries the same rows.
  await page.getByLabel("Cara bayar").selectOption({ label: "Transfer bank" });
  await page.getByRole("button", { name: "Terapkan" }).click();
  await expect(page).toHaveURL(/method=bank_transfer/);
  await expect(page.locator("tbody tr", { hasText: "BRI 0012" })).toHaveCount(1);
  await expect(page.locator("tbody tr", { hasText: "Tunai" })).toHaveCount(0);
  const csv = await page.request.get("/ekspor/pembayaran.csv");
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain("Siti Aminah");
  expect(text).toMatch(/,dibatalkan,.*,"?Salah catat, uang belum diterima"?/);
  expect(text).toContain(",kasir1,");

  // Bad input is named next to the field and changes nothing.
  await open(page, "/pembayaran?from=2026-12-31&to=2026-01-01");
  await expect(page.locator("#f-from-err")).toHaveText("Tanggal awal harus sebelum tanggal akhir.");
  await fitsWidth(page);
  expect(errors).toEqual([]);
});

test("piutang: debtors by age; a bucket opens its invoices and sends one statement per customer", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  // Months of history next to what the earlier specs made: overdue invoices of every age.
  const port = Number(new URL(baseURL!).port);
  execFileSync(TAGIH_BIN, ["seed-demo", "--customers", "24", "--months", "5", "--seed", "3"], {
    env: { ...process.env, DATABASE_URL: dbUrl(port), RUST_LOG: "warn" },
    stdio: "pipe",
  });

  await signIn(page);
  await open(page, "/piutang");
  await expect(page.getByRole("heading", { level: 1, name: "Piutang" })).toBeVisible();
  const buckets = page.locator(".aging-row");
  await expect(buckets).toHaveCount(5);
  // The total is the sum of the buckets.
  const owed = (await buckets.locator(".aging-owed").allTextContents()).map(rupiah);
  const total = rupiah((await page.locator("[data-stat=owed-total] .stat-value").textContent())!);
  expect(owed.reduce((a, b) => a + b, 0)).toBe(total);
  // The oldest bucket that has debtors (the demo's payments decide which).
  const LABELS: Record<string, string> = {
    "90+": "Terlambat lebih dari 90 hari",
    "61-90": "Terlambat 61–90 hari",
    "31-60": "Terlambat 31–60 hari",
    "1-30": "Terlambat 1–30 hari",
  };
  let bucket = "";
  let customers = 0;
  for (const b of Object.keys(LABELS)) {
    const text = (await page.locator(`.aging-row[data-bucket="${b}"] .aging-foot .muted`).textContent())!;
    customers = Number(text.match(/(\d+) pelanggan/)![1]);
    if (customers > 0) {
      bucket = b;
      break;
    }
  }
  expect(customers, "some debtor is late").toBeGreaterThan(0);
  await expect(page.locator(".debtor-table tbody tr").first()).toContainText("hari");
  await fitsWidth(page);
  await shot(page, "71-piutang");

  // That bucket: its open invoices only, and "Kirim Semua" makes one message per debtor.
  const row = page.locator(`.aging-row[data-bucket="${bucket}"]`);
  await row.getByRole("link", { name: "Lihat & kirim" }).click();
  await expect(page).toHaveURL(new RegExp(`/tagihan\\?period=all&status=open&aging=${encodeURIComponent(bucket)}$`));
  await expect(page.getByTestId("aging-filter")).toContainText(LABELS[bucket]);
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await fitsWidth(page);
  await shot(page, "72-piutang-tagihan");
  await page.getByRole("button", { name: "Kirim Semua via WhatsApp" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("bulk-summary")).toContainText(`, ${customers} pelanggan)`);
  await shot(page, "73-piutang-kirim");
  await dialog.getByRole("button", { name: "Batal" }).click();

  // The note's link removes the bucket and keeps the rest.
  await page.getByRole("link", { name: "Hapus saringan" }).click();
  await expect(page).toHaveURL(/status=open/);
  await expect(page).not.toHaveURL(/aging=/);
  await expect(page.getByTestId("aging-filter")).toHaveCount(0);
  expect(errors).toEqual([]);
});
