/**
 * The SDK's gated-claim and clawback helpers (ts-sdk/src/distribution/gated.ts) against MerkleCampaigns on the
 * embedded network: attestation-gated claims with the real AttestationRegistry (a revoked credential is refused, a
 * valid one paid), anonymous claims through the mock ZK verifier (a second nullifier refused), clawback only after
 * the deadline and only by the clawback address, TokenTable errors decoded by name, and bad input refused naming the
 * field before anything is sent.
 */
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ContractRevertedError, InvalidInputError, attestation } from "@sovereign-stack/sdk";
import {
  DistributionTree,
  campaignAttestationProof,
  claimAnonymous,
  claimAttested,
  clawbackCampaign,
  prepareAnonymousClaim,
  prepareAnonymousClaimMany,
  claimAnonymousMany,
  prepareClawback,
  tokenTableError,
} from "@sovereign-stack/sdk/distribution";
import { Wallet, keccak256, type Contract } from "ethers";

import { deployAttestation, type AttestFixture } from "../attestation/fixture.ts";
import { rejection } from "../lib/rejection.ts";

const DAY = 86_400;
const POLICY = { minAge: 18, dateToleranceDays: 2, regions: [7, 0, 0, 0] };

/** A proof the mock verifier accepts (points[0] != 0), bound to `recipient`. */
function fakeProof(nullifier: bigint, recipient: string) {
  return { root: 0n, nullifier, issuerAx: 0n, message: BigInt(recipient), date: 20260101, mode: 0, points: [1n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] };
}

describe("distribution SDK: gated claims and clawback", function () {
  this.timeout(300_000);
  let fx: AttestFixture;
  let signers: HardhatEthersSigner[];
  let token: Contract;
  let mc: Contract;
  let campaigns: string;

  before(async () => {
    fx = await deployAttestation();
    signers = fx.signers;
    const verifier = await fx.net.ethers.deployContract("MockZkIdentityVerifier");
    mc = (await fx.net.ethers.deployContract("MerkleCampaigns", [fx.stack.address("AttestationRegistry"), await verifier.getAddress()])) as unknown as Contract;
    campaigns = await mc.getAddress();
    token = (await fx.net.ethers.deployContract("TestToken", ["Benefit", "BEN"])) as unknown as Contract;
    await (await token.getFunction("mint")(signers[0]!.address, 10n ** 30n)).wait();
    await (await token.getFunction("approve")(campaigns, 10n ** 30n)).wait();
  });

  /** Creates a campaign with `fn` and returns its id (campaignCount after). */
  async function created(fn: () => Promise<{ wait(): Promise<unknown> }>): Promise<bigint> {
    await (await fn()).wait();
    return (await mc.getFunction("campaignCount")()) as bigint;
  }

  it("refuses bad input naming the field, before anything is sent", async () => {
    const a = Wallet.createRandom().address;
    const att: attestation.Attestation = {
      uid: `0x${"11".repeat(32)}`,
      schema: `0x${"22".repeat(32)}`,
      attester: signers[1]!.address as `0x${string}`,
      subject: attestation.encodeSubject(Wallet.createRandom().address),
      time: 1n,
      expirationTime: 0n,
      refUID: `0x${"00".repeat(32)}`,
      data: "0x01",
    };
    expect(() => campaignAttestationProof(att, a)).to.throw(InvalidInputError).with.property("field", "attestation.subject");
    expect(() => campaignAttestationProof({ ...att, subject: attestation.encodeSubject("did:web:id.gov.example:alice") }, a)).to.throw(InvalidInputError).with.property("field", "attestation.subject");
    const mine = campaignAttestationProof({ ...att, subject: attestation.encodeSubject(a) }, a);
    expect(mine).to.deep.equal({ attester: att.attester, time: 1n, expirationTime: 0n, refUID: att.refUID, dataHash: keccak256("0x01") });

    const proof = fakeProof(5n, a);
    const other = Wallet.createRandom().address;
    expect(() => prepareAnonymousClaim({ campaigns, campaignId: 1, recipient: other, proof })).to.throw(InvalidInputError).with.property("field", "recipient");
    expect(() => prepareAnonymousClaim({ campaigns, campaignId: 1, recipient: a, proof })).to.not.throw();
    expect(() => prepareAnonymousClaim({ campaigns, campaignId: 1, proof: { ...proof, points: proof.points.slice(1) } })).to.throw(InvalidInputError).with.property("field", "proof.points");
    expect(() => prepareAnonymousClaim({ campaigns, campaignId: 1, proof: { ...proof, mode: 2 } })).to.throw(InvalidInputError).with.property("field", "proof.mode");
    expect(() => prepareAnonymousClaim({ campaigns, campaignId: 1, proof: { ...proof, message: 1n << 160n } })).to.throw(InvalidInputError).with.property("field", "proof.message");
    expect(() => prepareAnonymousClaim({ campaigns, campaignId: 1, proof: { ...proof, message: 0n } })).to.throw(InvalidInputError).with.property("field", "proof.message");
    expect(() => prepareAnonymousClaim({ campaigns, campaignId: -1, recipient: a, proof })).to.throw(InvalidInputError).with.property("field", "campaignId");
    expect(() => prepareAnonymousClaimMany({ campaigns, campaignId: 1, proofs: [] })).to.throw(InvalidInputError).with.property("field", "proofs");
    expect(() => prepareAnonymousClaimMany({ campaigns, campaignId: 1, proofs: [proof, fakeProof(6n, other), fakeProof(5n, other)] })).to.throw(InvalidInputError).with.property("field", "proofs[2].nullifier");
    expect(() => prepareAnonymousClaimMany({ campaigns, campaignId: 1, proofs: [proof, { ...fakeProof(6n, other), message: 0n }] })).to.throw(InvalidInputError).with.property("field", "proofs[1].message");
    expect(() => prepareAnonymousClaimMany({ campaigns, campaignId: 1, proofs: [proof], batchSize: 65 })).to.throw(InvalidInputError).with.property("field", "batchSize");
    // one mode per transaction (the verifier checks one mode per batch), then batches of batchSize
    const mixed = [fakeProof(1n, a), { ...fakeProof(2n, a), mode: 1 }, fakeProof(3n, a), fakeProof(4n, a)];
    expect(prepareAnonymousClaimMany({ campaigns, campaignId: 1, proofs: mixed, batchSize: 2 })).to.have.length(3);
    expect(() => prepareClawback({ campaigns: "0x12", campaignId: 1 })).to.throw(InvalidInputError).with.property("field", "campaigns");
    const noSigner = await rejection(clawbackCampaign(null as never, { campaigns, campaignId: 1 }));
    expect(noSigner).to.be.instanceOf(InvalidInputError).with.property("field", "signer");
  });

  it("attestation-gated: a revoked credential and an unaccepted issuer are refused by name; a valid one is paid once", async () => {
    const [, office, stranger, relayer] = signers;
    const client = fx.client(office);
    const { uid: schema } = await client.registerSchema({ definition: "bool eligible", revocable: true }, "eligibility");
    const data = new attestation.SchemaEncoder("bool eligible").encode({ eligible: true });
    const [alice, bob] = [Wallet.createRandom().address, Wallet.createRandom().address];
    const aliceAtt = (await client.attest({ schema, subject: alice, data })).attestation;
    const bobAtt = (await client.attest({ schema, subject: bob, data })).attestation;
    await client.revoke(bobAtt.uid);
    const strangerAtt = (await fx.client(stranger).attest({ schema, subject: bob, data })).attestation;
    const tree = DistributionTree.of([
      { index: 0, account: alice, amount: 100n },
      { index: 1, account: bob, amount: 200n },
    ]);
    const now = await fx.now();
    const id = await created(() =>
      mc.getFunction("createAttestationCampaign")({ token: token.target, funding: 300n, root: tree.root, start: now, deadline: now + 30n * BigInt(DAY), clawbackTo: signers[0]!.address, presetId: 0 }, schema, [office!.address]),
    );

    const revoked = await rejection(claimAttested(relayer!, { campaigns, campaignId: id, ...tree.proofOf(bob), attestation: bobAtt }));
    expect(revoked).to.be.instanceOf(ContractRevertedError).with.property("errorName", "InvalidAttestation");
    const unaccepted = await rejection(claimAttested(relayer!, { campaigns, campaignId: id, ...tree.proofOf(bob), attestation: strangerAtt }));
    expect(unaccepted).to.be.instanceOf(ContractRevertedError).with.property("errorName", "AttesterNotAccepted");
    await claimAttested(relayer!, { campaigns, campaignId: id, ...tree.proofOf(alice), attestation: aliceAtt });
    expect(await token.getFunction("balanceOf")(alice)).to.equal(100n);
    const again = await rejection(claimAttested(relayer!, { campaigns, campaignId: id, ...tree.proofOf(alice), attestation: aliceAtt }));
    expect(again).to.be.instanceOf(ContractRevertedError).with.property("errorName", "AlreadyClaimed");
  });

  it("anonymous: the recipient bound in the proof is paid the fixed amount; the same nullifier is refused by name", async () => {
    const relayer = signers[3]!;
    const now = await fx.now();
    const id = await created(() => mc.getFunction("createZkCampaign")(token.target, 50n, 10n, now, now + 30n * BigInt(DAY), signers[0]!.address, POLICY));
    const [w1, w2] = [Wallet.createRandom().address, Wallet.createRandom().address];
    await claimAnonymous(relayer, { campaigns, campaignId: id, recipient: w1, proof: fakeProof(777n, w1) });
    expect(await token.getFunction("balanceOf")(w1)).to.equal(10n);
    const second = await rejection(claimAnonymous(relayer, { campaigns, campaignId: id, proof: fakeProof(777n, w2) }));
    expect(second).to.be.instanceOf(ContractRevertedError).with.property("errorName", "NullifierAlreadyUsed");
    expect(await token.getFunction("balanceOf")(w2)).to.equal(0n);
  });

  it("anonymous batch: a relayer pays every proof's recipient in batches; a used nullifier sinks its batch by name", async () => {
    const relayer = signers[3]!;
    const now = await fx.now();
    const id = await created(() => mc.getFunction("createZkCampaign")(token.target, 100n, 10n, now, now + 30n * BigInt(DAY), signers[0]!.address, POLICY));
    const ws = Array.from({ length: 5 }, () => Wallet.createRandom().address);
    const sent = await claimAnonymousMany(relayer, { campaigns, campaignId: id, proofs: ws.map((w, i) => fakeProof(9000n + BigInt(i), w)), batchSize: 2 });
    expect(sent).to.have.length(3);
    for (const w of ws) expect(await token.getFunction("balanceOf")(w)).to.equal(10n);
    const view = (await mc.getFunction("getCampaign")(id)) as { paid: bigint };
    expect(view.paid).to.equal(50n);
    const late = Wallet.createRandom().address;
    const again = await rejection(claimAnonymousMany(relayer, { campaigns, campaignId: id, proofs: [fakeProof(1n, late), fakeProof(9003n, late)] }));
    expect(again).to.be.instanceOf(ContractRevertedError).with.property("errorName", "NullifierAlreadyUsed");
    expect(await token.getFunction("balanceOf")(late)).to.equal(0n);
  });

  it("clawback: refused before the deadline and to anyone but the clawback address; after it returns funded − paid", async () => {
    const [admin, , stranger, relayer] = signers;
    const now = await fx.now();
    const id = await created(() => mc.getFunction("createZkCampaign")(token.target, 50n, 10n, now, now + 30n * BigInt(DAY), admin!.address, POLICY));
    const w = Wallet.createRandom().address;
    await claimAnonymous(relayer!, { campaigns, campaignId: id, proof: fakeProof(4242n, w) });
    const early = await rejection(clawbackCampaign(admin!, { campaigns, campaignId: id }));
    expect(early).to.be.instanceOf(ContractRevertedError).with.property("errorName", "ClawbackNotAllowed");
    await fx.increaseTime(31 * DAY);
    const notTheirs = await rejection(clawbackCampaign(stranger!, { campaigns, campaignId: id }));
    expect(notTheirs).to.be.instanceOf(ContractRevertedError).with.property("errorName", "NotClawbackAddress");
    const before = (await token.getFunction("balanceOf")(admin!.address)) as bigint;
    await clawbackCampaign(admin!, { campaigns, campaignId: id });
    expect((await token.getFunction("balanceOf")(admin!.address)) - before).to.equal(40n);
    const view = (await mc.getFunction("getCampaign")(id)) as { paid: bigint; clawedBack: bigint; funded: bigint; closed: boolean };
    expect([view.paid, view.clawedBack, view.funded, view.closed]).to.deep.equal([10n, 40n, 50n, true]);
  });

  it("tokenTableError names a TokenVesting or MerkleCampaigns custom error the shared table leaves out", async () => {
    const vesting = (await fx.net.ethers.deployContract("TokenVesting", [signers[0]!.address, true, true])) as unknown as Contract;
    const e = await rejection(vesting.getFunction("cancel")([99n]));
    const decoded = tokenTableError(e, "TokenVesting");
    expect(decoded).to.be.instanceOf(ContractRevertedError).with.property("errorName", "UnknownSchedule");
    expect((decoded as ContractRevertedError).args).to.deep.equal([99n]);
    const viaCampaigns = tokenTableError(await rejection(mc.getFunction("clawback")(999n)), "MerkleCampaigns");
    expect(viaCampaigns).to.be.instanceOf(ContractRevertedError).with.property("errorName", "UnknownCampaign");
  });
});
