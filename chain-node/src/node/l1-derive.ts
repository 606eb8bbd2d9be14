/**
 * Derivation from L1 alone up to a given batch, into a fresh engine: what a stranger runs to rebuild the L2 state a
 * finalized commitment covers (the escape tools), with the same rules as the validators (deriver + bridge payloads).
 */
import type { Engine } from "../engine/engine.ts";
import { Deriver } from "../derive/deriver.ts";
import { initialCursor, type L1Reader } from "../l1/reader.ts";
import { bridgePayloadOf } from "./payload.ts";

/** L1 does not hold the batch asked for. */
export class BatchNotOnL1Error extends Error {
  override readonly name = "BatchNotOnL1Error";
}

/**
 * Applies L1's batches `0..batchIndex` to `engine` (which must hold the L2 genesis, or a prefix of this chain) and
 * returns the state root after the batch.
 */
export async function deriveThroughBatch(engine: Engine, reader: L1Reader, deployBlock: bigint, batchIndex: bigint): Promise<{ stateRoot: string; engineBlock: bigint }> {
  if (batchIndex < 0n) throw new RangeError(`batchIndex must be >= 0, got ${batchIndex}`);
  const update = await reader.poll(initialCursor(deployBlock));
  const deriver = new Deriver(engine, { payloadOf: bridgePayloadOf });
  deriver.addDelayed(update.delayed);
  let stateRoot: string | undefined;
  for (const b of update.batches) {
    if (b.index > batchIndex) break;
    stateRoot = (await deriver.applyBatch(b)).stateRoot;
  }
  if (stateRoot === undefined || deriver.position.batchNext !== batchIndex + 1n) throw new BatchNotOnL1Error(`L1 holds ${update.batches.length} batches; batch ${batchIndex} is not among them`);
  return { stateRoot, engineBlock: engine.head().number };
}
