import { expect, test } from "@playwright/test";
import {
  call,
  callJson,
  connectWhatsApp,
  fitsWidth,
  hydrated,
  inViewportX,
  noInheritedRightAlign,
  open,
  shot,
  signIn,
  simUrl as sim,
  watchErrors,
  NO_HOLDS,
} from "./helpers";

// One invoice over WhatsApp through the row's modal, against waha-sim: what the simulator
// receives is exactly the preview the admin saw. Then the Template page refuses an unknown
// variable. Each viewport has its own server, database and simulator.
test.describe.configure({ mode: "serial" });

const CUSTOMER = { name: "Rina Kartika", phone: "0813-5555-0101", chat: "6281355550101@c.us" };

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("one invoice over WhatsApp: the modal's preview is exactly what WhatsApp receives", async ({ page }) => {
  const errors = watchErrors(page);
  await connectWhatsApp(page);
  // Send at any hour the tests run: no quiet hours for this server.
  await callJson(page, "settings/policy-save", {
    form: NO_HOLDS,
  });
  // A customer with a number and this month's invoice.
  const pkg = await call(page, "billing/package-save", {
    name: `Paket Pesan ${test.info().project.name}`,
    speed_mbps: "20",
    price: "175.000",
    description: "",
  });
  await call(page, "billing/customer-save", {
    name: CUSTOMER.name,
    phone: CUSTOMER.phone,
    address: "Jl. Kenanga 3",
    package_id: String(pkg.id),
    price_override: "",
    billing_day: "28",
    status: "active",
    notes: "",
  });
  const now = new Date();
  const period = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
  await call(page, "billing/run", { period });

  await open(page, `/tagihan?q=${encodeURIComponent(CUSTOMER.name)}`);
  const row = page.locator("tbody tr", { hasText: CUSTOMER.name });
  await expect(row).toHaveCount(1);
  // The row's WhatsApp button is reachable without scrolling sideways, at both widths.
  const waButton = row.getByTestId("wa-button");
  await inViewportX(page, waButton);
  await waButton.click();

  const modal = page.getByRole("dialog", { name: "Kirim via WhatsApp" });
  await expect(modal).toBeVisible();
  // A real overlay (full screen on phones), not content pushed into the page: it lives at the
  // end of <body>, not in the table cell, and inherits nothing from it.
  await expect(modal).toHaveCSS("position", "fixed");
  await expect(page.locator("table [role=dialog]")).toHaveCount(0);
  await expect(modal).toHaveAttribute("aria-modal", "true");
  await expect(modal.locator(".wa-facts")).toContainText(CUSTOMER.name);
  await noInheritedRightAlign(modal);
  // Focus is in the dialog and Tab keeps it there; Escape closes and gives focus back.
  expect(await modal.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  for (let i = 0; i < 25; i++) await page.keyboard.press("Tab");
  expect(await modal.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await page.keyboard.press("Escape");
  await expect(modal).toHaveCount(0);
  await expect(waButton).toBeFocused();
  await waButton.click();
  await expect(modal).toBeVisible();
  const facts = modal.locator(".wa-facts");
  await expect(facts).toContainText(CUSTOMER.name);
  await expect(facts).toContainText("6281355550101");
  await expect(modal.locator(".badge", { hasText: "Aktif" })).toBeVisible();
  const text = await modal.locator("textarea[name=text]").inputValue();
  expect(text).toContain(CUSTOMER.name);
  expect(text).toContain("Rp 175.000");
  // The formatted preview shows the same words, with WhatsApp's bold.
  await expect(modal.getByTestId("wa-preview")).toContainText("Rp 175.000");
  await expect(modal.getByTestId("wa-preview").locator(".wa-b").first()).toBeVisible();
  await fitsWidth(page);
  await shot(page, "msg-01-modal");

  await modal.getByRole("button", { name: "Kirim via WhatsApp" }).click();
  await expect(modal.locator(".send-result[data-state=sent]")).toBeVisible({ timeout: 20_000 });
  const messageId = await modal.getByTestId("wa-message-id").innerText();
  expect(messageId.length).toBeGreaterThan(5);
  await shot(page, "msg-02-sent");

  const received = (await (await page.request.get(`${sim(page)}/_sim/messages`)).json()) as Array<{
    chatId: string;
    text?: string;
    body?: string;
    id: string;
  }>;
  const mine = received.filter((m) => m.chatId === CUSTOMER.chat);
  expect(mine).toHaveLength(1);
  expect(mine[0].text ?? mine[0].body).toBe(text);

  // Sending the same template again asks first.
  await modal.locator(".modal-actions").getByRole("button", { name: "Tutup" }).click();
  await row.getByTestId("wa-button").click();
  await expect(modal.getByText(/Pelanggan ini sudah dikirimi pesan yang sama hari ini pukul/)).toBeVisible();
  await modal.getByRole("button", { name: "Kirim via WhatsApp" }).click();
  await expect(modal.getByText(/Kirim lagi\?/)).toBeVisible();
  await modal.getByRole("button", { name: "Tidak" }).click();
  await modal.getByRole("button", { name: "Batal" }).click();

  // The invoice page lists the message with its state.
  await row.getByRole("link", { name: "Detail" }).click();
  const history = page.locator(".message-history li").first();
  await expect(history).toContainText("Terkirim");
  await hydrated(page);
  await shot(page, "msg-03-history");
  expect(errors).toEqual([]);
});

test("a template with an unknown variable cannot be saved", async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, "/template");
  const editor = page.locator("#template-body");
  await expect(editor).not.toBeEmpty();
  await editor.fill("Halo {{ nama }},\nsilakan transfer ke {{ rekening_bank }}.");
  await page.getByRole("button", { name: "Simpan template" }).click();
  await expect(page.locator("#template-body-err")).toContainText("Baris 2:");
  await expect(page.locator("#template-body-err")).toContainText("rekening_bank");
  await shot(page, "msg-04-template-error");
  // Nothing was saved: a fresh load shows the default again.
  await open(page, "/template");
  await expect(page.locator("#template-body")).toHaveValue(/Yth\. \*\{\{ nama \}\}\*/);
  expect(errors).toEqual([]);
});
