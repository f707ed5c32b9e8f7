import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Fails the run when a Tagih server panicked during it (its stderr is in TAGIH_E2E_LOG_DIR),
 * and shows the end of each server log, since the servers' stderr no longer reaches the console.
 */
export default function noServerPanics() {
  const dir = process.env.TAGIH_E2E_LOG_DIR;
  if (!dir) return;
  const panics: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const lines = readFileSync(join(dir, f), "utf8").trimEnd().split("\n").filter(Boolean);
    lines.forEach((line, i) => {
      if (line.includes("panicked at")) panics.push(`${f}:\n${lines.slice(i, i + 6).join("\n")}`);
    });
    if (lines.length > 0) console.log(`── ${f} (last ${Math.min(lines.length, 20)} of ${lines.length} lines)\n${lines.slice(-20).join("\n")}`);
  }
  console.log(`Server logs: ${dir}`);
  if (panics.length > 0) {
    throw new Error(`A Tagih server panicked during the browser tests:\n${panics.join("\n\n")}`);
  }
}
