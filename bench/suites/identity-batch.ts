/**
 * Bench suite `identity-batch`: per-proof gas of a relayer's batch (ZkIdentityVerifier.validateProofs: n Groth16
 * proofs checked with one pairing product, every nullifier recorded) at n = 1, 4, 16 and 64, beside Semaphore v4's
 * single `validateProof` in the same run. Every figure is the gasUsed of a real transaction with real proofs (depth
 * 20), intrinsic 21 000 gas and calldata included; per-proof = gasUsed / n. Goal (issue 13): ≤ 0.35× at 16.
 * Both credential modes (a batch is of one mode): membership rows, then signature rows.
 * Proving 64 distinct proofs per mode takes a few minutes: each batch needs distinct people (distinct nullifiers).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import { connect, identity as id } from "@sovereign-stack/sdk";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { deploySemaphorePeer } from "../lib/semaphore-peer.ts";
import { deployTo, openNetwork } from "../../scripts/lib/network.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const ARTIFACTS: id.ArtifactsByMode = {
  membership: { wasm: build("identity_membership_20", "wasm"), zkey: build("identity_membership_20", "zkey"), depth: 20, mode: "membership" },
  signature: { wasm: build("identity_20", "wasm"), zkey: build("identity_20", "zkey"), depth: 20, mode: "signature" },
};
const MODES: readonly id.CredentialMode[] = ["membership", "signature"];

/** A committed circuit build's file. */
function build(name: string, ext: "wasm" | "zkey"): string {
  return path.join(ROOT, "circuits", "artifacts", name, `${name}.${ext}`);
}
/** Batch sizes; BENCH_IDENTITY_BATCH_SIZES="16" (comma-separated) measures fewer (fewer proofs to make). */
const SIZES: readonly number[] = (process.env.BENCH_IDENTITY_BATCH_SIZES ?? "1,4,16,64").split(",").map((x) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`BENCH_IDENTITY_BATCH_SIZES: ${x} is not a batch size in 1..256`);
  return n;
});
const DEPTH = 20;
const PEER = "Semaphore v4 validateProof (depth 20)";

const suite: BenchSuite = {
  name: "identity-batch",
  description: `batch verification (one pairing product per batch) per-proof gas vs ${PEER}`,
  async run(log) {
    const net = await openNetwork("hardhat");
    const [deployer] = await net.signers();
    const result = await deployTo(net, identityComponents(), { outFile: null });
    const stack = await connect(deployer!, result.deployment);
    const v = stack.contracts.ZkIdentityVerifier;
    const reg = stack.contracts.IdentityRegistry;

    const people = Math.max(...SIZES);
    const issuer = new id.Issuer(id.IssuerKey.create());
    const citizens = Array.from({ length: people }, () => id.Identity.create());
    const creds = citizens.map((c) => issuer.enrol(c.commitment, { birthDate: 19900101, region: 7, expiry: 20991231 }));
    const k = issuer.key.publicKey;
    await (await reg.registerIssuer(deployer!.address, k.x, k.y, 3600, "bench")).wait();
    await issuer.publishRoot(reg, await reg.issuerCount());

    log("deploying Semaphore v4 (bench/peers) ...");
    const peer = await deploySemaphorePeer(deployer!, 2, DEPTH);
    const semProof = await peer.prove(0, 42n, 1000n);
    const semTx = await (await peer.semaphore.validateProof!(0n, semProof)).wait();
    const semGas = (semTx as { gasUsed: bigint }).gasUsed;
    log(`Semaphore validateProof gasUsed ${semGas}`);

    const block = await net.ethers.provider.getBlock("latest");
    const today = id.todayDateInt(new Date(block!.timestamp * 1000));
    const policy: id.IdentityPolicy = { minAge: 18, regions: [7], dateToleranceDays: 1 };
    const scope = 0xba7c4n;
    const proofs: Record<id.CredentialMode, id.IdentityProofStruct[]> = { membership: [], signature: [] };
    const t0 = performance.now();
    for (const mode of MODES) {
      for (let i = 0; i < people; i++) {
        const c = creds[i]!;
        // the same leaf proven in either mode (a membership credential is the signed one without its signature)
        const credential: id.Credential =
          mode === "signature" ? c : { mode, commitment: c.commitment, birthDate: c.birthDate, region: c.region, expiry: c.expiry, issuer: c.issuer };
        const p = await id.proveIdentity(
          { identity: citizens[i]!, credential, membership: issuer.membershipProof(c), policy, scope, message: BigInt(deployer!.address) + BigInt(i), currentDate: today },
          ARTIFACTS,
        );
        proofs[mode].push(id.identityProofStruct(p));
        if ((i + 1) % 16 === 0) log(`${mode}: proved ${i + 1}/${people} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
    await id.releaseProver();

    // each size from a fresh consumer (nullifiers are per consumer), the caller being a fresh EOA: the verifier is
    // called directly, as Semaphore's validateProof is
    const rows: BenchRow[] = [row("Semaphore validateProof, single (tx gasUsed)", "gas", semGas)];
    const signers = await net.signers();
    let next = 1;
    for (const mode of MODES) {
      for (const n of SIZES) {
        const caller = signers[next++]!;
        const tx = await (await v.connect(caller).validateProofs(proofs[mode].slice(0, n), scope, id.policyStruct(policy))).wait();
        const gas = tx!.gasUsed;
        log(`${mode} validateProofs(${n}) gasUsed ${gas} → ${gas / BigInt(n)} per proof`);
        rows.push(row(`${mode}: batch of ${n}: per-proof gas (tx gasUsed / ${n})`, "gas", gas / BigInt(n), semGas, PEER));
      }
      const first = proofs[mode][0]!;
      const single = await (await v.connect(signers[next++]!).validateProof(first, scope, first.message, id.policyStruct(policy))).wait();
      rows.push(row(`${mode}: single validateProof (tx gasUsed), for reference`, "gas", single!.gasUsed, semGas, PEER));
    }
    return rows;
  },
};

export default suite;
