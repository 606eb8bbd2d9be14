/**
 * Allocation-free Keccak-256 for short inputs (one sponge block: at most 135 bytes), for building big
 * Merkle trees in benches. The permutation follows @noble/hashes' keccakP (MIT, Paul Miller) with the
 * state kept as 50 little-endian u32 words. `ethers.keccak256` gives the same digests, only slower.
 */
const RATE = 136;

const PI: number[] = [];
const ROTL: number[] = [];
const IOTA_LO = new Uint32Array(24);
const IOTA_HI = new Uint32Array(24);
for (let round = 0, R = 1n, x = 1, y = 0; round < 24; round++) {
  [x, y] = [y, (2 * x + 3 * y) % 5];
  PI.push(2 * (5 * y + x));
  ROTL.push((((round + 1) * (round + 2)) / 2) % 64);
  let t = 0n;
  for (let j = 0; j < 7; j++) {
    R = ((R << 1n) ^ ((R >> 7n) * 0x71n)) % 256n;
    if (R & 2n) t ^= 1n << ((1n << BigInt(j)) - 1n);
  }
  IOTA_LO[round] = Number(t & 0xffffffffn);
  IOTA_HI[round] = Number(t >> 32n);
}

// 64-bit rotate-left of the lane (lo, hi) by s (1..63, never 32): lo and hi results.
const rotLo = (lo: number, hi: number, s: number): number => (s > 32 ? (hi << (s - 32)) | (lo >>> (64 - s)) : (lo << s) | (hi >>> (32 - s)));
const rotHi = (lo: number, hi: number, s: number): number => (s > 32 ? (lo << (s - 32)) | (hi >>> (64 - s)) : (hi << s) | (lo >>> (32 - s)));

const C = new Uint32Array(10);

function keccakF(s: Uint32Array): void {
  for (let round = 0; round < 24; round++) {
    for (let x = 0; x < 10; x++) C[x] = s[x]! ^ s[x + 10]! ^ s[x + 20]! ^ s[x + 30]! ^ s[x + 40]!;
    for (let x = 0; x < 10; x += 2) {
      const i1 = (x + 8) % 10;
      const i0 = (x + 2) % 10;
      const lo = rotLo(C[i0]!, C[i0 + 1]!, 1) ^ C[i1]!;
      const hi = rotHi(C[i0]!, C[i0 + 1]!, 1) ^ C[i1 + 1]!;
      for (let y = 0; y < 50; y += 10) {
        s[x + y]! ^= lo;
        s[x + y + 1]! ^= hi;
      }
    }
    let curLo = s[2]!;
    let curHi = s[3]!;
    for (let t = 0; t < 24; t++) {
      const sh = ROTL[t]!;
      const lo = rotLo(curLo, curHi, sh);
      const hi = rotHi(curLo, curHi, sh);
      const p = PI[t]!;
      curLo = s[p]!;
      curHi = s[p + 1]!;
      s[p] = lo;
      s[p + 1] = hi;
    }
    for (let y = 0; y < 50; y += 10) {
      for (let x = 0; x < 10; x++) C[x] = s[y + x]!;
      for (let x = 0; x < 10; x++) s[y + x]! ^= ~C[(x + 2) % 10]! & C[(x + 4) % 10]!;
    }
    s[0]! ^= IOTA_LO[round]!;
    s[1]! ^= IOTA_HI[round]!;
  }
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error("bench/lib/keccak: needs a little-endian platform");

const state32 = new Uint32Array(50);
const state8 = new Uint8Array(state32.buffer);

/** keccak256(input[from, from+len)) written to out[outAt, outAt+32). len must be at most 135. */
export function keccak256Into(input: Uint8Array, from: number, len: number, out: Uint8Array, outAt: number): void {
  if (len > RATE - 1) throw new Error(`keccak256Into: input of ${len} bytes exceeds one block`);
  state32.fill(0);
  for (let i = 0; i < len; i++) state8[i] = input[from + i]!;
  state8[len]! ^= 0x01;
  state8[RATE - 1]! ^= 0x80;
  keccakF(state32);
  out.set(state8.subarray(0, 32), outAt);
}

/** keccak256 of a short input, as a new 32-byte array. */
export function keccak256Short(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  keccak256Into(input, 0, input.length, out, 0);
  return out;
}
