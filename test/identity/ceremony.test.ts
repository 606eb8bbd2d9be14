/**
 * The trusted-setup pipeline end to end on a toy circuit (fast), through the same library the
 * `circuits:*` scripts use: local phase 1, three entities contributing phase 2 from files, chain
 * verification, a tampered chain rejected, and a proof with the final key. Then the committed artifacts
 * of the real circuit: checksums, and verification key and Solidity verifier matching the zkey.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import * as snarkjs from "snarkjs";
import { identity } from "@sovereign-stack/sdk";

import { checkSums, compileCircuit, contribute, localPhase1, makeLogger, newPhase2, sha256File, verifyChain } from "../../scripts/lib/ceremony.ts";
import { BUILDS, ROOT } from "./fixture.ts";

const quiet = makeLogger(() => {});

/**
 * snarkjs (through fastfile) leaves some FileHandles to the garbage collector, and Node then prints "Closing file
 * descriptor N on garbage collection" and DEP0137 in the middle of the test output. They say nothing about this
 * project: drop those two, and only those, from Node's warning printer. The filter stays for the rest of the run
 * because the collector may close the handles after this suite ends.
 */
function silenceFileHandleGcWarnings(): void {
  const printers = process.listeners("warning");
  if (printers.some((p) => (p as { fileHandleGcFilter?: boolean }).fileHandleGcFilter === true)) return;
  const filter = Object.assign(
    (w: Error) => {
      if (/^Closing (file descriptor \d+|a FileHandle object) on garbage collection/.test(w.message)) return;
      for (const p of printers) p.call(process, w);
    },
    { fileHandleGcFilter: true },
  );
  process.removeAllListeners("warning");
  process.on("warning", filter);
}

describe("trusted setup pipeline", function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    silenceFileHandleGcWarnings();
    dir = await mkdtemp(path.join(os.tmpdir(), "ceremony-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await identity.releaseProver();
  });

  it("runs phase 1, three phase-2 contributions and verifies the chain (toy circuit)", async () => {
    const build = await compileCircuit(path.join(ROOT, "circuits", "test", "toy.circom"), path.join(dir, "build"));
    const ptau = await localPhase1(path.join(dir, "p1"), 4, 1, quiet);
    const z0 = path.join(dir, "toy_0000.zkey");
    await newPhase2(build.r1cs, ptau, z0, quiet);
    let prev = z0;
    const hashes: string[] = [];
    for (const [i, entity] of ["Ministry of Interior", "Statistics Office", "Electoral Commission"].entries()) {
      const next = path.join(dir, `toy_000${i + 1}.zkey`);
      hashes.push(await contribute(prev, next, entity, undefined, quiet));
      prev = next;
    }
    expect(new Set(hashes).size).to.equal(3);
    const res = await verifyChain(build.r1cs, ptau, prev, quiet);
    expect(res.ok).to.equal(true);
    expect(res.contributions).to.have.length(3);

    // a zkey from another ceremony does not verify against this chain's ptau
    const otherPtau = await localPhase1(path.join(dir, "p1b"), 4, 1, quiet);
    expect((await verifyChain(build.r1cs, otherPtau, prev, quiet)).ok).to.equal(false);

    // the final key proves
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 3, b: 11 }, build.wasm, prev);
    const vkey = await snarkjs.zKey.exportVerificationKey(prev);
    expect(publicSignals).to.deep.equal(["33"]);
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).to.equal(true);
  });

  it("the contribute script refuses bad arguments with a clear message", async () => {
    const run = promisify(execFile);
    const script = path.join(ROOT, "scripts", "circuits.ts");
    const help = await run(process.execPath, [script, "contribute", "--help"]);
    expect(help.stdout).to.match(/--name <entity>/);
    let stderr = "";
    try {
      await run(process.execPath, [script, "contribute", "--in", path.join(dir, "missing.zkey"), "--out", path.join(dir, "x.zkey"), "--name", "X"]);
    } catch (e) {
      stderr = (e as { stderr: string }).stderr;
    }
    expect(stderr).to.match(/input zkey .*missing\.zkey does not exist/);
  });
});

for (const { name: build, mode, depth } of BUILDS) {
  const dir = path.join(ROOT, "circuits", "artifacts", build);
  const zkey = path.join(dir, `${build}.zkey`);
  describe(`committed ${build} circuit artifacts (${mode} mode, depth ${depth})`, function () {
    this.timeout(120_000);
    after(() => identity.releaseProver());

    it("match their recorded sha256", async () => {
      expect(await checkSums(dir)).to.deep.equal([]);
      const manifest = JSON.parse(await readFile(path.join(dir, "ceremony.json"), "utf8")) as {
        verifier: string;
        verifierSha256: string;
        contributions: string[];
      };
      expect(await sha256File(path.join(ROOT, manifest.verifier))).to.equal(manifest.verifierSha256);
      expect(manifest.contributions.length).to.be.greaterThanOrEqual(3);
    });

    it("the verification key and the Solidity verifier match the zkey", async () => {
      const fromZkey = (await snarkjs.zKey.exportVerificationKey(zkey)) as Record<string, unknown>;
      const committed = JSON.parse(await readFile(path.join(dir, `${build}.vkey.json`), "utf8")) as Record<string, unknown>;
      expect(committed).to.deep.equal(JSON.parse(JSON.stringify(fromZkey)));
      const name = `Identity${mode === "membership" ? "Membership" : ""}${depth}Groth16Verifier.sol`;
      const sol = await readFile(path.join(ROOT, "contracts", "identity", "verifiers", name), "utf8");
      expect(sol).to.match(/^\/\/ GENERATED FILE/);
      expect(sol).to.contain(await sha256File(zkey));
      const vk = fromZkey as { vk_alpha_1: string[]; vk_delta_2: string[][]; IC: string[][] };
      const constant = (n: string): string => new RegExp(`${n}\\s*=\\s*(\\d+);`).exec(sol)?.[1] ?? "missing";
      expect(constant("alphax")).to.equal(vk.vk_alpha_1[0]);
      expect(constant("deltax1")).to.equal(vk.vk_delta_2[0]![1]);
      vk.IC.forEach((p, i) => expect(constant(`IC${i}x`)).to.equal(p[0]));
      expect(constant(`IC${vk.IC.length}x`)).to.equal("missing");
      expect(vk.IC, "public signals + 1").to.have.length(mode === "membership" ? 5 : 6);
    });
  });
}
