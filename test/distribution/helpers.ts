/** Shared helpers of the distribution tests: random recipients and CSV text. */
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
