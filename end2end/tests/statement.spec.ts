import { expect, test } from "@playwright/test";
import { call, callJson, connectWhatsApp, fitsWidth, open, shot, signIn, simUrl, watchErrors, NO_HOLDS } from "./helpers";

// From message to matched payment: the transfer code is switched on, a customer's statement goes
// out on WhatsApp with its link and exact amount, the link opens the statement on a phone
// without signing in, the bank's statement file is imported, the payment is recorded in one
// step, the receipt goes out, and importing the same file again records nothing twice.
test.describe.configure({ mode: "serial" });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("message link, statement page, bank statement import, receipt", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await connectWhatsApp(page);
  await callJson(page, "settings/policy-save", { form: NO_HOLDS });
  const vp = test.info().project.name.startsWith("mobile") ? "7" : "8";
  const name = `Rahmat Hidayat ${vp}`;
  const chat = `62813${vp}5500001@c.us`;

  // 1. Pengaturan: the unique transfer code is on.
  await open(page, "/pengaturan");
  const codes = page.getByTestId("transfer-code");
  await codes.getByRole("checkbox").check();
  await codes.getByRole("button", { name: "Simpan kode unik" }).click();
  await expect(codes.getByText("Tersimpan.")).toBeVisible();

  const pkg = await call(page, "billing/package-save", {
    name: `Paket Mutasi ${test.info().project.name}`,
    speed_mbps: "20",
    price: "175.000",
    description: "",
  });
  const customer = await call(page, "billing/customer-save", {
    name,
    phone: `0813-${vp}550-0001`,
    address: "Jl. Dahlia 9",
    package_id: String(pkg.id),
    price_override: "",
    billing_day: "28",
    status: "active",
    notes: "",
  });
  const now = new Date();
  await call(page, "billing/run", {
    period: `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`,
  });

  // 2. The statement goes out: its link and the exact amount to transfer.
  await open(page, `/tagihan?q=${encodeURIComponent(name)}`);
  await page.getByRole("button", { name: "Kirim Semua via WhatsApp" }).click();
  const modal = page.getByRole("dialog", { name: "Kirim Semua via WhatsApp" });
  await modal.getByLabel("Atur sendiri").check();
  await modal.locator("input[name=delay_secs]").fill("1");
  await modal.locator("input[name=delay_secs]").blur();
  await modal.getByRole("button", { name: "Kirim ke 1 Pelanggan" }).click();
  await expect(modal.getByRole("progressbar", { name: "Progres pengiriman" })).toHaveAttribute("aria-valuenow", "100", {
    timeout: 60_000,
  });
  const sent = (await (await page.request.get(`${simUrl(page)}/_sim/messages`)).json()) as Array<{ chatId: string; text: string }>;
  const text = sent.filter((m) => m.chatId === chat).map((m) => m.text).join("\n");
  const amount = /Mohon transfer tepat \*Rp ([\d.]+)\*/.exec(text)?.[1];
  expect(amount, text).toBeTruthy();
  const rupiah = Number(amount!.replace(/\./g, ""));
  expect(rupiah).toBeGreaterThan(175_000);
  expect(rupiah).toBeLessThan(176_000);
  const link = /Rincian tagihan: (\S+\/s\/[A-Za-z0-9_-]{32})/.exec(text)?.[1];
  expect(link, text).toBeTruthy();

  // The customer page shows the same link.
  await open(page, `/pelanggan/${customer.id}`);
  await expect(page.getByTestId("statement-link").locator("input")).toHaveValue(link!);

  // 3. The customer opens it on their phone, signed out.
  const phone = await browser.newContext({ viewport: page.viewportSize()! });
  const p = await phone.newPage();
  const r = await p.goto(link!);
  expect(r?.status()).toBe(200);
  await expect(p.getByRole("heading", { name: `Tagihan ${name}` })).toBeVisible();
  await expect(p.getByTestId("transfer-amount")).toHaveText(`Rp ${amount}`);
  const wide = await p.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  expect(wide, "the page fits the screen").toBe(false);
  await p.screenshot({ path: `test-results/screens/${vp === "7" ? "mobile" : "desktop"}-statement-01-link.png`, fullPage: true });

  // 4. The bank's statement (KlikBCA), with that transfer and one that is not anyone's.
  const jkt = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Jakarta", day: "2-digit", month: "2-digit", year: "numeric" }).format(now);
  const csv = [
    "No. Rekening,=,'0601234567",
    "Nama,=,CV TAGIH NET",
    "Mata Uang,=,IDR",
    "",
    "Tanggal,Keterangan,Cabang,Jumlah,,Saldo",
    `'${jkt},TRSF E-BANKING CR 0112/FTSCY/WS95031 ${rupiah}.00 ${name.toUpperCase()},'0000,${rupiah}.00,CR,2000000.00`,
    `'${jkt},TRSF E-BANKING CR 0112/FTSCY/WS95031 98765.00 ORANG LAIN,'0000,98765.00,CR,2098765.00`,
    `'${jkt},BIAYA ADM,'0000,10000.00,DB,2088765.00`,
  ].join("\n");
  const file = { name: "mutasi-bca.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf-8") };
  await open(page, "/pembayaran");
  await page.getByRole("link", { name: "Cocokkan mutasi" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cocokkan mutasi" })).toBeVisible();
  await page.getByLabel("File mutasi (CSV)").setInputFiles(file);
  await page.getByRole("button", { name: "Periksa mutasi" }).click();
  const rows = page.locator(".mutation-table tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId("mutation-summary")).toContainText("2 uang masuk, 1 uang keluar");
  const mine = rows.filter({ hasText: name });
  await expect(mine).toContainText("Kode unik cocok");
  await expect(mine.getByRole("checkbox")).toBeChecked();
  await expect(rows.filter({ hasText: "ORANG LAIN" })).toContainText("Tidak dikenali");
  await fitsWidth(page);
  await shot(page, "statement-02-mutasi");

  // 5. Recorded in one step; the receipt is offered and goes out.
  await page.getByRole("button", { name: /^Catat 1 pembayaran/ }).click();
  const done = page.getByTestId("mutation-recorded");
  await expect(done).toContainText("1 pembayaran dicatat.");
  await page.getByRole("button", { name: "Kirim bukti" }).click();
  await expect(page.getByRole("button", { name: "Bukti dikirim" })).toBeDisabled();
  await expect
    .poll(async () => {
      const all = (await (await page.request.get(`${simUrl(page)}/_sim/messages`)).json()) as Array<{ chatId: string; text: string }>;
      return all.filter((m) => m.chatId === chat && m.text.includes("pembayaran Anda sudah kami terima")).length;
    }, { timeout: 60_000 })
    .toBe(1);
  await shot(page, "statement-03-recorded");

  // The same file again: recognised as recorded, nothing to record.
  await open(page, "/pembayaran/mutasi");
  await page.getByLabel("File mutasi (CSV)").setInputFiles(file);
  await page.getByRole("button", { name: "Periksa mutasi" }).click();
  await expect(page.locator(".mutation-table tbody tr").filter({ hasText: name })).toContainText("Sudah dicatat");
  await expect(page.getByRole("button", { name: /^Catat 0 pembayaran/ })).toBeDisabled();

  // The customer's page now says paid.
  await p.reload();
  await expect(p.getByTestId("settled")).toContainText("Lunas");
  await phone.close();
  expect(errors).toEqual([]);
});
