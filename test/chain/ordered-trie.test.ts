/**
 * `orderedTrieRoot` (the transactions and receipts roots of a block, built bottom-up) against `@ethereumjs/mpt` with
 * one insertion per item, the construction it replaced.
 */
import { createMPT } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { expect } from "chai";
import { hexlify } from "ethers";

import { orderedTrieRoot } from "@sovereign-stack/node";

import { prng } from "./workload.ts";

async function mptRoot(values: readonly Uint8Array[]): Promise<string> {
  const trie = await createMPT();
  for (let i = 0; i < values.length; i++) await trie.put(RLP.encode(i), values[i]!);
  return hexlify(trie.root());
}

describe("chain engine: ordered trie root", () => {
  it("equals the MPT's root for every size around the RLP key boundaries and for large blocks", async () => {
    const rand = prng(7);
    // 1..3 and 15..17: one branch level; 127/128/129: RLP(i) grows from one byte to two; 255..257, 1000, 5000: deeper.
    for (const n of [1, 2, 3, 15, 16, 17, 127, 128, 129, 255, 256, 257, 1000, 5000]) {
      // Short values make nodes under 32 bytes, which are embedded in their parent rather than hashed.
      const values = Array.from({ length: n }, (_, i) => Uint8Array.from({ length: i % 3 === 0 ? 1 + (i % 7) : 33 + (i % 150) }, () => Math.floor(rand() * 256)));
      expect(hexlify(await orderedTrieRoot(values)), `${n} items`).to.equal(await mptRoot(values));
    }
  });

  it("gives the empty trie's root for no items, and a different root when one item changes", async () => {
    expect(hexlify(await orderedTrieRoot([]))).to.equal(await mptRoot([]));
    const values = Array.from({ length: 300 }, (_, i) => Uint8Array.from([i & 255, i >> 8, 1, 2, 3]));
    const changed = values.map((v, i) => (i === 200 ? Uint8Array.from([9, 9, 9]) : v));
    expect(hexlify(await orderedTrieRoot(changed))).to.not.equal(hexlify(await orderedTrieRoot(values)));
  });

  it("refuses an empty item, naming its index", async () => {
    let err: unknown;
    try {
      await orderedTrieRoot([Uint8Array.from([1]), new Uint8Array(0)]);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RangeError);
    expect((err as Error).message).to.match(/item 1 is empty/);
  });
});
