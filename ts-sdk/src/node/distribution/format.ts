/**
 * The on-disk proof store of a distribution (also its public data dump), shared by the builder and the reader.
 *
 * Files (all integers little-endian):
 * - `tree.bin`: OpenZeppelin's tree array, `2n - 1` nodes of 32 bytes; node 0 is the root, children of i are 2i+1
 *   and 2i+2, leaves in index order fill the last n slots: the leaf of index k at `2n - 2 - k` (as
 *   `StandardMerkleTree.of(rowsInIndexOrder, types, { sortLeaves: false })` lays them out).
 * - `records.bin`: one 56-byte record per CSV row, in row order: index (u32), account (20 bytes), amount (32 bytes,
 *   big-endian uint256).
 * - `by-index.bin`: per leaf index 0..n-1 (u32), the row holding it.
 * - `by-account.bin`: rows (u32) ordered by account bytes, for binary search.
 * - `root.txt`: the root, hex, with a newline.
 * - `tree.json`: OpenZeppelin's `StandardMerkleTree.dump()` (only up to {@link DUMP_LIMIT} leaves).
 * - `manifest.json`: root, count, total, layout, and the sha256 and size of every other file.
 *
 * v2 (this format) keeps the leaves in index order; v1 stores sorted them by hash (and had `positions.bin`): their
 * roots differ, so a v1 store is refused rather than read.
 */
export const STORE_FORMAT = "sovereign-stack/distribution-store-v2";
/** The formats of older stores this reader refuses, with the reason given to the user. */
export const OLD_STORE_FORMATS: Readonly<Record<string, string>> = {
  "sovereign-stack/distribution-store-v1": "its tree sorts leaves by hash (v1); campaign trees now keep leaves in index order, which gives a different root",
};
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
  /** The Merkle root (StandardMerkleTree, leaves in index order). */
  readonly root: string;
  /** Number of leaves (rows). */
  readonly count: number;
  /** Sum of all amounts, decimal: what a campaign must be funded with. */
  readonly total: string;
  /** The tree's depth: the longest proof. */
  readonly depth: number;
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}
