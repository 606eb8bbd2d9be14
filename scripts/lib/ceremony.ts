/**
 * The Groth16 trusted-setup pipeline for the identity circuits: compile, phase 1 (local ceremony or an
 * external .ptau), phase 2 with contributions handed from entity to entity as files, chain verification,
 * and the final export (verification key, Solidity verifier, checksums).
 *
 * Used by `scripts/circuits.ts` (the `circuits:*` npm scripts) and by the ceremony test on a toy circuit.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { createRequire } from "node:module";

import * as snarkjs from "snarkjs";
import { buildBn128 } from "ffjavascript";

const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** Error for a setup step the operator has to fix; `message` says how. */
export class CeremonyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CeremonyError";
  }
}

/** The logger snarkjs expects; progress goes to `out`. */
export interface Logger {
  info(msg: string): void;
  debug(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function makeLogger(out: (line: string) => void, verbose = false): Logger {
  return {
    info: (m) => out(m),
    debug: (m) => {
      if (verbose) out(m);
    },
    warn: (m) => out(`warning: ${m}`),
    error: (m) => out(`error: ${m}`),
  };
}

export async function sha256File(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

async function mustExist(file: string, what: string, hint: string): Promise<void> {
  try {
    await stat(file);
  } catch {
    throw new CeremonyError(`${what} ${file} does not exist; ${hint}`);
  }
}

/** Library paths circom needs for our circuits. */
export function circomLibraryPaths(): string[] {
  return [
    path.dirname(require.resolve("circomlib/circuits/poseidon.circom")),
    path.dirname(require.resolve("@zk-kit/binary-merkle-root.circom/src/binary-merkle-root.circom")),
  ];
}

export interface BuildResult {
  readonly r1cs: string;
  readonly wasm: string;
  readonly constraints: number;
}

/** Compiles `source` (a main .circom file) into `outDir` with --O2; returns the artifact paths and constraint count. */
export async function compileCircuit(source: string, outDir: string, log: (l: string) => void = () => {}): Promise<BuildResult> {
  await mustExist(source, "circuit", "pass the path of a main .circom file");
  await mkdir(outDir, { recursive: true });
  const name = path.basename(source, ".circom");
  const circom = path.join(path.dirname(require.resolve("circom2/package.json")), "cli.js");
  const args = [circom, source, "--O2", "--r1cs", "--wasm", "-o", outDir, ...circomLibraryPaths().flatMap((p) => ["-l", p])];
  let stdout: string;
  try {
    // circom2 runs under WASI with the working directory's ancestors as its only preopened directories, and
    // cannot open a library reached through a symlink leaving them (a worktree whose node_modules links to
    // another checkout): run it from the filesystem root, so every absolute path is inside its sandbox.
    ({ stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, cwd: path.parse(process.cwd()).root }));
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new CeremonyError(`circom failed on ${source}:\n${err.stderr || err.stdout || err.message}`);
  }
  // eslint-disable-next-line no-control-regex
  const clean = stdout.replace(/\u001b\[[0-9;]*m/g, "");
  for (const line of clean.split("\n")) if (line.trim()) log(line.trim());
  const m = /non-linear constraints: (\d+)/.exec(clean);
  const lin = /(?<!non-)linear constraints: (\d+)/.exec(clean);
  const constraints = Number(m?.[1] ?? 0) + Number(lin?.[1] ?? 0);
  const wasm = path.join(outDir, `${name}_js`, `${name}.wasm`);
  return { r1cs: path.join(outDir, `${name}.r1cs`), wasm, constraints };
}

/** Smallest power of two (the ptau size) that fits `constraints` plus public inputs. */
export function powerFor(constraints: number, publicInputs = 8): number {
  let p = 1;
  while (2 ** p < constraints + publicInputs + 1) p++;
  return Math.max(p, 4);
}

/**
 * Phase 1 run locally: a new accumulator, `contributors` random contributions, and the phase-2
 * preparation. Progress lines go to the logger. Returns the prepared .ptau path.
 */
export async function localPhase1(dir: string, power: number, contributors: number, logger: Logger): Promise<string> {
  if (!Number.isInteger(power) || power < 2 || power > 28) throw new CeremonyError(`--power ${power}: must be an integer in 2..28`);
  if (!Number.isInteger(contributors) || contributors < 1) throw new CeremonyError(`--phase1-contributions ${contributors}: must be at least 1`);
  await mkdir(dir, { recursive: true });
  const curve = await buildBn128();
  try {
    let prev = path.join(dir, `pot${power}_0000.ptau`);
    logger.info(`phase 1: new accumulator 2^${power}`);
    await snarkjs.powersOfTau.newAccumulator(curve, power, prev, logger);
    for (let i = 1; i <= contributors; i++) {
      const next = path.join(dir, `pot${power}_${String(i).padStart(4, "0")}.ptau`);
      logger.info(`phase 1: contribution ${i}/${contributors}`);
      await snarkjs.powersOfTau.contribute(prev, next, `local phase-1 contribution ${i}`, randomBytes(32).toString("hex"), logger);
      prev = next;
    }
    const final = path.join(dir, `pot${power}_final.ptau`);
    logger.info("phase 1: preparing phase 2 (Lagrange basis)");
    await snarkjs.powersOfTau.preparePhase2(prev, final, logger);
    return final;
  } finally {
    await (curve as { terminate(): Promise<void> }).terminate();
  }
}

/** Phase 2 start: the initial zkey (no contribution yet) from the circuit and the prepared ptau. */
export async function newPhase2(r1cs: string, ptau: string, zkeyOut: string, logger: Logger): Promise<void> {
  await mustExist(r1cs, "circuit constraints", "run `npm run circuits:build` first");
  await mustExist(ptau, "powers of tau", "pass --ptau <file> or omit it to run a local phase 1");
  await mkdir(path.dirname(zkeyOut), { recursive: true });
  await snarkjs.zKey.newZKey(r1cs, ptau, zkeyOut, logger);
}

/** One entity's phase-2 contribution: reads `zkeyIn`, writes `zkeyOut`, returns the contribution hash. */
export async function contribute(zkeyIn: string, zkeyOut: string, name: string, entropy: string | undefined, logger: Logger): Promise<string> {
  await mustExist(zkeyIn, "input zkey", "pass the latest zkey of the ceremony with --in");
  if (name.trim() === "") throw new CeremonyError("--name must name the contributing entity");
  if (path.resolve(zkeyIn) === path.resolve(zkeyOut)) throw new CeremonyError("--out must differ from --in (keep every step of the chain)");
  await mkdir(path.dirname(path.resolve(zkeyOut)), { recursive: true });
  const hash: Uint8Array = await snarkjs.zKey.contribute(zkeyIn, zkeyOut, name, entropy ?? randomBytes(64).toString("hex"), logger);
  return Buffer.from(hash).toString("hex");
}

/** Closes phase 2 with a public random beacon (e.g. a future block hash everyone can check). */
export async function beacon(zkeyIn: string, zkeyOut: string, beaconHex: string, iterationsExp: number, logger: Logger): Promise<void> {
  if (!/^[0-9a-fA-F]{2,128}$/.test(beaconHex)) throw new CeremonyError("--beacon must be hex (e.g. a block hash without 0x)");
  await snarkjs.zKey.beacon(zkeyIn, zkeyOut, "final beacon", beaconHex, iterationsExp, logger);
}

/** A verified contribution as snarkjs reports it. */
export interface VerifiedChain {
  readonly ok: boolean;
  readonly contributions: string[];
}

/**
 * Checks the whole chain: the zkey derives from the r1cs and the ptau, and every contribution in it is
 * valid. The contribution lines are collected from snarkjs's report.
 */
export async function verifyChain(r1cs: string, ptau: string, zkey: string, logger: Logger): Promise<VerifiedChain> {
  await mustExist(r1cs, "circuit constraints", "run `npm run circuits:build` first");
  await mustExist(ptau, "powers of tau", "pass the phase-1 .ptau the ceremony used");
  await mustExist(zkey, "zkey", "pass the latest zkey of the ceremony");
  const contributions: string[] = [];
  const collect: Logger = {
    ...logger,
    info: (m) => {
      if (/^contribution #\d+/.test(m)) contributions.push(m);
      logger.info(m);
    },
  };
  const ok = await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkey, collect);
  return { ok, contributions };
}

/** Exports the verification key JSON and a Solidity verifier (marked generated) for `zkey`. */
export async function exportVerifier(zkey: string, vkeyOut: string, solOut: string, contractName: string, logger: Logger): Promise<void> {
  const vkey: unknown = await snarkjs.zKey.exportVerificationKey(zkey, logger);
  await writeFile(vkeyOut, JSON.stringify(vkey, null, 2) + "\n");
  const template = await readFile(path.join(snarkjsDir(), "templates", "verifier_groth16.sol.ejs"), "utf8");
  let sol: string = await snarkjs.zKey.exportSolidityVerifier(zkey, { groth16: template }, logger);
  sol = sol.replace(/contract Groth16Verifier/, `contract ${contractName}`).replace(/pragma solidity [^;]+;/, "pragma solidity ^0.8.24;");
  const header =
    `// GENERATED FILE — do not edit. Produced by \`npm run circuits:finalize\` (snarkjs ${snarkjsVersion()}) from\n` +
    `// ${path.basename(zkey)} sha256 ${await sha256File(zkey)}.\n`;
  await mkdir(path.dirname(solOut), { recursive: true });
  await writeFile(solOut, header + sol);
}

/** The installed snarkjs package directory (its package.json is not exported). */
function snarkjsDir(): string {
  let dir = path.dirname(require.resolve("snarkjs"));
  while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return dir;
}

export function snarkjsVersion(): string {
  return (JSON.parse(readFileSync(path.join(snarkjsDir(), "package.json"), "utf8")) as { version: string }).version;
}

/** Copies the final artifacts into `artifactDir` and records their sha256 in SHA256SUMS. */
export async function publishArtifacts(files: readonly string[], artifactDir: string): Promise<Record<string, string>> {
  await mkdir(artifactDir, { recursive: true });
  const sums: Record<string, string> = {};
  for (const f of files) {
    const dest = path.join(artifactDir, path.basename(f));
    if (path.resolve(f) !== path.resolve(dest)) await copyFile(f, dest);
    sums[path.basename(f)] = await sha256File(dest);
  }
  const text = Object.entries(sums)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([n, h]) => `${h}  ${n}`)
    .join("\n");
  await writeFile(path.join(artifactDir, "SHA256SUMS"), text + "\n");
  return sums;
}

/** Checks every line of an artifact directory's SHA256SUMS; returns the names that do not match. */
export async function checkSums(artifactDir: string): Promise<string[]> {
  const text = await readFile(path.join(artifactDir, "SHA256SUMS"), "utf8");
  const bad: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line.trim());
    if (m === null) continue;
    const [, hash, name] = m;
    let actual = "";
    try {
      actual = await sha256File(path.join(artifactDir, name!));
    } catch {
      actual = "missing";
    }
    if (actual !== hash) bad.push(name!);
  }
  return bad;
}
