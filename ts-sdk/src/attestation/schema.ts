/**
 * Schemas: ids, and a SchemaEncoder that ABI-encodes and decodes attestation data from a definition string
 * such as "uint64 birthDate, bytes2 country, bool resident", refusing values that do not fit their types.
 */
import { AbiCoder, ParamType, ZeroAddress, getAddress, isAddress, isHexString, dataLength, keccak256 } from "ethers";
import type { Hex } from "../types.js";

import { SdkInputError, check } from "../errors.js";

/** Where a schema's attestation data lives (matches the contract's enum). */
export enum DataLocation {
  OnChain = 0,
  OffChain = 1,
}

/** Everything a schema id derives from. */
export interface SchemaDefinition {
  /** Comma-separated ABI types with names. */
  readonly definition: string;
  /** Hook contract, or the zero address for none (default). */
  readonly hook?: string;
  /** Whether attestations can be revoked one by one (default true). */
  readonly revocable?: boolean;
  /** Longest validity in seconds; 0 = unbounded (default). */
  readonly maxValidity?: number;
  /** Where data lives (default on-chain). */
  readonly location?: DataLocation;
  /** For off-chain data: where it lives (URI). */
  readonly dataReference?: string;
}

/** The exact tuple the contract takes and hashes. */
export interface SchemaDefinitionTuple {
  readonly definition: string;
  readonly hook: string;
  readonly revocable: boolean;
  readonly maxValidity: number;
  readonly location: number;
  readonly dataReference: string;
}

/** A value a schema field can hold. */
export type SchemaValue = string | number | bigint | boolean | readonly SchemaValue[];

/** One field of a schema. */
export interface SchemaField {
  readonly name: string;
  readonly type: string;
}

/** One decoded field. */
export interface DecodedField extends SchemaField {
  readonly value: SchemaValue;
}

/** Fills defaults and validates a schema definition; the result is what `register` takes. */
export function normalizeSchema(def: SchemaDefinition): SchemaDefinitionTuple {
  check(typeof def === "object" && def !== null, "schema", "must be an object with a definition string");
  new SchemaEncoder(def.definition); // validates the definition
  const hook = def.hook ?? ZeroAddress;
  check(isAddress(hook), "schema.hook", "must be an address (or omitted for no hook)");
  const maxValidity = def.maxValidity ?? 0;
  check(Number.isSafeInteger(maxValidity) && maxValidity >= 0 && maxValidity <= 0xffffffff, "schema.maxValidity", "must be seconds in [0, 2^32-1]");
  const location = def.location ?? DataLocation.OnChain;
  check(location === DataLocation.OnChain || location === DataLocation.OffChain, "schema.location", "must be DataLocation.OnChain or DataLocation.OffChain");
  const dataReference = def.dataReference ?? "";
  check((location === DataLocation.OffChain) === (dataReference.length > 0), "schema.dataReference", "is required for off-chain data and must be empty for on-chain data");
  return { definition: def.definition, hook: getAddress(hook), revocable: def.revocable ?? true, maxValidity, location, dataReference };
}

/** The schema id: keccak256(abi.encode(SchemaDefinition)), as the registry computes it. */
export function schemaUid(def: SchemaDefinition): Hex {
  const s = normalizeSchema(def);
  return <Hex>keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["tuple(string definition,address hook,bool revocable,uint32 maxValidity,uint8 location,string dataReference)"],
      [[s.definition, s.hook, s.revocable, s.maxValidity, s.location, s.dataReference]],
    ),
  );
}

function fail(field: string, type: string, reason: string): never {
  throw new SdkInputError(field, `does not fit ${type}: ${reason}`);
}

function toBigInt(field: string, type: string, v: SchemaValue): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) fail(field, type, `${v} is not a safe integer (pass a bigint)`);
    return BigInt(v);
  }
  if (typeof v === "string" && /^-?(0x[0-9a-fA-F]+|\d+)$/.test(v.trim())) return BigInt(v.trim());
  return fail(field, type, `expected an integer, got ${typeof v === "string" ? JSON.stringify(v) : typeof v}`);
}

/** Checks one value against one ABI type and returns it normalised for ethers. */
function checkValue(field: string, p: ParamType, v: SchemaValue): unknown {
  const type = p.format("sighash");
  if (p.isArray()) {
    if (!Array.isArray(v)) fail(field, type, "expected an array");
    const arr = v as readonly SchemaValue[];
    if (p.arrayLength >= 0 && arr.length !== p.arrayLength) fail(field, type, `expected ${p.arrayLength} items, got ${arr.length}`);
    return arr.map((x, i) => checkValue(`${field}[${i}]`, p.arrayChildren, x));
  }
  if (p.isTuple()) {
    if (!Array.isArray(v)) fail(field, type, "expected an array of tuple members");
    const arr = v as readonly SchemaValue[];
    if (arr.length !== p.components.length) fail(field, type, `expected ${p.components.length} members, got ${arr.length}`);
    return arr.map((x, i) => checkValue(`${field}.${p.components[i]!.name || i}`, p.components[i]!, x));
  }
  const base = p.baseType;
  const int = /^(u?)int(\d*)$/.exec(base);
  if (int) {
    const bits = BigInt(int[2] === "" ? 256 : Number(int[2]));
    const n = toBigInt(field, type, v);
    const [min, max] = int[1] === "u" ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
    if (n < min || n > max) fail(field, type, `${n} is outside [${min}, ${max}]`);
    return n;
  }
  if (base === "bool") {
    if (typeof v !== "boolean") fail(field, type, `expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  if (base === "address") {
    if (typeof v !== "string" || !isAddress(v)) fail(field, type, `expected a 20-byte 0x address, got ${JSON.stringify(v)}`);
    return getAddress(v);
  }
  if (base === "string") {
    if (typeof v !== "string") fail(field, type, `expected a string, got ${typeof v}`);
    return v;
  }
  const fixed = /^bytes(\d+)$/.exec(base);
  if (fixed) {
    const len = Number(fixed[1]);
    if (typeof v !== "string" || !isHexString(v)) fail(field, type, `expected 0x-prefixed hex, got ${JSON.stringify(v)}`);
    if (dataLength(v) !== len) fail(field, type, `expected exactly ${len} bytes, got ${dataLength(v)}`);
    return v;
  }
  if (base === "bytes") {
    if (typeof v !== "string" || !isHexString(v)) fail(field, type, `expected 0x-prefixed hex with whole bytes, got ${JSON.stringify(v)}`);
    return v;
  }
  return fail(field, type, "unsupported type");
}

function fromEthers(v: unknown): SchemaValue {
  if (Array.isArray(v)) return v.map(fromEthers);
  if (typeof v === "object" && v !== null && "toArray" in v) return (v as { toArray(): unknown[] }).toArray().map(fromEthers);
  return v as SchemaValue;
}

/** Encodes and decodes attestation data for one schema definition. */
export class SchemaEncoder {
  /** The parsed fields, in order. */
  readonly fields: readonly SchemaField[];
  private readonly params: readonly ParamType[];

  /**
   * @param definition e.g. "uint64 birthDate, bytes2 country, bool resident"
   * @throws SdkInputError("schema", …) for an empty definition, a bad type, a missing or duplicate name
   */
  constructor(readonly definition: string) {
    check(typeof definition === "string" && definition.trim().length > 0, "schema", "must be a non-empty definition such as \"uint64 birthDate, bool resident\"");
    let params: ParamType[];
    try {
      params = splitTopLevel(definition).map((part) => ParamType.from(part.trim()));
    } catch (e) {
      throw new SdkInputError("schema", `"${definition}" is not a list of ABI types with names (${(e as Error).message.split("(")[0]!.trim()})`);
    }
    const seen = new Set<string>();
    for (const p of params) {
      check(p.name.length > 0, "schema", `every field needs a name: "${p.format("sighash")}" has none`);
      check(!seen.has(p.name), "schema", `field "${p.name}" appears twice`);
      seen.add(p.name);
    }
    this.params = params;
    this.fields = params.map((p) => ({ name: p.name, type: p.format("sighash") }));
  }

  /**
   * ABI-encodes values, given in field order or as a record by field name.
   * @throws SdkInputError("data.<field>", …) naming the value that does not fit its type
   */
  encode(values: readonly SchemaValue[] | Readonly<Record<string, SchemaValue>>): Hex {
    const list: SchemaValue[] = [];
    if (Array.isArray(values)) {
      check(values.length === this.params.length, "data", `expected ${this.params.length} values (${this.fields.map((f) => f.name).join(", ")}), got ${values.length}`);
      list.push(...(values as readonly SchemaValue[]));
    } else {
      check(typeof values === "object" && values !== null, "data", "must be an array or a record of field values");
      const rec = values as Readonly<Record<string, SchemaValue>>;
      for (const k of Object.keys(rec)) check(this.fields.some((f) => f.name === k), `data.${k}`, `is not a field of "${this.definition}"`);
      for (const f of this.fields) {
        const v = rec[f.name];
        check(v !== undefined, `data.${f.name}`, `is missing (${f.type})`);
        list.push(v);
      }
    }
    const checked = list.map((v, i) => checkValue(`data.${this.params[i]!.name}`, this.params[i]!, v));
    return AbiCoder.defaultAbiCoder().encode(this.params as ParamType[], checked) as Hex;
  }

  /**
   * Decodes data into fields with values (integers as bigint).
   * @throws SdkInputError("data", …) if the bytes do not decode under this schema
   */
  decode(data: string): DecodedField[] {
    check(typeof data === "string" && isHexString(data), "data", "must be 0x-prefixed hex");
    let out: unknown[];
    try {
      out = AbiCoder.defaultAbiCoder().decode(this.params as ParamType[], data).toArray();
    } catch (e) {
      throw new SdkInputError("data", `does not decode as "${this.definition}" (${(e as Error).message.split("(")[0]!.trim()})`);
    }
    return this.fields.map((f, i) => ({ ...f, value: fromEthers(out[i]) }));
  }

  /** Decodes into a record by field name. */
  decodeRecord(data: string): Record<string, SchemaValue> {
    return Object.fromEntries(this.decode(data).map((f) => [f.name, f.value]));
  }

  /** ABI-encodes one field's value on its own (used for disclosure leaves). */
  encodeField(name: string, value: SchemaValue): string {
    const i = this.fields.findIndex((f) => f.name === name);
    check(i >= 0, `data.${name}`, `is not a field of "${this.definition}"`);
    const p = this.params[i]!;
    return AbiCoder.defaultAbiCoder().encode([p], [checkValue(`data.${name}`, p, value)]);
  }

  /** Decodes one field's value encoded by {@link encodeField}. */
  decodeField(name: string, encoded: string): SchemaValue {
    const i = this.fields.findIndex((f) => f.name === name);
    check(i >= 0, `data.${name}`, `is not a field of "${this.definition}"`);
    try {
      return fromEthers(AbiCoder.defaultAbiCoder().decode([this.params[i]!], encoded)[0]);
    } catch (e) {
      throw new SdkInputError(`data.${name}`, `does not decode as ${this.fields[i]!.type} (${(e as Error).message.split("(")[0]!.trim()})`);
    }
  }
}

/** Splits "a, tuple(b, c) d" at top-level commas. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
