/**
 * The on-disk proof store of a distribution (also its public data dump), shared by the builder and the reader.
 *
 * Files (all integers little-endian):
 * - `tree.bin`: OpenZeppelin's tree array, `2n - 1` nodes of 32 bytes; node 0 is the root, children of i are 2i+1
 *   and 2i+2, leaves (sorted hashes, as `StandardMerkleTree.of` sorts them) fill the last n slots in descending order.
 * - `records.bin`: one 56-byte record per CSV row, in row order: index (u32), account (20 bytes), amount (32 bytes,
 *   big-endian uint256).
 * - `positions.bin`: per row (u32), its leaf's position in `tree.bin`.
 * - `by-index.bin`: per leaf index 0..n-1 (u32), the row holding it.
 * - `by-account.bin`: rows (u32) ordered by account bytes, for binary search.
 * - `root.txt`: the root, hex, with a newline.
 * - `tree.json`: OpenZeppelin's `StandardMerkleTree.dump()` (only up to {@link DUMP_LIMIT} leaves).
 * - `manifest.json`: root, count, total, layout, and the sha256 and size of every other file.
 */
export const STORE_FORMAT = "sovereign-stack/distribution-store-v1";
export const RECORD_SIZE = 56;
export const NODE_SIZE = 32;
/** Trees up to this many leaves also get OpenZeppelin's `dump()` JSON. */
export const DUMP_LIMIT = 1_000_000;
/** Leaf indices run 0..n-1 and are stored as u32. */
export const MAX_ROWS = 0xffff_fffe;
/** The CSV header, when present. */
export const CSV_HEADER = "index,account,amount";

export const FILES = {
  tree: "tree.bin",
  records: "records.bin",
  positions: "positions.bin",
  byIndex: "by-index.bin",
  byAccount: "by-account.bin",
  root: "root.txt",
  dump: "tree.json",
  manifest: "manifest.json",
} as const;

/** `manifest.json`. */
export interface StoreManifest {
  readonly format: typeof STORE_FORMAT;
  readonly leafEncoding: readonly ["uint256", "address", "uint256"];
  /** The Merkle root (StandardMerkleTree, sorted leaves). */
  readonly root: string;
  /** Number of leaves (rows). */
  readonly count: number;
  /** Sum of all amounts, decimal: what a campaign must be funded with. */
  readonly total: string;
  /** The tree's depth: the longest proof. */
  readonly depth: number;
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}
