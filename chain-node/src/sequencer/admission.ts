/**
 * Admission: whether the sequencer may append a raw transaction to the log. Every refusal is an
 * {@link RpcError} with geth's code (-32000) and message where geth has one, so ethers and viem classify it;
 * bytes that are not a transaction at all are `-32602 invalid params`.
 *
 * Checks, in order (the cheap, state-free ones first; the size cap comes before decoding because decoding
 * an oversized input is the cost it guards against):
 * 1. size ≤ `maxTxBytes` ("oversized data");
 * 2. type: legacy, EIP-2930 or EIP-1559 only; blob (3), set-code (4) and every other type byte (in
 *    particular any system/deposit envelope) are refused ("transaction type not supported");
 * 3. chain id: EIP-155 protected and equal to ours ("invalid chain id for signer");
 * 4. decoding and signature: the sender is recovered (native secp256k1), high-s refused ("invalid sender");
 * 5. gas limit ≤ the block gas limit ("exceeds block gas limit") and ≥ the intrinsic gas including the
 *    EIP-7623 calldata floor ("intrinsic gas too low"); fee cap ≥ the next block's base fee;
 * 6. against the head state and the pending pool ({@link checkAgainstState}): duplicate hash ("already
 *    known"), nonce ≥ the state nonce ("nonce too low"), a pending nonce is never replaced ("replacement
 *    transaction underpriced"), no gap after the sender's pending ones ("nonce too high"), balance covers the
 *    max cost of all of the sender's pending transactions plus this one ("insufficient funds for gas * price +
 *    value"), the per-sender cap ("account limit exceeded") and the pool cap ("txpool is full").
 */
import type { Common } from "@ethereumjs/common";
import { RLP } from "@ethereumjs/rlp";
import { TransactionType, type TypedTransaction } from "@ethereumjs/tx";
import { bytesToBigInt, bytesToHex, type Address } from "@ethereumjs/util";

import { decodeTx, MAX_TX_BYTES } from "../engine/decode.ts";
import { RpcError, RpcErrorCode, invalidParam } from "../rpc/errors.ts";
import type { PendingPool, PendingTx } from "./pool.ts";

/** Limits of admission. */
export interface AdmissionLimits {
  /** Largest raw transaction, bytes (default 128 KiB, geth's). */
  readonly maxTxBytes: number;
  /** Pending transactions per sender (default 64). */
  readonly maxPendingPerSender: number;
  /** Pending transactions in all (default 20 000). */
  readonly maxPendingTotal: number;
}

/** Default {@link AdmissionLimits}. */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxTxBytes: MAX_TX_BYTES, maxPendingPerSender: 64, maxPendingTotal: 20_000 };

/** What the state-free checks need from the chain. */
export interface ChainRules {
  readonly common: Common;
  readonly chainId: bigint;
  readonly blockGasLimit: bigint;
  /** The base fee of the block the transaction would land in (the head's next base fee). */
  readonly nextBaseFee: bigint;
}

/** A sender's account at the head. */
export interface AccountState {
  readonly nonce: bigint;
  readonly balance: bigint;
}

/** A transaction that passed the state-free checks. */
export interface DecodedCandidate {
  readonly hash: string;
  readonly sender: string;
  /** The recovered sender (`sender` is its lowercase hex). */
  readonly senderAddress: Address;
  readonly tx: TypedTransaction;
  readonly raw: Uint8Array;
  readonly maxCost: bigint;
}

const ALLOWED_TYPES: ReadonlySet<number> = new Set([TransactionType.AccessListEIP2930, TransactionType.FeeMarketEIP1559]);

const refuse = (message: string): RpcError => new RpcError(RpcErrorCode.Server, message);

/** The chain id a raw transaction was signed for (null: legacy without EIP-155). Throws -32602 if not RLP. */
function peekChainId(raw: Uint8Array): bigint | null {
  let fields: unknown;
  try {
    fields = RLP.decode(raw[0]! <= 0x7f ? raw.subarray(1) : raw);
  } catch (e) {
    throw invalidParam("rawTransaction", `not an RLP-encoded transaction (${(e as Error).message})`);
  }
  if (!Array.isArray(fields) || fields.length === 0 || !(fields[0] instanceof Uint8Array)) throw invalidParam("rawTransaction", "not an RLP list of transaction fields");
  if (raw[0]! <= 0x7f) return bytesToBigInt(fields[0]);
  const v = fields[6];
  if (fields.length !== 9 || !(v instanceof Uint8Array)) throw invalidParam("rawTransaction", "a legacy transaction has 9 fields");
  const vn = bytesToBigInt(v);
  if (vn === 27n || vn === 28n) return null;
  return vn >= 35n ? (vn - 35n) / 2n : -1n;
}

/** The fee cap: what one unit of gas may cost at most. */
function feeCap(tx: TypedTransaction): bigint {
  return "maxFeePerGas" in tx ? tx.maxFeePerGas : tx.gasPrice;
}

/** Checks 1–5 (no state): decodes `raw` and recovers its sender, or throws the refusal. */
export function checkStateless(raw: Uint8Array, rules: ChainRules, limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS): DecodedCandidate {
  const c = decodeCandidate(raw, rules, limits);
  checkFeeCap(c, rules.nextBaseFee);
  return c;
}

/**
 * Checks 1–5 but the fee cap: everything that depends only on the bytes and the chain's fixed rules (so a
 * decoding remembered for a retry stays valid for the node's life). Recovers the sender: the costly part.
 */
export function decodeCandidate(raw: Uint8Array, rules: ChainRules, limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS): DecodedCandidate {
  if (raw.length === 0) throw invalidParam("rawTransaction", "empty");
  if (raw.length > limits.maxTxBytes) throw refuse(`oversized data: transaction of ${raw.length} bytes, limit ${limits.maxTxBytes}`);
  const first = raw[0]!;
  if (first <= 0x7f && !ALLOWED_TYPES.has(first)) throw refuse(`transaction type not supported: type ${first} (allowed: legacy, 1 (EIP-2930), 2 (EIP-1559))`);
  if (first > 0x7f && first < 0xc0) throw invalidParam("rawTransaction", `byte 0x${first.toString(16)} starts neither a typed nor a legacy transaction`);
  const chainId = peekChainId(raw);
  if (chainId === null) throw refuse("only replay-protected (EIP-155) transactions allowed over RPC");
  if (chainId !== rules.chainId) throw refuse(`invalid chain id for signer: have ${chainId} want ${rules.chainId}`);
  const d = decodeTx(raw, rules.common);
  if (!d.ok) {
    if (/signature|s-value|v value|invalid sender|recover/i.test(d.reason)) throw refuse(`invalid sender: ${d.reason}`);
    throw invalidParam("rawTransaction", `cannot decode the transaction: ${d.reason}`);
  }
  const tx = d.tx;
  if (tx.gasLimit > rules.blockGasLimit) throw refuse(`exceeds block gas limit: gas ${tx.gasLimit}, block gas limit ${rules.blockGasLimit}`);
  const minGas = tx.getMinimumGasLimit();
  if (tx.gasLimit < minGas) throw refuse(`intrinsic gas too low: have ${tx.gasLimit}, want ${minGas}`);
  return { hash: bytesToHex(tx.hash()), sender: d.sender.toString(), senderAddress: d.sender, tx, raw, maxCost: tx.gasLimit * feeCap(tx) + tx.value };
}

/** The last state-free check: the fee cap covers the base fee of the block the transaction would land in. */
export function checkFeeCap(c: DecodedCandidate, nextBaseFee: bigint): void {
  const cap = feeCap(c.tx);
  if (cap < nextBaseFee) throw refuse(`max fee per gas less than block base fee: address ${c.sender}, maxFeePerGas: ${cap}, baseFee: ${nextBaseFee}`);
}

/**
 * Check 6: against the sender's head state and the pool. Synchronous, so that the caller can check and add
 * to the pool without another admission interleaving. Returns the pool entry to add.
 */
export function checkAgainstState(c: DecodedCandidate, account: AccountState, pool: PendingPool, limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS): PendingTx {
  if (pool.get(c.hash) !== undefined) throw refuse(`already known: ${c.hash}`);
  const nonce = c.tx.nonce;
  if (nonce < account.nonce) throw refuse(`nonce too low: address ${c.sender}, tx: ${nonce} state: ${account.nonce}`);
  if (pool.bySenderNonce(c.sender, nonce) !== undefined) {
    throw refuse(`replacement transaction underpriced: nonce ${nonce} of ${c.sender} is already pending and this sequencer never replaces an ordered transaction`);
  }
  const next = pool.nextNonce(c.sender, account.nonce);
  if (nonce > next) throw refuse(`nonce too high: address ${c.sender}, tx: ${nonce} next: ${next}`);
  const want = pool.costOf(c.sender) + c.maxCost;
  if (account.balance < want) throw refuse(`insufficient funds for gas * price + value: address ${c.sender} have ${account.balance} want ${want}`);
  if (pool.countOf(c.sender) >= limits.maxPendingPerSender) throw refuse(`account limit exceeded: ${c.sender} has ${limits.maxPendingPerSender} pending transactions (the cap); wait for the next block`);
  if (pool.size >= limits.maxPendingTotal) throw refuse(`txpool is full: ${limits.maxPendingTotal} pending transactions; retry after the next block`);
  return { hash: c.hash, sender: c.sender, senderAddress: c.senderAddress, nonce, gasLimit: c.tx.gasLimit, maxCost: c.maxCost, raw: c.raw, tx: c.tx, seq: undefined };
}
