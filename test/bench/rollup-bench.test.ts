/**
 * The rollup bench's pure helper: the flat exit-tree builder must give the SDK ExitTree's root and proofs.
 */
import { expect } from "chai";
import { hexlify, keccak256, randomBytes } from "ethers";
import { ExitTree, escapeLeaf, type Address } from "@sovereign-stack/sdk";

import { keccak256Short } from "../../bench/lib/keccak.ts";
import { FlatMerkleTree, escapeLeafHash, syntheticAccount, syntheticEscapeLeaves } from "../../bench/lib/exit-tree.ts";

const TOKEN: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CLAIMANT: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("bench/lib/exit-tree (rollup bench helper)", () => {
  it("hashes an escape leaf like the SDK", () => {
    const b = { account: CLAIMANT, token: TOKEN, amount: 123456789n * 10n ** 18n };
    expect(escapeLeafHash(b.account, b.token, b.amount)).to.equal(escapeLeaf(b));
  });

  for (const n of [1, 2, 5, 16, 33, 1000, 1024]) {
    it(`agrees with ExitTree on root and proof for ${n} leaves`, () => {
      const claim = { index: Math.floor(n / 2), account: CLAIMANT, amount: 7n * 10n ** 18n };
      const leaves = syntheticEscapeLeaves(n, TOKEN, [claim]);
      const balances = leaves.map((_, i) =>
        i === claim.index ? { account: CLAIMANT, token: TOKEN, amount: claim.amount } : { account: syntheticAccount(i) as Address, token: TOKEN, amount: 10n ** 18n + BigInt(i) },
      );
      const sdk = new ExitTree(balances);
      const claimLeaf = leaves[claim.index]!;
      const flat = new FlatMerkleTree(leaves, { keep: [claimLeaf] });
      expect(flat.root).to.equal(sdk.root);
      expect(flat.proof(claimLeaf)).to.deep.equal(sdk.escapeProof(CLAIMANT, TOKEN));
    });
  }
});

describe("bench/lib/keccak (rollup bench helper)", () => {
  it("matches ethers.keccak256 for every one-block input length", () => {
    for (let len = 0; len <= 135; len++) {
      const input = randomBytes(len);
      expect(hexlify(keccak256Short(input))).to.equal(keccak256(input));
    }
  });
});
