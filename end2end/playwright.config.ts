import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// Each viewport gets its own release server on its own temporary SQLite database, so both can
// run the first-run setup. Ports are fixed per run (E2E_PORT_BASE) and loopback only.
const base = Number(process.env.E2E_PORT_BASE ?? 39100);
const bin = process.env.TAGIH_BIN ?? resolve(__dirname, "../target/release/tagih");
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? resolve(__dirname, "../target/site");

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

const viewports = [
  { name: "desktop", port: base, use: { viewport: { width: 1280, height: 800 } } },
  {
    name: "mobile-360",
    port: base + 1,
    use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  },
];

function server(port: number) {
  const dir = mkdtempSync(join(tmpdir(), "tagih-e2e-"));
  return {
    command: `"${bin}" serve`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      DATABASE_URL: `sqlite://${join(dir, "tagih.db")}?mode=rwc`,
      TAGIH_BIND: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      RUST_LOG: "warn",
    },
  };
}

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    ...devices["Desktop Chrome"],
    launchOptions: chromium,
    screenshot: "on",
    trace: "retain-on-failure",
    locale: "id-ID",
    timezoneId: "Asia/Jakarta",
  },
  // Per viewport: the foundation story first (it runs the first-run setup on the fresh
  // server), then every other spec, which signs in as the owner it created.
  projects: viewports.flatMap((v) => {
    const use = { ...devices["Desktop Chrome"], ...v.use, baseURL: `http://127.0.0.1:${v.port}`, launchOptions: chromium };
    return [
      { name: `${v.name}-setup`, testMatch: /foundation\.spec\.ts/, use },
      { name: v.name, testIgnore: /foundation\.spec\.ts/, dependencies: [`${v.name}-setup`], use },
    ];
  }),
  webServer: viewports.map((v) => server(v.port)),
});
