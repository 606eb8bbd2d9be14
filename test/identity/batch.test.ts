/**
 * Batch verification with real proofs: a relayer submits many citizens' proofs to OnePersonBenefit.claimMany, which
 * checks them with one pairing product (Identity20Groth16BatchVerifier) and records every nullifier. A batch holding
 * one proof altered in A, B, C or a public input fails with InvalidProofAt naming it, and pays nobody.
 */
import { readFile } from "node:fs/promises";

import { Interface } from "ethers";
import { expect } from "chai";
import { connect, identity as id, type Stack } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";
import { onePersonBenefitAbi } from "@sovereign-stack/sdk/abi";

import { batchVerifierFor } from "../../scripts/batch-verifier.ts";
import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";
import { POLICY, artifacts, inMode, world, type World } from "./fixture.ts";

const SCOPE = 0xba7c4n;
const AMOUNT = 10n ** 15n;
/** BN254 base field: negating a G1 point is (x, q - y). */
const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

type Struct = id.IdentityProofStruct;
type Mutable = { -readonly [K in keyof Struct]: Struct[K] };

for (const mode of ["membership", "signature"] as const) {
describe(`batch verification with real proofs (${mode} mode)`, function () {
  this.timeout(600_000);
  let net: OpenNetwork;
  let stack: Stack;
  let w: World;
  let proofs: id.IdentityProof[];
  let recipients: string[];

  after(() => id.releaseProver());
  before(async () => {
    net = await openNetwork("hardhat");
    const result = await deployTo(net, identityComponents(), { outFile: null });
    const [deployer, ...others] = await net.signers();
    stack = await connect(deployer!, result.deployment);
    w = world();
    const reg = stack.contracts.IdentityRegistry;
    const key = w.issuer.key.publicKey;
    await (await reg.registerIssuer(deployer!.address, key.x, key.y, 3600n, "Civil Registry")).wait();
    const carol = id.Identity.fromSecret(0xca201n);
    const carolCred = w.issuer.enrol(carol.commitment, { birthDate: 19800101, region: 7, expiry: 20400101 });
    const dan = id.Identity.fromSecret(0xda2n);
    const danCred = w.issuer.enrol(dan.commitment, { birthDate: 19700101, region: 11, expiry: 20400101 });
    await w.issuer.publishRoot(reg, await reg.issuerCount());
    const block = await net.ethers.provider.getBlock("latest");
    const today = id.todayDateInt(new Date(block!.timestamp * 1000));
    const people = [
      [w.alice, w.aliceCred],
      [w.bob, w.bobCred],
      [carol, carolCred],
      [dan, danCred],
    ] as const;
    recipients = others.slice(10, 14).map((s) => s.address);
    proofs = [];
    for (const [i, [identity, credential]] of people.entries()) {
      const membership = w.issuer.membershipProof(credential);
      proofs.push(
        await id.proveIdentity(
          { identity, credential: inMode(credential, mode), membership, policy: POLICY, scope: SCOPE, message: id.messageForAddress(recipients[i]!), currentDate: today },
          artifacts(),
        ),
      );
    }
  });

  /** A fresh, funded programme: nullifiers are per consumer, so every test can spend the same proofs. */
  async function programme(): Promise<typechain.OnePersonBenefit> {
    const [deployer] = await net.signers();
    const b = await new typechain.OnePersonBenefit__factory(deployer).deploy(stack.address("ZkIdentityVerifier"), SCOPE, AMOUNT, id.policyStruct(POLICY));
    await (await deployer!.sendTransaction({ to: await b.getAddress(), value: 10n * AMOUNT })).wait();
    return b;
  }

  const balances = () => Promise.all(recipients.map((r) => net.ethers.provider.getBalance(r)));

  it("a relayer's batch of 4 pays each citizen once and records every nullifier", async () => {
    const b = await programme();
    const [, relayer] = await net.signers();
    const before = await balances();
    const receipts = await id.relayBenefitClaims(relayer!, { benefit: await b.getAddress(), proofs });
    expect(receipts).to.have.length(1);
    console.log(`      claimMany(4) gasUsed ${receipts[0]!.gasUsed}`);
    const after = await balances();
    after.forEach((v, i) => expect(v - before[i]!).to.equal(AMOUNT));
    const v = stack.contracts.ZkIdentityVerifier;
    for (const p of proofs) expect(await v.isNullifierUsed(await b.getAddress(), SCOPE, p.signals.nullifier)).to.equal(true);
    await expect(b.claimMany([id.identityProofStruct(proofs[1]!)])).to.be.revertedWithCustomError(v, "NullifierAlreadyUsed");
    // the batch path and the single path share the nullifier: a single claim is refused too
    await expect(b.claim(recipients[2]!, id.identityProofStruct(proofs[2]!))).to.be.revertedWithCustomError(v, "NullifierAlreadyUsed");
  });

  it("a batch of one verifies; the single path accepts what the batch path accepts", async () => {
    const b = await programme();
    await (await b.claimMany([id.identityProofStruct(proofs[0]!)])).wait();
    await (await b.claim(recipients[3]!, id.identityProofStruct(proofs[3]!))).wait();
    const batch = stack.contracts.ZkIdentityVerifier;
    expect(await batch.isNullifierUsed(await b.getAddress(), SCOPE, proofs[3]!.signals.nullifier)).to.equal(true);
  });

  const tampers: [string, (p: Mutable, other: Struct) => void][] = [
    ["A (replaced by another proof's A)", (p, o) => (p.points = [o.points[0]!, o.points[1]!, ...p.points.slice(2)])],
    ["A (negated)", (p) => (p.points = [p.points[0]!, BASE_FIELD - p.points[1]!, ...p.points.slice(2)])],
    ["B (replaced by another proof's B)", (p, o) => (p.points = [...p.points.slice(0, 2), ...o.points.slice(2, 6), ...p.points.slice(6)])],
    ["C (replaced by another proof's C)", (p, o) => (p.points = [...p.points.slice(0, 6), o.points[6]!, o.points[7]!])],
    ["a public input (the message: another recipient)", (p, o) => (p.message = o.message)],
    ["a public input (the nullifier)", (p) => (p.nullifier = p.nullifier + 1n)],
    ["a point off the curve", (p) => (p.points = [p.points[0]!, p.points[1]! ^ 1n, ...p.points.slice(2)])],
  ];
  for (const [what, tamper] of tampers) {
    it(`a batch with one proof altered in ${what} fails with InvalidProofAt(2) and pays nobody`, async () => {
      const b = await programme();
      const structs = proofs.map((p) => ({ ...id.identityProofStruct(p) }) as Mutable);
      tamper(structs[2]!, id.identityProofStruct(proofs[0]!));
      const before = await balances();
      const v = stack.contracts.ZkIdentityVerifier;
      await expect(b.claimMany(structs)).to.be.revertedWithCustomError(v, "InvalidProofAt").withArgs(2n);
      expect(await balances()).to.deep.equal(before);
      expect(await v.isNullifierUsed(await b.getAddress(), SCOPE, proofs[0]!.signals.nullifier)).to.equal(false);
    });
  }

  it("the batch verifier answers for real proofs directly, and false for a forged one", async () => {
    const name = mode === "signature" ? "IdentityGroth16BatchVerifier" : "IdentityMembershipGroth16BatchVerifier";
    const bv = await net.ethers.getContractAt("IIdentityGroth16BatchVerifier", stack.address(name));
    const points = proofs.map((p) => [...p.calldata.proof]);
    // the circuit's own inputs: [root, nullifier, message, policy] (+ issuerAx in signature mode)
    const k = mode === "signature" ? 5 : 4;
    const inputs = proofs.flatMap((p) => p.publicSignals.map(BigInt));
    expect(await bv.PUBLIC_INPUTS()).to.equal(BigInt(k));
    expect(await bv.verifyProofs(points, inputs)).to.equal(true);
    const forged = inputs.slice();
    forged[k * 3 + 2] = forged[2]!; // proof 3 claims proof 0's message
    expect(await bv.verifyProofs(points, forged)).to.equal(false);
    const outOfField = inputs.slice();
    outOfField[1] = outOfField[1]! + id.SNARK_FIELD; // the same value modulo r: refused, not aliased
    expect(await bv.verifyProofs(points, outOfField)).to.equal(false);
    await expect(bv.verifyProofs(points, inputs.slice(1))).to.be.revertedWithCustomError(bv, "InputCountMismatch").withArgs(BigInt(4 * k), BigInt(4 * k - 1));
    await expect(bv.verifyProofs([], [])).to.be.revertedWithCustomError(bv, "EmptyBatch");
  });

  it("the SDK refuses a relayed batch it knows the contract would refuse, naming the field", async () => {
    const [, relayer] = await net.signers();
    const b = await programme();
    const benefit = await b.getAddress();
    expect(() => id.prepareBenefitClaimMany({ benefit, proofs: [] })).to.throw(/proofs: must hold at least one proof/);
    expect(() => id.prepareBenefitClaimMany({ benefit, proofs: [proofs[0]!, proofs[1]!, proofs[0]!] })).to.throw(/proofs\[2\]\.signals\.nullifier: repeats proofs\[0\]/);
    expect(() => id.prepareBenefitClaimMany({ benefit, proofs, batchSize: 65 })).to.throw(/batchSize/);
    expect(() => id.prepareBenefitClaimMany({ benefit: "0x12", proofs })).to.throw(/benefit/);
    const calls = id.prepareBenefitClaimMany({ benefit, proofs, batchSize: 3 });
    expect(calls.map((c) => c.to)).to.deep.equal([benefit, benefit]);
    const receipts = await id.relayBenefitClaims(relayer!, { benefit, proofs, batchSize: 3 });
    expect(receipts).to.have.length(2);
  });
});
}

describe("relayed batches of both modes", () => {
  /** A prover's output shape with the values only (the SDK's batching reads the struct, not the Groth16 proof). */
  const unproven = (message: bigint, nullifier: bigint, mode: id.CredentialMode): id.IdentityProof => {
    const policy = id.packPolicy(POLICY, SCOPE, 20260115, mode);
    const publicSignals = (mode === "signature" ? [1n, nullifier, message, policy, 5n] : [1n, nullifier, message, policy]).map(String);
    return {
      proof: { pi_a: [], pi_b: [], pi_c: [], protocol: "groth16", curve: "bn128" },
      publicSignals,
      signals: id.decodeSignals(publicSignals),
      calldata: { proof: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n], publicSignals: [1n, nullifier, 5n, message, policy] },
      timings: { witnessMs: 0, proveMs: 0 },
    };
  };
  const claimMany = new Interface(onePersonBenefitAbi).getFunction("claimMany")!;
  const batchesOf = (calls: { data: string }[]): [number, bigint][][] =>
    calls.map((c) => (new Interface(onePersonBenefitAbi).decodeFunctionData(claimMany, c.data)[0] as { mode: bigint; nullifier: bigint }[]).map((p) => [Number(p.mode), p.nullifier]));

  it("each transaction holds proofs of one mode: membership batches first, then signature ones, in the given order", () => {
    const modes = ["signature", "membership", "membership", "signature", "membership"] as const;
    const proofs = modes.map((m, i) => unproven(0x1000n + BigInt(i), 10n + BigInt(i), m));
    const benefit = "0x" + "be".repeat(20);
    expect(batchesOf(id.prepareBenefitClaimMany({ benefit, proofs }))).to.deep.equal([
      [[0, 11n], [0, 12n], [0, 14n]],
      [[1, 10n], [1, 13n]],
    ]);
    expect(batchesOf(id.prepareBenefitClaimMany({ benefit, proofs, batchSize: 2 }))).to.deep.equal([[[0, 11n], [0, 12n]], [[0, 14n]], [[1, 10n], [1, 13n]]]);
  });
});

describe("generated batch verifiers", () => {
  it("the committed batch verifiers are what the generator writes from the committed vkeys", async () => {
    for (const build of ["identity_20", "identity_32", "identity_membership_20", "identity_membership_32"]) {
      const { file, source } = await batchVerifierFor(build);
      expect(await readFile(file, "utf8"), `${build}: run node scripts/batch-verifier.ts ${build}`).to.equal(source);
    }
  });
});
