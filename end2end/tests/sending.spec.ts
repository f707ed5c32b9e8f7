import { expect, test } from "@playwright/test";
import { call, callJson, connectWhatsApp, fitsWidth, open, shot, signIn, simUrl, watchErrors, NO_HOLDS } from "./helpers";

// "Kirim Semua via WhatsApp": 20 invoices through the bulk modal against waha-sim. The progress
// bar reaches 100 %, and the job's report matches, row for row, what WhatsApp received.
test.describe.configure({ mode: "serial" });

const COUNT = 20;

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("send all: 20 invoices, the progress bar reaches 100 %, the report matches WhatsApp", async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await connectWhatsApp(page);
  await callJson(page, "settings/policy-save", {
    form: NO_HOLDS,
  });
  const vp = test.info().project.name.startsWith("mobile") ? "7" : "8";
  const pkg = await call(page, "billing/package-save", {
    name: `Paket Massal ${test.info().project.name}`,
    speed_mbps: "10",
    price: "120.000",
    description: "",
  });
  const customers = Array.from({ length: COUNT }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return { name: `Warga Massal ${n}`, phone: `0813-${vp}700-00${n}`, chat: `62813${vp}70000${n}@c.us` };
  });
  for (const c of customers) {
    await call(page, "billing/customer-save", {
      name: c.name,
      phone: c.phone,
      address: "Gg. Melati",
      package_id: String(pkg.id),
      price_override: "",
      billing_day: "28",
      status: "active",
      notes: "",
    });
  }
  const now = new Date();
  const period = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
  await call(page, "billing/run", { period });

  await open(page, `/tagihan?q=${encodeURIComponent("Warga Massal")}`);
  await expect(page.locator("tbody tr")).toHaveCount(COUNT);
  await page.getByRole("button", { name: "Kirim Semua via WhatsApp" }).click();
  const modal = page.getByRole("dialog", { name: "Kirim Semua via WhatsApp" });
  await expect(modal).toBeVisible();
  // A real overlay (full screen on phones), not content pushed into the page.
  await expect(modal).toHaveCSS("position", "fixed");
  await expect(modal.locator("[data-stat=ready]")).toHaveText(String(COUNT));
  await expect(modal.locator("[data-stat=no_number]")).toHaveText("0");
  await expect(modal.locator(".badge", { hasText: "Aktif" })).toBeVisible();
  await expect(modal.locator(".bulk-preview")).toContainText("Warga Massal 01");
  // One second apart, no jitter, so the test stays short.
  await modal.getByLabel("Atur sendiri").check();
  await modal.locator("input[name=delay_secs]").fill("1");
  await modal.locator("input[name=delay_secs]").blur();
  await modal.locator("input[name=jitter_secs]").fill("0");
  await modal.locator("input[name=jitter_secs]").blur();
  await expect(modal.getByText(/Perkiraan waktu: /)).toBeVisible();
  await fitsWidth(page);
  await shot(page, "bulk-01-modal");

  await modal.getByRole("button", { name: `Kirim ke ${COUNT} Pelanggan` }).click();
  const bar = modal.getByRole("progressbar", { name: "Progres pengiriman" });
  await expect(bar).toBeVisible();
  await shot(page, "bulk-02-progress");
  await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 90_000 });
  await expect(modal.locator("[data-count=sent]")).toHaveText(String(COUNT));
  await expect(modal.locator("[data-count=failed]")).toHaveText("0");
  await shot(page, "bulk-03-done");

  // The report, row by row, against what waha-sim received.
  await modal.getByRole("link", { name: "Lihat laporan lengkap" }).click();
  await expect(page).toHaveURL(/\/pengiriman\/\d+$/);
  const rows = page.locator(".report-table tbody tr");
  await expect(rows).toHaveCount(COUNT);
  const received = (await (await page.request.get(`${simUrl(page)}/_sim/messages`)).json()) as Array<{
    chatId: string;
    text: string;
    id: string;
  }>;
  for (const c of customers) {
    const mine = received.filter((m) => m.chatId === c.chat);
    expect(mine, `${c.name} got exactly one message`).toHaveLength(1);
    expect(mine[0].text).toContain(c.name);
    const row = rows.filter({ hasText: c.name });
    await expect(row).toHaveAttribute("data-state", "sent");
    const shownId = (await row.locator("td.mono").innerText()).trim();
    expect(mine[0].id).toContain(shownId);
  }
  await fitsWidth(page);
  await shot(page, "bulk-04-report");

  // The dashboard shows the connection and that nothing is left running.
  await open(page, "/");
  await expect(page.locator("[data-stat=whatsapp]")).toContainText("Aktif");
  await expect(page.locator("[data-stat=sending]")).toContainText("Tidak ada");
  await fitsWidth(page);
  await shot(page, "bulk-05-dashboard");
  expect(errors).toEqual([]);
});

// The original system's worst fault, as the customer sees it: three months of arrears, then
// "Kirim Semua" on every period — the report has one line for the customer, and WhatsApp got
// one message whose total is what they owe now (each month once).
test("three months owed: one statement with one total through Kirim Semua", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await connectWhatsApp(page);
  const vp = test.info().project.name.startsWith("mobile") ? "7" : "8";
  const name = `Rina Tunggak ${vp}`;
  const chat = `62813${vp}9900001@c.us`;
  const pkg = await call(page, "billing/package-save", {
    name: `Paket Tunggak ${test.info().project.name}`,
    speed_mbps: "10",
    price: "100.000",
    description: "",
  });
  await call(page, "billing/customer-save", {
    name,
    phone: `0813-${vp}990-0001`,
    address: "Gg. Kenanga",
    package_id: String(pkg.id),
    price_override: "",
    billing_day: "5",
    status: "active",
    notes: "",
  });
  const month = (back: number) => {
    const d = new Date();
    d.setDate(1);
    d.setMonth(d.getMonth() - back);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
  };
  // Two past months (confirmed) and this one.
  for (const back of [2, 1, 0]) {
    await call(page, "billing/run", { period: month(back), confirm_past: "true" });
  }

  await open(page, `/tagihan?period=all&status=open&q=${encodeURIComponent(name)}`);
  await expect(page.locator("tbody tr")).toHaveCount(3);
  await page.getByRole("button", { name: "Kirim Semua via WhatsApp" }).click();
  const modal = page.getByRole("dialog", { name: "Kirim Semua via WhatsApp" });
  await expect(modal.getByTestId("bulk-summary")).toContainText("1 pelanggan, 3 tagihan");
  await expect(modal.locator(".bulk-preview")).toContainText("Rp 300.000");
  await modal.getByLabel("Atur sendiri").check();
  await modal.locator("input[name=delay_secs]").fill("1");
  await modal.locator("input[name=delay_secs]").blur();
  await fitsWidth(page);
  await shot(page, "statement-01-modal");
  await modal.getByRole("button", { name: "Kirim ke 1 Pelanggan" }).click();
  const bar = modal.getByRole("progressbar", { name: "Progres pengiriman" });
  await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await modal.getByRole("link", { name: "Lihat laporan lengkap" }).click();
  const rows = page.locator(".report-table tbody tr");
  await expect(rows).toHaveCount(1);
  // One page: both pager buttons are there, labelled, and disabled.
  await expect(page.getByRole("button", { name: "Berikutnya →", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "← Sebelumnya", exact: true })).toBeDisabled();
  await expect(rows.first()).toContainText(name);
  await expect(rows.first()).toHaveAttribute("data-state", "sent");
  await fitsWidth(page);
  await shot(page, "statement-02-report");

  const received = (await (await page.request.get(`${simUrl(page)}/_sim/messages`)).json()) as Array<{
    chatId: string;
    text: string;
  }>;
  const mine = received.filter((m) => m.chatId === chat);
  expect(mine, "one message for the customer").toHaveLength(1);
  // Past months billed today are due after the grace days (never overdue at once), so the
  // oldest is not late yet and the invoice template speaks: one total for all three months.
  expect(mine[0].text).toContain("Tagihan yang belum lunas (3 bulan)");
  expect(mine[0].text).toContain("*Total yang harus dibayar: Rp 300.000*");
  expect(mine[0].text).not.toContain("Rp 600.000");
  for (const back of [2, 1, 0]) {
    expect(mine[0].text).toContain(`INV-${month(back).replace("-", "")}`);
  }
  expect(errors).toEqual([]);
});

test("WhatsApp refuses new chats: the job stops and the dashboard and WhatsApp page say why", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await connectWhatsApp(page);
  const vp = test.info().project.name.startsWith("mobile") ? "7" : "8";
  const name = `Dodi Baru ${vp}`;
  const pkg = await call(page, "billing/package-save", {
    name: `Paket Baru ${test.info().project.name}`,
    speed_mbps: "10",
    price: "110.000",
    description: "",
  });
  await call(page, "billing/customer-save", {
    name,
    phone: `0813-${vp}880-0001`,
    address: "Gg. Anggrek",
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

  // From now on WhatsApp answers every send with 463 (this number may not start new chats).
  const faults = `${simUrl(page)}/_sim/faults`;
  expect((await page.request.put(faults, { data: { reachoutAfter: 0 } })).ok()).toBeTruthy();
  try {
    await open(page, `/tagihan?q=${encodeURIComponent(name)}`);
    await expect(page.locator("tbody tr")).toHaveCount(1);
    await page.getByRole("button", { name: "Kirim Semua via WhatsApp" }).click();
    const modal = page.getByRole("dialog", { name: "Kirim Semua via WhatsApp" });
    await modal.getByLabel("Atur sendiri").check();
    await modal.locator("input[name=delay_secs]").fill("1");
    await modal.locator("input[name=delay_secs]").blur();
    await modal.getByRole("button", { name: "Kirim ke 1 Pelanggan" }).click();
    await expect(modal).toContainText("Dijeda", { timeout: 30_000 });

    // The dashboard says sending stopped; the WhatsApp page says why and what to do.
    await open(page, "/");
    await expect(page.getByTestId("dash-ban-warning")).toBeVisible();
    await fitsWidth(page);
    await shot(page, "ban-01-dashboard");
    await open(page, "/whatsapp");
    const warning = page.getByTestId("wa-ban-warning");
    await expect(warning).toContainText("error 463");
    await expect(warning.getByRole("link", { name: "Buka Pengiriman" })).toBeVisible();
    await fitsWidth(page);
    await shot(page, "ban-02-whatsapp");
  } finally {
    await page.request.put(faults, { data: {} });
  }

  // The admin cancels it: the warning goes (nothing was sent).
  const jobs = (await call(page, "sending/jobs", {})) as Array<{ id: number; state: string; pause_detail: string | null }>;
  const paused = jobs.filter((j) => j.state === "paused" && (j.pause_detail ?? "").includes("463"));
  expect(paused).toHaveLength(1);
  await call(page, "sending/control", { id: String(paused[0].id), action: "cancel" });
  await open(page, "/");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("dash-ban-warning")).toHaveCount(0);
  expect(errors).toEqual([]);
});
