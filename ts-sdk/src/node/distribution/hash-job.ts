/**
 * One unit of the tree builder's hashing, and how it runs on a {@link KeccakKernel}: the same code in a worker
 * thread ({@link HashPool}) and on the builder's own thread (small inputs, where starting workers costs more than
 * it saves).
 */
import { IO_BASE, type KeccakKernel } from "./keccak-kernel.js";

/** Hash `count` items from shared memory into the tree. */
export interface HashJob {
  /** `leaves`: 96-byte blocks of ring slot `slot` from byte 0; `pairs`: node pairs of the tree from `srcAt`. */
  readonly kind: "leaves" | "pairs";
  readonly slot: number;
  readonly srcAt: number;
  /** Byte offset in the tree of the first output node. */
  readonly dstAt: number;
  readonly count: number;
}

/** Runs `job` on `kernel` (sized for `batch` items): copies the input in, hashes, copies the output to `tree`. */
export function runHashJob(kernel: KeccakKernel, batch: number, tree: Uint8Array, slots: readonly Uint8Array[], job: HashJob): void {
  if (job.count > batch) throw new Error(`hash job of ${job.count} items exceeds the batch of ${batch}`);
  const mem = kernel.mem;
  const out = IO_BASE + batch * 96;
  if (job.kind === "leaves") {
    mem.set(slots[job.slot]!.subarray(0, job.count * 96), IO_BASE);
    kernel.leaves(IO_BASE, out, job.count);
  } else {
    mem.set(tree.subarray(job.srcAt, job.srcAt + job.count * 64), IO_BASE);
    kernel.pairs(IO_BASE, out, job.count);
  }
  tree.set(mem.subarray(out, out + job.count * 32), job.dstAt);
}
