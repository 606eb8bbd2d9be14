/**
 * Byte streams for the batch codec: a growable writer, a bounds-checked reader, unsigned LEB128 varints,
 * integer columns (decimal exponent, length and big-endian mantissa byte planes) and an address table that
 * is built as it is read. Each piece has one job; `codec.ts` composes them into the batch format.
 *
 * Every reader throws {@link StreamShapeError} on any input it cannot read; the codec catches it and turns
 * it into its `BatchDecodeError` value, so decoding stays total.
 */

/** An input that does not have the shape a stream expects (caught by the codec, never escapes it). */
export class StreamShapeError extends Error {
  override readonly name = "StreamShapeError";
}

/** The largest integer a column holds: 2^256 - 1 (every integer field of a transaction fits in 32 bytes). */
export const MAX_COLUMN_INT = (1n << 256n) - 1n;
/** The largest decimal exponent of a column value (10^77 < 2^256 < 10^78). */
export const MAX_DECIMAL_EXPONENT = 77;
/** Bytes of an address. */
export const ADDRESS_BYTES = 20;

const POW10: readonly bigint[] = Array.from({ length: MAX_DECIMAL_EXPONENT + 1 }, (_, e) => 10n ** BigInt(e));

/** A growable byte buffer. */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  byte(b: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** An unsigned LEB128 varint. */
  varint(v: bigint | number): void {
    let x = BigInt(v);
    if (x < 0n) throw new RangeError(`varint of a negative number ${x}`);
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  /** A varint length, then the bytes. */
  section(b: Uint8Array): void {
    this.varint(b.length);
    this.bytes(b);
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** A bounds-checked reader over bytes. */
export class ByteReader {
  readonly #data: Uint8Array;
  #pos = 0;
  readonly #what: string;

  constructor(data: Uint8Array, what: string) {
    this.#data = data;
    this.#what = what;
  }

  get remaining(): number {
    return this.#data.length - this.#pos;
  }

  byte(): number {
    if (this.#pos >= this.#data.length) throw new StreamShapeError(`${this.#what}: ends early`);
    return this.#data[this.#pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw new StreamShapeError(`${this.#what}: ${n} bytes wanted, ${this.remaining} left`);
    const out = this.#data.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** An unsigned LEB128 varint of at most `maxBits` bits. */
  varint(maxBits = 64): bigint {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = this.byte();
      v |= BigInt(b & 0x7f) << shift;
      if (v >> BigInt(maxBits) !== 0n) throw new StreamShapeError(`${this.#what}: varint above 2^${maxBits}`);
      if ((b & 0x80) === 0) return v;
    }
  }

  /** A varint that is a count or length of what follows in this reader: at most the bytes left. */
  count(): number {
    const n = this.varint(32);
    if (n > BigInt(this.remaining)) throw new StreamShapeError(`${this.#what}: count ${n} exceeds the ${this.remaining} bytes left`);
    return Number(n);
  }

  /** A varint length, then that many bytes. */
  section(): Uint8Array {
    return this.bytes(this.count());
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.remaining !== 0) throw new StreamShapeError(`${this.#what}: ${this.remaining} bytes left over`);
  }
}

/** `v = mantissa × 10^exponent` with the largest exponent (0 for 0). */
function decimalSplit(v: bigint): { mantissa: bigint; exponent: number } {
  if (v === 0n) return { mantissa: 0n, exponent: 0 };
  let e = 0;
  while (e < MAX_DECIMAL_EXPONENT && v % 10n === 0n) {
    v /= 10n;
    e++;
  }
  return { mantissa: v, exponent: e };
}

const beBytes = (v: bigint): Uint8Array => {
  const out: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) out.push(Number(x & 0xffn));
  return Uint8Array.from(out.reverse());
};

/**
 * A column of unsigned integers below 2^256. Layout: `varint n ‖ exponents[n] ‖ lengths[n] ‖ plane0 ‖ plane1 ‖ …`
 * (no bytes at all for an empty column),
 * where value k is `mantissa_k × 10^exponent_k`, `mantissa_k` is `lengths[k]` big-endian bytes, and plane j
 * holds byte j of every mantissa longer than j, in order. Decimal exponents take the trailing zeros out of
 * amounts and fees; byte planes let each byte position compress with its own statistics.
 */
export class IntColumnWriter {
  readonly #exponents: number[] = [];
  readonly #mantissas: Uint8Array[] = [];

  push(v: bigint): void {
    if (v < 0n || v > MAX_COLUMN_INT) throw new RangeError(`column value ${v} is outside 0..2^256-1`);
    const { mantissa, exponent } = decimalSplit(v);
    this.#exponents.push(exponent);
    this.#mantissas.push(beBytes(mantissa));
  }

  finish(): Uint8Array {
    const w = new ByteWriter();
    if (this.#mantissas.length === 0) return w.finish();
    w.varint(this.#mantissas.length);
    w.bytes(Uint8Array.from(this.#exponents));
    w.bytes(Uint8Array.from(this.#mantissas.map((m) => m.length)));
    const planes = Math.max(0, ...this.#mantissas.map((m) => m.length));
    for (let j = 0; j < planes; j++) for (const m of this.#mantissas) if (m.length > j) w.byte(m[j]!);
    return w.finish();
  }
}

/** Reads an {@link IntColumnWriter} column, then hands its values out in order. */
export class IntColumnReader {
  readonly #values: bigint[];
  readonly #what: string;
  #next = 0;

  constructor(data: Uint8Array, what: string) {
    this.#what = what;
    const r = new ByteReader(data, what);
    const n = data.length === 0 ? 0 : r.count();
    const exponents = r.bytes(n);
    const lengths = r.bytes(n);
    const mantissas = Array.from({ length: n }, () => 0n);
    const planes = lengths.reduce((m, l) => Math.max(m, l), 0);
    if (planes > 32) throw new StreamShapeError(`${what}: a mantissa of ${planes} bytes`);
    for (let j = 0; j < planes; j++) for (let k = 0; k < n; k++) if (lengths[k]! > j) mantissas[k] = (mantissas[k]! << 8n) | BigInt(r.byte());
    r.end();
    this.#values = mantissas.map((m, k) => {
      const e = exponents[k]!;
      if (e > MAX_DECIMAL_EXPONENT) throw new StreamShapeError(`${what}: decimal exponent ${e} above ${MAX_DECIMAL_EXPONENT}`);
      const v = m * POW10[e]!;
      if (v > MAX_COLUMN_INT) throw new StreamShapeError(`${what}: a value above 2^256-1`);
      return v;
    });
  }

  next(): bigint {
    if (this.#next >= this.#values.length) throw new StreamShapeError(`${this.#what}: no value left`);
    return this.#values[this.#next++]!;
  }

  end(): void {
    if (this.#next !== this.#values.length) throw new StreamShapeError(`${this.#what}: ${this.#values.length - this.#next} values left over`);
  }
}

const addressKey = (a: Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

/**
 * Addresses by reference: a reference is a varint index into the addresses seen so far in the batch, or the
 * table's size for a new address, whose 20 bytes then follow in the `fresh` stream. A batch pays each distinct
 * address once and about one byte for every later use.
 */
export class AddressTableWriter {
  readonly refs = new ByteWriter();
  readonly fresh = new ByteWriter();
  readonly #index = new Map<string, number>();

  push(address: Uint8Array): void {
    if (address.length !== ADDRESS_BYTES) throw new RangeError(`an address is ${ADDRESS_BYTES} bytes, got ${address.length}`);
    const key = addressKey(address);
    const known = this.#index.get(key);
    if (known !== undefined) return this.refs.varint(known);
    this.refs.varint(this.#index.size);
    this.#index.set(key, this.#index.size);
    this.fresh.bytes(address);
  }
}

/** Reads references written by {@link AddressTableWriter}. */
export class AddressTableReader {
  readonly #refs: ByteReader;
  readonly #fresh: ByteReader;
  readonly #table: Uint8Array[] = [];

  constructor(refs: Uint8Array, fresh: Uint8Array) {
    this.#refs = new ByteReader(refs, "address references");
    this.#fresh = new ByteReader(fresh, "new addresses");
  }

  next(): Uint8Array {
    const k = this.#refs.varint(32);
    if (k < BigInt(this.#table.length)) return this.#table[Number(k)]!;
    if (k !== BigInt(this.#table.length)) throw new StreamShapeError(`address reference ${k} beyond the ${this.#table.length} addresses seen`);
    const a = this.#fresh.bytes(ADDRESS_BYTES);
    this.#table.push(a);
    return a;
  }

  end(): void {
    this.#refs.end();
    this.#fresh.end();
  }
}
