/**
 * Reads proofs from a distribution proof store (see ./format.ts) with positioned reads: nothing is loaded but the
 * manifest and the tree's top levels (8 MB by default), so a 40M-leaf store answers from a small process.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";

import { getAddress, isAddress } from "ethers";

import { InvalidInputError, check } from "../../errors.js";
import type { Address, Hex } from "../../types.js";
import type { RecipientProof } from "../../distribution/leaf.js";
import { multiProofOfPositions, type DistributionMultiProof, type MultiProofLeaf } from "../../distribution/multiproof.js";
import { FILES, NODE_SIZE, OLD_STORE_FORMATS, RECORD_SIZE, STORE_FORMAT, type StoreManifest } from "./format.js";

/** A recipient, its proof, and where its leaf sits in the tree. */
export interface StoredProof extends RecipientProof {
  readonly root: Hex;
  readonly treeIndex: number;
}

/** Nodes of the tree's upper levels kept in memory (2^18 - 1 nodes, 8 MB: the top 18 levels). */
const DEFAULT_TOP_NODES = (1 << 18) - 1;

const hex = (b: Buffer): Hex => ("0x" + b.toString("hex")) as Hex;

/** An open proof store. Call {@link ProofStore.close} when done. */
export class ProofStore {
  private readonly fds: { tree: number; records: number; byIndex: number; byAccount: number };
  private readonly buf = Buffer.allocUnsafe(RECORD_SIZE);
  /** The tree's top nodes (the first `topNodes` of the array: its upper levels), which every proof ends with. */
  private readonly top: Buffer;
  private closed = false;

  private constructor(readonly dir: string, readonly manifest: StoreManifest, topNodes: number) {
    const o = (f: string): number => openSync(path.join(dir, f), "r");
    this.fds = { tree: o(FILES.tree), records: o(FILES.records), byIndex: o(FILES.byIndex), byAccount: o(FILES.byAccount) };
    const nodes = Math.min(topNodes, 2 * manifest.count - 1);
    this.top = Buffer.allocUnsafe(nodes * NODE_SIZE);
    if (nodes > 0 && readSync(this.fds.tree, this.top, 0, this.top.length, 0) !== this.top.length) throw new InvalidInputError("store", `${dir}/tree.bin is truncated: the store is damaged; rebuild it or fetch it again`);
  }

  /**
   * Opens a store directory written by `buildDistribution`.
   * @throws InvalidInputError (field `store`) when it is missing, not a proof store, or an older format (a v1 store,
   *   whose leaves are sorted by hash: rebuild it)
   */
  static open(dir: string, opts: { topNodes?: number } = {}): ProofStore {
    check(typeof dir === "string" && dir.length > 0, "store", "must be the path of a proof store directory");
    let manifest: StoreManifest;
    try {
      manifest = JSON.parse(readFileSync(path.join(dir, FILES.manifest), "utf8")) as StoreManifest;
    } catch (e) {
      throw new InvalidInputError("store", `cannot read ${path.join(dir, FILES.manifest)} (${(e as { code?: string }).code ?? (e as Error).message}): build the store first`, { cause: e });
    }
    const old = OLD_STORE_FORMATS[String(manifest.format)];
    if (old !== undefined) throw new InvalidInputError("store", `${dir} is an old proof store (${String(manifest.format)}): ${old}. Rebuild it from its CSV with \`npm run distribution -- build\` (and create the campaign with the new root)`);
    if (manifest.format !== STORE_FORMAT) throw new InvalidInputError("store", `${dir} is not a ${STORE_FORMAT} proof store (format ${String(manifest.format)})`);
    try {
      return new ProofStore(dir, manifest, opts.topNodes ?? DEFAULT_TOP_NODES);
    } catch (e) {
      throw new InvalidInputError("store", `${dir} is incomplete (${(e as Error).message})`, { cause: e });
    }
  }

  get root(): Hex {
    return this.manifest.root as Hex;
  }

  get count(): number {
    return this.manifest.count;
  }

  private read(fd: number, len: number, at: number): Buffer {
    if (this.closed) throw new InvalidInputError("store", "is closed");
    const b = len === RECORD_SIZE ? this.buf : Buffer.allocUnsafe(len);
    const got = readSync(fd, b, 0, len, at);
    if (got !== len) throw new InvalidInputError("store", `is truncated (short read at ${at}); rebuild it or check its manifest sha256 sums`);
    return b;
  }

  private u32(fd: number, at: number): number {
    return this.read(fd, 4, at).readUInt32LE(0);
  }

  /** The tree node at `position`, from the cached top levels or the file. */
  private node(position: number): Hex {
    return position < this.top.length / NODE_SIZE ? hex(this.top.subarray(position * NODE_SIZE, (position + 1) * NODE_SIZE)) : hex(this.read(this.fds.tree, NODE_SIZE, position * NODE_SIZE));
  }

  private leafOfRow(row: number): MultiProofLeaf {
    const r = this.read(this.fds.records, RECORD_SIZE, row * RECORD_SIZE);
    return { index: BigInt(r.readUInt32LE(0)), account: getAddress(hex(r.subarray(4, 24))) as Address, amount: BigInt(hex(r.subarray(24, 56))) };
  }

  /** The tree position of the leaf with index `index` (leaves in index order, the smallest index last). */
  private positionOf(index: bigint): number {
    return 2 * this.count - 2 - Number(index);
  }

  private proofOfRow(row: number): StoredProof {
    const leaf = this.leafOfRow(row);
    const treeIndex = this.positionOf(leaf.index);
    const proof: Hex[] = [];
    for (let i = treeIndex; i > 0; i = (i - 1) >> 1) proof.push(this.node(i % 2 === 1 ? i + 1 : i - 1));
    return { ...leaf, proof, root: this.root, treeIndex };
  }

  /** The row holding leaf index `index` (field names the bad input). */
  private rowOf(index: bigint | number, field: string): number {
    const i = typeof index === "bigint" ? index : Number.isSafeInteger(index) ? BigInt(index) : -1n;
    check(i >= 0n && i < BigInt(this.count), field, `must be an integer from 0 to ${this.count - 1}`);
    return this.u32(this.fds.byIndex, Number(i) * 4);
  }

  /**
   * The recipient with leaf index `index`, and its proof.
   * @throws InvalidInputError (field `index`) when out of range
   */
  proof(index: bigint | number): StoredProof {
    return this.proofOfRow(this.rowOf(index, "index"));
  }

  /**
   * One multiproof for the leaves with indices `indices`, read from the store (only the siblings it needs): the same
   * leaves, proof and flags as OpenZeppelin's `getMultiProof` on the whole tree. What a relayer's
   * `MerkleCampaigns.claimManyMultiproof` batch sends.
   * @throws InvalidInputError (field `indices[i]`) for an index out of range or a repeat, or `indices` when empty
   */
  multiProof(indices: readonly (bigint | number)[]): DistributionMultiProof {
    check(Array.isArray(indices) && indices.length > 0, "indices", "must name at least one leaf index");
    const rowAt = new Map<number, number>();
    const positions = indices.map((index, k) => {
      const row = this.rowOf(index, `indices[${k}]`);
      const position = this.positionOf(BigInt(index));
      check(!rowAt.has(position), `indices[${k}]`, `repeats leaf index ${String(index)}: a leaf is proven once`);
      rowAt.set(position, row);
      return position;
    });
    const m = multiProofOfPositions(positions, 2 * this.count - 1, (p) => this.node(p));
    return { leaves: m.positions.map((p) => this.leafOfRow(rowAt.get(p)!)), proof: m.proof, proofFlags: m.proofFlags };
  }

  /**
   * The leaf indices of `count` leaves that sit next to each other in the tree, from the `start`-th leaf in tree order.
   * Campaign trees keep their leaves in index order, so these are the consecutive indices `start, start + 1, ...`
   * (cut at the last leaf): a relayer batching by index gets neighbours, whose multiproof shares almost every sibling
   * (about one per level for the whole batch) and whose claims share bitmap words.
   * @throws InvalidInputError (field `start` or `count`) when out of range
   */
  indicesInTreeOrder(start: number, count: number): bigint[] {
    check(Number.isSafeInteger(start) && start >= 0 && start < this.count, "start", `must be an integer from 0 to ${this.count - 1}`);
    check(Number.isSafeInteger(count) && count >= 1, "count", "must be a positive integer");
    return Array.from({ length: Math.min(this.count, start + count) - start }, (_, k) => BigInt(start + k));
  }

  /**
   * The recipient `account`, and its proof (binary search over the account order).
   * @throws InvalidInputError (field `account`) when it is not an address or not a recipient
   */
  proofOf(account: string): StoredProof {
    check(typeof account === "string" && isAddress(account), "account", "must be an address (0x + 40 hex digits)");
    const want = Buffer.from(account.slice(2), "hex");
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const row = this.u32(this.fds.byAccount, mid * 4);
      const acc = this.read(this.fds.records, RECORD_SIZE, row * RECORD_SIZE).subarray(4, 24);
      const c = Buffer.compare(acc, want);
      if (c === 0) return this.proofOfRow(row);
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new InvalidInputError("account", `${getAddress(account)} is not a recipient of this distribution`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of Object.values(this.fds)) closeSync(fd);
  }
}
