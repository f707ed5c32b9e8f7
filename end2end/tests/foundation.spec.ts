import { expect, test } from "@playwright/test";
import { fitsWidth, hydrated, isNarrow, open, shot, watchErrors } from "./helpers";

// One story per viewport, in order: first-run setup, navigation, logout, failed login, login.
test.describe.configure({ mode: "serial" });

const OWNER = { name: "Budi Santoso", username: "budi", password: "kuda-laut-biru-7" };

// `ready`: a text the page shows once it has loaded its data.
const PAGES = [
  { label: "Pelanggan", path: "/pelanggan", ready: "Tambah pelanggan" },
  { label: "Paket", path: "/paket", ready: "Tambah paket" },
  { label: "Tagihan", path: "/tagihan", ready: "Buat tagihan" },
  { label: "WhatsApp", path: "/whatsapp", ready: "Status koneksi" },
  { label: "Template", path: "/template", ready: "Pratinjau" },
  { label: "Pengiriman", path: "/pengiriman", ready: "Belum ada pengiriman." },
  { label: "Pengaturan", path: "/pengaturan", ready: "Data usaha" },
  { label: "Dashboard", path: "/", ready: "Dashboard" },
];

test("first run: every page leads to setup, and bad input is explained next to its field", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/tagihan");
  await expect(page).toHaveURL(/\/setup$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Penyiapan awal" })).toBeVisible();
  await fitsWidth(page);

  await page.getByLabel("Nama lengkap").fill(OWNER.name);
  await page.getByLabel("Nama pengguna").fill("ab");
  await page.getByLabel("Kata sandi", { exact: true }).fill("pendek");
  await page.getByLabel("Ulangi kata sandi").fill("lain");
  await page.getByRole("button", { name: "Buat akun pemilik" }).click();

  await expect(page.locator("#f-username-err")).toHaveText("Nama pengguna 3–64 karakter.");
  await expect(page.locator("#f-password-err")).toHaveText("Kata sandi minimal 10 karakter.");
  await expect(page.locator("#f-password_confirm-err")).toHaveText("Konfirmasi kata sandi tidak sama.");
  await expect(page.getByLabel("Kata sandi", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await shot(page, "01-setup-errors");

  // Nothing was created: the app still asks for setup.
  await open(page, "/");
  await expect(page).toHaveURL(/\/setup$/);
  expect(errors).toEqual([]);
});

test("setup creates the owner and signs in", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, "/setup");
  await page.getByLabel("Nama lengkap").fill(OWNER.name);
  await page.getByLabel("Nama pengguna").fill(OWNER.username);
  await page.getByLabel("Kata sandi", { exact: true }).fill(OWNER.password);
  await page.getByLabel("Ulangi kata sandi").fill(OWNER.password);
  await page.getByRole("button", { name: "Buat akun pemilik" }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByText(`Selamat datang, ${OWNER.name}.`)).toBeVisible();
  await shot(page, "02-dashboard");

  // Setup is closed for good once the owner exists.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);
  expect(errors).toEqual([]);
});

test.describe("signed in", () => {
  test.beforeEach(async ({ page }) => {
    await open(page, "/login");
    if (page.url().endsWith("/login")) {
      await page.getByLabel("Nama pengguna").fill(OWNER.username);
      await page.getByLabel("Kata sandi").fill(OWNER.password);
      await page.getByRole("button", { name: "Masuk" }).click();
    }
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await hydrated(page);
  });

  test("every navigation item opens its page", async ({ page }) => {
    const errors = watchErrors(page);
    const nav = page.getByRole("navigation", { name: "Navigasi utama" });
    for (const p of PAGES) {
      if (isNarrow(page)) {
        await expect(nav).not.toBeInViewport();
        await page.getByRole("button", { name: "Menu" }).click();
        await expect(nav).toBeInViewport();
      }
      await nav.getByRole("link", { name: p.label, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`${p.path.replace("/", "\\/")}$`));
      await expect(page.getByRole("heading", { level: 1, name: p.label })).toBeVisible();
      await expect(nav.getByRole("link", { name: p.label, exact: true })).toHaveAttribute("aria-current", "page");
      await expect(page.getByText(p.ready, { exact: true }).first()).toBeVisible();
      if (isNarrow(page)) {
        await expect(nav).not.toBeInViewport();
      }
      await fitsWidth(page);
      await shot(page, `03-nav-${p.label.toLowerCase()}`);
    }
    // A page opened directly (server-rendered) is the same page.
    await open(page, "/pengaturan");
    await expect(page.getByRole("heading", { level: 1, name: "Pengaturan" })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("a fresh install sends in waves and warms up new numbers; bad numbers are explained; these tests switch both off", async ({ page }) => {
    const errors = watchErrors(page);
    await open(page, "/pengaturan");
    const waves = page.getByLabel("Kirim bergelombang", { exact: false });
    const warmup = page.getByLabel("Pemanasan nomor baru", { exact: false });
    await expect(waves).toBeChecked();
    await expect(warmup).toBeChecked();
    await expect(page.getByLabel("Pesan per gelombang")).toHaveValue("25");
    await expect(page.getByLabel("Istirahat (menit)")).toHaveValue("20");
    await expect(page.getByLabel("Lama pemanasan (hari)")).toHaveValue("14");
    await expect(page.getByLabel("Batas hari pertama")).toHaveValue("20");
    await page.getByLabel("Pesan per gelombang").fill("0");
    await page.getByRole("button", { name: "Simpan kebijakan" }).click();
    await expect(page.locator("#f-wave_size-err")).toHaveText("Isi angka 1–1.000 pesan.");
    await shot(page, "06-kebijakan-error");
    // The stories after this one send dozens of messages within minutes from numbers waha-sim
    // links on the spot: a 20-minute rest or a 20-a-day cap would only make them slow.
    await page.getByLabel("Pesan per gelombang").fill("25");
    await waves.uncheck();
    await warmup.uncheck();
    await page.getByRole("button", { name: "Simpan kebijakan" }).click();
    await expect(page.getByText("Tersimpan.").last()).toBeVisible();
    await open(page, "/pengaturan");
    await expect(page.getByLabel("Kirim bergelombang", { exact: false })).not.toBeChecked();
    await expect(page.getByLabel("Pemanasan nomor baru", { exact: false })).not.toBeChecked();
    await fitsWidth(page);
    expect(errors).toEqual([]);
  });

  test("logout ends the session; a wrong password is refused; login returns to the page asked for", async ({ page }) => {
    const errors = watchErrors(page);
    await page.getByRole("button", { name: "Keluar" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Masuk" })).toBeVisible();

    // The old session is gone: a protected page sends us to login, remembering where we were.
    await page.goto("/tagihan");
    await expect(page).toHaveURL(/\/login\?next=%2Ftagihan$/);
    await hydrated(page);

    await page.getByLabel("Nama pengguna").fill(OWNER.username);
    await page.getByLabel("Kata sandi").fill("salah-sekali-123");
    await page.getByRole("button", { name: "Masuk" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Nama pengguna atau kata sandi salah." })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
    await shot(page, "04-login-failed");

    await page.getByLabel("Kata sandi").fill(OWNER.password);
    await page.getByRole("button", { name: "Masuk" }).click();
    await expect(page).toHaveURL(/\/tagihan$/);
    await expect(page.getByRole("heading", { level: 1, name: "Tagihan" })).toBeVisible();
    await shot(page, "05-login-next");
    expect(errors).toEqual([]);
  });
});
