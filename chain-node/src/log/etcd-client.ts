/**
 * The etcd client the log and the leadership use, configured against the `etcd3` client's pitfalls:
 * - its default global policy retries "recoverable" errors up to three times, which can re-send a conditional
 *   append that already committed and report it as failed: retries are OFF here (each call is sent once; a
 *   member whose circuit breaker is open is skipped before anything is sent to it);
 * - calls have no default deadline: every unary call gets `callTimeoutMs` unless it sets its own.
 */
import { Etcd3, type IOptions } from "etcd3";

import { LogError } from "./types.ts";

type GlobalPolicy = NonNullable<NonNullable<IOptions["faultHandling"]>["global"]>;

/** A policy that runs the call once: no retry (the `etcd3` default retries up to three times). */
const SEND_ONCE: GlobalPolicy = {
  _altReturn: undefined as never,
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
  execute: async (fn, signal) => fn({ signal: signal ?? new AbortController().signal }),
};

/** Options of {@link connectEtcd}. */
export interface EtcdConnectOptions {
  /** Client URLs of the members, e.g. `http://127.0.0.1:2379`. */
  readonly hosts: readonly string[];
  /** Deadline of every unary call that sets none itself, in ms (default 2000). */
  readonly callTimeoutMs?: number;
}

/** An `etcd3` client with retries off and a deadline on every unary call. Close it with `client.close()`. */
export function connectEtcd(opts: EtcdConnectOptions): Etcd3 {
  if (!Array.isArray(opts.hosts) || opts.hosts.length === 0) throw new LogError("etcd hosts: give at least one member URL");
  for (const h of opts.hosts) {
    if (typeof h !== "string" || !/^https?:\/\/[^/]+$/.test(h)) throw new LogError(`etcd hosts: "${String(h)}" is not a member URL like http://127.0.0.1:2379`);
  }
  const timeout = opts.callTimeoutMs ?? 2000;
  if (!Number.isInteger(timeout) || timeout <= 0) throw new LogError(`etcd callTimeoutMs: must be a positive integer, got ${String(timeout)}`);
  return new Etcd3({
    hosts: [...opts.hosts],
    dialTimeout: timeout,
    // A read page of 256 entries of up to 128 KB (a large L2 transaction) fits; gRPC's default is 4 MiB.
    grpcOptions: { "grpc.max_receive_message_length": 64 << 20 },
    faultHandling: { global: SEND_ONCE },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
  });
}

/** A deadline `ms` from now, for one call's options. */
export function deadlineIn(ms: number): { deadline: number } {
  return { deadline: Date.now() + ms };
}

/** Cancels a watcher, waiting at most `ms` for etcd to confirm (the client waits forever otherwise). */
export async function cancelWatcher(w: { cancel(): Promise<void> }, ms = 1000): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([w.cancel().catch(() => undefined), new Promise<void>((r) => (t = setTimeout(r, ms)))]);
  clearTimeout(t);
}
