/**
 * The L2 JSON-RPC over HTTP (`node:http`): POST of one request or a batch, a body size cap, a batch length cap,
 * and CORS off unless an origin is configured. Only the methods of {@link makeMethods} are served.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type { Sequencer } from "../sequencer/sequencer.ts";
import { RpcError, RpcErrorCode } from "./errors.ts";
import type { Json } from "./format.ts";
import { makeMethods, type Method, type MethodOptions } from "./methods.ts";

/** Options of {@link RpcServer.listen}. */
export interface RpcServerOptions extends Partial<MethodOptions> {
  readonly sequencer: Sequencer;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** TCP port (default 8545; 0 picks a free one). */
  readonly port?: number;
  /** Largest request body, bytes (default 5 MiB). */
  readonly maxBodyBytes?: number;
  /** Most requests in one batch (default 1000). */
  readonly maxBatch?: number;
  /** If set, the one origin allowed by CORS (`*` for any). Default: no CORS headers at all. */
  readonly corsOrigin?: string;
  /** Called with unexpected handler failures (answered as -32603 without details); default `console.error`. */
  readonly onInternalError?: (error: unknown, method: string) => void;
}

type Id = string | number | null;
interface Response {
  readonly jsonrpc: "2.0";
  readonly id: Id;
  readonly result?: Json;
  readonly error?: { code: number; message: string; data?: unknown };
}

const errorResponse = (id: Id, e: RpcError): Response => ({ jsonrpc: "2.0", id, error: { code: e.code, message: e.message, ...(e.data === undefined ? {} : { data: e.data }) } });

/** A running JSON-RPC server. */
export class RpcServer {
  readonly #server: Server;
  readonly #methods: ReadonlyMap<string, Method>;
  readonly #maxBody: number;
  readonly #maxBatch: number;
  readonly #cors: string | undefined;
  readonly #onInternal: (e: unknown, method: string) => void;

  private constructor(opts: RpcServerOptions) {
    this.#methods = makeMethods(opts.sequencer, opts);
    this.#maxBody = opts.maxBodyBytes ?? 5 * 1024 * 1024;
    this.#maxBatch = opts.maxBatch ?? 1000;
    this.#cors = opts.corsOrigin;
    this.#onInternal = opts.onInternalError ?? ((e, method) => console.error(`rpc ${method}:`, e));
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.keepAliveTimeout = 30_000;
  }

  /** Starts listening; resolves once the port is bound. */
  static async listen(opts: RpcServerOptions): Promise<RpcServer> {
    const s = new RpcServer(opts);
    await new Promise<void>((resolve, reject) => {
      s.#server.once("error", reject);
      s.#server.listen(opts.port ?? 8545, opts.host ?? "127.0.0.1", () => {
        s.#server.off("error", reject);
        resolve();
      });
    });
    return s;
  }

  /** The bound port. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** `http://host:port`. */
  get url(): string {
    const a = this.#server.address() as AddressInfo;
    return `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** Stops accepting connections; requests in flight get `graceMs` to finish, then every connection is closed. */
  close(graceMs = 1000): Promise<void> {
    return new Promise((resolve, reject) => {
      // Requests in flight get `graceMs` to finish; then every connection is closed (a client holding a keep-alive
      // connection must not keep a deposed leader's port half-open).
      const force = setTimeout(() => this.#server.closeAllConnections(), graceMs);
      this.#server.close((e) => {
        clearTimeout(force);
        if (e === undefined) resolve();
        else reject(e);
      });
      this.#server.closeIdleConnections();
    });
  }

  /** Handles one parsed JSON-RPC payload (a request or a batch): what the HTTP body would carry back. */
  async handlePayload(payload: unknown): Promise<Response | Response[] | null> {
    if (Array.isArray(payload)) {
      if (payload.length === 0) return errorResponse(null, new RpcError(RpcErrorCode.InvalidRequest, "invalid request: empty batch"));
      if (payload.length > this.#maxBatch) return errorResponse(null, new RpcError(RpcErrorCode.LimitExceeded, `batch of ${payload.length} requests exceeds the limit of ${this.#maxBatch}`));
      const out = (await Promise.all(payload.map((r) => this.#one(r)))).filter((r): r is Response => r !== null);
      return out.length === 0 ? null : out;
    }
    return this.#one(payload);
  }

  async #one(req: unknown): Promise<Response | null> {
    if (typeof req !== "object" || req === null || Array.isArray(req)) return errorResponse(null, new RpcError(RpcErrorCode.InvalidRequest, "invalid request: expected a JSON-RPC 2.0 request object"));
    const r = req as Record<string, unknown>;
    const rawId = r["id"];
    const isNotification = !("id" in r);
    const id: Id = typeof rawId === "string" || typeof rawId === "number" ? rawId : null;
    if (!isNotification && rawId !== null && id === null) return errorResponse(null, new RpcError(RpcErrorCode.InvalidRequest, "invalid request: id must be a string, a number or null"));
    if (r["jsonrpc"] !== "2.0") return errorResponse(id, new RpcError(RpcErrorCode.InvalidRequest, 'invalid request: jsonrpc must be "2.0"'));
    const name = r["method"];
    if (typeof name !== "string") return errorResponse(id, new RpcError(RpcErrorCode.InvalidRequest, "invalid request: method must be a string"));
    const params = r["params"] ?? [];
    let response: Response;
    const method = this.#methods.get(name);
    if (method === undefined) {
      response = errorResponse(id, new RpcError(RpcErrorCode.MethodNotFound, `the method ${name} does not exist/is not available`));
    } else if (!Array.isArray(params)) {
      response = errorResponse(id, new RpcError(RpcErrorCode.InvalidParams, "invalid params: params must be an array"));
    } else {
      try {
        response = { jsonrpc: "2.0", id, result: await method(params) };
      } catch (e) {
        if (e instanceof RpcError) response = errorResponse(id, e);
        else {
          this.#onInternal(e, name);
          response = errorResponse(id, new RpcError(RpcErrorCode.Internal, "internal error"));
        }
      }
    }
    return isNotification ? null : response;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#cors !== undefined) {
      res.setHeader("Access-Control-Allow-Origin", this.#cors);
      res.setHeader("Vary", "Origin");
    }
    if (req.method === "OPTIONS" && this.#cors !== undefined) {
      res.writeHead(204, { "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type", "Access-Control-Max-Age": "600" }).end();
      return;
    }
    if (req.method !== "POST") {
      send(res, 405, errorResponse(null, new RpcError(RpcErrorCode.InvalidRequest, "invalid request: JSON-RPC is served over POST")), { Allow: "POST" });
      return;
    }
    const tooLarge = (): void => {
      send(res, 413, errorResponse(null, new RpcError(RpcErrorCode.InvalidRequest, `invalid request: body larger than ${this.#maxBody} bytes`)), { Connection: "close" });
      req.resume();
    };
    if (Number(req.headers["content-length"] ?? 0) > this.#maxBody) return tooLarge();
    const body = await readBody(req, this.#maxBody);
    if (body === "aborted") return; // the client went away
    if (body === "too large") return tooLarge();
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch (e) {
      send(res, 200, errorResponse(null, new RpcError(RpcErrorCode.ParseError, `parse error: ${(e as Error).message}`)));
      return;
    }
    const out = await this.handlePayload(payload);
    if (out === null) res.writeHead(204).end();
    else send(res, 200, out);
  }
}

/**
 * The request body, or why there is none. Listens to `data`/`end` rather than iterating the stream: the async
 * iterator's per-request setup (end-of-stream watchers, an async resource) cost about a tenth of handling an
 * `eth_sendRawTransaction`.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | "too large" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (r: Buffer | "too large" | "aborted"): void => {
      req.off("data", onData).off("end", onEnd).off("error", onAbort).off("aborted", onAbort).off("close", onClose);
      resolve(r);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > maxBytes) done("too large");
      else chunks.push(c);
    };
    const onEnd = (): void => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onAbort = (): void => done("aborted");
    const onClose = (): void => {
      if (!req.complete) done("aborted");
    };
    req.on("data", onData).on("end", onEnd).on("error", onAbort).on("aborted", onAbort).on("close", onClose);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers }).end(text);
}
