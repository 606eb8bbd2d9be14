/**
 * A memory-flat exit tree for benches: the same tree as the SDK's `ExitTree` (OpenZeppelin
 * SimpleMerkleTree over StandardMerkleTree leaves, leaves sorted, commutative pair hashing, heap layout),
 * but stored in one Buffer so that 2^20 leaves build in seconds instead of minutes, and only the proofs
 * asked for are extracted. Pure: no network, no Hardhat.
 */
import { getAddress, keccak256 } from "ethers";

import { keccak256Into } from "./keccak.ts";

const NODE = 32;

function hexToBuf(hex: string): Buffer {
  return Buffer.from(hex.slice(2), "hex");
}

/**
 * Writes `abi.encode(address account, address token, uint256 amount)` into `scratch` (96 bytes) and returns
 * the StandardMerkleTree leaf `keccak256(keccak256(encoding))` as lower-case hex.
 */
export function escapeLeafHash(account: string | Uint8Array, token: string | Uint8Array, amount: bigint, scratch: Uint8Array = new Uint8Array(96)): string {
  if (scratch.length !== 96) throw new Error("escapeLeafHash: scratch must be 96 bytes");
  scratch.fill(0);
  scratch.set(typeof account === "string" ? hexToBuf(getAddress(account)) : account, 12);
  scratch.set(typeof token === "string" ? hexToBuf(getAddress(token)) : token, 44);
  if (amount < 0n || amount >= 1n << 256n) throw new Error("escapeLeafHash: amount must fit uint256");
  let a = amount;
  for (let i = 95; i >= 64 && a > 0n; i--) {
    scratch[i] = Number(a & 0xffn);
    a >>= 8n;
  }
  keccak256Into(scratch, 0, 96, LEAF_TMP, 0);
  keccak256Into(LEAF_TMP, 0, 32, LEAF_TMP, 0);
  return "0x" + Buffer.from(LEAF_TMP.buffer, LEAF_TMP.byteOffset, 32).toString("hex");
}

const LEAF_TMP = new Uint8Array(32);

/** Compares the 32-byte nodes at byte offsets a and b of buf. */
function compareNodes(buf: Uint8Array, a: number, b: number): number {
  for (let k = 0; k < NODE; k++) {
    const d = buf[a + k]! - buf[b + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** A complete binary tree in heap layout over `n` leaves: 2n-1 nodes of 32 bytes in one Buffer. */
export class FlatMerkleTree {
  /** nodes[i] at byte offset 32*i; the root is node 0; leaf k (after sorting) is node 2n-2-k. */
  private readonly nodes: Buffer;
  private readonly leafCount: number;
  /** Leaf hash (lower-case hex) → node index, for the leaves the caller asked to keep proofs for. */
  private readonly wanted = new Map<string, number>();

  /**
   * @param leaves leaf hashes (0x-prefixed hex, 32 bytes each)
   * @param opts.sortLeaves sort leaves ascending like SimpleMerkleTree.of (default true)
   * @param opts.keep leaf hashes whose proofs will be asked for
   * @param opts.progress called now and then with (hashed internal nodes, total internal nodes)
   */
  constructor(leaves: string[], opts: { sortLeaves?: boolean; keep?: readonly string[]; progress?: (done: number, total: number) => void } = {}) {
    const n = leaves.length;
    if (n === 0) throw new Error("FlatMerkleTree: needs at least one leaf");
    this.leafCount = n;
    const ordered = opts.sortLeaves === false ? leaves : [...leaves].map((l) => l.toLowerCase()).sort();
    const total = 2 * n - 1;
    this.nodes = Buffer.alloc(total * NODE);
    const keep = new Set((opts.keep ?? []).map((k) => k.toLowerCase()));
    for (let k = 0; k < n; k++) {
      const hex = ordered[k]!;
      if (hex.length !== 66) throw new Error(`FlatMerkleTree: leaf ${k} is not 32 bytes of hex`);
      const idx = total - 1 - k;
      this.nodes.write(hex.slice(2), idx * NODE, NODE, "hex");
      const lower = hex.toLowerCase();
      if (keep.has(lower)) this.wanted.set(lower, idx);
    }
    const internal = total - n;
    const pair = new Uint8Array(64);
    const step = Math.max(1, Math.floor(internal / 8));
    for (let i = internal - 1; i >= 0; i--) {
      const l = (2 * i + 1) * NODE;
      const r = l + NODE;
      const [lo, hi] = compareNodes(this.nodes, l, r) <= 0 ? [l, r] : [r, l];
      this.nodes.copy(pair, 0, lo, lo + NODE);
      this.nodes.copy(pair, NODE, hi, hi + NODE);
      keccak256Into(pair, 0, 64, this.nodes, i * NODE);
      const done = internal - i;
      if (opts.progress !== undefined && (done % step === 0 || i === 0)) opts.progress(done, internal);
    }
  }

  private node(i: number): Buffer {
    return this.nodes.subarray(i * NODE, (i + 1) * NODE);
  }

  get length(): number {
    return this.leafCount;
  }

  get root(): string {
    return "0x" + this.node(0).toString("hex");
  }

  /** Proof (sibling hashes, leaf to root) for a leaf passed in `opts.keep`. */
  proof(leaf: string): string[] {
    let i = this.wanted.get(leaf.toLowerCase());
    if (i === undefined) throw new Error(`FlatMerkleTree: ${leaf} was not kept for a proof (pass it in opts.keep)`);
    const out: string[] = [];
    while (i > 0) {
      const sibling = i % 2 === 1 ? i + 1 : i - 1;
      out.push("0x" + this.node(sibling).toString("hex"));
      i = Math.floor((i - 1) / 2);
    }
    return out;
  }
}

/**
 * Leaf hashes of `count` synthetic balances of `token`: account i is a fixed 16-byte prefix plus the 4-byte
 * index, amount `base + i`. Each claim's position holds that claim instead. Calls `progress` now and then.
 */
export function syntheticEscapeLeaves(
  count: number,
  token: string,
  claims: readonly { index: number; account: string; amount: bigint }[],
  progress?: (done: number, total: number) => void,
  base = 10n ** 18n,
): string[] {
  const byIndex = new Map<number, { account: string; amount: bigint }>();
  for (const c of claims) {
    if (!Number.isSafeInteger(c.index) || c.index < 0 || c.index >= count) throw new Error(`syntheticEscapeLeaves: claim index ${c.index} out of range`);
    if (byIndex.has(c.index)) throw new Error(`syntheticEscapeLeaves: two claims at index ${c.index}`);
    byIndex.set(c.index, c);
  }
  const scratch = new Uint8Array(96);
  const tokenBytes = hexToBuf(getAddress(token));
  const account = Buffer.alloc(20);
  hexToBuf(keccak256(Buffer.from("sovereign-stack bench exit tree"))).copy(account, 0, 0, 16);
  const out = new Array<string>(count);
  const step = Math.max(1, Math.floor(count / 8));
  for (let i = 0; i < count; i++) {
    const claim = byIndex.get(i);
    if (claim !== undefined) {
      out[i] = escapeLeafHash(claim.account, tokenBytes, claim.amount, scratch);
    } else {
      account.writeUInt32BE(i, 16);
      out[i] = escapeLeafHash(account, tokenBytes, base + BigInt(i), scratch);
    }
    if (progress !== undefined && ((i + 1) % step === 0 || i === count - 1)) progress(i + 1, count);
  }
  return out;
}

/** The synthetic account at index `i` (as used by {@link syntheticEscapeLeaves}). */
export function syntheticAccount(i: number): string {
  const account = Buffer.alloc(20);
  hexToBuf(keccak256(Buffer.from("sovereign-stack bench exit tree"))).copy(account, 0, 0, 16);
  account.writeUInt32BE(i, 16);
  return getAddress("0x" + account.toString("hex"));
}
