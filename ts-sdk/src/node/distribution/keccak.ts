/**
 * Keccak-256 for the builder, from `hash-wasm`. Two back ends, same digests:
 * - direct: hash-wasm's own Keccak WebAssembly module (read from the installed package), called without its JS
 *   wrapper: the input is written into the module's memory and one export hashes it. This skips the wrapper's
 *   per-call checks and the digest's allocation (about 1.7x faster per hash here).
 * - wrapper: one reused `createKeccak(256)` hasher (the public API), used when the module cannot be located or
 *   fails the self-test against the public API.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { createKeccak, type IHasher } from "hash-wasm";

interface KeccakExports {
  readonly memory: WebAssembly.Memory;
  Hash_GetBuffer(): number;
  Hash_Calculate(length: number, initParam: number, finalParam: number): void;
}

/** A reusable Keccak-256. */
export class Keccak {
  private mem: Uint8Array = new Uint8Array(0);
  private off = 0;
  private readonly hexBuf = new Uint8Array(40);
  private readonly one = new Uint8Array(32);

  private constructor(
    private readonly h: IHasher,
    private readonly ex: KeccakExports | null,
  ) {
    if (ex !== null) {
      this.off = ex.Hash_GetBuffer();
      this.mem = new Uint8Array(ex.memory.buffer);
    }
  }

  /** Which back end is in use. */
  get backend(): "direct" | "wrapper" {
    return this.ex === null ? "wrapper" : "direct";
  }

  static async create(opts: { direct?: boolean } = {}): Promise<Keccak> {
    const h = await createKeccak(256);
    const ex = opts.direct === false ? null : await loadDirect();
    if (ex !== null) {
      const k = new Keccak(h, ex);
      const w = new Keccak(h, null);
      const probe = Uint8Array.from({ length: 96 }, (_, i) => (i * 37 + 11) & 0xff);
      let ok = true;
      for (const len of [0, 20, 32, 64, 96]) {
        const a = new Uint8Array(32);
        const b = new Uint8Array(32);
        k.hashInto(probe, 0, len, a, 0);
        w.hashInto(probe, 0, len, b, 0);
        ok &&= Buffer.compare(a, b) === 0;
      }
      if (ok) return k;
    }
    return new Keccak(h, null);
  }

  /** keccak256(input[from, from+len)) into out[at, at+32); len at most 16 KB. */
  hashInto(input: Uint8Array, from: number, len: number, out: Uint8Array, at: number): void {
    if (this.ex !== null) {
      if (this.mem.byteLength === 0) this.mem = new Uint8Array(this.ex.memory.buffer);
      this.mem.set(input.subarray(from, from + len), this.off);
      this.ex.Hash_Calculate(len, 256, 1);
      out.set(this.mem.subarray(this.off, this.off + 32), at);
      return;
    }
    this.h.init();
    this.h.update(input.subarray(from, from + len));
    out.set(this.h.digest("binary"), at);
  }

  /** OpenZeppelin's node hash: keccak256 of the two 32-byte children, smaller first; a and b index `buf`. */
  hashPairInto(buf: Uint8Array, a: number, b: number, out: Uint8Array, at: number): void {
    let lessA = true;
    for (let k = 0; k < 32; k++) {
      const x = buf[a + k]!;
      const y = buf[b + k]!;
      if (x !== y) {
        lessA = x < y;
        break;
      }
    }
    const lo = lessA ? a : b;
    const hi = lessA ? b : a;
    if (this.ex !== null) {
      if (this.mem.byteLength === 0) this.mem = new Uint8Array(this.ex.memory.buffer);
      const m = this.mem;
      m.set(buf.subarray(lo, lo + 32), this.off);
      m.set(buf.subarray(hi, hi + 32), this.off + 32);
      this.ex.Hash_Calculate(64, 256, 1);
      out.set(m.subarray(this.off, this.off + 32), at);
      return;
    }
    const h = this.h;
    h.init();
    h.update(buf.subarray(lo, lo + 32));
    h.update(buf.subarray(hi, hi + 32));
    out.set(h.digest("binary"), at);
  }

  /**
   * Whether the 40 hex digits at text[at, at+40) (ASCII, either case) carry a valid EIP-55 checksum: each letter
   * is uppercase exactly when its nibble of keccak256(the lowercase digits) is 8 or more. Allocates nothing on the
   * direct back end.
   */
  hasChecksum(text: Uint8Array, at: number): boolean {
    let d: Uint8Array;
    let o: number;
    if (this.ex !== null) {
      if (this.mem.byteLength === 0) this.mem = new Uint8Array(this.ex.memory.buffer);
      d = this.mem;
      o = this.off;
      for (let i = 0; i < 40; i++) d[o + i] = text[at + i]! | 0x20; // digits keep their code; letters lowercased
      this.ex.Hash_Calculate(40, 256, 1);
    } else {
      for (let i = 0; i < 40; i++) this.hexBuf[i] = text[at + i]! | 0x20;
      this.hashInto(this.hexBuf, 0, 40, this.one, 0);
      d = this.one;
      o = 0;
    }
    return matchesChecksum(text, at, d, o);
  }

  /** A 20-byte account in EIP-55 checksum form. */
  checksum(account: Uint8Array, from = 0): string {
    const hex = Buffer.from(account.buffer, account.byteOffset + from, 20).toString("hex");
    for (let i = 0; i < 40; i++) this.hexBuf[i] = hex.charCodeAt(i);
    this.hashInto(this.hexBuf, 0, 40, this.one, 0);
    const d = this.one;
    let out = "0x";
    for (let i = 0; i < 40; i++) {
      const c = hex.charCodeAt(i);
      const nib = (d[i >> 1]! >> (i & 1 ? 0 : 4)) & 0xf;
      out += String.fromCharCode(c >= 0x61 && nib >= 8 ? c - 32 : c);
    }
    return out;
  }
}

/**
 * Whether the letters' case of the 40 hex digits at text[at, at+40) follows the EIP-55 rule for `digest` (keccak256
 * of the lowercase digits, at digest[o, o+32)): each letter is uppercase exactly when its nibble is 8 or more.
 */
export function matchesChecksum(text: Uint8Array, at: number, digest: Uint8Array, o: number): boolean {
  // branch-free: a letter (bit 6 set; digits have it clear) mismatches when its case bit (0x20, set for
  // lowercase) equals its nibble's top bit (an uppercase letter wants a nibble of 8 or more)
  let bad = 0;
  for (let i = 0; i < 20; i++) {
    const byte = digest[o + i]!;
    const hi = text[at + 2 * i]!;
    const lo = text[at + 2 * i + 1]!;
    bad |= (hi >> 6) & ~((hi >> 5) ^ (byte >> 7));
    bad |= (lo >> 6) & ~((lo >> 5) ^ (byte >> 3));
  }
  return (bad & 1) === 0;
}

let directModule: Promise<WebAssembly.Module | null> | undefined;

/** hash-wasm's Keccak module (named "sha3" in its bundle), instantiated on its own; null when not found. */
async function loadDirect(): Promise<KeccakExports | null> {
  directModule ??= (async () => {
    try {
      const file = fileURLToPath(import.meta.resolve("hash-wasm"));
      const src = readFileSync(file, "utf8");
      const m = /var name\$(\w*) = "sha3";\s*var data\$\1 = "([A-Za-z0-9+/=]+)";/.exec(src);
      if (m === null) return null;
      return await WebAssembly.compile(Buffer.from(m[2]!, "base64"));
    } catch {
      return null;
    }
  })();
  const mod = await directModule;
  if (mod === null) return null;
  try {
    const inst = await WebAssembly.instantiate(mod);
    const ex = inst.exports as unknown as KeccakExports;
    return typeof ex.Hash_Calculate === "function" && typeof ex.Hash_GetBuffer === "function" ? ex : null;
  } catch {
    return null;
  }
}
