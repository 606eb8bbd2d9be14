/**
 * node scripts/batch-verifier.ts [identity_20 identity_membership_20 …] [--check]
 *
 * Writes contracts/identity/verifiers/Identity[Membership]<depth>Groth16BatchVerifier.sol (all four builds by default)
 * from each build's committed
 * circuits/artifacts/<build>/<build>.vkey.json (see scripts/lib/batch-verifier.ts). Run it after every ceremony that
 * changes a vkey. With --check it writes nothing and exits 1 if a committed batch verifier is out of date.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { batchVerifierName, generateBatchVerifier, parseVkey } from "./lib/batch-verifier.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_BUILDS = ["identity_20", "identity_32", "identity_membership_20", "identity_membership_32"];

/** The generated source and its destination for one circuit build. */
export async function batchVerifierFor(build: string): Promise<{ file: string; source: string }> {
  const vkeyPath = path.join("circuits", "artifacts", build, `${build}.vkey.json`);
  const bytes = await readFile(path.join(ROOT, vkeyPath));
  const name = batchVerifierName(build);
  const source = generateBatchVerifier(parseVkey(JSON.parse(bytes.toString("utf8"))), name, { vkeyPath, vkeyBytes: bytes });
  return { file: path.join(ROOT, "contracts", "identity", "verifiers", `${name}.sol`), source };
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const builds = argv.filter((a) => a !== "--check");
  let stale = 0;
  for (const build of builds.length > 0 ? builds : DEFAULT_BUILDS) {
    const { file, source } = await batchVerifierFor(build);
    const rel = path.relative(ROOT, file);
    if (check) {
      const current = await readFile(file, "utf8").catch(() => "");
      if (current !== source) {
        console.error(`${rel} is out of date with ${build}'s vkey: run node scripts/batch-verifier.ts ${build}`);
        stale++;
      }
    } else {
      await writeFile(file, source);
      console.log(`wrote ${rel}`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
