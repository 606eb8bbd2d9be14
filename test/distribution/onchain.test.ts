/**
 * The distribution SDK against the contracts on the embedded network: the vesting mirror equals VestingMath on 500
 * random presets and times, proof-store proofs are accepted by MerkleCampaigns.claim, ClaimTo signatures built from
 * the contract's domain are accepted, and the TokenVesting helpers claim what the contract says is claimable.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ContractRevertedError, InvalidInputError } from "@sovereign-stack/sdk";
import {
  campaignClaimable,
  claimCampaign,
  claimTo,
  claimVesting,
  claimVestingMany,
  getVestingSchedule,
  prepareCampaignClaim,
  scheduleVested,
  signClaimTo,
  validatePreset,
  vestedAmount,
  vestingClaimable,
  vestingPresets,
  type VestingPreset,
} from "@sovereign-stack/sdk/distribution";
import { ProofStore, buildDistribution } from "@sovereign-stack/sdk/node";
import type { Contract } from "ethers";

import { openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { csvOf, randomRows } from "./helpers.ts";
import { prng } from "../lib/prng.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

function randomPreset(rnd: () => number): VestingPreset {
  const n = rnd() < 0.1 ? 64 : 1 + Math.floor(rnd() * 8);
  const ends: number[] = [];
  let e = 0;
  for (let i = 0; i < n; i++) {
    e += 1 + Math.floor(rnd() * (rnd() < 0.3 ? 2 : 5_000_000));
    ends.push(Math.min(e, 2 ** 32 - 1 - (n - i)));
    e = ends[i]!;
  }
  const cuts = Array.from({ length: n - 1 }, () => Math.floor(rnd() * 10_001)).sort((a, b) => a - b);
  const bips = [...cuts, 10_000].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]!));
  return { ends, bips };
}

describe("distribution SDK on-chain", function () {
  this.timeout(300_000);
  let net: OpenNetwork;
  let signers: HardhatEthersSigner[];
  let work: string;

  before(async () => {
    net = await openNetwork("hardhat");
    signers = await net.signers();
    work = mkdtempSync(path.join(tmpdir(), "dist-chain-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("vestedAmount equals VestingMath.vested on 500 random presets, totals and times", async () => {
    const harness = (await net.ethers.deployContract("VestingMathHarness")) as unknown as Contract;
    const rnd = prng(0x5eed);
    let cases = 0;
    for (let p = 0; p < 50; p++) {
      const preset = randomPreset(rnd);
      validatePreset(preset);
      const packed = [...((await harness.getFunction("pack").staticCall(preset.ends, preset.bips)) as bigint[])];
      const start = BigInt(Math.floor(rnd() * 2 ** 40));
      const last = preset.ends[preset.ends.length - 1]!;
      for (let k = 0; k < 10; k++) {
        const total = k === 0 ? (1n << 256n) - 1n : k === 1 ? 0n : BigInt("0x" + Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 16).toString(16)).join(""));
        const seg = Math.floor(rnd() * preset.ends.length);
        const choice = rnd();
        const offset =
          choice < 0.1 ? -Math.floor(rnd() * 1000) : choice < 0.3 ? preset.ends[seg]! + (Math.floor(rnd() * 3) - 1) : choice < 0.4 ? last + Math.floor(rnd() * 1000) : Math.floor(rnd() * (last + 1));
        const at = start + BigInt(offset) < 0n ? 0n : start + BigInt(offset);
        const ours = vestedAmount({ total, start, preset, at });
        const theirs = (await harness.getFunction("vested").staticCall(total, start, packed, at)) as bigint;
        expect(ours, `preset ${JSON.stringify(preset)} total ${total} start ${start} at ${at}`).to.equal(theirs);
        cases++;
      }
    }
    expect(cases).to.equal(500);
  });

  it("vestedAmount validates like the contract (field named)", () => {
    expect(() => vestedAmount({ total: 1n, start: 0, preset: { ends: [5, 5], bips: [5000, 5000] }, at: 1 })).to.throw(InvalidInputError).with.property("field", "preset.ends[1]");
    expect(() => vestedAmount({ total: 1n, start: 0, preset: { ends: [5], bips: [9999] }, at: 1 })).to.throw(InvalidInputError).with.property("field", "preset.bips");
    expect(() => vestedAmount({ total: -1n, start: 0, preset: vestingPresets.linear(10), at: 1 })).to.throw(InvalidInputError).with.property("field", "total");
    expect(() => vestingPresets.cliffLinear(1, 10, 2500)).to.throw(InvalidInputError).with.property("field", "cliff");
    expect(vestedAmount({ total: 1000n, start: 100, preset: vestingPresets.cliffLinear(10, 100, 2500), at: 110 })).to.equal(250n);
    expect(vestedAmount({ total: 1000n, start: 100, preset: vestingPresets.steps(4, 10), at: 125 })).to.equal(500n);
  });

  async function deployCampaign(rows: ReturnType<typeof randomRows>, name: string) {
    const [admin] = signers;
    const token = (await net.ethers.deployContract("TestToken", ["Benefit", "BEN"])) as unknown as Contract;
    const mc = (await net.ethers.deployContract("MerkleCampaigns", [ZERO, ZERO])) as unknown as Contract;
    const csv = path.join(work, `${name}.csv`);
    writeFileSync(csv, csvOf(rows));
    const built = await buildDistribution({ csv, out: path.join(work, name) });
    await (await token.getFunction("mint")(admin!.address, built.total)).wait();
    await (await token.getFunction("approve")(await mc.getAddress(), built.total)).wait();
    const now = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp);
    const params = { token: await token.getAddress(), funding: built.total, root: built.root, start: now, deadline: now + 86_400n * 30n, clawbackTo: admin!.address, presetId: 0 };
    await (await mc.getFunction("createCampaign")(params)).wait();
    return { token, mc, built, store: ProofStore.open(built.dir), campaigns: await mc.getAddress() };
  }

  it("proofs read from the store are accepted by MerkleCampaigns.claim (SDK claimCampaign), and a second claim is refused", async () => {
    const accounts = signers.slice(1, 6).map((s) => s.address);
    const rows = randomRows(300, accounts);
    const { token, store, campaigns } = await deployCampaign(rows, "claims");
    try {
      for (const a of accounts) {
        const p = store.proofOf(a);
        expect(await campaignClaimable(signers[0]!, { campaigns, campaignId: 1, index: p.index, amount: p.amount, at: BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp) })).to.equal(p.amount);
        await claimCampaign(signers[9]!, { campaigns, campaignId: 1, ...p });
        expect(await token.getFunction("balanceOf")(a)).to.equal(p.amount);
      }
      const p = store.proofOf(accounts[0]!);
      const err = await claimCampaign(signers[9]!, { campaigns, campaignId: 1, ...p }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ContractRevertedError).with.property("errorName", "AlreadyClaimed");
      const tampered = await claimCampaign(signers[9]!, { campaigns, campaignId: 1, ...store.proofOf(accounts[1]!), amount: 1n }).catch((e: unknown) => e);
      expect(tampered).to.be.instanceOf(ContractRevertedError).with.property("errorName", "InvalidProof");
      expect(() => prepareCampaignClaim({ campaigns, campaignId: 1, ...p, account: "0x12" })).to.throw(InvalidInputError).with.property("field", "recipient.account");
    } finally {
      store.close();
    }
  });

  it("claimTo: the account signs the contract's ClaimTo (domain and type hash read from it); a relayer submits; replay is refused", async () => {
    const holder = signers[7]!;
    const dest = signers[8]!.address;
    const rows = randomRows(20, [holder.address]);
    const { token, store, campaigns } = await deployCampaign(rows, "claimto");
    try {
      const p = store.proofOf(holder.address);
      const deadline = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp) + 3600n;
      const wrong = await signClaimTo(signers[9]!, { campaigns, campaignId: 1, ...p, to: dest, deadline }).catch((e: unknown) => e);
      expect(wrong).to.be.instanceOf(InvalidInputError).with.property("field", "signer");
      const signed = await signClaimTo(holder, { campaigns, campaignId: 1, ...p, to: dest, deadline });
      const before = (await token.getFunction("balanceOf")(dest)) as bigint;
      await claimTo(signers[9]!, { campaigns, campaignId: 1, ...p, ...signed });
      expect(((await token.getFunction("balanceOf")(dest)) as bigint) - before).to.equal(p.amount);
      const replay = await claimTo(signers[9]!, { campaigns, campaignId: 1, ...p, ...signed }).catch((e: unknown) => e);
      expect(replay).to.be.instanceOf(ContractRevertedError).with.property("errorName", "InvalidAccountNonce");
    } finally {
      store.close();
    }
  });

  it("TokenVesting: claimable, claim and claimMany through the SDK pay what the contract and the mirror say", async () => {
    const [admin, , , b1, b2] = signers;
    const token = (await net.ethers.deployContract("TestToken", ["Vest", "VST"])) as unknown as Contract;
    const v = (await net.ethers.deployContract("TokenVesting", [admin!.address, true, true])) as unknown as Contract;
    const vesting = await v.getAddress();
    const preset = vestingPresets.cliffLinear(1000, 9000, 2500);
    await (await v.getFunction("createPreset")(preset.ends, preset.bips)).wait();
    await (await token.getFunction("mint")(admin!.address, 3_000_000n)).wait();
    await (await token.getFunction("approve")(vesting, 3_000_000n)).wait();
    const start = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp);
    await (await v.getFunction("createSchedules")(await token.getAddress(), 1, start, false, ZERO, [b1!.address, b2!.address, b2!.address], [1_000_000n, 1_000_000n, 1_000_000n])).wait();
    await net.ethers.provider.send("evm_increaseTime", [5000]);
    await net.ethers.provider.send("evm_mine", []);
    const now = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp);
    const s1 = await getVestingSchedule(b1!, { vesting, scheduleId: 1 });
    expect(s1.preset).to.deep.equal(preset);
    expect(scheduleVested(s1, now)).to.equal(await v.getFunction("vestedAmount")(1, now));
    expect(await vestingClaimable(b1!, { vesting, scheduleId: 1, at: now })).to.equal(scheduleVested(s1, now));
    const r = await claimVesting(b1!, { vesting, scheduleId: 1 });
    const paidAt = BigInt((await r.receipt.getBlock()).timestamp);
    expect(await token.getFunction("balanceOf")(b1!.address)).to.equal(scheduleVested(s1, paidAt));
    const txs = await claimVestingMany(b2!, { vesting, scheduleIds: [2, 3], batchSize: 1 });
    expect(txs).to.have.length(2);
    const last = BigInt((await txs[1]!.receipt.getBlock()).timestamp);
    const first = BigInt((await txs[0]!.receipt.getBlock()).timestamp);
    const s2 = await getVestingSchedule(b2!, { vesting, scheduleId: 2 });
    expect(await token.getFunction("balanceOf")(b2!.address)).to.equal(scheduleVested(s2, first) + scheduleVested(s2, last));
    const notMine = await claimVesting(b1!, { vesting, scheduleId: 2 }).catch((e: unknown) => e);
    expect(notMine).to.be.instanceOf(ContractRevertedError).with.property("errorName", "NotBeneficiary");
  });
});
