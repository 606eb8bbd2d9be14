/**
 * Every error the SDK raises for bad input. `field` names the offending input so a caller (or an
 * official reading a terminal) knows what to fix.
 */
export class SdkInputError extends Error {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = "SdkInputError";
    this.field = field;
  }
}

/** Throws an {@link SdkInputError} unless `condition` holds. */
export function check(condition: unknown, field: string, reason: string): asserts condition {
  if (!condition) throw new SdkInputError(field, reason);
}
