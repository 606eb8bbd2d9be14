/** Shared helpers of the distribution tests: random recipients and CSV text. */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, hexlify, randomBytes } from "ethers";

export type Row = [index: string, account: string, amount: string];

/** n random recipients with indices 0..n-1 in shuffled order and amounts of up to 96 bits. */
export function randomRows(n: number, accounts: readonly string[] = []): Row[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.map((index, k) => [String(index), getAddress(accounts[k] ?? hexlify(randomBytes(20))), String(BigInt(hexlify(randomBytes(12))))]);
}

export function csvOf(rows: readonly Row[], header = true): string {
  return (header ? "index,account,amount\n" : "") + rows.map((r) => r.join(",")).join("\n") + "\n";
}

/**
 * OpenZeppelin's tree of a campaign's rows: the rows in index order, leaves not sorted by hash (`sortLeaves: false`),
 * as campaign trees are built; value k is the leaf of index k.
 */
export function ozCampaignTree(rows: readonly Row[]): StandardMerkleTree<Row> {
  const ordered = [...rows].sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : BigInt(a[0]) > BigInt(b[0]) ? 1 : 0));
  return StandardMerkleTree.of(ordered, ["uint256", "address", "uint256"], { sortLeaves: false });
}
