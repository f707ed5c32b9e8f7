import { expect, test } from "@playwright/test";
import { call, callJson, connectWhatsApp, fitsWidth, open, shot, signIn, simUrl, watchErrors, NO_HOLDS } from "./helpers";

// The month Tagih runs by itself, seen by the admin: on Jadwal the monthly run makes drafts
// ("Jalankan sekarang", as the scheduler would on the 1st), the dashboard points at them, the
// admin edits one amount on Tinjau tagihan and publishes, and waha-sim receives one statement
// per customer with the edited amount. The servers run with TAGIH_SCHEDULER=off: the test
// drives the run itself.
test.describe.configure({ mode: "serial" });

const CUSTOMERS = [
  { name: "Sari Jadwal", phone: "0813-7777-0201", chat: "6281377770201@c.us" },
  { name: "Tono Jadwal", phone: "0813-7777-0202", chat: "6281377770202@c.us" },
];

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("drafts are reviewed, one amount edited, published, and each customer gets one statement", async ({ page }) => {
  // The two statements go out 30–60 s apart (the safe pacing).
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await connectWhatsApp(page);
  await callJson(page, "settings/policy-save", {
    form: NO_HOLDS,
  });
  const pkg = await call(page, "billing/package-save", {
    name: `Paket Jadwal ${test.info().project.name}`,
    speed_mbps: "30",
    price: "200.000",
    description: "",
  });
  for (const c of CUSTOMERS) {
    await call(page, "billing/customer-save", {
      name: c.name,
      phone: c.phone,
      address: "Jl. Melati 9",
      package_id: String(pkg.id),
      price_override: "",
      billing_day: "25",
      status: "active",
      notes: "",
    });
  }

  // Jadwal: this month's run is next; run it now (drafts, the default).
  await open(page, "/jadwal");
  await expect(page.getByRole("heading", { level: 1, name: "Jadwal" })).toBeVisible();
  const run = page.getByTestId("next-runs").locator("tr[data-kind=invoice_run]");
  await expect(run).toHaveCount(1);
  await fitsWidth(page);
  await shot(page, "schedule-01-jadwal");
  await run.getByRole("button", { name: "Jalankan sekarang" }).click();
  await expect(page.getByRole("status").filter({ hasText: "draf tagihan dibuat" })).toBeVisible();
  await expect(page.getByTestId("recent-runs").locator("tr", { hasText: "Tagihan bulanan" })).toHaveCount(1);

  // The dashboard points at the drafts; they are owed nowhere yet.
  await open(page, "/");
  const card = page.locator("[data-stat=schedule]");
  await expect(card).toContainText("draf tagihan");
  await card.click();
  await expect(page).toHaveURL(/\/tagihan\/tinjau$/);
  await expect(page.getByRole("heading", { name: "Tinjau tagihan" })).toBeVisible();

  const drafts = page.getByTestId("drafts");
  const sari = drafts.locator("tr", { hasText: CUSTOMERS[0].name });
  const tono = drafts.locator("tr", { hasText: CUSTOMERS[1].name });
  await expect(sari).toHaveCount(1);
  await expect(tono).toHaveCount(1);
  await expect(sari.locator("input[name=amount]")).toHaveValue("200.000");
  // A bad amount is refused and changes nothing.
  await sari.locator("input[name=amount]").fill("dua ratus");
  await sari.getByRole("button", { name: "Simpan" }).click();
  await expect(page.getByRole("alert").first()).toBeVisible();
  await sari.locator("input[name=amount]").fill("225.000");
  await sari.getByRole("button", { name: "Simpan" }).click();
  await expect(sari.locator("input[name=amount]")).toHaveValue("225.000");
  await fitsWidth(page);
  await shot(page, "schedule-02-tinjau");

  await page.getByTestId("publish").click();
  const done = page.getByTestId("published");
  await expect(done).toContainText("tagihan diterbitkan");
  await shot(page, "schedule-03-published");

  // waha-sim receives one statement per customer, Sari's with the edited amount (at the safe
  // pacing every unattended send uses: 30–60 s between the two).
  type Msg = { chatId: string; text: string };
  await expect
    .poll(
      async () => {
        const all = (await (await page.request.get(`${simUrl(page)}/_sim/messages`)).json()) as Msg[];
        return CUSTOMERS.map((c) => all.filter((m) => m.chatId === c.chat).length);
      },
      { timeout: 100_000, intervals: [1_000] },
    )
    .toEqual([1, 1]);
  const all = (await (await page.request.get(`${simUrl(page)}/_sim/messages`)).json()) as Msg[];
  const toSari = all.find((m) => m.chatId === CUSTOMERS[0].chat)!;
  const toTono = all.find((m) => m.chatId === CUSTOMERS[1].chat)!;
  expect(toSari.text).toContain(CUSTOMERS[0].name);
  expect(toSari.text).toContain("Rp 225.000");
  expect(toTono.text).toContain("Rp 200.000");

  // Issued now: the invoice table shows them, the review is empty.
  await open(page, `/tagihan?q=${encodeURIComponent("Jadwal")}`);
  await expect(page.locator("tbody tr", { hasText: CUSTOMERS[0].name })).toHaveCount(1);
  expect(errors).toEqual([]);
});
