/**
 * Total decoding of raw transaction bytes: any input gives either a signed transaction with a recovered sender,
 * or a deterministic rejection reason. Never throws.
 */
import type { Common } from "@ethereumjs/common";
import { TransactionType, createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import type { Address } from "@ethereumjs/util";

/** A decoded transaction and its sender. */
export interface DecodedTx {
  readonly ok: true;
  readonly tx: TypedTransaction;
  readonly sender: Address;
}

/** Why bytes are not an admissible transaction. */
export interface DecodeFailure {
  readonly ok: false;
  readonly reason: string;
}

/** Maximum accepted size of one raw transaction (bytes); larger inputs are rejected before parsing. */
export const MAX_TX_BYTES = 128 * 1024;

/** First line of an error message, without the ethereumjs debug suffix (" (tx type=… hash=…)"). */
export function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0]!.replace(/ \((?:tx|block) [^)]*\)\s*$/, "").replace(/\s*\(.*hash=.*\)$/, "").slice(0, 200);
}

const decodeCommons = new WeakMap<Common, Common>();

/**
 * The `Common` transactions are decoded with. ethereumjs' transaction constructors copy the Common they are
 * given and merge the transaction parameters into the copy (JSON round trips and a cache rebuild): about a third
 * of the cost of parsing. A decoded transaction only reads its Common (fixed chain and hardfork), so every
 * decode shares one copy whose `copy()` returns itself and which merges each parameter set once.
 */
function decodeCommon(common: Common): Common {
  let shared = decodeCommons.get(common);
  if (shared === undefined) {
    const c = common.copy();
    const merge = c.updateParams.bind(c);
    const merged = new Set<unknown>();
    c.updateParams = (params) => {
      if (!merged.has(params)) {
        merge(params);
        merged.add(params);
      }
      return c;
    };
    c.copy = () => c;
    decodeCommons.set(common, c);
    shared = c;
  }
  return shared;
}

/**
 * Decodes `raw` for the chain of `common`: wrong chain id, blob transactions (no blobs on this chain),
 * malformed RLP and invalid signatures (including high-s) are all failures.
 */
export function decodeTx(raw: Uint8Array, common: Common): DecodedTx | DecodeFailure {
  if (raw.length === 0) return { ok: false, reason: "decode: empty" };
  if (raw.length > MAX_TX_BYTES) return { ok: false, reason: `decode: larger than ${MAX_TX_BYTES} bytes` };
  if (raw[0] === TransactionType.BlobEIP4844) return { ok: false, reason: "decode: blob transactions are not supported" };
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common: decodeCommon(common) });
  } catch (e) {
    const reason = reasonOf(e);
    return { ok: false, reason: /chain ?id/i.test(reason) ? "decode: wrong chain id" : `decode: ${reason}` };
  }
  if (tx.type === TransactionType.BlobEIP4844) return { ok: false, reason: "decode: blob transactions are not supported" };
  if (!tx.isSigned()) return { ok: false, reason: "signature: unsigned" };
  try {
    return { ok: true, tx, sender: tx.getSenderAddress() };
  } catch (e) {
    return { ok: false, reason: `signature: ${reasonOf(e)}` };
  }
}
