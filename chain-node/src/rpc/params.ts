/**
 * Parsing of JSON-RPC parameters. Each parser names the parameter it rejects (`-32602 invalid params: <name>: why`).
 */
import type { CallRequest } from "../engine/types.ts";
import { invalidParam } from "./errors.ts";

/** A block reference as given by a client, before it is resolved against the chain. */
export type BlockRef = { readonly kind: "latest" } | { readonly kind: "earliest" } | { readonly kind: "number"; readonly number: bigint } | { readonly kind: "hash"; readonly hash: string };

const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/** A QUANTITY (0x-hex, at most 256 bits). */
export function quantity(name: string, v: unknown): bigint {
  if (typeof v !== "string" || !QUANTITY.test(v)) throw invalidParam(name, `expected a 0x-prefixed hex quantity, got ${show(v)}`);
  return BigInt(v);
}

/** DATA: 0x-hex with an even number of digits, as bytes. */
export function data(name: string, v: unknown): Uint8Array {
  if (typeof v !== "string" || !v.startsWith("0x")) throw invalidParam(name, `expected 0x-prefixed hex bytes, got ${show(v)}`);
  // Buffer's hex decoder stops at the first character that is not a hex digit pair: a full-length result is the check.
  const b = Buffer.from(v.slice(2), "hex");
  if (b.length * 2 !== v.length - 2) throw invalidParam(name, `expected 0x-prefixed hex bytes, got ${show(v)}`);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** A 20-byte address, lowercased. */
export function address(name: string, v: unknown): string {
  if (typeof v !== "string" || !ADDRESS.test(v)) throw invalidParam(name, `expected a 20-byte 0x-hex address, got ${show(v)}`);
  return v.toLowerCase();
}

/** A 32-byte hash, lowercased. */
export function hash32(name: string, v: unknown): string {
  if (typeof v !== "string" || !HASH.test(v)) throw invalidParam(name, `expected a 32-byte 0x-hex hash, got ${show(v)}`);
  return v.toLowerCase();
}

/** A boolean. */
export function bool(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw invalidParam(name, `expected true or false, got ${show(v)}`);
  return v;
}

/**
 * A block tag: "latest", "pending", "safe" and "finalized" (all the head here: blocks are final once sealed
 * by the single sequencer; L1 finality is tracked by the validators), "earliest", a number, a block hash, or an
 * EIP-1898 object `{ blockNumber }` / `{ blockHash }`. Absent means "latest".
 */
export function blockRef(name: string, v: unknown): BlockRef {
  if (v === undefined || v === "latest" || v === "pending" || v === "safe" || v === "finalized") return { kind: "latest" };
  if (v === "earliest") return { kind: "earliest" };
  if (typeof v === "string" && HASH.test(v)) return { kind: "hash", hash: v.toLowerCase() };
  if (typeof v === "string" && QUANTITY.test(v)) return { kind: "number", number: BigInt(v) };
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (o["blockHash"] !== undefined) return { kind: "hash", hash: hash32(`${name}.blockHash`, o["blockHash"]) };
    if (o["blockNumber"] !== undefined) return { kind: "number", number: quantity(`${name}.blockNumber`, o["blockNumber"]) };
  }
  throw invalidParam(name, `expected a block tag (latest, pending, safe, finalized, earliest), a hex block number or a block hash, got ${show(v)}`);
}

/** An `eth_call` / `eth_estimateGas` transaction object. Fee fields are checked for form and otherwise ignored. */
export function callRequest(name: string, v: unknown): CallRequest {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalidParam(name, `expected a transaction object, got ${show(v)}`);
  const o = v as Record<string, unknown>;
  const opt = <T>(key: string, parse: (n: string, x: unknown) => T): T | undefined => (o[key] === undefined || o[key] === null ? undefined : parse(`${name}.${key}`, o[key]));
  for (const k of ["gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "nonce", "chainId", "type"]) opt(k, quantity);
  const input = opt("input", data);
  const dataField = opt("data", data);
  if (input !== undefined && dataField !== undefined && Buffer.compare(input, dataField) !== 0) throw invalidParam(`${name}.input`, "input and data are both set and differ");
  const from = opt("from", address);
  const to = opt("to", address);
  const value = opt("value", quantity);
  const gas = opt("gas", quantity);
  const payload = input ?? dataField;
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(payload === undefined ? {} : { data: payload }), ...(value === undefined ? {} : { value }), ...(gas === undefined ? {} : { gas }) };
}

/** The params array, checked against the method's arity. */
export function arity(params: readonly unknown[], min: number, max: number): void {
  if (params.length < min) throw invalidParam(`params[${params.length}]`, `missing: the method takes ${min === max ? min : `${min} to ${max}`} parameters`);
  if (params.length > max) throw invalidParam(`params[${max}]`, `unexpected: the method takes at most ${max} parameters`);
}

function show(v: unknown): string {
  const s = v === undefined ? "nothing" : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
