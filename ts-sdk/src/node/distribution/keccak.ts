/**
 * Keccak-256 for the builder: one reused `hash-wasm` hasher, writing digests into caller buffers.
 */
import { createKeccak, type IHasher } from "hash-wasm";

/** A reusable Keccak-256 over one hash-wasm instance. */
export class Keccak {
  private constructor(private readonly h: IHasher) {}

  static async create(): Promise<Keccak> {
    return new Keccak(await createKeccak(256));
  }

  /** keccak256(input[from, from+len)) into out[at, at+32). */
  hashInto(input: Uint8Array, from: number, len: number, out: Uint8Array, at: number): void {
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
    const h = this.h;
    h.init();
    if (lessA) {
      h.update(buf.subarray(a, a + 32));
      h.update(buf.subarray(b, b + 32));
    } else {
      h.update(buf.subarray(b, b + 32));
      h.update(buf.subarray(a, a + 32));
    }
    out.set(h.digest("binary"), at);
  }

  /** A 20-byte account in EIP-55 checksum form. */
  checksum(account: Uint8Array, from = 0): string {
    let hex = "";
    for (let i = 0; i < 20; i++) hex += account[from + i]!.toString(16).padStart(2, "0");
    this.h.init();
    this.h.update(hex);
    const d = this.h.digest("binary");
    let out = "0x";
    for (let i = 0; i < 40; i++) {
      const c = hex[i]!;
      const nib = (d[i >> 1]! >> (i & 1 ? 0 : 4)) & 0xf;
      out += nib >= 8 ? c.toUpperCase() : c;
    }
    return out;
  }
}
