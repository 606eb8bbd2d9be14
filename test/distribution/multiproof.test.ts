/**
 * Multiproofs for relayer batches: the proof store's reader gives exactly OpenZeppelin merkle-tree's `getMultiProof`
 * (leaves, siblings, flags) for random subsets, so does the SDK's in-memory tree; MerkleCampaigns.claimManyMultiproof
 * pays a store-built batch once; bad input is refused naming the field before anything is sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ContractRevertedError, InvalidInputError } from "@sovereign-stack/sdk";
import { DistributionTree, claimCampaignMultiProof, prepareCampaignClaimMultiProof, tokenTableError, type DistributionMultiProof } from "@sovereign-stack/sdk/distribution";
import { ProofStore, buildDistribution } from "@sovereign-stack/sdk/node";
import type { Contract } from "ethers";

import { openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { csvOf, ozCampaignTree, randomRows, type Row } from "./helpers.ts";
import { rejection } from "../lib/rejection.ts";
import { prng } from "../lib/prng.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

function subset(n: number, rnd: () => number): number[] {
  const kind = rnd();
  if (kind < 0.15) return [Math.floor(rnd() * n)];
  if (kind < 0.25) return Array.from({ length: n }, (_, i) => i);
  if (kind < 0.5) {
    const start = Math.floor(rnd() * n);
    return Array.from({ length: Math.min(n - start, 1 + Math.floor(rnd() * 100)) }, (_, i) => start + i);
  }
  const out = Array.from({ length: n }, (_, i) => i).filter(() => rnd() < 0.3);
  return out.length > 0 ? out : [0];
}

describe("distribution multiproofs", function () {
  this.timeout(300_000);
  let work: string;
  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "dist-multi-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  async function store(rows: readonly Row[], name: string): Promise<string> {
    const csv = path.join(work, `${name}.csv`);
    writeFileSync(csv, csvOf(rows));
    const out = path.join(work, name);
    await buildDistribution({ csv, out });
    return out;
  }

  for (const n of [1, 2, 3, 17, 300]) {
    it(`${n} leaves: ProofStore.multiProof and DistributionTree.multiProof equal OpenZeppelin's getMultiProof`, async () => {
      const rows = randomRows(n);
      const dir = await store(rows, `m${n}`);
      const oz = ozCampaignTree(rows);
      const sdk = DistributionTree.of(rows.map(([index, account, amount]) => ({ index: BigInt(index), account, amount: BigInt(amount) })));
      const s = ProofStore.open(dir);
      const partial = ProofStore.open(dir, { topNodes: 3 });
      const rnd = prng(n);
      try {
        for (let k = 0; k < 25; k++) {
          const indices = subset(n, rnd); // leaf indices
          const want = oz.getMultiProof(indices); // value k of the index-ordered tree is index k
          const expected: DistributionMultiProof = {
            leaves: want.leaves.map((v) => ({ index: BigInt(v[0]), account: v[1] as `0x${string}`, amount: BigInt(v[2]) })),
            proof: want.proof as `0x${string}`[],
            proofFlags: want.proofFlags,
          };
          const fromStore = s.multiProof(indices);
          expect(fromStore, `subset ${JSON.stringify(indices)}`).to.deep.equal(expected);
          expect(partial.multiProof(indices)).to.deep.equal(expected); // siblings read from disk
          expect(sdk.multiProof(indices.map(BigInt))).to.deep.equal(expected);
          expect(oz.verifyMultiProof({ leaves: want.leaves, proof: fromStore.proof as string[], proofFlags: [...fromStore.proofFlags] })).to.equal(true);
        }
      } finally {
        s.close();
        partial.close();
      }
    });
  }

  it("consecutive indices are tree neighbours: their multiproof shares its siblings (indicesInTreeOrder = consecutive indices)", async () => {
    const rows = randomRows(300);
    const s = ProofStore.open(await store(rows, "order"));
    const oz = ozCampaignTree(rows);
    const tree = oz.dump().tree;
    try {
      const all = s.indicesInTreeOrder(0, 300);
      expect(all).to.deep.equal(Array.from({ length: 300 }, (_, k) => BigInt(k)));
      all.forEach((index, k) => {
        const row = rows.find((r) => r[0] === index.toString())!;
        expect(oz.leafHash(row), `leaf ${k} in tree order`).to.equal(tree[tree.length - 1 - k]);
      });
      expect(s.indicesInTreeOrder(290, 50)).to.deep.equal(all.slice(290));
      const consecutive = s.multiProof(Array.from({ length: 100 }, (_, i) => 100 + i));
      const scattered = s.multiProof(Array.from({ length: 100 }, (_, i) => 3 * i));
      expect(consecutive.proof.length).to.be.below(12); // about one sibling per level for the batch
      expect(consecutive.proof.length).to.be.below(scattered.proof.length);
      expect(consecutive.leaves.map((l) => l.index)).to.deep.equal(Array.from({ length: 100 }, (_, i) => BigInt(100 + i))); // ascending index
      expect(() => s.indicesInTreeOrder(300, 1)).to.throw(InvalidInputError).with.property("field", "start");
      expect(() => s.indicesInTreeOrder(0, 0)).to.throw(InvalidInputError).with.property("field", "count");
    } finally {
      s.close();
    }
  });

  it("refuses an empty list, an index out of range and a repeat, naming the field", async () => {
    const rows = randomRows(5);
    const s = ProofStore.open(await store(rows, "bad"));
    const sdk = DistributionTree.of(rows.map(([index, account, amount]) => ({ index: BigInt(index), account, amount: BigInt(amount) })));
    try {
      expect(() => s.multiProof([])).to.throw(InvalidInputError).with.property("field", "indices");
      expect(() => s.multiProof([1, 5])).to.throw(InvalidInputError).with.property("field", "indices[1]");
      expect(() => s.multiProof([2, 0, 2])).to.throw(InvalidInputError).with.property("field", "indices[2]");
      expect(() => sdk.multiProof([])).to.throw(InvalidInputError).with.property("field", "indices");
      expect(() => sdk.multiProof([7])).to.throw(InvalidInputError).with.property("field", "indices[0]");
      expect(() => sdk.multiProof([3, 3])).to.throw(InvalidInputError).with.property("field", "indices[1]");
    } finally {
      s.close();
    }
  });

  describe("on-chain (MerkleCampaigns.claimManyMultiproof)", () => {
    let net: OpenNetwork;
    let mc: Contract;
    let token: Contract;
    let campaigns: string;
    before(async () => {
      net = await openNetwork("hardhat");
      const [admin] = await net.signers();
      mc = (await net.ethers.deployContract("MerkleCampaigns", [ZERO, ZERO])) as unknown as Contract;
      campaigns = await mc.getAddress();
      token = (await net.ethers.deployContract("TestToken", ["Benefit", "BEN"])) as unknown as Contract;
      await (await token.getFunction("mint")(admin!.address, 10n ** 40n)).wait();
      await (await token.getFunction("approve")(campaigns, 10n ** 40n)).wait();
    });

    it("a store-built batch of 60 out of 300 pays each account once; a second relay pays nothing", async () => {
      const [admin, relayer] = await net.signers();
      const rows = randomRows(300);
      const total = rows.reduce((a, r) => a + BigInt(r[2]), 0n);
      const s = ProofStore.open(await store(rows, "chain"));
      try {
        const now = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp);
        await (await mc.getFunction("createCampaign")({ token: token.target, funding: total, root: s.root, start: now, deadline: now + 86_400n * 30n, clawbackTo: admin!.address, presetId: 0 })).wait();
        const id = (await mc.getFunction("campaignCount")()) as bigint;
        const indices = Array.from({ length: 60 }, (_, i) => 5 * i);
        const m = s.multiProof(indices);
        const { receipt } = await claimCampaignMultiProof(relayer!, { campaigns, campaignId: id, multiproof: m });
        console.log(`      claimManyMultiproof(60 of 300) gasUsed ${receipt.gasUsed}`);
        for (const l of m.leaves) expect(await token.getFunction("balanceOf")(l.account)).to.equal(l.amount);
        const paid = m.leaves.reduce((a, l) => a + l.amount, 0n);
        const view = (await mc.getFunction("getCampaign")(id)) as { paid: bigint };
        expect(view.paid).to.equal(paid);
        await claimCampaignMultiProof(relayer!, { campaigns, campaignId: id, multiproof: m });
        expect(((await mc.getFunction("getCampaign")(id)) as { paid: bigint }).paid).to.equal(paid);

        // the contract's own refusals, decoded by name (sent raw: the SDK would refuse these first)
        const forged = { ...m, leaves: m.leaves.map((l, i) => (i === 0 ? { ...l, amount: l.amount + 1n } : l)) };
        const raw = (mm: DistributionMultiProof) => mc.connect(relayer!).getFunction("claimManyMultiproof")(id, mm.leaves.map((l) => [l.index, l.account, l.amount]), mm.proof, mm.proofFlags);
        const e1 = tokenTableError(await rejection(raw(forged)), "MerkleCampaigns");
        expect(e1).to.be.instanceOf(ContractRevertedError).with.property("errorName", "InvalidMultiproof");
        const e2 = tokenTableError(await rejection(raw({ ...m, leaves: [...m.leaves].reverse() })), "MerkleCampaigns");
        expect(e2).to.be.instanceOf(ContractRevertedError).with.property("errorName", "LeavesNotInIndexOrder");
        expect((e2 as ContractRevertedError).args).to.deep.equal([1n]); // the first leaf out of order
      } finally {
        s.close();
      }
    });

    it("a batch of 100 consecutive indices verifies on-chain under one small multiproof and pays each once", async () => {
      const [admin, relayer] = await net.signers();
      const rows = randomRows(1000);
      const s = ProofStore.open(await store(rows, "consecutive"));
      try {
        const now = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp);
        const total = rows.reduce((a, r) => a + BigInt(r[2]), 0n);
        await (await mc.getFunction("createCampaign")({ token: token.target, funding: total, root: s.root, start: now, deadline: now + 86_400n * 30n, clawbackTo: admin!.address, presetId: 0 })).wait();
        const id = (await mc.getFunction("campaignCount")()) as bigint;
        const indices = Array.from({ length: 100 }, (_, i) => 412 + i);
        const m = s.multiProof(indices);
        expect(m.leaves.map((l) => l.index)).to.deep.equal(indices.map(BigInt));
        expect(m.proof.length).to.be.at.most(2 * 10); // a contiguous run: at most two siblings per level (depth 10)
        const { receipt } = await claimCampaignMultiProof(relayer!, { campaigns, campaignId: id, multiproof: m });
        console.log(`      claimManyMultiproof(100 consecutive of 1000) gasUsed ${receipt.gasUsed}, ${m.proof.length} siblings`);
        for (const l of m.leaves) expect(await token.getFunction("balanceOf")(l.account)).to.equal(l.amount);
        for (const i of [411, 412, 511, 512]) expect(await mc.getFunction("isClaimed")(id, i), `index ${i}`).to.equal(i >= 412 && i < 512);
        // the same batch in the wrong order is refused by the SDK, naming the leaf and saying why
        const swapped = { ...m, leaves: [m.leaves[0]!, m.leaves[2]!, m.leaves[1]!, ...m.leaves.slice(3)] };
        const e = await rejection(claimCampaignMultiProof(relayer!, { campaigns, campaignId: id, multiproof: swapped }));
        expect(e).to.be.instanceOf(InvalidInputError).with.property("field", "multiproof.leaves[2]");
        expect((e as Error).message).to.match(/has index 413, not above the index 414 before it: leaves must come in strictly ascending index order/);
      } finally {
        s.close();
      }
    });

    it("refuses a malformed multiproof naming the field, before anything is sent", () => {
      const rows = randomRows(9);
      const sdk = DistributionTree.of(rows.map(([index, account, amount]) => ({ index: BigInt(index), account, amount: BigInt(amount) })));
      const m = sdk.multiProof([0, 3, 4, 8]);
      const prep = (mm: unknown) => () => prepareCampaignClaimMultiProof({ campaigns, campaignId: 1, multiproof: mm as DistributionMultiProof });
      expect(prep(m)).to.not.throw();
      expect(prep({ ...m, leaves: [] })).to.throw(InvalidInputError).with.property("field", "multiproof.leaves");
      expect(prep({ ...m, leaves: [...m.leaves].reverse() })).to.throw(InvalidInputError).with.property("field", "multiproof.leaves[1]");
      expect(prep({ ...m, leaves: [m.leaves[0], ...m.leaves.slice(1, 3), m.leaves[2]] })).to.throw(InvalidInputError).with.property("field", "multiproof.leaves[3]");
      expect(prep({ ...m, proofFlags: m.proofFlags.slice(1) })).to.throw(InvalidInputError).with.property("field", "multiproof.proofFlags");
      expect(prep({ ...m, proof: ["0x12"] })).to.throw(InvalidInputError).with.property("field", "multiproof.proof");
      expect(prep({ ...m, leaves: [{ ...m.leaves[0]!, account: "0x12" }, ...m.leaves.slice(1)] })).to.throw(InvalidInputError).with.property("field", "multiproof.leaves[0].account");
      expect(() => prepareCampaignClaimMultiProof({ campaigns: "0x1", campaignId: 1, multiproof: m })).to.throw(InvalidInputError).with.property("field", "campaigns");
    });
  });
});
