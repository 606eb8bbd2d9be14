/**
 * The validator: follows L1, derives the chain from L1 alone, and commits its roots.
 *
 * For every derived batch whose index `b` satisfies `(b + 1) % commitEvery == 0` it records the roots right
 * after the batch's last block: `l2StateRoot` from the engine and `exitRoot`/`identityRoot` from the injected
 * {@link RootsProvider}. For each recorded batch after the last on-chain commitment it builds the next
 * `IStateCommitment.CommitmentData`, signs its EIP-712 digest (the SDK's `signCommitment`, the one encoding
 * of `StateCommitment.COMMITMENT_TYPEHASH`), and publishes the signature on the {@link SignatureBoard}. Any
 * validator that sees at least the threshold of valid member signatures for a digest submits `commit`, the
 * latest such batch first (commitments may skip batches; they only move forward); a race lost to another
 * validator ("already committed") is not an error.
 *
 * The deadline every validator signs is deterministic (the batch's L1 time + `deadlineWindow`), so all of
 * them sign the same digest. A restarted validator re-reads L1 from `deployBlock`; its engine skips the blocks
 * it holds, and it records roots again from the first batch it derives after the restart.
 */
import { isAddress, type Signer } from "ethers";
import { commitmentDigest, signCommitment, verifyCommitmentSignatures, type Address, type CommitmentData, type Hex } from "@sovereign-stack/sdk";
import { StateCommitment__factory, type StateCommitment } from "@sovereign-stack/sdk/typechain";

import { Deriver, type BatchDerivation } from "../derive/deriver.ts";
import type { PayloadOf } from "../derive/plan.ts";
import type { Engine } from "../engine/engine.ts";
import { ZERO_ACCUMULATOR } from "../l1/accumulator.ts";
import { engineBlockOf } from "../l1/batch.ts";
import { initialCursor, type L1Cursor, type L1Reader } from "../l1/reader.ts";
import type { SignatureBoard } from "./board.ts";

/** The roots besides the state root, computed from the engine's state at a batch's end. */
export interface ChainRoots {
  readonly exitRoot: string;
  readonly identityRoot: string;
}

/** Computes the exit and identity roots from the engine's current state (the bridge's is `computeRoots` in roots/). */
export type RootsProvider = (engine: Engine) => Promise<ChainRoots>;

/** A bad validator option. */
export class ValidatorOptionError extends Error {
  override readonly name = "ValidatorOptionError";
  readonly field: string;
  constructor(field: string, why: string) {
    super(`validator option ${field} ${why}`);
    this.field = field;
  }
}

/** Options of {@link Validator}. */
export interface ValidatorOptions {
  readonly engine: Engine;
  readonly reader: L1Reader;
  /** The L1 block the rollup was deployed at (where reading starts). */
  readonly deployBlock: bigint;
  /** The validator's key (with a provider); from the environment, never the repository. */
  readonly signer: Signer;
  readonly stateCommitment: string;
  readonly board: SignatureBoard;
  readonly roots: RootsProvider;
  readonly payloadOf?: PayloadOf;
  /** Commit every N batches (default 1). */
  readonly commitEvery?: number;
  /** Seconds after a batch's L1 time until which its commitment signatures are valid (default 7 days). */
  readonly deadlineWindow?: bigint;
}

/** Roots recorded for one batch. */
export interface BatchRoots extends ChainRoots {
  readonly batchIndex: bigint;
  readonly accumulator: string;
  readonly l2StateRoot: string;
  readonly deadline: bigint;
}

/** What one {@link Validator.step} did. */
export interface ValidatorStep {
  readonly derived: readonly BatchDerivation[];
  /** Commitments this validator signed (digest and data). */
  readonly signed: readonly { digest: string; data: CommitmentData }[];
  /** Commitment indexes this validator submitted. */
  readonly submitted: readonly bigint[];
}

/** A validator node. */
export class Validator {
  readonly #opts: ValidatorOptions;
  readonly #deriver: Deriver;
  readonly #sc: StateCommitment;
  readonly #commitEvery: bigint;
  readonly #deadlineWindow: bigint;
  readonly #roots = new Map<bigint, BatchRoots>();
  readonly #signed = new Set<string>();
  #cursor: L1Cursor;

  constructor(opts: ValidatorOptions) {
    const every = opts.commitEvery ?? 1;
    if (!Number.isSafeInteger(every) || every < 1) throw new ValidatorOptionError("commitEvery", "must be a positive integer");
    if ((opts.deadlineWindow ?? 1n) < 1n) throw new ValidatorOptionError("deadlineWindow", "must be at least 1 second");
    if (opts.signer.provider === null) throw new ValidatorOptionError("signer", "has no provider");
    if (!isAddress(opts.stateCommitment)) throw new ValidatorOptionError("stateCommitment", "must be a 0x-prefixed 20-byte address");
    if (opts.deployBlock < 0n) throw new ValidatorOptionError("deployBlock", "must be a non-negative block number");
    this.#opts = opts;
    this.#deriver = new Deriver(opts.engine, opts.payloadOf === undefined ? {} : { payloadOf: opts.payloadOf });
    this.#sc = StateCommitment__factory.connect(opts.stateCommitment, opts.signer);
    this.#commitEvery = BigInt(every);
    this.#deadlineWindow = opts.deadlineWindow ?? 7n * 24n * 3600n;
    this.#cursor = initialCursor(opts.deployBlock);
  }

  /** The engine this validator derives into. */
  get engine(): Engine {
    return this.#opts.engine;
  }

  /** Roots recorded per batch (not yet covered by an on-chain commitment). */
  get recordedRoots(): ReadonlyMap<bigint, BatchRoots> {
    return this.#roots;
  }

  /** Derives what L1 holds now, without signing. If it throws, the next call reads the same L1 range again. */
  async derive(): Promise<BatchDerivation[]> {
    const update = await this.#opts.reader.poll(this.#cursor);
    this.#deriver.addDelayed(update.delayed);
    const out: BatchDerivation[] = [];
    for (const b of update.batches) {
      if (b.index < this.#deriver.position.batchNext) continue; // re-read after a failed step: already derived
      const d = await this.#deriver.applyBatch(b);
      out.push(d);
      const atEnd = this.#opts.engine.head().number === engineBlockOf(b.l2BlockEnd);
      if ((b.index + 1n) % this.#commitEvery === 0n && atEnd) {
        const roots = await this.#opts.roots(this.#opts.engine);
        this.#roots.set(b.index, { batchIndex: b.index, accumulator: b.accumulator, l2StateRoot: d.stateRoot, ...roots, deadline: b.l1Timestamp + this.#deadlineWindow });
      }
    }
    this.#cursor = update.cursor;
    return out;
  }

  /** Derives, signs what it can, and submits every commitment that has enough signatures. */
  async step(): Promise<ValidatorStep> {
    const derived = await this.derive();
    const signed: { digest: string; data: CommitmentData }[] = [];
    const submitted: bigint[] = [];
    const provider = this.#opts.signer.provider!;
    const [me, network] = await Promise.all([this.#opts.signer.getAddress(), provider.getNetwork()]);
    const verifyingContract = (await this.#sc.getAddress()) as Address;
    for (let round = 0; round < 64; round++) {
      const count = await this.#sc.count();
      const prev = count === 0n ? null : await this.#sc.get(count - 1n);
      const [members, threshold, epoch] = await this.#sc.validators();
      const isMember = members.some((m) => m.toLowerCase() === me.toLowerCase());
      const now = BigInt((await provider.getBlock("latest"))!.timestamp);
      for (const k of [...this.#roots.keys()]) if (prev !== null && k <= prev.batchIndex) this.#roots.delete(k);
      let committed = false;
      for (const r of [...this.#roots.values()].sort((a, b) => (a.batchIndex > b.batchIndex ? -1 : 1))) {
        if (r.deadline <= now) continue;
        const data: CommitmentData = { index: count, batchIndex: r.batchIndex, accumulator: r.accumulator as Hex, l2StateRoot: r.l2StateRoot as Hex, exitRoot: r.exitRoot as Hex, identityRoot: r.identityRoot as Hex };
        const ctx = { chainId: network.chainId, verifyingContract, prevCommitment: (prev?.hash ?? ZERO_ACCUMULATOR) as Hex, validatorEpoch: epoch, deadline: r.deadline };
        const digest = commitmentDigest(data, ctx);
        if (isMember && !this.#signed.has(digest)) {
          await this.#opts.board.put(digest, await signCommitment(this.#opts.signer, data, ctx));
          this.#signed.add(digest);
          signed.push({ digest, data });
        }
        const v = verifyCommitmentSignatures(data, ctx, await this.#opts.board.list(digest), { members, threshold });
        if (!v.enough) continue;
        if (await this.#submit(data, r.deadline, v.valid, count)) submitted.push(count);
        committed = true;
        break;
      }
      if (!committed) break;
    }
    return { derived, signed, submitted };
  }

  /** Submits; true if this call committed, false if another validator had committed `index` first. */
  async #submit(data: CommitmentData, deadline: bigint, sigs: readonly { signer: string; signature: string }[], index: bigint): Promise<boolean> {
    try {
      await (await this.#sc.commit(data, deadline, [...sigs])).wait();
      return true;
    } catch (e) {
      if ((await this.#sc.count()) > index) return false; // lost the race: someone committed this index first
      throw e;
    }
  }
}
