/**
 * The `<SUITE>_BENCH_PARTS` convention: a comma-separated subset of a suite's parts to run (all of them when unset or
 * blank); an unknown part is refused with the list of known ones.
 */
export function benchParts<P extends string>(envVar: string, parts: readonly P[]): Set<P> {
  const raw = process.env[envVar];
  if (raw === undefined || raw.trim() === "") return new Set(parts);
  const chosen = raw.split(",").map((p) => p.trim());
  for (const p of chosen) {
    if (!(parts as readonly string[]).includes(p)) throw new Error(`${envVar}: unknown part "${p}"; use a comma-separated subset of ${parts.join(",")}`);
  }
  return new Set(chosen as P[]);
}
