/**
 * Bench harness types and output. A suite measures our figure and, where a peer exists on npm, the
 * peer's in the same run, then prints a table plus one JSON line:
 * {"suite": "...", "rows": [{"op", "unit", "ours", "peer", "peerName", "ratio"}]}
 */
export type Unit = "gas" | "ms" | "MB" | "bytes" | "constraints" | "tx/s" | "ops/s" | "count";

export interface BenchRow {
  readonly op: string;
  readonly unit: Unit;
  readonly ours: number;
  readonly peer: number | null;
  readonly peerName: string;
  readonly ratio: number | null;
}

export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  run(log: (line: string) => void): Promise<BenchRow[]>;
}

/** A row, with the ratio ours/peer computed to 3 decimals. */
export function row(op: string, unit: Unit, ours: number | bigint, peer: number | bigint | null = null, peerName = ""): BenchRow {
  const o = Number(ours);
  const p = peer === null ? null : Number(peer);
  return { op, unit, ours: o, peer: p, peerName: p === null ? "" : peerName, ratio: p === null || p === 0 ? null : Math.round((o / p) * 1000) / 1000 };
}

/** The human table. */
export function formatTable(suite: string, rows: readonly BenchRow[]): string {
  const head = ["op", "unit", "ours", "peer", "peerName", "ratio"];
  const cells = rows.map((r) => [r.op, r.unit, String(r.ours), r.peer === null ? "-" : String(r.peer), r.peerName || "-", r.ratio === null ? "-" : r.ratio.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => "| " + c.map((x, i) => (i >= 2 && i !== 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join(" | ") + " |";
  return [`## bench: ${suite}`, line(head), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...cells.map(line)].join("\n");
}

/** The one JSON line. */
export function formatJson(suite: string, rows: readonly BenchRow[]): string {
  return JSON.stringify({ suite, rows });
}
