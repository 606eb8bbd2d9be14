/**
 * Starts a TypeScript entry point of the repository as a command-line tool, without a compile step per call:
 * - Node ≥ 22.18 runs `.ts` files directly (type stripping); an older `node` on PATH hands over to the Node 22
 *   the install step brought (node_modules/.bin/node);
 * - the SDK (`@sovereign-stack/sdk`) runs from ts-sdk/dist: if it is missing or older than its sources it is
 *   built once (`npm run build`, progress on stderr so that --json output stays clean).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Newest modification time of the SDK's hand-written sources (generated typechain aside). */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.parentPath.includes(`${path.sep}typechain`)) continue;
    newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** Whether ts-sdk/dist is missing or older than ts-sdk/src. */
export function sdkStale() {
  const dist = path.join(ROOT, "ts-sdk", "dist", "index.js");
  if (!existsSync(dist)) return "missing";
  return newestSource(path.join(ROOT, "ts-sdk", "src")) > statSync(dist).mtimeMs ? "older than its sources" : null;
}

function ensureSdk() {
  const why = sdkStale();
  if (why === null) return;
  process.stderr.write(`the SDK build (ts-sdk/dist) is ${why}: building it once (npm run build)…\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["run", "build", "--silent"], { cwd: ROOT, stdio: ["ignore", process.stderr, process.stderr] });
  if (r.status !== 0) {
    process.stderr.write(`building the SDK failed (exit ${r.status}); run \`npm run build\` in ${ROOT} and retry\n`);
    process.exit(1);
  }
}

/** Runs `entry` (relative to the repository root) with the process's arguments. */
export async function launch(entry) {
  const file = path.join(ROOT, entry);
  if (!process.features.typescript) {
    // this Node cannot strip types: hand over to the project's Node 22
    const node = path.join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node");
    if (!existsSync(node)) {
      process.stderr.write(`${path.basename(entry)} needs Node ≥ 22.18 (this is ${process.version}); run the install step (npx -y -p node@22 -- npm install)\n`);
      process.exit(1);
    }
    const r = spawnSync(node, [path.join(ROOT, "bin", path.basename(process.argv[1])), ...process.argv.slice(2)], { stdio: "inherit" });
    process.exit(r.status ?? 1);
  }
  // help needs no SDK: answer it even before the first build
  const args = process.argv.slice(2);
  if (!(args.length === 0 || args.includes("--help") || args.includes("-h") || args[0] === "help")) ensureSdk();
  await import(pathToFileURL(file).href);
}
