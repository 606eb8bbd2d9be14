/**
 * Where a transaction's gas goes, from the node's `debug_traceTransaction` struct logs (the embedded network supports
 * it): intrinsic gas and calldata, each call the top-level contract makes (inner execution included), its own storage
 * reads and writes, and the rest of its own code. Used by the identity suite to break a `validateProof` down.
 */
/** What the breakdown needs of a provider (an ethers provider, or Hardhat's). */
export interface TraceProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
  getTransaction(hash: string): Promise<{ readonly data: string } | null>;
  getTransactionReceipt(hash: string): Promise<{ readonly gasUsed: bigint } | null>;
}

/** One step of a `debug_traceTransaction` struct log (the fields the bench suites read). */
export interface StructLog {
  readonly op: string;
  readonly gas: number;
  readonly gasCost: number;
  readonly depth: number;
  readonly stack?: readonly string[];
}

/** A transaction's gas by part; the parts add up to `gasUsed` (for a transaction without gas refunds). */
export interface TxGasBreakdown {
  /** 21 000 plus 4 gas per zero byte and 16 per other byte of calldata. */
  readonly intrinsicAndCalldata: number;
  /** Gas of each call made by the top-level contract, by the name given for its target (inner execution included). */
  readonly calls: Readonly<Record<string, number>>;
  /** The top-level contract's own SLOAD and SSTORE. */
  readonly storage: number;
  /** The top-level contract's own LOG opcodes. */
  readonly logs: number;
  /** Everything else the top-level contract ran (ABI decoding, checks, memory, hashing). */
  readonly rest: number;
  readonly gasUsed: number;
}

/**
 * Breaks transaction `hash` down. `names` maps lowercase call targets to names; other targets (e.g. precompiles
 * called directly) are named by address.
 */
export async function txGasBreakdown(provider: TraceProvider, hash: string, names: Readonly<Record<string, string>>): Promise<TxGasBreakdown> {
  const tx = await provider.getTransaction(hash);
  const receipt = await provider.getTransactionReceipt(hash);
  if (tx === null || receipt === null) throw new Error(`txGasBreakdown: no mined transaction ${hash}`);
  const trace = (await provider.send("debug_traceTransaction", [hash, { disableMemory: true, disableStorage: true }])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const bytes = Buffer.from(tx.data.slice(2), "hex");
  const intrinsicAndCalldata = 21_000 + bytes.reduce((sum, b) => sum + (b === 0 ? 4 : 16), 0);
  const calls: Record<string, number> = {};
  let storage = 0;
  let logGas = 0;
  let rest = 0;
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i]!;
    if (l.depth !== 1) continue;
    if (l.op === "CALL" || l.op === "STATICCALL" || l.op === "DELEGATECALL") {
      let j = i + 1;
      while (j < logs.length && logs[j]!.depth > 1) j++;
      const stack = l.stack ?? [];
      const target = "0x" + BigInt(stack[stack.length - 2] ?? "0x0").toString(16).padStart(40, "0");
      const name = names[target] ?? target;
      // gas at the call minus gas at the next top-level step: the call's own cost plus everything run inside
      calls[name] = (calls[name] ?? 0) + (j < logs.length ? l.gas - logs[j]!.gas : l.gasCost);
      i = j - 1;
    } else if (l.op === "SLOAD" || l.op === "SSTORE") storage += l.gasCost;
    else if (l.op.startsWith("LOG")) logGas += l.gasCost;
    else rest += l.gasCost;
  }
  return { intrinsicAndCalldata, calls, storage, logs: logGas, rest, gasUsed: Number(receipt.gasUsed) };
}
