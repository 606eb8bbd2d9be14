/**
 * npm run circuits:<build|setup|contribute|verify|finalize|check> -- [options]
 *
 * The identity circuits' build and multi-party trusted setup. A ceremony among government entities:
 *
 *   1. coordinator:  npm run circuits:build
 *                    npm run circuits:setup -- [--ptau <phase1.ptau> | --power 14]
 *                      → circuits/ceremony/identity_20/identity_20_0000.zkey
 *   2. each entity, in turn, on its own machine, with the previous entity's file:
 *                    npm run circuits:contribute -- --in identity_20_0000.zkey --out identity_20_0001.zkey --name "Ministry of Interior"
 *                    (and passes identity_20_0001.zkey on to the next entity)
 *   3. anyone:       npm run circuits:verify -- --zkey identity_20_0003.zkey --ptau <phase1.ptau>
 *   4. coordinator:  npm run circuits:finalize -- --zkey identity_20_0003.zkey --ptau <phase1.ptau> --beacon <block hash>
 *                      → circuits/artifacts/identity_20/ (wasm, zkey, vkey, SHA256SUMS) and the generated Solidity verifier
 *   CI/tests:        npm run circuits:check   (checksums only; never redoes the ceremony)
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Command, InvalidArgumentError } from "commander";

import {
  beacon,
  CeremonyError,
  checkSums,
  compileCircuit,
  contribute,
  exportVerifier,
  localPhase1,
  makeLogger,
  newPhase2,
  powerFor,
  publishArtifacts,
  sha256File,
  snarkjsVersion,
  verifyChain,
} from "./lib/ceremony.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CIRCUITS = ["identity_20", "identity_32", "identity_membership_20", "identity_membership_32"] as const;
const out = (l: string): void => console.log(l);

function circuitName(v: string): string {
  if (!(CIRCUITS as readonly string[]).includes(v)) throw new InvalidArgumentError(`choose one of ${CIRCUITS.join(", ")}`);
  return v;
}
function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}
const buildDir = (c: string): string => path.join(ROOT, "circuits", "build", c);
const ceremonyDir = (c: string): string => path.join(ROOT, "circuits", "ceremony", c);
const artifactDir = (c: string): string => path.join(ROOT, "circuits", "artifacts", c);
const r1csOf = (c: string): string => path.join(buildDir(c), `${c}.r1cs`);
const wasmOf = (c: string): string => path.join(buildDir(c), `${c}_js`, `${c}.wasm`);
/** identity_20 → Identity20Groth16Verifier (signature mode); identity_membership_20 → IdentityMembership20Groth16Verifier. */
const verifierName = (c: string): string => (c.startsWith("identity_membership_") ? `IdentityMembership${c.slice(20)}Groth16Verifier` : `Identity${c.slice(9)}Groth16Verifier`);

async function action(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    process.exit(0);
  } catch (e) {
    if (e instanceof CeremonyError) console.error(`circuits: error: ${e.message}`);
    else console.error("circuits: unexpected failure:", e);
    process.exit(1);
  }
}

const program = new Command().name("circuits").description("Build the identity circuits and run their multi-party Groth16 trusted setup").showHelpAfterError();

program
  .command("build")
  .description("compile circuits/main/<circuit>.circom into circuits/build/<circuit>/ (r1cs, wasm)")
  .option("--circuit <name...>", `circuits to build: ${CIRCUITS.join(", ")}`, [...CIRCUITS])
  .action((opts: { circuit: string[] }) =>
    action(async () => {
      for (const c of opts.circuit) {
        circuitName(c);
        out(`circuits: compiling ${c}`);
        const r = await compileCircuit(path.join(ROOT, "circuits", "main", `${c}.circom`), buildDir(c), (l) => out(`  ${l}`));
        out(`circuits: ${c}: ${r.constraints} constraints → ${path.relative(ROOT, r.r1cs)}`);
      }
    }),
  );

program
  .command("setup")
  .description("phase 1 (a local ceremony, or an external .ptau) then the initial phase-2 zkey <circuit>_0000.zkey")
  .option("--circuit <name>", "circuit", circuitName, "identity_20")
  .option("--ptau <file>", "use this phase-1 .ptau (e.g. a public Powers of Tau, prepared for phase 2) instead of a local phase 1")
  .option("--power <n>", "local phase 1 size 2^n (default: the smallest that fits the circuit)", positiveInt)
  .option("--phase1-contributions <n>", "random contributions in the local phase 1", positiveInt, 1)
  .option("--dir <dir>", "ceremony directory (default circuits/ceremony/<circuit>)")
  .action((opts: { circuit: string; ptau?: string; power?: number; phase1Contributions: number; dir?: string }) =>
    action(async () => {
      const dir = path.resolve(opts.dir ?? ceremonyDir(opts.circuit));
      const logger = makeLogger(out, true);
      let ptau = opts.ptau === undefined ? undefined : path.resolve(opts.ptau);
      if (ptau === undefined) {
        const info = await import("snarkjs").then((s) => s.r1cs.info(r1csOf(opts.circuit))).catch(() => {
          throw new CeremonyError(`${r1csOf(opts.circuit)} is missing; run \`npm run circuits:build\` first`);
        });
        const power = opts.power ?? powerFor(info.nConstraints, info.nPubInputs + info.nOutputs);
        out(`circuits: local phase 1 at 2^${power} (${info.nConstraints} constraints) — for production pass --ptau <file> from a public ceremony`);
        ptau = await localPhase1(dir, power, opts.phase1Contributions, logger);
      }
      const zkey = path.join(dir, `${opts.circuit}_0000.zkey`);
      out(`circuits: phase 2 start → ${path.relative(ROOT, zkey)}`);
      await newPhase2(r1csOf(opts.circuit), ptau, zkey, logger);
      await writeFile(path.join(dir, "ptau.txt"), `${ptau}\nsha256 ${await sha256File(ptau)}\n`);
      out(`circuits: ready for contributions: npm run circuits:contribute -- --in ${path.relative(ROOT, zkey)} --out <next>.zkey --name "<entity>"`);
    }),
  );

program
  .command("contribute")
  .description("add one entity's phase-2 contribution: reads --in, writes --out (run on the entity's own machine)")
  .requiredOption("--in <zkey>", "the latest zkey of the ceremony, as received")
  .requiredOption("--out <zkey>", "where to write the zkey to pass on")
  .requiredOption("--name <entity>", "contributing entity, recorded in the zkey")
  .option("--entropy <text>", "extra entropy (default: 64 bytes from the OS CSPRNG)")
  .action((opts: { in: string; out: string; name: string; entropy?: string }) =>
    action(async () => {
      const hash = await contribute(opts.in, opts.out, opts.name, opts.entropy, makeLogger(out));
      out(`circuits: ${opts.name} contributed → ${opts.out}`);
      out(`circuits: contribution hash (publish it): ${hash.match(/.{1,32}/g)?.join(" ")}`);
    }),
  );

program
  .command("verify")
  .description("check the whole chain: the zkey derives from the r1cs and ptau and every contribution is valid")
  .option("--circuit <name>", "circuit", circuitName, "identity_20")
  .requiredOption("--zkey <file>", "the zkey to check (any step of the chain)")
  .option("--ptau <file>", "the phase-1 .ptau (default: the one recorded by setup in the ceremony directory)")
  .option("--r1cs <file>", "the circuit's r1cs (default circuits/build/<circuit>/<circuit>.r1cs)")
  .action((opts: { circuit: string; zkey: string; ptau?: string; r1cs?: string }) =>
    action(async () => {
      const ptau = opts.ptau ?? (await recordedPtau(opts.circuit));
      const res = await verifyChain(opts.r1cs ?? r1csOf(opts.circuit), ptau, opts.zkey, makeLogger(out));
      if (!res.ok) throw new CeremonyError(`${opts.zkey}: the contribution chain is INVALID`);
      out(`circuits: chain OK: ${res.contributions.length} contribution(s)`);
    }),
  );

program
  .command("finalize")
  .description("verify the chain, apply a public beacon, export vkey + Solidity verifier, publish artifacts with sha256")
  .option("--circuit <name>", "circuit", circuitName, "identity_20")
  .requiredOption("--zkey <file>", "the last contributed zkey")
  .option("--ptau <file>", "the phase-1 .ptau (default: the one recorded by setup)")
  .option("--beacon <hex>", "public randomness (e.g. a block hash) for the closing beacon; omit to skip the beacon")
  .action((opts: { circuit: string; zkey: string; ptau?: string; beacon?: string }) =>
    action(async () => {
      const c = opts.circuit;
      const logger = makeLogger(out);
      const ptau = opts.ptau ?? (await recordedPtau(c));
      let zkey = path.resolve(opts.zkey);
      if (opts.beacon !== undefined) {
        const final = path.join(path.dirname(zkey), `${c}_beacon.zkey`);
        await beacon(zkey, final, opts.beacon.replace(/^0x/, ""), 10, logger);
        zkey = final;
      }
      const res = await verifyChain(r1csOf(c), ptau, zkey, logger);
      if (!res.ok) throw new CeremonyError(`${zkey}: the contribution chain is INVALID; not publishing`);
      const dir = artifactDir(c);
      const finalZkey = path.join(path.dirname(zkey), `${c}.zkey`);
      await writeFile(finalZkey, await readFile(zkey));
      const vkey = path.join(path.dirname(zkey), `${c}.vkey.json`);
      const sol = path.join(ROOT, "contracts", "identity", "verifiers", `${verifierName(c)}.sol`);
      await exportVerifier(finalZkey, vkey, sol, verifierName(c), logger);
      const sums = await publishArtifacts([wasmOf(c), finalZkey, vkey], dir);
      const manifest = {
        circuit: c,
        snarkjs: snarkjsVersion(),
        constraints: (await import("snarkjs").then((s) => s.r1cs.info(r1csOf(c)))).nConstraints,
        ptau: { file: path.basename(ptau), sha256: await sha256File(ptau) },
        contributions: res.contributions,
        beacon: opts.beacon ?? null,
        verifier: path.relative(ROOT, sol),
        verifierSha256: await sha256File(sol),
        sha256: sums,
      };
      await writeFile(path.join(dir, "ceremony.json"), JSON.stringify(manifest, null, 2) + "\n");
      out(`circuits: published ${Object.keys(sums).join(", ")} → ${path.relative(ROOT, dir)}; verifier → ${path.relative(ROOT, sol)}`);
    }),
  );

program
  .command("check")
  .description("check the committed artifacts against their SHA256SUMS (what CI runs; no ceremony)")
  .option("--circuit <name>", "circuit", circuitName, "identity_20")
  .action((opts: { circuit: string }) =>
    action(async () => {
      const bad = await checkSums(artifactDir(opts.circuit));
      if (bad.length > 0) throw new CeremonyError(`checksum mismatch: ${bad.join(", ")}`);
      out(`circuits: ${opts.circuit} artifacts match SHA256SUMS`);
    }),
  );

async function recordedPtau(c: string): Promise<string> {
  try {
    return (await readFile(path.join(ceremonyDir(c), "ptau.txt"), "utf8")).split("\n")[0]!;
  } catch {
    throw new CeremonyError(`no --ptau given and no ceremony recorded in ${path.relative(ROOT, ceremonyDir(c))}; pass --ptau <file>`);
  }
}

await program.parseAsync();
