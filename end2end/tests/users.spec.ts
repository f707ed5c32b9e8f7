import { expect, test, type Page } from "@playwright/test";
import { fitsWidth, hydrated, open, shot, signIn, watchErrors } from "./helpers";

// Users and roles per viewport: the owner adds a kasir (one-time password shown once), the
// kasir signs in, sees only what a kasir may use, changes the password and records a payment;
// the owner finds it in Log aktivitas. Runs after the billing story (the package exists).
test.describe.configure({ mode: "serial" });

const PACKAGE = "Rumahan 10 Mbps";
const KASIR = { name: "Kasir Satu", username: "kasir1", password: "sapi-perah-hijau-42" };

function row(page: Page, text: string | RegExp) {
  return page.locator("tbody tr", { hasText: text });
}

/**
 * Chooses an action in Log aktivitas and waits for the list to be that action's: until the
 * new rows arrive the previous ones stay on screen, and a name can match several of them.
 */
async function filterAction(page: Page, label: string, action: string) {
  await page.getByLabel("Tindakan").selectOption({ label });
  await expect(page.locator(`tbody tr:not([data-action="${action}"])`)).toHaveCount(0);
  await expect(page.locator(`tbody tr[data-action="${action}"]`).first()).toBeVisible();
}

async function signInAs(page: Page, username: string, password: string) {
  await page.context().clearCookies();
  await open(page, "/login");
  await page.getByLabel("Nama pengguna").fill(username);
  await page.getByLabel("Kata sandi").fill(password);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await hydrated(page);
}

test("owner adds a kasir; the kasir records a payment; the audit log shows it", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page);

  // ---- Owner: a customer with an invoice this month for the kasir to take payment for.
  await open(page, "/pelanggan/baru");
  await page.getByLabel("Nama").fill("Wati Kasirtes");
  await page.getByLabel("Paket").selectOption({ label: `${PACKAGE} · Rp 150.000` });
  await page.getByRole("button", { name: "Simpan" }).click();
  await expect(page).toHaveURL(/\/pelanggan\/\d+\?disimpan=1$/);
  await open(page, "/tagihan");
  await page.getByRole("button", { name: "Buat tagihan" }).click();
  const panel = page.locator("#run-panel");
  await panel.getByRole("button", { name: "Pratinjau" }).click();
  await expect(panel.locator("#run-preview")).toContainText(/\d+ tagihan akan dibuat/);
  await panel.getByRole("button", { name: /^Buat \d+ tagihan$/ }).click();
  await expect(panel.locator("#run-result")).toContainText(/\d+ tagihan .* dibuat/);

  // ---- Owner: Pengguna. Bad input is explained; a kasir gets a one-time password.
  await open(page, "/pengguna");
  await page.getByRole("button", { name: "Tambah pengguna" }).click();
  await expect(page.locator("#f-username-err")).toHaveText("Nama pengguna wajib diisi.");
  await page.getByLabel("Nama lengkap").fill(KASIR.name);
  await page.getByLabel("Nama pengguna").fill(KASIR.username);
  await page.getByLabel("Peran").selectOption({ label: "Kasir / operator" });
  await page.getByRole("button", { name: "Tambah pengguna" }).click();
  const otp = page.getByTestId("one-time-password");
  await expect(otp).toContainText(`Kata sandi sementara untuk ${KASIR.username}`);
  const oneTime = (await otp.locator(".otp-value").textContent())!.trim();
  expect(oneTime).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  await expect(row(page, KASIR.username)).toContainText("Kasir / operator");
  await fitsWidth(page);
  await shot(page, "60-pengguna");

  // ---- Kasir: signs in with the one-time password and sees only a kasir's pages.
  await signInAs(page, KASIR.username, oneTime);
  // The links themselves (the drawer may be closed on phones), by their exact text.
  const link = (text: string) => page.locator("#sidenav a").filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) });
  for (const shown of ["Pelanggan", "Tagihan", "Pengiriman", "Akun saya"]) {
    await expect(link(shown)).toHaveCount(1);
  }
  for (const hidden of ["Pengaturan", "Pengguna", "Log aktivitas", "Template", "Paket"]) {
    await expect(link(hidden)).toHaveCount(0);
  }

  // Akun saya: the one-time password is replaced.
  await open(page, "/akun");
  await page.getByLabel("Kata sandi saat ini").fill(oneTime);
  await page.getByLabel("Kata sandi baru", { exact: true }).fill(KASIR.password);
  await page.getByLabel("Ulangi kata sandi baru").fill("tidak-sama-123");
  await page.getByRole("button", { name: "Ganti kata sandi" }).click();
  await expect(page.locator("#f-new_password_confirm-err")).toHaveText("Konfirmasi kata sandi tidak sama.");
  await page.getByLabel("Ulangi kata sandi baru").fill(KASIR.password);
  await page.getByRole("button", { name: "Ganti kata sandi" }).click();
  await expect(page.getByText("Kata sandi diganti.")).toBeVisible();
  await expect(page.locator("tbody tr", { hasText: "Sesi ini" })).toHaveCount(1);
  await fitsWidth(page);
  await shot(page, "61-akun");

  // The payment.
  await open(page, "/tagihan?q=Wati");
  await row(page, "Wati Kasirtes").getByRole("button", { name: "Bayar" }).click();
  const dialog = page.getByRole("dialog", { name: "Catat pembayaran" });
  await expect(dialog.getByLabel("Jumlah (Rp)")).toHaveValue("150.000");
  await dialog.getByRole("button", { name: "Simpan pembayaran" }).click();
  await expect(page.getByText(/Pembayaran Rp 150\.000 dicatat: INV-\d{6}-\d{5} lunas\./)).toBeVisible();
  await shot(page, "62-kasir-bayar");

  // ---- Owner: Log aktivitas shows who took the payment.
  await signInAs(page, "budi", "kuda-laut-biru-7");
  await open(page, "/log-aktivitas");
  await filterAction(page, "Pembayaran dicatat", "payment");
  const entry = row(page, KASIR.username);
  await expect(entry).toContainText("Pembayaran dicatat");
  await expect(entry).toContainText("Rp 150.000");
  await filterAction(page, "Pengguna ditambah", "user_create");
  await expect(row(page, KASIR.username)).toContainText("peran: kasir");
  await fitsWidth(page);
  await shot(page, "63-log-aktivitas");
  expect(errors).toEqual([]);
});
