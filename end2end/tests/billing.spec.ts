import { expect, test, type Page } from "@playwright/test";
import { fitsWidth, hydrated, isNarrow, open, shot, watchErrors } from "./helpers";

// The billing story per viewport, in order: package → customer → invoice run → payment →
// status change; then bad CSV and bad form input. Each viewport has its own server and
// database; this file signs in as the owner the foundation story created (or creates it).
test.describe.configure({ mode: "serial" });

const OWNER = { name: "Budi Santoso", username: "budi", password: "kuda-laut-biru-7" };
const PACKAGE = "Rumahan 10 Mbps";

async function signIn(page: Page) {
  await page.goto("/login");
  await hydrated(page);
  if (page.url().endsWith("/setup")) {
    await page.getByLabel("Nama lengkap").fill(OWNER.name);
    await page.getByLabel("Nama pengguna").fill(OWNER.username);
    await page.getByLabel("Kata sandi", { exact: true }).fill(OWNER.password);
    await page.getByLabel("Ulangi kata sandi").fill(OWNER.password);
    await page.getByRole("button", { name: "Buat akun pemilik" }).click();
  } else if (page.url().includes("/login")) {
    await page.getByLabel("Nama pengguna").fill(OWNER.username);
    await page.getByLabel("Kata sandi").fill(OWNER.password);
    await page.getByRole("button", { name: "Masuk" }).click();
  }
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await hydrated(page);
}

/** The table row (a card on phones) that mentions `text`. */
function row(page: Page, text: string | RegExp) {
  return page.locator("tbody tr", { hasText: text });
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("package → customer → invoice run → payment → status change", async ({ page }) => {
  const errors = watchErrors(page);

  // ---- Paket: bad input is explained next to each field and nothing is saved.
  await open(page, "/paket");
  await page.getByLabel("Nama paket").fill("");
  await page.getByLabel("Kecepatan (Mbps)").fill("-5");
  await page.getByLabel("Harga bulanan (Rp)").fill("seratus ribu");
  await page.getByRole("button", { name: "Tambah paket" }).click();
  await expect(page.locator("#f-name-err")).toHaveText("Nama paket wajib diisi.");
  await expect(page.locator("#f-speed_mbps-err")).toHaveText("Kecepatan 1–100000 Mbps.");
  await expect(page.locator("#f-price-err")).toHaveText("Tulis jumlah dalam rupiah, misalnya 150000 atau 150.000.");
  await expect(page.getByText("Belum ada paket.")).toBeVisible();
  await fitsWidth(page);
  await shot(page, "10-paket-errors");

  await page.getByLabel("Nama paket").fill(PACKAGE);
  await page.getByLabel("Kecepatan (Mbps)").fill("10");
  await page.getByLabel("Harga bulanan (Rp)").fill("150.000");
  await page.getByRole("button", { name: "Tambah paket" }).click();
  await expect(page.getByText(`Paket ${PACKAGE} disimpan.`)).toBeVisible();
  await expect(row(page, PACKAGE)).toContainText("Rp 150.000");
  await expect(row(page, PACKAGE)).toContainText("10 Mbps");
  // The form is empty again for the next package.
  await expect(page.getByLabel("Nama paket")).toHaveValue("");
  await shot(page, "11-paket");

  // ---- Pelanggan: a refused form saves nothing.
  await open(page, "/pelanggan/baru");
  await page.getByLabel("Nomor HP / WhatsApp").fill("0812-abc");
  await page.getByLabel("Tanggal tagih").fill("40");
  await page.getByRole("button", { name: "Simpan" }).click();
  await expect(page.locator("#f-name-err")).toHaveText("Nama pelanggan wajib diisi.");
  await expect(page.locator("#f-phone-err")).toContainText("Nomor hanya boleh berisi angka");
  await expect(page.locator("#f-billing_day-err")).toHaveText("Tanggal tagih 1–31.");
  await expect(page).toHaveURL(/\/pelanggan\/baru$/);
  await fitsWidth(page);
  await shot(page, "12-pelanggan-errors");

  // The number is checked as it is typed, with the same rules as the server.
  await page.getByLabel("Nama").fill("Siti Aminah");
  await page.getByLabel("Nomor HP / WhatsApp").fill("0812 3456 7890");
  await expect(page.locator("#f-phone-check")).toHaveText("WhatsApp: +62 812-3456-7890 ✓");
  await page.getByLabel("Paket").selectOption({ label: `${PACKAGE} · Rp 150.000` });
  await page.getByLabel("Tanggal tagih").fill("5");
  await page.getByRole("button", { name: "Simpan" }).click();
  await expect(page).toHaveURL(/\/pelanggan\/\d+\?disimpan=1$/);
  await expect(page.getByText("Data pelanggan disimpan.")).toBeVisible();
  await expect(page.getByText(/^PLG-\d{5}$/)).toBeVisible();

  await open(page, "/pelanggan/baru");
  await page.getByLabel("Nama").fill("Joko Tanpa Nomor");
  await page.getByLabel("Paket").selectOption({ label: `${PACKAGE} · Rp 150.000` });
  await page.getByRole("button", { name: "Simpan" }).click();
  await expect(page).toHaveURL(/\/pelanggan\/\d+\?disimpan=1$/);

  // The list shows the normalised number with its badge; search is done by the server.
  await open(page, "/pelanggan?q=siti");
  await expect(row(page, "Siti Aminah")).toContainText("+62 812-3456-7890");
  await expect(row(page, "Siti Aminah").locator("[data-phone-status=valid]")).toHaveText("WA valid");
  await expect(row(page, "Joko Tanpa Nomor")).toHaveCount(0);
  await open(page, "/pelanggan?q=joko");
  await expect(row(page, "Joko Tanpa Nomor").locator("[data-phone-status=missing]")).toHaveText("Tidak ada");
  await fitsWidth(page);
  await shot(page, "13-pelanggan");

  // ---- Tagihan: preview, confirm, and a second run creates nothing.
  await open(page, "/tagihan");
  await page.getByRole("button", { name: "Buat tagihan" }).click();
  const panel = page.locator("#run-panel");
  await panel.getByRole("button", { name: "Pratinjau" }).click();
  await expect(panel.locator("#run-preview")).toContainText(/\d+ tagihan akan dibuat/);
  await fitsWidth(page);
  await shot(page, "14-run-preview");
  await panel.getByRole("button", { name: /^Buat \d+ tagihan$/ }).click();
  await expect(panel.locator("#run-result")).toContainText(/\d+ tagihan .* dibuat \(INV-\d{6}-\d{5} – INV-\d{6}-\d{5}\)/);
  await expect(row(page, "Siti Aminah")).toContainText("Rp 150.000");
  await expect(row(page, "Siti Aminah")).toContainText("Belum bayar");

  await panel.getByRole("button", { name: "Pratinjau" }).click();
  await expect(panel.locator("#run-preview")).toContainText("0 tagihan akan dibuat");
  await expect(panel.locator("#run-preview")).toContainText(/\d+ pelanggan aktif sudah punya tagihan periode ini \(dilewati\)/);
  await expect(panel.getByRole("button", { name: /^Buat \d+ tagihan$/ })).toHaveCount(0);
  await panel.getByRole("button", { name: "Tutup" }).click();
  await fitsWidth(page);
  await shot(page, "15-tagihan");

  // ---- Payment: a bad amount is explained next to the field; a partial payment, then the rest.
  await row(page, "Siti Aminah").getByRole("button", { name: "Bayar" }).click();
  const dialog = page.getByRole("dialog", { name: "Catat pembayaran" });
  await expect(dialog.getByLabel("Jumlah (Rp)")).toHaveValue("150.000");
  await dialog.getByLabel("Jumlah (Rp)").fill("seratus ribu");
  await dialog.getByRole("button", { name: "Simpan pembayaran" }).click();
  await expect(dialog.locator("#f-amount-err")).toHaveText(
    "Tulis jumlah dalam rupiah, misalnya 150000 atau 150.000.",
  );
  await fitsWidth(page);
  await shot(page, "16-payment-error");
  await dialog.getByLabel("Jumlah (Rp)").fill("50.000");
  await dialog.getByLabel("Cara bayar").selectOption({ label: "Transfer bank" });
  await dialog.getByLabel("Referensi (opsional)").fill("BRI 0012");
  await dialog.getByRole("button", { name: "Simpan pembayaran" }).click();
  await expect(page.getByText(/Pembayaran Rp 50\.000 dicatat: INV-\d{6}-\d{5} sebagian\. Sisa tagihan terbuka Rp 100\.000\./)).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await expect(row(page, "Siti Aminah")).toContainText("Sebagian");

  await row(page, "Siti Aminah").getByRole("button", { name: "Bayar" }).click();
  await expect(dialog.getByLabel("Jumlah (Rp)")).toHaveValue("100.000");
  await dialog.getByRole("button", { name: "Simpan pembayaran" }).click();
  await expect(page.getByText(/Pembayaran Rp 100\.000 dicatat: INV-\d{6}-\d{5} lunas\./)).toBeVisible();
  await expect(row(page, "Siti Aminah")).toContainText("Lunas");
  await expect(row(page, "Siti Aminah").getByRole("button", { name: "Bayar" })).toHaveCount(0);

  // The invoice page lists both payments; nothing is owed now.
  await row(page, "Siti Aminah").getByRole("link", { name: "Detail" }).click();
  await hydrated(page);
  await expect(page.getByText("BRI 0012")).toBeVisible();
  await expect(page.getByTestId("due-now")).toContainText("Rp 0");

  // ---- Cancelling a payment asks for a reason and keeps it, marked, in the history.
  const payments = page.locator(".payments li");
  await payments.filter({ hasText: "Rp 100.000" }).getByRole("button", { name: "Batalkan pembayaran" }).click();
  const confirm = page.locator("#reverse-confirm");
  await expect(confirm).toContainText("Pembayaran Rp 100.000 dibatalkan");
  await confirm.getByRole("button", { name: "Ya, batalkan pembayaran" }).click();
  await expect(confirm.locator("#reverse-reason-err")).toHaveText("Tulis alasan pembatalan pembayaran.");
  await confirm.getByLabel("Alasan").fill("Salah catat, uang belum diterima");
  await confirm.getByRole("button", { name: "Ya, batalkan pembayaran" }).click();
  await expect(page.locator("#reverse-confirm")).toHaveCount(0);
  await expect(payments.filter({ hasText: "Dibatalkan" })).toContainText("Salah catat, uang belum diterima");
  await expect(page.getByTestId("due-now")).toContainText("Rp 100.000");
  await expect(page.locator("#money-log")).toContainText("Pembayaran dibatalkan");
  await expect(page.locator("#money-log")).toContainText("Rp 0 → Rp 100.000");
  await fitsWidth(page);
  await shot(page, "17-invoice");

  // ---- Paying more than owed keeps the rest as credit, shown on the customer page.
  await page.getByRole("button", { name: "Catat pembayaran" }).click();
  await expect(dialog.getByLabel("Jumlah (Rp)")).toHaveValue("100.000");
  await dialog.getByLabel("Jumlah (Rp)").fill("120.000");
  await dialog.getByRole("button", { name: "Simpan pembayaran" }).click();
  await expect(page.getByText(/Kelebihan Rp 20\.000 disimpan sebagai saldo pelanggan\./)).toBeVisible();
  await page.getByRole("link", { name: "Siti Aminah" }).click();
  await expect(page.getByTestId("customer-credit")).toContainText("Rp 20.000");
  await expect(page.getByTestId("customer-owed")).toContainText("Rp 0");
  await expect(page.locator("#money-log")).toContainText("Saldo (kelebihan bayar)");
  await fitsWidth(page);
  await shot(page, "17b-customer-credit");

  // ---- Status change: a suspended customer is shown as such and filtered by status.
  await open(page, "/pelanggan?q=joko");
  await row(page, "Joko Tanpa Nomor").getByRole("link", { name: "Buka" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ubah pelanggan" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Tangguhkan" }).click();
  await expect(page.getByText("Status diubah: Ditangguhkan.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Aktifkan" })).toBeVisible();
  await open(page, "/pelanggan?status=suspended");
  await expect(row(page, "Joko Tanpa Nomor")).toContainText("Ditangguhkan");
  await expect(row(page, "Siti Aminah")).toHaveCount(0);

  // ---- Who owes: the list shows what each customer owes now; the filter keeps only debtors,
  // most owed first. Siti's overpayment is credit, not a debt.
  await open(page, "/pelanggan");
  await expect(row(page, "Joko Tanpa Nomor").getByTestId("customer-list-owed")).toHaveText("Rp 150.000");
  await expect(row(page, "Siti Aminah").getByTestId("customer-list-owed")).toHaveText("—");
  await page.getByLabel("Punya tunggakan").check();
  await page.getByLabel("Urutkan").selectOption("owed");
  await page.getByRole("button", { name: "Cari" }).click();
  await expect(page).toHaveURL(/debt=1/);
  await expect(page).toHaveURL(/sort=owed/);
  await expect(row(page, "Joko Tanpa Nomor")).toContainText("Rp 150.000");
  await expect(row(page, "Siti Aminah")).toHaveCount(0);
  await fitsWidth(page);
  await shot(page, "18a-debtors");

  // ---- Dashboard: the money counted once.
  await open(page, "/");
  // 50.000 + 120.000 (the reversed 100.000 no longer counts); 20.000 of it is credit.
  await expect(page.locator("[data-stat=collected]")).toContainText("Rp 170.000");
  await expect(page.locator("[data-stat=paid]")).toContainText("Rp 150.000");
  await expect(page.locator("[data-stat=owed-all]")).toContainText("saldo titipan Rp 20.000");
  await fitsWidth(page);
  await shot(page, "18-dashboard");
  expect(errors).toEqual([]);
});

const BAD_CSV = [
  "nama;no_hp;paket;harga;tanggal_tagih;status",
  `Andi Wijaya;081234567890;${PACKAGE};;10;aktif`,
  `;08123;${PACKAGE};;10;aktif`,
  "Bambang;0812-abc;Gold;12.5;40;pindah",
  "Cahya Lestari;081298765432;;150000;1;",
].join("\n");

test("bad CSV and bad input get clear messages and change nothing", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, "/pelanggan/impor");
  await page.getByLabel("File CSV").setInputFiles({
    name: "pelanggan.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(BAD_CSV, "utf-8"),
  });
  await page.getByRole("button", { name: "Periksa dan impor" }).click();
  const report = page.locator("#import-report");
  await expect(report.getByRole("alert")).toHaveText(
    "Tidak ada yang diimpor: 2 dari 4 baris bermasalah. Perbaiki file lalu unggah lagi, atau impor hanya 2 baris yang benar.",
  );
  const issues = report.locator("#issues-errors tbody tr");
  await expect(issues).toHaveCount(5);
  await expect(issues.nth(0)).toContainText("3");
  await expect(issues.nth(0)).toContainText("Nama pelanggan wajib diisi.");
  await expect(issues.nth(1)).toContainText("Gold");
  await expect(issues.nth(1)).toContainText("Paket ini tidak ada.");
  await fitsWidth(page);
  await shot(page, "20-import-errors");

  // Nothing was imported.
  await open(page, "/pelanggan?q=andi%20wijaya");
  await expect(page.getByText("Tidak ada pelanggan yang cocok.")).toBeVisible();

  // The admin chooses to import only the good rows.
  await open(page, "/pelanggan/impor");
  await page.getByLabel("File CSV").setInputFiles({
    name: "pelanggan.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(BAD_CSV, "utf-8"),
  });
  await page.getByRole("button", { name: "Periksa dan impor" }).click();
  await page.getByRole("button", { name: "Impor hanya 2 baris yang benar" }).click();
  await expect(page.locator("#import-report").getByRole("status")).toContainText("2 pelanggan diimpor.");
  await open(page, "/pelanggan?q=andi%20wijaya");
  await expect(row(page, "Andi Wijaya")).toContainText("+62 812-3456-7890");
  await open(page, "/pelanggan?q=cahya");
  await expect(row(page, "Cahya Lestari")).toContainText("Rp 150.000");
  await open(page, "/pelanggan?q=bambang");
  await expect(page.getByText("Tidak ada pelanggan yang cocok.")).toBeVisible();

  // A file without a name column: said next to the file field.
  await open(page, "/pelanggan/impor");
  await page.getByLabel("File CSV").setInputFiles({
    name: "salah.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("alamat,paket\nJl. Melati,Basic\n", "utf-8"),
  });
  await page.getByRole("button", { name: "Periksa dan impor" }).click();
  await expect(page.locator("#f-file-err")).toContainText("Kolom nama tidak ditemukan.");
  await shot(page, "21-import-no-name");

  // A package in use cannot be deleted; the refusal says why and the package stays.
  await open(page, "/paket");
  await row(page, PACKAGE).getByRole("button", { name: "Hapus" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "tidak bisa dihapus" })).toContainText(
    new RegExp(`Paket ${PACKAGE} dipakai \\d+ pelanggan dan tidak bisa dihapus`),
  );
  await expect(row(page, PACKAGE)).toHaveCount(1);

  // Bad filter text in the URL: a message, not a broken page.
  await open(page, "/tagihan?period=bulan-lalu");
  await expect(page.getByRole("alert")).toHaveText("Periode harus berbentuk TTTT-BB, misalnya 2026-11.");
  if (isNarrow(page)) await fitsWidth(page);
  expect(errors).toEqual([]);
});
