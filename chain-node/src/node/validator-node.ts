/**
 * A validator process's core: an engine of its own, derivation from L1 alone (the {@link Validator} over an
 * {@link L1Reader}), the bridge's roots ({@link computeRoots}) and deposit rule ({@link bridgePayloadOf}), EIP-712
 * signing, a {@link SignatureBoard} shared with the other validators, and M-of-N submission, stepped on a timer.
 */
import path from "node:path";

import type { Provider, Signer } from "ethers";

import { Engine } from "../engine/engine.ts";
import type { GenesisConfig } from "../engine/genesis.ts";
import { L1Reader } from "../l1/reader.ts";
import { computeRoots } from "../roots/index.ts";
import type { SignatureBoard } from "../validator/board.ts";
import { Validator, type ValidatorStep } from "../validator/validator.ts";
import { bridgePayloadOf } from "./payload.ts";
import type { RollupAddresses } from "./rollup.ts";

/** Options of {@link startValidatorNode}. */
export interface ValidatorNodeOptions {
  /** The validator's own directory: its engine lives in `<dataDir>/engine`. */
  readonly dataDir: string;
  readonly genesis: GenesisConfig;
  /** The L1 provider: the validator reads L1 only through it. */
  readonly l1: Provider;
  /** The validator's L1 key (with a provider): signs commitments and submits them. Never from the repository. */
  readonly signer: Signer;
  readonly rollup: RollupAddresses;
  readonly board: SignatureBoard;
  /** Milliseconds between steps (default 2000); 0 runs no timer (the caller steps). */
  readonly stepIntervalMs?: number;
  /** Commit every N batches (default 1). */
  readonly commitEvery?: number;
  readonly confirmations?: number;
  /** Each step's outcome (default: nothing). */
  readonly onStep?: (step: ValidatorStep) => void;
  /** Failures of a step (default: `console.error`). */
  readonly onError?: (error: unknown) => void;
}

/** A running validator. */
export interface ValidatorNode {
  readonly validator: Validator;
  readonly engine: Engine;
  /** One step now (serialised with the timer's). */
  stepNow(): Promise<ValidatorStep>;
  /** Stops the timer, waits for the step in flight and closes the engine. Idempotent. */
  stop(): Promise<void>;
}

/** Opens the validator's engine and starts stepping. */
export async function startValidatorNode(o: ValidatorNodeOptions): Promise<ValidatorNode> {
  const interval = o.stepIntervalMs ?? 2000;
  if (!Number.isSafeInteger(interval) || interval < 0) throw new RangeError(`stepIntervalMs must be a non-negative integer, got ${o.stepIntervalMs}`);
  const engine = await Engine.open({ dataDir: path.join(o.dataDir, "engine"), genesis: o.genesis });
  let validator: Validator;
  try {
    validator = new Validator({
      engine,
      reader: new L1Reader({ provider: o.l1, delayedInbox: o.rollup.delayedInbox, sequencerInbox: o.rollup.sequencerInbox, confirmations: o.confirmations ?? 0 }),
      deployBlock: o.rollup.deployBlock,
      signer: o.signer,
      stateCommitment: o.rollup.stateCommitment,
      board: o.board,
      roots: computeRoots,
      payloadOf: bridgePayloadOf,
      ...(o.commitEvery === undefined ? {} : { commitEvery: o.commitEvery }),
    });
  } catch (e) {
    await engine.close();
    throw e;
  }
  const onError = o.onError ?? ((e: unknown) => console.error("validator:", e));
  let chain: Promise<unknown> = Promise.resolve();
  const stepNow = (): Promise<ValidatorStep> => {
    const p = chain.then(() => validator.step());
    chain = p.catch(() => undefined);
    return p;
  };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const loop = (): void => {
    stepNow()
      .then((s) => o.onStep?.(s), (e: unknown) => onError(e))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, interval);
      });
  };
  if (interval > 0) timer = setTimeout(loop, interval);
  let stopping: Promise<void> | undefined;
  return {
    validator,
    engine,
    stepNow,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        if (timer !== null) clearTimeout(timer);
        await chain;
        await engine.close();
      })()),
  };
}
