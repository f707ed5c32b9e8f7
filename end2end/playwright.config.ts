import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SIM_KEY, TAGIH_BIN, dbUrl, simPort } from "./tests/helpers";

// Each viewport gets its own release server on its own temporary SQLite database, so both can
// run the first-run setup. Ports are fixed per run (E2E_PORT_BASE) and loopback only.
const base = Number(process.env.E2E_PORT_BASE ?? 39100);
const bin = TAGIH_BIN;
// waha-sim, the local WAHA: one per viewport (sessions are stateful), next to the tagih binary.
const simBin = process.env.WAHA_SIM_BIN ?? join(dirname(bin), "waha-sim");


// Spec files run in this order per viewport.
const SPEC_ORDER = ["foundation", "billing", "whatsapp", "messages", "sending", "schedule", "users", "visual", "statement", "ledger"];

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

function sim(port: number) {
  return {
    command:
      `"${simBin}" --bind 127.0.0.1:${simPort(port)} --api-key ${SIM_KEY} ` +
      "--start-delay-ms 300 --stop-delay-ms 300 --status-wait-ms 1500",
    url: `http://127.0.0.1:${simPort(port)}/ping`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
  };
}

// The servers' stderr goes to files here, so the global teardown can fail the run on a server
// panic: one during a page's server render only shows in the browser as a broken hydration now
// and then. Set in the main process; the workers inherit it.
const logDir = (process.env.TAGIH_E2E_LOG_DIR ??= mkdtempSync(join(tmpdir(), "tagih-e2e-logs-")));

// Each viewport's database lives here, under a name from its port, so a spec can reach it
// (ledger.spec.ts adds months of demo history with `tagih seed-demo`).
process.env.TAGIH_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "tagih-e2e-"));

function server(port: number) {
  return {
    // `exec`, so stopping the web server stops tagih itself.
    command: `exec "${bin}" serve 2>>"${join(logDir, `tagih-${port}.log`)}"`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      DATABASE_URL: dbUrl(port),
      TAGIH_BIND: `127.0.0.1:${port}`,
      // The browser's origin is checked against this, so first-run setup needs no code.
      TAGIH_PUBLIC_URL: `http://127.0.0.1:${port}`,
      // Empty: the release binary serves the web assets built into it, as in production.
      LEPTOS_SITE_ROOT: "",
      RUST_LOG: "warn",
      // Every test signs in from 127.0.0.1, some thirty times per viewport in a few minutes:
      // more than the address limit's burst of 10. The limit itself is tested over HTTP
      // (server/tests/http_auth.rs, http_security.rs).
      TAGIH_LOGIN_BURST: "200",
      WAHA_URL: `http://127.0.0.1:${simPort(port)}`,
      WAHA_API_KEY: SIM_KEY,
      // The schedule acts only when a spec drives it (schedule.spec.ts runs it by hand).
      TAGIH_SCHEDULER: "off",
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
  globalTeardown: require.resolve("./tests/no-server-panics"),
  use: {
    ...devices["Desktop Chrome"],
    launchOptions: chromium,
    screenshot: "on",
    trace: "retain-on-failure",
    locale: "id-ID",
    timezoneId: "Asia/Jakarta",
  },
  // Per viewport, one spec after another (they share the viewport's server, database and
  // WhatsApp session): the first-run story creates the owner, every later spec signs in as it.
  // The two viewports run side by side.
  projects: viewports.flatMap((v) => {
    const use = { ...devices["Desktop Chrome"], ...v.use, baseURL: `http://127.0.0.1:${v.port}`, launchOptions: chromium };
    return SPEC_ORDER.map((spec, i) => ({
      name: i === 0 ? `${v.name}-setup` : `${v.name}-${spec}`,
      testMatch: new RegExp(`${spec}\\.spec\\.ts$`),
      dependencies: i === 0 ? [] : [i === 1 ? `${v.name}-setup` : `${v.name}-${SPEC_ORDER[i - 1]}`],
      use,
    }));
  }),
  webServer: viewports.flatMap((v) => [sim(v.port), server(v.port)]),
});
