/**
 * Entry and key encoding shared by every log implementation, so the embedded store and etcd hold the same
 * bytes: key = prefix + 20-digit zero-padded sequence number (sorts lexically), value = RLP [kind, ...fields].
 */
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt } from "@ethereumjs/util";

import { LogError, type LogEntry } from "./types.ts";

/** Digits of a zero-padded sequence number: enough for any u64. */
export const SEQ_DIGITS = 20;
const MAX_SEQ = 10n ** BigInt(SEQ_DIGITS) - 1n;

const KIND_TX = 1;
const KIND_DELAYED = 2;
const KIND_SEAL = 3;

/** `prefix` + zero-padded `seq`. */
export function seqKey(prefix: string, seq: bigint): string {
  if (seq < 0n || seq > MAX_SEQ) throw new LogError(`sequence number out of range: ${seq}`);
  return prefix + seq.toString().padStart(SEQ_DIGITS, "0");
}

/** The sequence number in a key made by {@link seqKey}. */
export function parseSeqKey(prefix: string, key: string): bigint {
  if (!key.startsWith(prefix) || key.length !== prefix.length + SEQ_DIGITS) throw new LogError(`not a log key: ${key}`);
  return BigInt(key.slice(prefix.length));
}

/** Encodes one entry. */
export function encodeEntry(e: LogEntry): Uint8Array {
  switch (e.kind) {
    case "tx":
      return RLP.encode([KIND_TX, e.raw]);
    case "delayed":
      return RLP.encode([KIND_DELAYED, bigIntToUnpaddedBytes(e.index)]);
    case "seal":
      return RLP.encode([KIND_SEAL, bigIntToUnpaddedBytes(e.block), bigIntToUnpaddedBytes(e.timestamp)]);
  }
}

/** Decodes what {@link encodeEntry} wrote; throws {@link LogError} on anything else. */
export function decodeEntry(bytes: Uint8Array): LogEntry {
  let d: unknown;
  try {
    d = RLP.decode(bytes);
  } catch (e) {
    throw new LogError(`corrupt log entry: ${(e as Error).message}`);
  }
  if (!Array.isArray(d) || d.length < 2 || !d.every((x) => x instanceof Uint8Array)) throw new LogError("corrupt log entry: not a flat list");
  const f = d as Uint8Array[];
  const kind = Number(bytesToBigInt(f[0]!));
  if (kind === KIND_TX && f.length === 2) return { kind: "tx", raw: f[1]! };
  if (kind === KIND_DELAYED && f.length === 2) return { kind: "delayed", index: bytesToBigInt(f[1]!) };
  if (kind === KIND_SEAL && f.length === 3) return { kind: "seal", block: bytesToBigInt(f[1]!), timestamp: bytesToBigInt(f[2]!) };
  throw new LogError(`corrupt log entry: kind ${kind} with ${f.length - 1} fields`);
}

/** Checks an entry's fields before it is appended (a log must never hold what it cannot decode). */
export function validateEntry(e: LogEntry): void {
  if (e.kind === "tx" && !(e.raw instanceof Uint8Array)) throw new LogError("tx entry: raw must be bytes");
  if (e.kind === "delayed" && e.index < 0n) throw new LogError("delayed entry: negative index");
  if (e.kind === "seal" && (e.block < 0n || e.timestamp < 0n)) throw new LogError("seal entry: negative field");
}
