/**
 * Child process of the distribution bench: builds a proof store and prints one JSON line with the time and this
 * process's peak RSS (getrusage maxrss), so the bench measures the builder's memory alone.
 *
 * Usage: node bench/lib/dist-build-child.ts <csv> <out>
 */
import { buildDistribution } from "@sovereign-stack/sdk/node";

const [csv, out] = process.argv.slice(2);
if (csv === undefined || out === undefined) {
  console.error("usage: node bench/lib/dist-build-child.ts <csv> <out>");
  process.exit(2);
}
const r = await buildDistribution({
  csv,
  out,
  progressEvery: 5_000_000,
  onProgress: (p) => process.stderr.write(`    build: ${p.phase} ${p.rows} rows, ${(p.elapsedMs / 1000).toFixed(1)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`),
});
const storeBytes = Object.values(r.manifest.files).reduce((s, f) => s + f.bytes, 0);
console.log(JSON.stringify({ ms: r.ms, root: r.root, count: r.count, storeBytes, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
