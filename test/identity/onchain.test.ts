/**
 * The identity contracts with real proofs of both modes: deployed through the stack manifest, driven through the SDK.
 * A one-per-person benefit claimed anonymously, a second claim refused on the nullifier (whatever the mode), a proof
 * moved to another recipient refused, a weaker policy refused, a revoked citizen refused once the root window passes,
 * and an issuer key rotation that stops signature-mode proofs but not membership-mode ones.
 */
import { readFile } from "node:fs/promises";

import { expect } from "chai";
import { connect, identity as id, type Stack } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";
import { artifacts, build, inMode, POLICY, SCOPE as FIXTURE_SCOPE, world, type World } from "./fixture.ts";

const ARTIFACTS = artifacts();
const SCOPE = 0x5ca1ab1en;
const WINDOW = 3600n;

describe("identity contracts with real proofs", function () {
  this.timeout(300_000);
  let net: OpenNetwork;
  let stack: Stack;
  let w: World;
  let benefit: typechain.OnePersonBenefit;
  let today: number;
  let issuerId: bigint;

  after(() => id.releaseProver());
  before(async () => {
    net = await openNetwork("hardhat");
    const result = await deployTo(net, identityComponents(), { outFile: null });
    const [deployer] = await net.signers();
    stack = await connect(deployer!, result.deployment);
    w = world();
    const reg = stack.contracts.IdentityRegistry;
    const key = w.issuer.key.publicKey;
    await (await reg.registerIssuer(deployer!.address, key.x, key.y, WINDOW, "Civil Registry")).wait();
    issuerId = await reg.issuerCount();
    await w.issuer.publishRoot(reg, issuerId);
    benefit = await new typechain.OnePersonBenefit__factory(deployer).deploy(stack.address("ZkIdentityVerifier"), SCOPE, 10n ** 15n, id.policyStruct(POLICY));
    await (await deployer!.sendTransaction({ to: await benefit.getAddress(), value: 10n ** 17n })).wait();
    const block = await net.ethers.provider.getBlock("latest");
    today = id.todayDateInt(new Date(block!.timestamp * 1000));
  });

  const proveFor = (who: "alice" | "bob", recipient: string, mode: id.CredentialMode, policy = POLICY, issuer = w.issuer) =>
    id.proveIdentity(
      {
        identity: who === "alice" ? w.alice : w.bob,
        credential: inMode(who === "alice" ? w.aliceCred : w.bobCred, mode),
        membership: issuer.membershipProof(who === "alice" ? w.aliceCred : w.bobCred),
        policy,
        scope: SCOPE,
        message: id.messageForAddress(recipient),
        currentDate: today,
      },
      ARTIFACTS,
    );

  it("a citizen claims once (membership mode); a second claim fails on the nullifier, in either mode; a moved proof fails", async () => {
    const [, recipient, thief] = await net.signers();
    const p = await proveFor("alice", recipient!.address, "membership");
    const v = stack.contracts.ZkIdentityVerifier;
    await expect(benefit.claim(thief!.address, id.identityProofStruct(p))).to.be.revertedWithCustomError(v, "MessageMismatch");
    await expect(benefit.claim(thief!.address, { ...id.identityProofStruct(p), message: BigInt(thief!.address) })).to.be.revertedWithCustomError(v, "InvalidProof");
    const before = await net.ethers.provider.getBalance(recipient!.address);
    const tx = await benefit.claim(recipient!.address, id.identityProofStruct(p));
    const receipt = await tx.wait();
    console.log(`      claim gasUsed ${receipt!.gasUsed}`);
    expect((await net.ethers.provider.getBalance(recipient!.address)) - before).to.equal(10n ** 15n);
    expect(await v.isNullifierUsed(await benefit.getAddress(), SCOPE, p.signals.nullifier)).to.equal(true);
    await expect(benefit.claim(recipient!.address, id.identityProofStruct(p))).to.be.revertedWithCustomError(v, "NullifierAlreadyUsed");
    const again = await proveFor("alice", thief!.address, "signature");
    expect(again.signals.nullifier).to.equal(p.signals.nullifier);
    await expect(benefit.claim(thief!.address, id.identityProofStruct(again))).to.be.revertedWithCustomError(v, "NullifierAlreadyUsed");
  });

  it("a tampered proof and a proof for a weaker policy are refused", async () => {
    const [, , , r] = await net.signers();
    const v = stack.contracts.ZkIdentityVerifier;
    const weak = await proveFor("bob", r!.address, "signature", { ...POLICY, minAge: 0 });
    await expect(benefit.claim(r!.address, id.identityProofStruct(weak))).to.be.revertedWithCustomError(v, "InvalidProof");
    const good = await proveFor("bob", r!.address, "signature");
    // a membership-mode proof relabelled as signature mode goes to the other circuit's verifier and fails, and back
    const member = await proveFor("bob", r!.address, "membership");
    await expect(benefit.claim(r!.address, { ...id.identityProofStruct(member), mode: 1 })).to.be.revertedWithCustomError(v, "InvalidProof");
    await expect(benefit.claim(r!.address, { ...id.identityProofStruct(good), mode: 0 })).to.be.revertedWithCustomError(v, "InvalidProof");
    const bad = [...good.calldata.proof];
    bad[0] = bad[0]! ^ 1n;
    await expect(benefit.claim(r!.address, { ...id.identityProofStruct(good), points: bad })).to.be.revert(net.ethers);
    const swapped = [...good.calldata.proof];
    [swapped[6], swapped[0]] = [swapped[0]!, swapped[6]!];
    [swapped[7], swapped[1]] = [swapped[1]!, swapped[7]!];
    await expect(benefit.claim(r!.address, { ...id.identityProofStruct(good), points: swapped })).to.be.revertedWithCustomError(v, "InvalidProof");
  });

  it("a revoked citizen's in-flight proof survives the update but fails once the root window passes", async () => {
    const [, , , , r] = await net.signers();
    const v = stack.contracts.ZkIdentityVerifier;
    const p = await proveFor("bob", r!.address, "membership");
    const reg = stack.contracts.IdentityRegistry;
    w.issuer.revoke(w.bobCred);
    await w.issuer.publishRoot(reg, issuerId);
    expect(() => w.issuer.membershipProof(w.bobCred)).to.throw(/leaf not in tree/);
    expect(await v.verifyProof(await benefit.getAddress(), id.identityProofStruct(p), SCOPE, BigInt(r!.address), id.policyStruct(POLICY))).to.equal(
      p.signals.nullifier,
    );
    await net.ethers.provider.send("evm_increaseTime", [Number(WINDOW)]);
    await net.ethers.provider.send("evm_mine", []);
    await expect(benefit.claim(r!.address, id.identityProofStruct(p))).to.be.revertedWithCustomError(v, "StaleRoot");
  });

  it("another issuer publishing this issuer's next root first neither blocks nor validates it; a twin key is refused", async () => {
    const [deployer, , , , , r, otherOperator] = await net.signers();
    const reg = stack.contracts.IdentityRegistry;
    const v = stack.contracts.ZkIdentityVerifier;
    const key = w.issuer.key.publicKey;
    await expect(reg.registerIssuer(otherOperator!.address, key.x, id.SNARK_FIELD - key.y, WINDOW, "Twin")).to.be.revertedWithCustomError(reg, "PublicKeyTaken");
    const other = id.IssuerKey.fromSeed(0x777n).publicKey;
    await (await reg.connect(deployer!).registerIssuer(otherOperator!.address, other.x, other.y, WINDOW, "Other Registry")).wait();
    const otherId = await reg.issuerCount();
    const carol = id.Identity.fromSecret(0xca201n);
    const carolCred = w.issuer.enrol(carol.commitment, { birthDate: 19800101, region: 7, expiry: 20400101 }, "membership");
    const next = w.issuer.root;
    await (await reg.connect(otherOperator!).publishRoot(otherId, next)).wait();
    const p = await id.proveIdentity(
      { identity: carol, credential: carolCred, membership: w.issuer.membershipProof(carolCred), policy: POLICY, scope: SCOPE, message: id.messageForAddress(r!.address), currentDate: today },
      ARTIFACTS,
    );
    const consumer = await benefit.getAddress();
    const args = [id.identityProofStruct(p), SCOPE, BigInt(r!.address), id.policyStruct(POLICY)] as const;
    await expect(v.verifyProof(consumer, ...args)).to.be.revertedWithCustomError(v, "UnknownRoot");
    await w.issuer.publishRoot(reg, issuerId);
    expect(await v.verifyProof(consumer, ...args)).to.equal(p.signals.nullifier);
  });

  it("after a key rotation, signature-mode proofs under the old key fail and membership-mode ones still prove", async () => {
    const [deployer, , , , , , , r] = await net.signers();
    const reg = stack.contracts.IdentityRegistry;
    const v = stack.contracts.ZkIdentityVerifier;
    const dave = id.Identity.fromSecret(0xda7en);
    const daveCred = w.issuer.enrol(dave.commitment, { birthDate: 19700101, region: 11, expiry: 20400101 });
    await w.issuer.publishRoot(reg, issuerId);
    const prove = (mode: id.CredentialMode) =>
      id.proveIdentity(
        { identity: dave, credential: inMode(daveCred, mode), membership: w.issuer.membershipProof(daveCred), policy: POLICY, scope: SCOPE, message: id.messageForAddress(r!.address), currentDate: today },
        ARTIFACTS,
      );
    const [sig, member] = [await prove("signature"), await prove("membership")];
    const next = id.IssuerKey.fromSeed(0x2e77n).publicKey;
    await (await reg.connect(deployer!).setIssuerKey(issuerId, next.x, next.y)).wait();
    const consumer = await benefit.getAddress();
    const policy = id.policyStruct(POLICY);
    await expect(v.verifyProof(consumer, id.identityProofStruct(sig), SCOPE, BigInt(r!.address), policy)).to.be.revertedWithCustomError(v, "IssuerKeyMismatch");
    expect(await v.verifyProof(consumer, id.identityProofStruct(member), SCOPE, BigInt(r!.address), policy)).to.equal(member.signals.nullifier);
  });
});

describe("production builds (depth 32)", function () {
  this.timeout(300_000);
  after(() => id.releaseProver());

  it("proves a credential in each mode and the generated depth-32 verifiers accept it", async () => {
    const w = world();
    const net = await openNetwork("hardhat");
    const [deployer] = await net.signers();
    for (const mode of ["membership", "signature"] as const) {
      const b = build(mode, 32);
      const p = await id.proveIdentity(
        {
          identity: w.alice,
          credential: inMode(w.aliceCred, mode),
          membership: w.issuer.membershipProof(w.aliceCred),
          policy: POLICY,
          scope: FIXTURE_SCOPE,
          message: 7n,
          currentDate: 20260115,
        },
        artifacts(32),
      );
      const vkey = JSON.parse(await readFile(b.vkey, "utf8")) as object;
      expect((await id.verifyIdentityProof(vkey, p.proof, p.publicSignals, { roots: [w.issuer.root] })).valid, mode).to.equal(true);
      const c = p.calldata.proof;
      const pa: [bigint, bigint] = [c[0]!, c[1]!];
      const pb: [[bigint, bigint], [bigint, bigint]] = [
        [c[2]!, c[3]!],
        [c[4]!, c[5]!],
      ];
      const pc: [bigint, bigint] = [c[6]!, c[7]!];
      const inputs = p.publicSignals.map(BigInt);
      const ok =
        mode === "membership"
          ? await (await new typechain.IdentityMembership32Groth16Verifier__factory(deployer).deploy()).verifyProof(pa, pb, pc, inputs as [bigint, bigint, bigint, bigint])
          : await (await new typechain.Identity32Groth16Verifier__factory(deployer).deploy()).verifyProof(pa, pb, pc, inputs as [bigint, bigint, bigint, bigint, bigint]);
      expect(ok, mode).to.equal(true);
    }
  });
});
