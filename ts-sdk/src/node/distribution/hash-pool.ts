/**
 * Worker threads that hash for the tree builder: each runs its own {@link KeccakKernel} over shared memory (the
 * tree, and the ring of leaf-block buffers the parser fills), so the parser keeps reading while the workers hash,
 * and the internal levels are split across the cores.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import { runHashJob, type HashJob } from "./hash-job.js";
import { KeccakKernel } from "./keccak-kernel.js";

export type { HashJob } from "./hash-job.js";

/** Runs hashing jobs: a {@link HashPool} of worker threads, or {@link inlineHasher} on the caller's thread. */
export interface Hasher {
  /** Resolves when the job's output is in the tree. */
  run(job: HashJob): Promise<void>;
  close(): Promise<void>;
}

/** A {@link Hasher} that runs each job on the calling thread (for inputs too small to pay for starting workers). */
export async function inlineHasher(data: HashWorkerData): Promise<Hasher> {
  const kernel = await KeccakKernel.instantiate(data.kernel, data.batch * (96 + 32));
  const tree = new Uint8Array(data.tree);
  const slots = data.slots.map((s) => new Uint8Array(s));
  return {
    run: (job) => {
      try {
        runHashJob(kernel, data.batch, tree, slots, job);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    close: () => Promise.resolve(),
  };
}

/** What the pool hands each worker at start. */
export interface HashWorkerData {
  readonly tree: SharedArrayBuffer;
  readonly slots: readonly SharedArrayBuffer[];
  /** Items per job, at most. */
  readonly batch: number;
  /** The checked kernel module ({@link KeccakKernel.module}). */
  readonly kernel: WebAssembly.Module;
}

interface Pending {
  readonly job: HashJob;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * A {@link Hasher} that runs jobs on the calling thread until the worker pool has started, then on the pool: the
 * first batches do not wait for the workers to boot (hundreds of milliseconds on a loaded machine).
 */
export async function startingHasher(data: HashWorkerData, threads?: number): Promise<Hasher> {
  const inline = await inlineHasher(data);
  let pool: HashPool | undefined;
  let failure: unknown;
  const starting = HashPool.create(data, threads).then(
    (p) => {
      pool = p;
      return p;
    },
    (e: unknown) => {
      failure = e;
      return undefined;
    },
  );
  return {
    run: (job) => {
      if (failure !== undefined) return Promise.reject(failure as Error);
      return pool !== undefined ? pool.run(job) : inline.run(job);
    },
    close: async () => {
      await (await starting)?.close();
    },
  };
}

/** A fixed set of hashing workers; jobs queue until a worker is free. */
export class HashPool implements Hasher {
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private failure: Error | undefined;
  private closed = false;

  private readonly ready: Promise<void>;

  private constructor(private readonly workers: Worker[]) {
    let starting = workers.length;
    let started!: () => void;
    let failedToStart!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failedToStart = reject;
    });
    const isReady = new Set<Worker>();
    for (const w of workers) {
      w.on("message", () => {
        if (isReady.has(w)) return this.done(w);
        // the first message: the worker's kernel passed its self-test
        isReady.add(w);
        this.idle.push(w);
        if (--starting === 0) started();
        this.dispatch();
      });
      w.on("error", (e: Error) => {
        const err = new Error(`tree builder: a hashing worker failed: ${e.message}`, { cause: e });
        failedToStart(err);
        this.fail(err);
      });
      w.on("exit", (code) => {
        const err = new Error(`tree builder: a hashing worker exited with code ${code}`);
        failedToStart(err);
        this.fail(err);
      });
    }
  }

  /** Starts `threads` workers (default: one per core) and waits until each has checked its kernel. */
  static async create(data: HashWorkerData, threads = Math.max(1, availableParallelism())): Promise<HashPool> {
    const url = new URL("./hash-worker.js", import.meta.url);
    const pool = new HashPool(Array.from({ length: threads }, () => new Worker(url, { workerData: data })));
    try {
      await pool.ready;
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Queues a job; resolves when its output is in the tree. */
  run(job: HashJob): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers (without waiting for their threads to wind down); jobs still queued or running are rejected. */
  close(): Promise<void> {
    this.closed = true;
    this.fail(new Error("tree builder: the hashing pool was closed"));
    for (const w of this.workers) void w.terminate();
    return Promise.resolve();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const p = this.queue.shift()!;
      this.running.set(w, p);
      w.postMessage(p.job);
    }
  }

  private done(w: Worker): void {
    const p = this.running.get(w);
    this.running.delete(w);
    this.idle.push(w);
    p?.resolve();
    this.dispatch();
  }

  private fail(e: Error): void {
    if (this.closed && this.failure !== undefined) return;
    this.failure ??= e;
    for (const p of [...this.running.values(), ...this.queue]) p.reject(this.failure);
    this.running.clear();
    this.queue.length = 0;
  }
}
