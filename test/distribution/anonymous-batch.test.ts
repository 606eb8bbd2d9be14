/**
 * Anonymous campaign batch claims with real proofs: a relayer submits several citizens' ZK identity proofs to
 * MerkleCampaigns.claimAnonymousMany, which checks them against the campaign's scope and policy with one batch
 * verification (ZkIdentityVerifier.validateProofs) and pays each proof's recipient once. A batch holding a forged
 * proof, or a proof made for another campaign's scope, fails naming its index and pays nobody; a used nullifier is
 * refused on both the batch and the single path.
 */
import { expect } from "chai";
import { ContractRevertedError, connect, identity as id, type Stack } from "@sovereign-stack/sdk";
import { claimAnonymous, claimAnonymousMany, tokenTableError } from "@sovereign-stack/sdk/distribution";
import type { Contract } from "ethers";

import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";
import { POLICY, artifacts, inMode, world } from "../identity/fixture.ts";
import { rejection } from "../lib/rejection.ts";

const ZERO = "0x0000000000000000000000000000000000000000";
const PER_CLAIM = 25n * 10n ** 18n;
const DAY = 86_400n;

describe("anonymous campaign batch claims with real proofs", function () {
  this.timeout(600_000);
  let net: OpenNetwork;
  let stack: Stack;
  let mc: Contract;
  let token: Contract;
  let campaigns: string;
  let campaignA: bigint;
  let campaignB: bigint;
  let recipients: string[];
  /** alice and bob for campaign A, alice for campaign B. */
  let aliceA: id.IdentityProof;
  let bobA: id.IdentityProof;
  let aliceB: id.IdentityProof;

  after(() => id.releaseProver());
  before(async () => {
    net = await openNetwork("hardhat");
    const result = await deployTo(net, identityComponents(), { outFile: null });
    const [deployer, ...others] = await net.signers();
    stack = await connect(deployer!, result.deployment);
    const w = world();
    const reg = stack.contracts.IdentityRegistry;
    const key = w.issuer.key.publicKey;
    await (await reg.registerIssuer(deployer!.address, key.x, key.y, 3600n, "Civil Registry")).wait();
    await w.issuer.publishRoot(reg, await reg.issuerCount());

    mc = (await net.ethers.deployContract("MerkleCampaigns", [ZERO, stack.address("ZkIdentityVerifier")])) as unknown as Contract;
    campaigns = await mc.getAddress();
    token = (await net.ethers.deployContract("TestToken", ["Benefit", "BEN"])) as unknown as Contract;
    await (await token.getFunction("mint")(deployer!.address, 10n ** 24n)).wait();
    await (await token.getFunction("approve")(campaigns, 10n ** 24n)).wait();
    const block = await net.ethers.provider.getBlock("latest");
    const now = BigInt(block!.timestamp);
    const create = async (): Promise<bigint> => {
      await (await mc.getFunction("createZkCampaign")(token.target, 10n * PER_CLAIM, PER_CLAIM, now, now + 30n * DAY, deployer!.address, id.policyStruct(POLICY))).wait();
      return (await mc.getFunction("campaignCount")()) as bigint;
    };
    campaignA = await create();
    campaignB = await create();

    const today = id.todayDateInt(new Date(block!.timestamp * 1000));
    recipients = others.slice(10, 13).map((s) => s.address);
    const prove = async (who: id.Identity, cred: id.Credential, campaignId: bigint, recipient: string) =>
      id.proveIdentity(
        {
          identity: who,
          credential: inMode(cred, "membership"),
          membership: w.issuer.membershipProof(cred),
          policy: POLICY,
          scope: (await mc.getFunction("zkScope")(campaignId)) as bigint,
          message: id.messageForAddress(recipient),
          currentDate: today,
        },
        artifacts(),
      );
    aliceA = await prove(w.alice, w.aliceCred, campaignA, recipients[0]!);
    bobA = await prove(w.bob, w.bobCred, campaignA, recipients[1]!);
    aliceB = await prove(w.alice, w.aliceCred, campaignB, recipients[2]!);
  });

  const balances = () => Promise.all(recipients.map((r) => token.getFunction("balanceOf")(r) as Promise<bigint>));
  const paid = async (campaignId: bigint) => ((await mc.getFunction("getCampaign")(campaignId)) as { paid: bigint }).paid;

  it("a batch with one forged proof fails with InvalidProofAt naming it, and pays nobody", async () => {
    const [, relayer] = await net.signers();
    const forged = { ...id.identityProofStruct(bobA), points: [...id.identityProofStruct(bobA).points.slice(0, 6), ...id.identityProofStruct(aliceA).points.slice(6)] };
    const before = await balances();
    const e = await rejection(claimAnonymousMany(relayer!, { campaigns, campaignId: campaignA, proofs: [aliceA, forged] }));
    expect(e).to.be.instanceOf(ContractRevertedError).with.property("errorName", "InvalidProofAt");
    expect((e as ContractRevertedError).args).to.deep.equal([1n]);
    expect(await balances()).to.deep.equal(before);
    expect(await paid(campaignA)).to.equal(0n);
  });

  it("a proof made for another campaign's scope fails at its index in this campaign's batch", async () => {
    const [, relayer] = await net.signers();
    const e = await rejection(claimAnonymousMany(relayer!, { campaigns, campaignId: campaignA, proofs: [aliceA, aliceB] }));
    expect(e).to.be.instanceOf(ContractRevertedError).with.property("errorName", "InvalidProofAt");
    expect((e as ContractRevertedError).args).to.deep.equal([1n]);
    expect(await paid(campaignA)).to.equal(0n);
  });

  it("a relayer's batch pays each citizen once at the address their proof binds; a used nullifier is refused on both paths", async () => {
    const [, relayer] = await net.signers();
    const before = await balances();
    const [sent] = await claimAnonymousMany(relayer!, { campaigns, campaignId: campaignA, proofs: [aliceA, bobA] });
    console.log(`      claimAnonymousMany(2) gasUsed ${sent!.receipt.gasUsed}`);
    const after = await balances();
    expect([after[0]! - before[0]!, after[1]! - before[1]!, after[2]! - before[2]!]).to.deep.equal([PER_CLAIM, PER_CLAIM, 0n]);
    expect(await paid(campaignA)).to.equal(2n * PER_CLAIM);
    const v = stack.contracts.ZkIdentityVerifier;
    const scopeA = (await mc.getFunction("zkScope")(campaignA)) as bigint;
    for (const p of [aliceA, bobA]) expect(await v.isNullifierUsed(campaigns, scopeA, p.signals.nullifier)).to.equal(true);

    const again = await rejection(claimAnonymousMany(relayer!, { campaigns, campaignId: campaignA, proofs: [bobA] }));
    expect(again).to.be.instanceOf(ContractRevertedError).with.property("errorName", "NullifierAlreadyUsed");
    const single = await rejection(claimAnonymous(relayer!, { campaigns, campaignId: campaignA, proof: aliceA }));
    expect(single).to.be.instanceOf(ContractRevertedError).with.property("errorName", "NullifierAlreadyUsed");
    expect(await paid(campaignA)).to.equal(2n * PER_CLAIM);

    // the same person in another campaign (its own scope), through the single path with the IdentityProof struct
    await claimAnonymous(relayer!, { campaigns, campaignId: campaignB, recipient: recipients[2]!, proof: aliceB });
    expect(await paid(campaignB)).to.equal(PER_CLAIM);
    const raw = await rejection(mc.connect(relayer!).getFunction("claimAnonymousMany")(campaignB, [id.identityProofStruct(aliceB)]));
    expect(tokenTableError(raw, "MerkleCampaigns")).to.have.property("errorName", "NullifierAlreadyUsed");
  });
});
