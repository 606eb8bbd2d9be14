/**
 * The root of an "ordered trie": the Merkle Patricia trie that maps `RLP(i)` to item `i` for i = 0..n-1, which is how
 * a block commits to its transactions (`transactionsRoot`) and its receipts (`receiptsRoot`).
 *
 * Built bottom-up over the sorted keys, each node encoded and hashed once (go-ethereum's `StackTrie` idea). Inserting
 * the items one by one into an `@ethereumjs/mpt` trie, as `genTransactionsTrieRoot` does, re-encodes and re-hashes the
 * whole path at every insertion: for a block of 640 transfers that was about 40% of the block's time, run without
 * a turn of the event loop (the RPC and the log writer waited for it). The result is the same root, which the tests
 * check against `@ethereumjs/mpt` for many sizes.
 */
import { RLP, type NestedUint8Array } from "@ethereumjs/rlp";
import { KECCAK256_RLP } from "@ethereumjs/util";
import { createKeccak, type IHasher } from "hash-wasm";

/** keccak256 of one input. */
type Hash = (data: Uint8Array) => Uint8Array;

let keccak: Promise<IHasher> | undefined;

/** keccak256 on hash-wasm's hasher, made once on first use (each root is computed without an await, so one hasher serves all). */
async function keccak256(): Promise<Hash> {
  // A failed creation is not cached: the next block tries again.
  const h = await (keccak ??= createKeccak(256).catch((e: unknown) => {
    keccak = undefined;
    throw e;
  }));
  return (data) => {
    h.init();
    h.update(data);
    return h.digest("binary");
  };
}

interface Item {
  /** The key as nibbles (half-bytes). */
  readonly nibbles: Uint8Array;
  readonly value: Uint8Array;
}

function nibblesOf(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 15;
  }
  return out;
}

function compareNibbles(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The hex-prefix (compact) encoding of `nibbles[from, to)`, with the leaf flag. */
function hexPrefix(nibbles: Uint8Array, from: number, to: number, leaf: boolean): Uint8Array {
  const len = to - from;
  const odd = len % 2 === 1;
  const out = new Uint8Array((len >> 1) + 1);
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  let j = from;
  if (odd) out[0] = (flag << 4) | nibbles[j++]!;
  else out[0] = flag << 4;
  for (let i = 1; j < to; i++, j += 2) out[i] = (nibbles[j]! << 4) | nibbles[j + 1]!;
  return out;
}

/** How a parent refers to a child node: the node itself when its encoding is under 32 bytes, else its hash. */
function reference(encoded: Uint8Array, hash: Hash): Uint8Array | NestedUint8Array {
  return encoded.length < 32 ? (RLP.decode(encoded) as NestedUint8Array) : hash(encoded);
}

/** The RLP encoding of the node holding `items[lo, hi)`, which share their first `depth` nibbles. */
function encodeNode(items: readonly Item[], lo: number, hi: number, depth: number, hash: Hash): Uint8Array {
  const first = items[lo]!.nibbles;
  if (hi - lo === 1) return RLP.encode([hexPrefix(first, depth, first.length, true), items[lo]!.value]);
  // Sorted, so the prefix all of them share is the one the first and the last share.
  const last = items[hi - 1]!.nibbles;
  let p = depth;
  while (p < first.length && p < last.length && first[p] === last[p]) p++;
  if (p > depth) return RLP.encode([hexPrefix(first, depth, p, false), reference(encodeBranch(items, lo, hi, p, hash), hash)]);
  return encodeBranch(items, lo, hi, depth, hash);
}

/** The RLP encoding of the branch node under which `items[lo, hi)` (sharing `depth` nibbles) split. */
function encodeBranch(items: readonly Item[], lo: number, hi: number, depth: number, hash: Hash): Uint8Array {
  const slots: (Uint8Array | NestedUint8Array)[] = Array.from({ length: 17 }, () => new Uint8Array(0));
  let i = lo;
  // A key that ends here (a prefix of the others) sorts first and takes the value slot.
  if (items[i]!.nibbles.length === depth) slots[16] = items[i++]!.value;
  while (i < hi) {
    const nibble = items[i]!.nibbles[depth]!;
    let j = i + 1;
    while (j < hi && items[j]!.nibbles[depth] === nibble) j++;
    slots[nibble] = reference(encodeNode(items, i, j, depth + 1, hash), hash);
    i = j;
  }
  return RLP.encode(slots);
}

/**
 * The root of the trie mapping `RLP(i)` to `values[i]`: `transactionsRoot` for serialized transactions, `receiptsRoot`
 * for encoded receipts. Empty values are refused (the trie cannot hold them).
 */
export async function orderedTrieRoot(values: readonly Uint8Array[]): Promise<Uint8Array> {
  if (values.length === 0) return KECCAK256_RLP.slice(); // the empty trie's root; a copy: the caller's header owns it
  const hash = await keccak256();
  const items: Item[] = values.map((value, i) => {
    if (value.length === 0) throw new RangeError(`orderedTrieRoot: item ${i} is empty`);
    return { nibbles: nibblesOf(RLP.encode(i)), value };
  });
  items.sort((a, b) => compareNibbles(a.nibbles, b.nibbles));
  return hash(encodeNode(items, 0, items.length, 0, hash));
}
