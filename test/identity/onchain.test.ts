/**
 * The identity contracts with real proofs: deployed through the stack manifest, driven through the SDK.
 * A one-per-person benefit claimed anonymously, a second claim refused on the nullifier, a proof moved to
 * another recipient refused, a weaker policy refused, and a revoked citizen refused once the root window passes.
 */
import { expect } from "chai";
import { connect, identity as id, typechain, type Stack } from "@sovereign-stack/sdk";

import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";
import { POLICY, WASM, ZKEY, world, type World } from "./fixture.ts";

const ARTIFACTS = { wasm: WASM, zkey: ZKEY };
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

  const proveFor = (who: "alice" | "bob", recipient: string, policy = POLICY, issuer = w.issuer) =>
    id.proveIdentity(
      {
        identity: who === "alice" ? w.alice : w.bob,
        credential: who === "alice" ? w.aliceCred : w.bobCred,
        membership: issuer.membershipProof(who === "alice" ? w.aliceCred : w.bobCred),
        policy,
        scope: SCOPE,
        message: id.messageForAddress(recipient),
        currentDate: today,
      },
      ARTIFACTS,
    );

  it("a citizen claims once; the second claim fails on the nullifier; a moved proof fails", async () => {
    const [, recipient, thief] = await net.signers();
    const p = await proveFor("alice", recipient!.address);
    const v = stack.contracts.ZkIdentityVerifier;
    await expect(benefit.claim(thief!.address, p.calldata.proof, p.calldata.publicSignals)).to.be.revertedWithCustomError(v, "MessageMismatch");
    const before = await net.ethers.provider.getBalance(recipient!.address);
    const tx = await benefit.claim(recipient!.address, p.calldata.proof, p.calldata.publicSignals);
    const receipt = await tx.wait();
    console.log(`      claim gasUsed ${receipt!.gasUsed}`);
    expect((await net.ethers.provider.getBalance(recipient!.address)) - before).to.equal(10n ** 15n);
    expect(await v.isNullifierUsed(await benefit.getAddress(), SCOPE, p.signals.nullifier)).to.equal(true);
    await expect(benefit.claim(recipient!.address, p.calldata.proof, p.calldata.publicSignals)).to.be.revertedWithCustomError(v, "NullifierAlreadyUsed");
  });

  it("a tampered proof and a proof for a weaker policy are refused", async () => {
    const [, , , r] = await net.signers();
    const v = stack.contracts.ZkIdentityVerifier;
    const weak = await proveFor("bob", r!.address, { ...POLICY, minAge: 0 });
    await expect(benefit.claim(r!.address, weak.calldata.proof, weak.calldata.publicSignals)).to.be.revertedWithCustomError(v, "PolicyMismatch");
    const good = await proveFor("bob", r!.address);
    const bad = [...good.calldata.proof];
    bad[0] = bad[0]! ^ 1n;
    await expect(benefit.claim(r!.address, bad, good.calldata.publicSignals)).to.be.revert(net.ethers);
    const swapped = [...good.calldata.proof];
    [swapped[6], swapped[0]] = [swapped[0]!, swapped[6]!];
    [swapped[7], swapped[1]] = [swapped[1]!, swapped[7]!];
    await expect(benefit.claim(r!.address, swapped, good.calldata.publicSignals)).to.be.revertedWithCustomError(v, "InvalidProof");
  });

  it("a revoked citizen's in-flight proof survives the update but fails once the root window passes", async () => {
    const [, , , , r] = await net.signers();
    const v = stack.contracts.ZkIdentityVerifier;
    const p = await proveFor("bob", r!.address);
    const reg = stack.contracts.IdentityRegistry;
    w.issuer.revoke(w.bobCred);
    await w.issuer.publishRoot(reg, issuerId);
    expect(() => w.issuer.membershipProof(w.bobCred)).to.throw(/leaf not in tree/);
    expect(await v.check(await benefit.getAddress(), p.calldata.proof, p.calldata.publicSignals, SCOPE, BigInt(r!.address), id.policyStruct(POLICY))).to.equal(
      p.signals.nullifier,
    );
    await net.ethers.provider.send("evm_increaseTime", [Number(WINDOW)]);
    await net.ethers.provider.send("evm_mine", []);
    await expect(benefit.claim(r!.address, p.calldata.proof, p.calldata.publicSignals)).to.be.revertedWithCustomError(v, "StaleRoot");
  });
});
