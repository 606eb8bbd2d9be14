/**
 * The proof HTTP service over a proof store: `GET /proof/<index>`, `GET /proof?account=0x…`, `GET /root`,
 * `GET /healthz`. JSON answers (bigints as decimal strings); bad input is a 400 whose `error` names the field.
 * It binds 127.0.0.1 by default: put a reverse proxy in front to publish it. The store is also the public data
 * dump: if this service dies, anyone holding the store reads the same proofs from it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { BaseError, InvalidInputError } from "../../errors.js";
import { ProofStore, type StoredProof } from "./store.js";

/** Options of {@link serveProofs}. */
export interface ServeProofsOptions {
  /** The store directory. */
  readonly store: string;
  /** The port (0: any free port). Default 8787. */
  readonly port?: number;
  /** The interface to bind. Default 127.0.0.1. */
  readonly host?: string;
}

/** A running proof service. */
export interface ProofServer {
  readonly url: string;
  readonly port: number;
  readonly store: ProofStore;
  close(): Promise<void>;
}

function proofJson(p: StoredProof): Record<string, unknown> {
  return { index: p.index.toString(), account: p.account, amount: p.amount.toString(), proof: p.proof, root: p.root, treeIndex: p.treeIndex };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": status === 200 ? "public, max-age=60" : "no-store" });
  res.end(text);
}

/**
 * Starts the proof service.
 * @throws InvalidInputError (field `store`, `port` or `host`) when the store cannot be opened or the port bound
 */
export async function serveProofs(opts: ServeProofsOptions): Promise<ProofServer> {
  const port = opts.port ?? 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidInputError("port", "must be an integer from 0 to 65535");
  const host = opts.host ?? "127.0.0.1";
  const store = ProofStore.open(opts.store);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { error: "method: only GET is served" });
      const url = new URL(req.url ?? "/", "http://localhost");
      const p = url.pathname;
      if (p === "/healthz") return send(res, 200, { ok: true, root: store.root, count: store.count });
      if (p === "/root") return send(res, 200, { root: store.root, count: store.count, total: store.manifest.total, depth: store.manifest.depth });
      if (p === "/proof") {
        const account = url.searchParams.get("account");
        if (account === null) return send(res, 400, { error: "account: missing; use /proof/<index> or /proof?account=0x…", field: "account" });
        return send(res, 200, proofJson(store.proofOf(account)));
      }
      const m = /^\/proof\/([^/]*)$/.exec(p);
      if (m !== null) {
        const raw = decodeURIComponent(m[1]!);
        if (!/^[0-9]{1,16}$/.test(raw)) return send(res, 400, { error: `index: "${raw.slice(0, 40)}" is not a non-negative decimal integer`, field: "index" });
        return send(res, 200, proofJson(store.proof(BigInt(raw))));
      }
      return send(res, 404, { error: "path: not found; use /proof/<index>, /proof?account=0x…, /root or /healthz" });
    } catch (e) {
      if (e instanceof InvalidInputError) {
        const notFound = /is not a recipient|must be an integer from 0 to/.test(e.shortMessage) && e.field !== "store";
        return send(res, notFound && e.field === "account" ? 404 : 400, { error: e.shortMessage, field: e.field });
      }
      return send(res, 500, { error: e instanceof BaseError ? e.shortMessage : "internal error" });
    }
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(new InvalidInputError(port === 0 ? "host" : "port", `cannot listen on ${host}:${port} (${(e as { code?: string }).code ?? e.message})`, { cause: e })));
    server.listen(port, host, () => resolve());
  }).catch((e: unknown) => {
    store.close();
    throw e;
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
    port: bound,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
