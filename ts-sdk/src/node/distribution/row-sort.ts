/**
 * Sorting the tree builder's rows by a 32-bit key: an LSD radix sort in three passes of 11 bits that carries each
 * key along with its row, so every pass reads sequentially and scatters into 2048 buckets. (Two 16-bit passes that
 * looked each key up by row made one random read per row and scattered into 65,536 buckets: at 40M rows that cost
 * most of the builder's sort phases.) Rows with equal keys are then ordered by a full comparison.
 */

/** Reusable arrays for {@link sortRows}, each of at least n entries. */
export interface RowSortScratch {
  readonly keys: Uint32Array;
  readonly rows: Uint32Array;
  readonly rows2: Uint32Array;
}

/** Scratch arrays for sorting up to `n` rows. */
export function rowSortScratch(n: number): RowSortScratch {
  return { keys: new Uint32Array(n), rows: new Uint32Array(n), rows2: new Uint32Array(n) };
}

const BITS = 11;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;

/** Turns bucket counts into the first output position of each bucket. */
function startsOf(count: Uint32Array): void {
  let sum = 0;
  for (let k = 0; k < BUCKETS; k++) {
    const c = count[k]!;
    count[k] = sum;
    sum += c;
  }
}

/**
 * Sorts rows 0..n-1 by `keys[row]`, then rows with equal keys by `tie` (a full comparison), then by row. `keys` is
 * used as scratch: its contents are lost. Returns the rows in order (`order`) and their keys (`sortedKeys`), both
 * views of `scratch`.
 */
export function sortRows(
  keys: Uint32Array,
  n: number,
  tie: (a: number, b: number) => number,
  scratch: RowSortScratch,
): { order: Uint32Array; sortedKeys: Uint32Array } {
  const { keys: k1, rows: r1, rows2: r2 } = scratch;
  const count = new Uint32Array(BUCKETS);
  // pass 1 (bits 0..10): keys[row], row → k1, r1
  for (let i = 0; i < n; i++) count[keys[i]! & MASK]!++;
  startsOf(count);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const at = count[k & MASK]!++;
    k1[at] = k;
    r1[at] = i;
  }
  // pass 2 (bits 11..21): k1, r1 → keys, r2
  count.fill(0);
  for (let i = 0; i < n; i++) count[(k1[i]! >>> BITS) & MASK]!++;
  startsOf(count);
  for (let i = 0; i < n; i++) {
    const k = k1[i]!;
    const at = count[(k >>> BITS) & MASK]!++;
    keys[at] = k;
    r2[at] = r1[i]!;
  }
  // pass 3 (bits 22..31): keys, r2 → k1, r1
  count.fill(0);
  for (let i = 0; i < n; i++) count[keys[i]! >>> (2 * BITS)]!++;
  startsOf(count);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const at = count[k >>> (2 * BITS)]!++;
    k1[at] = k;
    r1[at] = r2[i]!;
  }
  // equal keys (adjacent, in row order: every pass is stable): the full comparison
  for (let i = 0; i < n; ) {
    const k = k1[i]!;
    let j = i + 1;
    while (j < n && k1[j] === k) j++;
    if (j - i > 1) {
      const run = Array.from(r1.subarray(i, j)).sort((x, y) => tie(x, y) || x - y);
      r1.set(run, i);
    }
    i = j;
  }
  return { order: r1.subarray(0, n), sortedKeys: k1.subarray(0, n) };
}

/**
 * Sorts row numbers 0..n-1 by a 32-bit key, then orders rows with equal keys with `tie` (a full comparison), then
 * by row. Leaves `keys` as it was.
 */
export function sortRowsByKey(keys: Uint32Array, n: number, tie: (a: number, b: number) => number): Uint32Array {
  return sortRows(keys.slice(0, n), n, tie, rowSortScratch(n)).order;
}
