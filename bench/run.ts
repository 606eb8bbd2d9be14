/**
 * npm run bench [-- <suite> ...]
 *
 * Runs every bench suite in bench/suites (or the named ones). Peers that only benches need live in
 * bench/peers/package.json and are installed here when missing, so a plain `npm install` stays lean.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { Command } from "commander";

import { formatJson, formatTable, type BenchSuite } from "./harness.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const suitesDir = path.join(here, "suites");
const available = readdirSync(suitesDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();

const program = new Command()
  .name("bench")
  .description(`Gas and speed benches, ours beside the peer's. Suites: ${available.join(", ")}`)
  .argument("[suites...]", "suites to run (default: all)")
  .option("--no-install", "do not install bench/peers when missing")
  .showHelpAfterError();
program.parse();
const wanted = program.args.length > 0 ? program.args : available;
const { install } = program.opts<{ install: boolean }>();

for (const s of wanted) {
  if (!available.includes(s)) {
    console.error(`bench: error: unknown suite "${s}"; choose from: ${available.join(", ")}`);
    process.exit(2);
  }
}

const peersDir = path.join(here, "peers");
const peerDeps = Object.keys((JSON.parse(readFileSync(path.join(peersDir, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {});
const missing = peerDeps.filter((d) => !existsSync(path.join(peersDir, "node_modules", d, "package.json")));
if (install && missing.length > 0) {
  console.log(`bench: installing peer packages into bench/peers: ${missing.join(", ")} ...`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock"], { cwd: peersDir, stdio: "inherit" });
}

let failed = false;
for (const name of wanted) {
  const mod = (await import(pathToFileURL(path.join(suitesDir, `${name}.ts`)).href)) as { default: BenchSuite };
  const suite = mod.default;
  console.log(`\nbench: ${suite.name}: ${suite.description}`);
  try {
    const rows = await suite.run((l) => console.log(`  ${l}`));
    console.log(formatTable(suite.name, rows));
    console.log(formatJson(suite.name, rows));
  } catch (e) {
    failed = true;
    console.error(`bench: suite ${name} failed:`, e);
  }
}
process.exit(failed ? 1 : 0);
