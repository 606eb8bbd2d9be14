/**
 * Bench suite `identity`: our identity circuits (depth 20) beside Semaphore v4 at depth 20, in the same run.
 *  - constraints of each mode at depths 20 and 32 (from the committed ceremony manifests);
 *  - prove time (SDK checks + witness + Groth16) of each mode, medians of RUNS runs, every run of ours next to one of
 *    Semaphore's (membership, Semaphore, signature, in turn);
 *  - single verify + nullifier gas: gasUsed of a real transaction (ZkIdentityVerifier.validateProof vs
 *    Semaphore.validateProof),
 *    both on the embedded network, both including the 21 000 intrinsic gas and calldata.
 * (Batch verification rows go after the single-proof rows.)
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { connect, identity as id } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { deploySemaphorePeer, type SemaphoreProof } from "../lib/semaphore-peer.ts";
import { deployTo, openNetwork } from "../../scripts/lib/network.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "..", "..");
const RUNS = 7;
const DEPTH = 20;
const PEER = "Semaphore v4 (depth 20)";

/** The committed build of a mode and depth. */
const buildDir = (mode: id.CredentialMode, depth: number): { dir: string; name: string } => {
  const name = mode === "membership" ? `identity_membership_${depth}` : `identity_${depth}`;
  return { dir: path.join(ROOT, "circuits", "artifacts", name), name };
};
const circuitArtifacts = (mode: id.CredentialMode): id.CircuitArtifacts => {
  const { dir, name } = buildDir(mode, DEPTH);
  return { wasm: path.join(dir, `${name}.wasm`), zkey: path.join(dir, `${name}.zkey`), depth: DEPTH, mode };
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const suite: BenchSuite = {
  name: "identity",
  description: `ZK identity proofs, membership and signature modes (LeanIMT membership + predicates + nullifier, signature mode also EdDSA; depth ${DEPTH}) vs ${PEER}`,
  async run(log) {
    const constraints = async (mode: id.CredentialMode, depth: number): Promise<number> => {
      const { dir } = buildDir(mode, depth);
      return (JSON.parse(await readFile(path.join(dir, "ceremony.json"), "utf8")) as { constraints: number }).constraints;
    };

    // ---- chain setup: ours through the stack manifest, Semaphore compiled from the peer package
    const net = await openNetwork("hardhat");
    const [deployer] = await net.signers();
    const result = await deployTo(net, identityComponents(), { outFile: null });
    const stack = await connect(deployer!, result.deployment);
    const issuer = new id.Issuer(id.IssuerKey.create());
    const people = Array.from({ length: 2 * (RUNS + 1) }, () => id.Identity.create());
    // even people hold membership-mode credentials, odd ones signature-mode ones (one tree; the leaf is the same)
    const creds = people.map((p, i) => issuer.enrol(p.commitment, { birthDate: 19900101, region: 7, expiry: 20991231 }, i % 2 === 0 ? "membership" : "signature"));
    const k = issuer.key.publicKey;
    await (await stack.contracts.IdentityRegistry.registerIssuer(deployer!.address, k.x, k.y, 3600, "bench")).wait();
    await issuer.publishRoot(stack.contracts.IdentityRegistry, await stack.contracts.IdentityRegistry.issuerCount());

    log("compiling and deploying Semaphore v4 (bench/peers) ...");
    const peer = await deploySemaphorePeer(deployer!, 8, DEPTH);
    const semaphore = peer.semaphore;

    // ---- proving, interleaved: membership, Semaphore, signature, in turn
    const block = await net.ethers.provider.getBlock("latest");
    const today = id.todayDateInt(new Date(block!.timestamp * 1000));
    const policy: id.IdentityPolicy = { minAge: 18, regions: [7], dateToleranceDays: 1 };
    const proveOurs = async (who: number): Promise<{ proof: id.IdentityProof; ms: number }> => {
      const credential = creds[who]!;
      const t0 = performance.now();
      const proof = await id.proveIdentity(
        {
          identity: people[who]!,
          credential,
          membership: issuer.membershipProof(credential),
          policy,
          scope: 1n + BigInt(who),
          message: BigInt(deployer!.address),
          currentDate: today,
        },
        circuitArtifacts(credential.mode),
      );
      return { proof, ms: performance.now() - t0 };
    };
    const proveTheirs = async (r: number): Promise<{ proof: SemaphoreProof; ms: number }> => {
      const t0 = performance.now();
      const proof = await peer.prove(r % 8, 42n, 1000n + BigInt(r));
      return { proof, ms: performance.now() - t0 };
    };
    const ours: Record<id.CredentialMode, { proofs: id.IdentityProof[]; ms: number[]; witnessMs: number[] }> = {
      membership: { proofs: [], ms: [], witnessMs: [] },
      signature: { proofs: [], ms: [], witnessMs: [] },
    };
    const peerMs: number[] = [];
    let semProof: SemaphoreProof | undefined;
    // one warm-up round (wasm compilation, curve setup) is not counted
    for (let r = -1; r < RUNS; r++) {
      const round = r + 1;
      const m = await proveOurs(2 * round);
      const sem = await proveTheirs(round);
      const s = await proveOurs(2 * round + 1);
      if (r < 0) continue;
      for (const [mode, x] of [["membership", m], ["signature", s]] as const) {
        ours[mode].proofs.push(x.proof);
        ours[mode].ms.push(x.ms);
        ours[mode].witnessMs.push(x.proof.timings.witnessMs);
      }
      peerMs.push(sem.ms);
      semProof = sem.proof;
      log(`run ${round}/${RUNS}: membership ${m.ms.toFixed(0)} ms, Semaphore ${sem.ms.toFixed(0)} ms, signature ${s.ms.toFixed(0)} ms`);
    }

    // ---- gas: a real verify + nullifier transaction each (fresh nullifiers)
    const v = stack.contracts.ZkIdentityVerifier;
    const verifyGas = async (p: id.IdentityProof): Promise<bigint> => {
      const scope = id.unpackPolicy(p.signals.policy).scope;
      const tx = await v.validateProof(id.identityProofStruct(p), scope, BigInt(deployer!.address), id.policyStruct(policy));
      return (await tx.wait())!.gasUsed;
    };
    const membershipGas = await verifyGas(ours.membership.proofs[0]!);
    const signatureGas = await verifyGas(ours.signature.proofs[0]!);
    const semTx = await (await semaphore.validateProof!(0n, semProof!)).wait();
    const semGas = (semTx as { gasUsed: bigint }).gasUsed;
    const c = ours.membership.proofs[0]!.calldata.proof;
    const membershipVerifier = typechain.IdentityMembership20Groth16Verifier__factory.connect(await v.membershipGroth16(), deployer!);
    const pairingGas = await membershipVerifier.verifyProof.estimateGas(
      [c[0]!, c[1]!],
      [
        [c[2]!, c[3]!],
        [c[4]!, c[5]!],
      ],
      [c[6]!, c[7]!],
      ours.membership.proofs[0]!.publicSignals.map(BigInt) as [bigint, bigint, bigint, bigint],
    );
    log(`gasUsed: membership ${membershipGas}, signature ${signatureGas}, Semaphore validateProof ${semGas} (all include 21000 intrinsic gas)`);

    const med = (xs: number[]): number => Math.round(median(xs));
    const rows: BenchRow[] = [
      row(`constraints, membership mode, depth ${DEPTH}`, "constraints", await constraints("membership", DEPTH)),
      row(`constraints, signature mode, depth ${DEPTH}`, "constraints", await constraints("signature", DEPTH)),
      row("constraints, membership mode, depth 32", "constraints", await constraints("membership", 32)),
      row("constraints, signature mode, depth 32", "constraints", await constraints("signature", 32)),
      row("witness generation, membership mode (median)", "ms", med(ours.membership.witnessMs)),
      row("witness generation, signature mode (median)", "ms", med(ours.signature.witnessMs)),
      row(`prove time, membership mode (median of ${RUNS})`, "ms", med(ours.membership.ms), med(peerMs), PEER),
      row(`prove time, signature mode (median of ${RUNS})`, "ms", med(ours.signature.ms), med(peerMs), PEER),
      row("single verify plus nullifier, membership mode (tx gasUsed)", "gas", membershipGas, semGas, PEER),
      row("single verify plus nullifier, signature mode (tx gasUsed)", "gas", signatureGas, semGas, PEER),
      row("  of which Groth16 verifyProof alone, membership mode (tx)", "gas", pairingGas),
    ];
    return rows;
  },
};

export default suite;
