/**
 * Child process of the chain bench: several concurrent JSON-RPC clients, each sending its own pre-signed
 * transactions one after the other (`eth_sendRawTransaction`, waiting for each acknowledgement), as wallets
 * do. A refusal for back-pressure ("account limit exceeded", "txpool is full") is retried after 50 ms, as a wallet would; any other
 * refusal is fatal. Prints `ready` once the job is loaded, just before the first send (so that the parent can start
 * its clocks there rather than count this process's start-up), then one JSON line: the acknowledged count, the wall
 * time from the first send to the last acknowledgement, retries, and the acknowledgement latencies' p50/p99 (per
 * acknowledged attempt).
 *
 * Usage: node bench/lib/rpc-clients.ts <url> <job.json>   (job: string[][], one array of raw txs per client)
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

const [url, jobFile] = process.argv.slice(2);
if (url === undefined || jobFile === undefined) {
  console.error("usage: node bench/lib/rpc-clients.ts <url> <job.json>");
  process.exit(2);
}
const job = JSON.parse(readFileSync(jobFile, "utf8")) as string[][];
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: job.length });

function post(body: string): Promise<{ result?: string; error?: { code: number; message: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method: "POST", path: "/", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { result?: string; error?: { code: number; message: string } });
        } catch (e) {
          reject(e as Error);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const latencies: number[] = [];
let retries = 0;
let acked = 0;
console.log("ready");
const t0 = performance.now();
let last = t0;
await Promise.all(
  job.map(async (txs) => {
    for (const raw of txs) {
      for (;;) {
        const s = performance.now();
        const r = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] }));
        if (r.result !== undefined) {
          last = performance.now();
          latencies.push(last - s);
          acked++;
          break;
        }
        if (r.error !== undefined && /^(account limit exceeded|txpool is full)/.test(r.error.message)) {
          retries++;
          await new Promise((res) => setTimeout(res, 50));
          continue;
        }
        throw new Error(`refused: ${JSON.stringify(r.error)}`);
      }
    }
  }),
);
latencies.sort((a, b) => a - b);
const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]!;
console.log(JSON.stringify({ acked, wallMs: last - t0, retries, p50: pct(50), p99: pct(99) }));
agent.destroy();
