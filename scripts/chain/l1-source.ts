/**
 * The escape tools' state source that needs no operator and no node: a fresh engine in a temporary directory,
 * derived from L1 alone (batch calldata plus delayed messages, both accumulators checked) up to the batch of the last
 * finalized commitment. `verifiedExitTree` then refuses it unless its exit root equals the committed one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { Engine, L1Reader, deriveThroughBatch, rollupAddresses, type GenesisConfig } from "@sovereign-stack/node";
import type { Stack } from "@sovereign-stack/sdk";
import type { Provider } from "ethers";

import type { FinalizedStateSource } from "./escape.ts";

/**
 * A {@link FinalizedStateSource} deriving the L2 state from L1 through `provider`. Each call derives into a new
 * temporary directory, removed when the returned engine is closed.
 */
export function l1DerivedSource(provider: Provider, stack: Stack, genesis: GenesisConfig): FinalizedStateSource {
  const rollup = rollupAddresses(stack.deployment);
  return async (commitment) => {
    const dir = mkdtempSync(path.join(tmpdir(), "sovereign-escape-"));
    const engine = await Engine.open({ dataDir: dir, genesis });
    try {
      const reader = new L1Reader({ provider, delayedInbox: rollup.delayedInbox, sequencerInbox: rollup.sequencerInbox });
      await deriveThroughBatch(engine, reader, rollup.deployBlock, commitment.batchIndex);
    } catch (e) {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const close = engine.close.bind(engine);
    engine.close = async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    };
    return engine;
  };
}
