/**
 * TokenTable's vesting curve, mirrored from `contracts/tokentable/VestingMath.sol` with bigint arithmetic so that
 * every result equals the contract's to the unit. A preset is a list of linear segments: segment i runs from the
 * previous end (0 for the first) to `ends[i]` seconds after the start and releases `bips[i]` basis points evenly.
 */
import { InvalidInputError, check } from "../errors.js";

/** Basis points in the whole (VestingMath.BIPS). */
export const VESTING_BIPS = 10_000;
/** Most segments a preset may have (VestingMath.MAX_SEGMENTS). */
export const VESTING_MAX_SEGMENTS = 64;
const MAX_END = 2 ** 32 - 1;

/** A vesting preset: segment end offsets (seconds after the start) and basis points per segment. */
export interface VestingPreset {
  readonly ends: readonly number[];
  readonly bips: readonly number[];
}

/**
 * Checks a preset with the contract's rules (`VestingMath.pack`): 1..64 segments, as many bips as ends, ends
 * strictly increasing from above 0 and below 2^32, bips summing to exactly 10,000.
 * @throws InvalidInputError naming `preset.ends`, `preset.bips` or `preset.ends[i]`
 */
export function validatePreset(preset: VestingPreset): void {
  check(preset !== null && typeof preset === "object" && Array.isArray(preset.ends) && Array.isArray(preset.bips), "preset", "must be { ends: number[], bips: number[] }");
  const n = preset.ends.length;
  check(n >= 1 && n <= VESTING_MAX_SEGMENTS, "preset.ends", `must have 1 to ${VESTING_MAX_SEGMENTS} segments (has ${n})`);
  check(preset.bips.length === n, "preset.bips", `must have as many entries as ends (${n}), has ${preset.bips.length}`);
  let prev = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = preset.ends[i]!;
    const b = preset.bips[i]!;
    check(Number.isInteger(e) && e > prev && e <= MAX_END, `preset.ends[${i}]`, `must be an integer above the previous end (${prev}) and below 2^32`);
    check(Number.isInteger(b) && b >= 0 && b <= 0xffff, `preset.bips[${i}]`, "must be an integer from 0 to 65535");
    prev = e;
    sum += b;
  }
  if (sum !== VESTING_BIPS) throw new InvalidInputError("preset.bips", `must sum to exactly ${VESTING_BIPS}, sum to ${sum}`);
}

/** Common presets, in the contract's segment form. */
export const vestingPresets = {
  /**
   * Linear over `duration` seconds.
   * @throws InvalidInputError (field `duration`)
   */
  linear(duration: number): VestingPreset {
    check(Number.isInteger(duration) && duration > 0 && duration <= MAX_END, "duration", "must be a positive integer number of seconds below 2^32");
    return { ends: [duration], bips: [VESTING_BIPS] };
  },
  /**
   * Nothing until `cliff` seconds, then `cliffBips` at once, then the rest linearly until `cliff + duration`.
   * @throws InvalidInputError (field `cliff`, `duration` or `cliffBips`)
   */
  cliffLinear(cliff: number, duration: number, cliffBips: number): VestingPreset {
    check(Number.isInteger(cliff) && cliff >= 2, "cliff", "must be an integer of 2 seconds or more");
    check(Number.isInteger(duration) && duration > 0 && cliff + duration <= MAX_END, "duration", "must be a positive integer; cliff + duration below 2^32");
    check(Number.isInteger(cliffBips) && cliffBips >= 0 && cliffBips <= VESTING_BIPS, "cliffBips", `must be an integer from 0 to ${VESTING_BIPS}`);
    return { ends: [cliff - 1, cliff, cliff + duration], bips: [0, cliffBips, VESTING_BIPS - cliffBips] };
  },
  /**
   * `steps` equal instalments, one every `interval` seconds (the first at `interval`).
   * @throws InvalidInputError (field `steps` or `interval`)
   */
  steps(steps: number, interval: number): VestingPreset {
    check(Number.isInteger(steps) && steps >= 1 && steps * 2 <= VESTING_MAX_SEGMENTS, "steps", `must be an integer from 1 to ${VESTING_MAX_SEGMENTS / 2}`);
    check(Number.isInteger(interval) && interval >= 2 && steps * interval <= MAX_END, "interval", "must be an integer of 2 seconds or more; steps × interval below 2^32");
    const ends: number[] = [];
    const bips: number[] = [];
    const each = Math.floor(VESTING_BIPS / steps);
    for (let k = 1; k <= steps; k++) {
      ends.push(k * interval - 1, k * interval);
      bips.push(0, k === steps ? VESTING_BIPS - each * (steps - 1) : each);
    }
    return { ends, bips };
  },
};

/** Parameters of {@link vestedAmount}. */
export interface VestedAmountParameters {
  /** The schedule's (or leaf's) total. */
  readonly total: bigint;
  /** The vesting start (unix seconds). */
  readonly start: bigint | number;
  readonly preset: VestingPreset;
  /** The time (unix seconds). */
  readonly at: bigint | number;
}

/**
 * The amount vested at `at`: exactly `VestingMath.vested(total, start, preset, at)`.
 * @throws InvalidInputError naming the bad field
 */
export function vestedAmount(p: VestedAmountParameters): bigint {
  check(p !== null && typeof p === "object", "parameters", "must be { total, start, preset, at }");
  check(typeof p.total === "bigint" && p.total >= 0n && p.total < 1n << 256n, "total", "must be a bigint from 0 to 2^256-1");
  const start = toTime(p.start, "start");
  const at = toTime(p.at, "at");
  validatePreset(p.preset);
  if (at <= start) return 0n;
  const elapsed = at - start;
  const ends = p.preset.ends;
  const bips = p.preset.bips;
  const n = ends.length;
  if (elapsed >= BigInt(ends[n - 1]!)) return p.total;
  let done = 0n;
  let prevEnd = 0n;
  for (let i = 0; i < n; i++) {
    const e = BigInt(ends[i]!);
    const b = BigInt(bips[i]!);
    if (elapsed < e) {
      const len = e - prevEnd;
      // Math.mulDiv(total, done*len + b*(elapsed-prevEnd), BIPS*len): floor of the exact product.
      return (p.total * (done * len + b * (elapsed - prevEnd))) / (BigInt(VESTING_BIPS) * len);
    }
    done += b;
    prevEnd = e;
  }
  return p.total;
}

function toTime(v: bigint | number, field: string): bigint {
  if (typeof v === "number") {
    check(Number.isSafeInteger(v) && v >= 0, field, "must be a non-negative integer (unix seconds)");
    return BigInt(v);
  }
  check(typeof v === "bigint" && v >= 0n && v < 1n << 256n, field, "must be a non-negative integer (unix seconds)");
  return v;
}
