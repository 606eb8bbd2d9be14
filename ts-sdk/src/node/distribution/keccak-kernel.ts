/**
 * A batched Keccak-256 kernel for the tree builder: a small WebAssembly module, generated here (no toolchain), that
 * hashes whole batches of fixed-size inputs in one call, so the per-hash cost is the permutation alone (no JS to
 * WebAssembly call, no copy and no allocation per hash).
 *
 * Why not hash-wasm alone: its Keccak takes one message per call; the builder makes three hashes per leaf, and at
 * 40M leaves (120M hashes) that call path was 85% of the build time (bench suite `distribution`, issue 12). hash-wasm
 * stays the reference: {@link KeccakKernel.create} checks the kernel against it on random inputs of every shape
 * before use, and refuses to run if they ever differ.
 *
 * The module's memory: [0, 200) the Keccak state, [256, 448) the round constants, from {@link IO_BASE} on the
 * caller's input and output areas. Exports:
 * - `leaves(in, out, n)`: for i < n, out[32i..] = keccak256(keccak256(in[96i .. 96i+96])) (StandardMerkleTree
 *   leaves of 96-byte abi.encode(uint256, address, uint256) blocks);
 * - `pairs(in, out, n)`: for i < n, the two 32-byte nodes at in[64i..] and in[64i+32..], smaller first (as unsigned
 *   big-endian numbers), hashed into out[32i..] (OpenZeppelin's node hash);
 * - `hex40(in, out, n)`: for i < n, out[32i..] = keccak256(in[40i .. 40i+40]) (the EIP-55 checksum hash of an
 *   address's 40 lowercase hex digits: the builder checks mixed-case accounts in batches);
 * - `leaves2`, `pairs2`, `hex402(in, out, steps)`: the same, two items per step on a two-way permutation (WebAssembly
 *   SIMD: each v128 holds one lane of two states, at STATE2), about 1.25x the one-way throughput here (320 → 260 ns
 *   of CPU per permutation); {@link KeccakKernel} runs pairs of items on them and an odd last item one-way.
 */
const STATE = 0;
const RC_BASE = 256;
/** Two interleaved states for the two-way (SIMD) permutation: lane i of message k at STATE2 + 16i + 8k. */
const STATE2 = 512;
/** First byte of memory free for the caller's input and output areas. */
export const IO_BASE = 1024;
const PAGE = 65536;

// ---- a minimal WebAssembly binary writer (only what the kernel uses)

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, "latin1")];

const I32 = 0x7f;
const I64 = 0x7e;
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(BigInt(v))],
  i64: (v: bigint) => [0x42, ...sleb(BigInt.asIntN(64, v))],
  load64: (offset: number) => [0x29, 3, ...uleb(offset)],
  store64: (offset: number) => [0x37, 3, ...uleb(offset)],
  call: (f: number) => [0x10, ...uleb(f)],
  xor64: [0x85],
  and64: [0x83],
  or64: [0x84],
  shl64: [0x86],
  shrU64: [0x88],
  rotl64: [0x89],
  ltU64: [0x54],
  ne64: [0x52],
  add32: [0x6a],
  ltU32: [0x49],
  eqz32: [0x45],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  br: (d: number) => [0x0c, ...uleb(d)],
  store64At: (offset: number) => [0x37, 3, ...uleb(offset)],
  // SIMD (0xfd prefix, opcode as u32 LEB128)
  v128load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  i64x2splat: [0xfd, ...uleb(0x12)],
  v128and: [0xfd, ...uleb(0x4e)],
  v128andnot: [0xfd, ...uleb(0x4f)],
  v128or: [0xfd, ...uleb(0x50)],
  v128xor: [0xfd, ...uleb(0x51)],
  i64x2shl: [0xfd, ...uleb(0xcb)],
  i64x2shrU: [0xfd, ...uleb(0xcd)],
};
const V128 = 0x7b;

// ---- Keccak-f[1600]

const ROTATION = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
]; // ROTATION[x][y]

function roundConstants(): bigint[] {
  const rc: bigint[] = [];
  let r = 1;
  for (let round = 0; round < 24; round++) {
    let c = 0n;
    for (let j = 0; j < 7; j++) {
      if (r & 1) c |= 1n << BigInt((1 << j) - 1);
      r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : (r << 1) & 0xff;
    }
    rc.push(c);
  }
  return rc;
}

/** The lane instructions the one Keccak-f[1600] generator ({@link permutationBody}) is written against. */
interface LaneIsa {
  /** Code leaving lane `i` of the state in memory on the stack. */
  load(i: number): number[];
  /** Code storing `value` (code leaving a lane) as lane `i` of the state in memory. */
  store(i: number, value: number[]): number[];
  readonly xor: number[];
  /** Rotates the lane on the stack left by `r` (1..63); `scratch` is a local it may overwrite with that lane. */
  rotl(r: number, scratch: number): number[];
  /** Code leaving `b0 ^ (~b1 & b2)`, from code leaving each. */
  chi(b0: number[], b1: number[], b2: number[]): number[];
  /** Turns the i64 round constant on the stack into a lane. */
  readonly roundConstant: number[];
}

/** One state, i64 lanes at STATE. */
const SCALAR_LANES: LaneIsa = {
  load: (i) => [...op.i32(STATE), ...op.load64(8 * i)],
  store: (i, value) => [...op.i32(STATE), ...value, ...op.store64(8 * i)],
  xor: op.xor64,
  rotl: (r) => [...op.i64(BigInt(r)), ...op.rotl64],
  chi: (b0, b1, b2) => [...b0, ...b1, ...op.i64(-1n), ...op.xor64, ...b2, ...op.and64, ...op.xor64],
  roundConstant: [],
};

/** Two interleaved states, v128 lanes at STATE2 (each v128 holds lane i of both). */
const DOUBLE_LANES: LaneIsa = {
  load: (i) => [...op.i32(STATE2), ...op.v128load(16 * i)],
  store: (i, value) => [...op.i32(STATE2), ...value, ...op.v128store(16 * i)],
  xor: op.v128xor,
  rotl: (r, scratch) => [...op.tee(scratch), ...op.i32(r), ...op.i64x2shl, ...op.get(scratch), ...op.i32(64 - r), ...op.i64x2shrU, ...op.v128or],
  chi: (b0, b1, b2) => [...b0, ...b2, ...b1, ...op.v128andnot, ...op.v128xor],
  roundConstant: op.i64x2splat,
};

/**
 * Keccak-f[1600] in place on the state(s) in memory, written once against `isa`: perm() with {@link SCALAR_LANES},
 * perm2() with {@link DOUBLE_LANES}. Locals: a 0..24, b 25..49, c 50..54, d 55..59 (lanes), round (i32) 60.
 */
function permutationBody(isa: LaneIsa): number[] {
  const A = (i: number) => i;
  const B = (i: number) => 25 + i;
  const Cl = (x: number) => 50 + x;
  const D = (x: number) => 55 + x;
  const ROUND = 60;
  const code: number[] = [];
  for (let i = 0; i < 25; i++) code.push(...isa.load(i), ...op.set(A(i)));
  code.push(...op.i32(0), ...op.set(ROUND));
  code.push(...op.loop);
  // theta: C[x] = xor of the column; D[x] = C[x-1] ^ rotl(C[x+1], 1)
  for (let x = 0; x < 5; x++) {
    code.push(...op.get(A(x)));
    for (let y = 1; y < 5; y++) code.push(...op.get(A(x + 5 * y)), ...isa.xor);
    code.push(...op.set(Cl(x)));
  }
  for (let x = 0; x < 5; x++) {
    const c1 = Cl((x + 1) % 5);
    code.push(...op.get(Cl((x + 4) % 5)), ...op.get(c1), ...isa.rotl(1, c1), ...isa.xor, ...op.set(D(x)));
  }
  // theta apply + rho + pi: B[y, 2x+3y] = rotl(A[x,y] ^ D[x], r[x][y]) (A is free as scratch: chi rewrites it)
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      const to = y + 5 * ((2 * x + 3 * y) % 5);
      const a = A(x + 5 * y);
      code.push(...op.get(a), ...op.get(D(x)), ...isa.xor);
      const r = ROTATION[x]![y]!;
      if (r !== 0) code.push(...isa.rotl(r, a));
      code.push(...op.set(B(to)));
    }
  }
  // chi: A[x,y] = B[x,y] ^ (~B[x+1,y] & B[x+2,y])
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      code.push(...isa.chi(op.get(B(x + 5 * y)), op.get(B(((x + 1) % 5) + 5 * y)), op.get(B(((x + 2) % 5) + 5 * y))), ...op.set(A(x + 5 * y)));
    }
  }
  // iota: a0 ^= RC[round]
  code.push(...op.get(A(0)), ...op.get(ROUND), ...op.i32(3), 0x74 /* i32.shl */, ...op.load64(RC_BASE), ...isa.roundConstant, ...isa.xor, ...op.set(A(0)));
  // round++ ; loop while round < 24
  code.push(...op.get(ROUND), ...op.i32(1), ...op.add32, ...op.tee(ROUND), ...op.i32(24), ...op.ltU32, ...op.brIf(0), ...op.end);
  for (let i = 0; i < 25; i++) code.push(...isa.store(i, op.get(A(i))));
  return code;
}

/** Stores half `k` of the interleaved states: `lanes` (code leaving an i64 each) for 0..n-1, then the padding. */
function absorbBlock2(k: number, lanes: number[][], from = 0): number[] {
  const code: number[] = [];
  const n = lanes.length + from;
  for (let i = from; i < 25; i++) {
    code.push(...op.i32(STATE2 + 8 * k));
    if (i < n) code.push(...lanes[i - from]!);
    else code.push(...op.i64((i === n ? 1n : 0n) | (i === 16 ? PAD_END : 0n)));
    code.push(...op.store64(16 * i));
  }
  return code;
}

/** Writes the two digests of the interleaved states to out and out + 32. */
function squeeze2(OUT: number): number[] {
  const code: number[] = [];
  for (let k = 0; k < 2; k++) for (let i = 0; i < 4; i++) code.push(...op.get(OUT), ...op.i32(STATE2 + 16 * i + 8 * k), ...op.load64(0), ...op.store64(32 * k + 8 * i));
  return code;
}

/** leaves2(in, out, pairs): two leaves per step (2 x pairs leaves). */
function leaves2Body(perm2Index: number): number[] {
  const IN = 0;
  const OUT = 1;
  const N = 2;
  const code: number[] = [];
  code.push(...op.block, ...op.get(N), ...op.eqz32, ...op.brIf(0), ...op.loop);
  for (let k = 0; k < 2; k++) code.push(...absorbBlock2(k, Array.from({ length: 12 }, (_, i) => [...op.get(IN), ...op.load64(96 * k + 8 * i)])));
  code.push(...op.call(perm2Index));
  // the second hash: the digest lanes 0..3 stay in place, the rest is padding
  for (let k = 0; k < 2; k++) code.push(...absorbBlock2(k, [], 4));
  code.push(...op.call(perm2Index));
  code.push(...squeeze2(OUT));
  code.push(...op.get(IN), ...op.i32(192), ...op.add32, ...op.set(IN));
  code.push(...op.get(OUT), ...op.i32(64), ...op.add32, ...op.set(OUT));
  code.push(...op.get(N), ...op.i32(-1), ...op.add32, ...op.tee(N), ...op.brIf(0), ...op.end, ...op.end);
  return code;
}

/** hex402(in, out, pairs): two 40-byte inputs per step. */
function hex402Body(perm2Index: number): number[] {
  const IN = 0;
  const OUT = 1;
  const N = 2;
  const code: number[] = [];
  code.push(...op.block, ...op.get(N), ...op.eqz32, ...op.brIf(0), ...op.loop);
  for (let k = 0; k < 2; k++) code.push(...absorbBlock2(k, Array.from({ length: 5 }, (_, i) => [...op.get(IN), ...op.load64(40 * k + 8 * i)])));
  code.push(...op.call(perm2Index));
  code.push(...squeeze2(OUT));
  code.push(...op.get(IN), ...op.i32(80), ...op.add32, ...op.set(IN));
  code.push(...op.get(OUT), ...op.i32(64), ...op.add32, ...op.set(OUT));
  code.push(...op.get(N), ...op.i32(-1), ...op.add32, ...op.tee(N), ...op.brIf(0), ...op.end, ...op.end);
  return code;
}

const PAD_END = 0x8000_0000_0000_0000n;

/** Stores the state lanes: `lanes` (code leaving an i64 each) for 0..k-1, then the padding of a k*8-byte message. */
function absorbBlock(lanes: number[][]): number[] {
  const code: number[] = [];
  const k = lanes.length;
  for (let i = 0; i < 25; i++) {
    code.push(...op.i32(STATE));
    if (i < k) code.push(...lanes[i]!);
    else code.push(...op.i64((i === k ? 1n : 0n) | (i === 16 ? PAD_END : 0n)));
    code.push(...op.store64(8 * i));
  }
  return code;
}

/** leaves(in, out, n): params 0..2 (i32); local 3 (i32) = i. */
function leavesBody(permIndex: number): number[] {
  const IN = 0;
  const OUT = 1;
  const N = 2;
  const code: number[] = [];
  code.push(...op.block, ...op.get(N), ...op.eqz32, ...op.brIf(0), ...op.loop);
  code.push(...absorbBlock(Array.from({ length: 12 }, (_, i) => [...op.get(IN), ...op.load64(8 * i)])));
  code.push(...op.call(permIndex));
  code.push(...absorbBlock(Array.from({ length: 4 }, (_, i) => [...op.i32(STATE), ...op.load64(8 * i)])));
  code.push(...op.call(permIndex));
  for (let i = 0; i < 4; i++) code.push(...op.get(OUT), ...op.i32(STATE), ...op.load64(8 * i), ...op.store64(8 * i));
  code.push(...op.get(IN), ...op.i32(96), ...op.add32, ...op.set(IN));
  code.push(...op.get(OUT), ...op.i32(32), ...op.add32, ...op.set(OUT));
  code.push(...op.get(N), ...op.i32(-1), ...op.add32, ...op.tee(N), ...op.brIf(0), ...op.end, ...op.end);
  return code;
}

/** hex40(in, out, n): params 0..2 (i32). */
function hex40Body(permIndex: number): number[] {
  const IN = 0;
  const OUT = 1;
  const N = 2;
  const code: number[] = [];
  code.push(...op.block, ...op.get(N), ...op.eqz32, ...op.brIf(0), ...op.loop);
  code.push(...absorbBlock(Array.from({ length: 5 }, (_, i) => [...op.get(IN), ...op.load64(8 * i)])));
  code.push(...op.call(permIndex));
  for (let i = 0; i < 4; i++) code.push(...op.get(OUT), ...op.i32(STATE), ...op.load64(8 * i), ...op.store64(8 * i));
  code.push(...op.get(IN), ...op.i32(40), ...op.add32, ...op.set(IN));
  code.push(...op.get(OUT), ...op.i32(32), ...op.add32, ...op.set(OUT));
  code.push(...op.get(N), ...op.i32(-1), ...op.add32, ...op.tee(N), ...op.brIf(0), ...op.end, ...op.end);
  return code;
}

/** bswap64 of the i64 on the stack (local `t` as scratch): big-endian order for unsigned comparison. */
function bswap64(t: number): number[] {
  const m8 = 0x00ff00ff00ff00ffn;
  const m16 = 0x0000ffff0000ffffn;
  return [
    ...op.tee(t),
    ...op.i64(8n),
    ...op.shrU64,
    ...op.i64(m8),
    ...op.and64,
    ...op.get(t),
    ...op.i64(m8),
    ...op.and64,
    ...op.i64(8n),
    ...op.shl64,
    ...op.or64,
    ...op.tee(t),
    ...op.i64(16n),
    ...op.shrU64,
    ...op.i64(m16),
    ...op.and64,
    ...op.get(t),
    ...op.i64(m16),
    ...op.and64,
    ...op.i64(16n),
    ...op.shl64,
    ...op.or64,
    ...op.i64(32n),
    ...op.rotl64,
  ];
}

/**
 * pairs(in, out, n): params 0..2 (i32); locals 3 (i32) swap, 4..7 (i64) left words, 8..11 (i64) right words,
 * 12, 13 (i64) scratch.
 */
function pairsBody(permIndex: number): number[] {
  return pairsLoop(1, (lanes) => absorbBlock(lanes), [...op.call(permIndex), ...Array.from({ length: 4 }, (_, i) => [...op.get(1), ...op.i32(STATE), ...op.load64(8 * i), ...op.store64(8 * i)]).flat()]);
}

/** pairs2(in, out, steps): two pairs per step, on the two-way permutation (same locals as pairs). */
function pairs2Body(perm2Index: number): number[] {
  return pairsLoop(2, (lanes, k) => absorbBlock2(k, lanes), [...op.call(perm2Index), ...squeeze2(1)]);
}

/**
 * The loop of pairs/pairs2: per step, `per` pairs each compared (smaller first) and absorbed by `absorb` (message k
 * of the step), then `finish` (permute and write the digests); in/out advance by per x 64 / per x 32.
 */
function pairsLoop(per: number, absorb: (lanes: number[][], k: number) => number[], finish: number[]): number[] {
  const IN = 0;
  const OUT = 1;
  const N = 2;
  const SWAP = 3;
  const L = (w: number) => 4 + w;
  const R = (w: number) => 8 + w;
  const T = 12;
  const U = 13;
  const code: number[] = [];
  code.push(...op.block, ...op.get(N), ...op.eqz32, ...op.brIf(0), ...op.loop);
  for (let k = 0; k < per; k++) {
    for (let w = 0; w < 4; w++) code.push(...op.get(IN), ...op.load64(64 * k + 8 * w), ...op.set(L(w)), ...op.get(IN), ...op.load64(64 * k + 32 + 8 * w), ...op.set(R(w)));
    // swap = right < left (big-endian compare: the first differing word decides)
    code.push(...op.i32(0), ...op.set(SWAP));
    code.push(...op.block);
    for (let w = 0; w < 4; w++) {
      code.push(...op.get(L(w)), ...op.get(R(w)), ...op.ne64, ...op.if);
      code.push(...op.get(R(w)), ...bswap64(T), ...op.get(L(w)), ...bswap64(U), ...op.ltU64, ...op.set(SWAP), ...op.br(1), ...op.end);
    }
    code.push(...op.end);
    const lanes = (first: (w: number) => number, second: (w: number) => number): number[][] => [
      ...Array.from({ length: 4 }, (_, w) => op.get(first(w))),
      ...Array.from({ length: 4 }, (_, w) => op.get(second(w))),
    ];
    code.push(...op.get(SWAP), ...op.if, ...absorb(lanes(R, L), k), ...op.else, ...absorb(lanes(L, R), k), ...op.end);
  }
  code.push(...finish);
  code.push(...op.get(IN), ...op.i32(64 * per), ...op.add32, ...op.set(IN));
  code.push(...op.get(OUT), ...op.i32(32 * per), ...op.add32, ...op.set(OUT));
  code.push(...op.get(N), ...op.i32(-1), ...op.add32, ...op.tee(N), ...op.brIf(0), ...op.end, ...op.end);
  return code;
}

function moduleBytes(pages: number): Uint8Array {
  const fn = (locals: [number, number][], body: number[]): number[] => {
    const b = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...body, ...op.end];
    return [...uleb(b.length), ...b];
  };
  const rc = roundConstants();
  const rcBytes = Buffer.alloc(24 * 8);
  rc.forEach((c, i) => rcBytes.writeBigUInt64LE(c, 8 * i));
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: 0 () -> (), 1 (i32 i32 i32) -> ()
    ...section(1, vec([[0x60, 0, 0], [0x60, 3, I32, I32, I32, 0]])),
    // functions: 0 perm, 1 leaves, 2 pairs, 3 hex40, 4 perm2, 5 leaves2, 6 pairs2, 7 hex402
    ...section(3, vec([[0], [1], [1], [1], [0], [1], [1], [1]])),
    // memory 0: `pages` pages, no maximum
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([[...name("memory"), 0x02, 0], [...name("leaves"), 0x00, 1], [...name("pairs"), 0x00, 2], [...name("hex40"), 0x00, 3], [...name("leaves2"), 0x00, 5], [...name("pairs2"), 0x00, 6], [...name("hex402"), 0x00, 7]])),
    ...section(
      10,
      vec([
        fn([[60, I64], [1, I32]], permutationBody(SCALAR_LANES)),
        fn([], leavesBody(0)),
        fn([[1, I32], [10, I64]], pairsBody(0)),
        fn([], hex40Body(0)),
        fn([[60, V128], [1, I32]], permutationBody(DOUBLE_LANES)),
        fn([], leaves2Body(4)),
        fn([[1, I32], [10, I64]], pairs2Body(4)),
        fn([], hex402Body(4)),
      ]),
    ),
    // data: the round constants
    ...section(11, vec([[0x00, ...op.i32(RC_BASE), ...op.end, ...uleb(rcBytes.length), ...rcBytes]])),
  ];
  return Uint8Array.from(bytes);
}

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  leaves(inPtr: number, outPtr: number, n: number): void;
  pairs(inPtr: number, outPtr: number, n: number): void;
  hex40(inPtr: number, outPtr: number, n: number): void;
  leaves2(inPtr: number, outPtr: number, steps: number): void;
  pairs2(inPtr: number, outPtr: number, steps: number): void;
  hex402(inPtr: number, outPtr: number, steps: number): void;
}

let checkedModule: Promise<WebAssembly.Module> | undefined;

/** One instance of the kernel, with its own memory. */
export class KeccakKernel {
  /** The module's memory (sized at instantiation, never grown afterwards, so views stay valid). */
  readonly mem: Uint8Array;
  private readonly ex: KernelExports;

  private constructor(ex: KernelExports) {
    this.ex = ex;
    this.mem = new Uint8Array(ex.memory.buffer);
  }

  /**
   * The compiled kernel module, checked once per process against hash-wasm's Keccak-256 on random inputs of both
   * shapes. A worker thread gets it in its `workerData` and instantiates it with {@link KeccakKernel.instantiate}.
   * @throws Error when the kernel's digests differ from hash-wasm's (it is then never used)
   */
  static module(): Promise<WebAssembly.Module> {
    checkedModule ??= (async () => {
      const mod = await WebAssembly.compile(moduleBytes(1));
      await (await KeccakKernel.instantiate(mod, 1 << 16)).selfTest();
      return mod;
    })();
    return checkedModule;
  }

  /** A checked kernel with `ioBytes` of memory for input and output after {@link IO_BASE}. */
  static async create(ioBytes: number): Promise<KeccakKernel> {
    return KeccakKernel.instantiate(await KeccakKernel.module(), ioBytes);
  }

  /** A kernel instance of `mod` (from {@link KeccakKernel.module}) with `ioBytes` of input and output memory. */
  static async instantiate(mod: WebAssembly.Module, ioBytes: number): Promise<KeccakKernel> {
    const pages = Math.ceil((IO_BASE + ioBytes) / PAGE);
    const inst = await WebAssembly.instantiate(mod);
    const ex = inst.exports as unknown as KernelExports;
    const have = ex.memory.buffer.byteLength / PAGE;
    if (have < pages) ex.memory.grow(pages - have);
    return new KeccakKernel(ex);
  }

  /** leaves: `n` 96-byte blocks at mem[inAt..] → `n` 32-byte double-keccak leaves at mem[outAt..]. */
  leaves(inAt: number, outAt: number, n: number): void {
    this.ex.leaves2(inAt, outAt, n >> 1);
    if ((n & 1) !== 0) this.ex.leaves(inAt + 96 * (n - 1), outAt + 32 * (n - 1), 1);
  }

  /** pairs: `n` pairs of 32-byte nodes at mem[inAt..] → `n` 32-byte sorted-pair hashes at mem[outAt..]. */
  pairs(inAt: number, outAt: number, n: number): void {
    this.ex.pairs2(inAt, outAt, n >> 1);
    if ((n & 1) !== 0) this.ex.pairs(inAt + 64 * (n - 1), outAt + 32 * (n - 1), 1);
  }

  /** hex40: `n` 40-byte inputs at mem[inAt..] → `n` 32-byte keccak256 digests at mem[outAt..]. */
  hex40(inAt: number, outAt: number, n: number): void {
    this.ex.hex402(inAt, outAt, n >> 1);
    if ((n & 1) !== 0) this.ex.hex40(inAt + 40 * (n - 1), outAt + 32 * (n - 1), 1);
  }

  private async selfTest(): Promise<void> {
    const { createKeccak } = await import("hash-wasm"); // loaded only here: worker threads never need it
    const ref = await createKeccak(256);
    const h = (data: Uint8Array): Buffer => {
      ref.init();
      ref.update(data);
      return Buffer.from(ref.digest("binary"));
    };
    const m = this.mem;
    const cases = 65; // odd: the two-way steps and the one-way last item
    const input = IO_BASE;
    const output = IO_BASE + cases * 96;
    const rnd = (len: number): Uint8Array => Uint8Array.from({ length: len }, () => Math.floor(Math.random() * 256));
    for (let i = 0; i < cases; i++) m.set(rnd(96), input + 96 * i);
    this.leaves(input, output, cases);
    for (let i = 0; i < cases; i++) {
      const want = h(h(m.subarray(input + 96 * i, input + 96 * i + 96)));
      if (Buffer.compare(want, m.subarray(output + 32 * i, output + 32 * i + 32)) !== 0) throw new Error("keccak kernel: leaves() differs from hash-wasm");
    }
    // pairs: random, equal first words, equal nodes
    for (let i = 0; i < cases; i++) {
      const pair = rnd(64);
      if (i % 4 === 1) pair.copyWithin(32, 0, 8 + (i % 24));
      if (i % 8 === 3) pair.copyWithin(32, 0, 32);
      m.set(pair, input + 64 * i);
    }
    this.pairs(input, output, cases);
    for (let i = 0; i < cases; i++) {
      const a = Buffer.from(m.subarray(input + 64 * i, input + 64 * i + 32));
      const b = Buffer.from(m.subarray(input + 64 * i + 32, input + 64 * i + 64));
      const want = h(Buffer.compare(a, b) <= 0 ? Buffer.concat([a, b]) : Buffer.concat([b, a]));
      if (Buffer.compare(want, m.subarray(output + 32 * i, output + 32 * i + 32)) !== 0) throw new Error("keccak kernel: pairs() differs from hash-wasm");
    }
    for (let i = 0; i < cases; i++) m.set(rnd(40), input + 40 * i);
    this.hex40(input, output, cases);
    for (let i = 0; i < cases; i++) {
      if (Buffer.compare(h(m.subarray(input + 40 * i, input + 40 * i + 40)), m.subarray(output + 32 * i, output + 32 * i + 32)) !== 0) throw new Error("keccak kernel: hex40() differs from hash-wasm");
    }
  }
}
