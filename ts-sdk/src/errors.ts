/**
 * The SDK's one error hierarchy (modelled on viem's `BaseError`). Every public SDK function throws a
 * {@link BaseError}: {@link InvalidInputError}, {@link ContractRevertedError}, {@link NotYetError},
 * {@link TransactionFailedError} or {@link RpcError}. Each message says what to do, and `docsPath` points to the
 * README section that lists them.
 */
import { Interface, type ErrorDescription, type TransactionReceipt } from "ethers";

import { sdkErrorsAbi } from "./abi/errors.js";
import type { Hex } from "./types.js";

/** README section describing every SDK error. */
export const SDK_ERRORS_DOCS = "#sdk-errors";

/** What every SDK error may carry besides its short message. */
export interface BaseErrorParameters {
  /** The underlying error (ethers', the transport's, ...). */
  readonly cause?: unknown;
  /** Technical detail: the lower-level message. */
  readonly details?: string;
  /** README anchor; defaults to the error's own entry under "SDK errors". */
  readonly docsPath?: string;
  /** Extra lines printed between the short message and the details. */
  readonly metaMessages?: readonly string[];
}

function detailsOf(cause: unknown): string | undefined {
  if (cause instanceof BaseError) return cause.details ?? cause.shortMessage;
  if (cause instanceof Error) return (cause as { shortMessage?: string }).shortMessage ?? cause.message;
  return undefined;
}

/** The root of every error the SDK throws. */
export class BaseError extends Error {
  override name = "SovereignSdkError";
  /** One sentence: what went wrong and what to do. */
  readonly shortMessage: string;
  readonly details: string | undefined;
  /** README anchor (e.g. `#sdk-errors-notyeterror`). */
  readonly docsPath: string;
  readonly metaMessages: readonly string[];

  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    const details = params.details ?? detailsOf(params.cause);
    const docsPath = params.docsPath ?? SDK_ERRORS_DOCS;
    const meta = params.metaMessages ?? [];
    const lines = [shortMessage, ...(meta.length > 0 ? ["", ...meta] : []), ...(details !== undefined && details !== shortMessage ? ["", `Details: ${details}`] : []), `Docs: README.md${docsPath}`];
    super(lines.join("\n"), params.cause === undefined ? undefined : { cause: params.cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.docsPath = docsPath;
    this.metaMessages = meta;
  }

  /**
   * Walks the `cause` chain. Without `fn`, returns the deepest cause; with `fn`, the first error (this one
   * included) for which `fn` holds, or null.
   */
  walk(fn?: (err: unknown) => boolean): unknown {
    let err: unknown = this;
    for (let depth = 0; depth < 32; depth++) {
      if (fn !== undefined && fn(err)) return err;
      const next = err instanceof Error ? err.cause : undefined;
      if (next === undefined || next === null) return fn === undefined ? err : null;
      err = next;
    }
    return fn === undefined ? err : null;
  }
}

/** Bad input: `field` names the offending argument (or deployment field) so a caller knows what to fix. */
export class InvalidInputError extends BaseError {
  override name = "InvalidInputError";
  readonly field: string;
  constructor(field: string, reason: string, params: BaseErrorParameters = {}) {
    super(`${field}: ${reason}`, { docsPath: `${SDK_ERRORS_DOCS}-invalidinputerror`, ...params });
    this.field = field;
  }
}

/** The name the SDK's input error had before v1; the same class. */
export const SdkInputError = InvalidInputError;
/** The name the SDK's input error had before v1; the same class. */
export type SdkInputError = InvalidInputError;

/** A contract call or transaction reverted; the revert data is decoded through the stack's ABIs. */
export class ContractRevertedError extends BaseError {
  override name = "ContractRevertedError";
  /** The custom error's name (`Error` for a `require` message, `Panic` for a panic), or undefined when unknown. */
  readonly errorName: string | undefined;
  readonly args: readonly unknown[];
  /** The raw revert data. */
  readonly data: Hex | undefined;
  constructor(params: { errorName?: string | undefined; args?: readonly unknown[]; data?: Hex | undefined; contract?: string | undefined } & BaseErrorParameters) {
    const { errorName, args = [], data, contract, ...base } = params;
    const call = errorName === undefined ? `an unknown error${data === undefined || data === "0x" ? " without data" : ` (data ${data.slice(0, 10)}…)`}` : `${errorName}(${args.map(show).join(", ")})`;
    super(`${contract ?? "the contract"} reverted with ${call}; the call is refused as sent: check the arguments and the contract's state (see the contract's NatSpec for ${errorName ?? "its errors"})`, {
      docsPath: `${SDK_ERRORS_DOCS}-contractrevertederror`,
      ...base,
    });
    this.errorName = errorName;
    this.args = args;
    this.data = data;
  }
}

/** The action is not open yet; `opensAt` (unix seconds) and, when block-bound, `opensAtBlock` say when it is. */
export class NotYetError extends BaseError {
  override name = "NotYetError";
  readonly opensAt: bigint;
  readonly opensAtBlock: bigint | undefined;
  constructor(what: string, params: { opensAt: bigint; opensAtBlock?: bigint | undefined; reason?: string } & BaseErrorParameters) {
    const { opensAt, opensAtBlock, reason, ...base } = params;
    const when = `${new Date(Number(opensAt) * 1000).toISOString()}${opensAtBlock === undefined ? "" : ` and L1 block ${opensAtBlock}`}`;
    super(`${what} is not possible yet${reason === undefined ? "" : ` (${reason})`}: try again from ${when}`, { docsPath: `${SDK_ERRORS_DOCS}-notyeterror`, ...base });
    this.opensAt = opensAt;
    this.opensAtBlock = opensAtBlock;
  }
}

/** A transaction was mined but failed, or was dropped or replaced. */
export class TransactionFailedError extends BaseError {
  override name = "TransactionFailedError";
  readonly hash: Hex | undefined;
  readonly receipt: TransactionReceipt | null;
  constructor(params: { hash?: Hex | undefined; receipt?: TransactionReceipt | null; reason?: string } & BaseErrorParameters) {
    const { hash, receipt = null, reason, ...base } = params;
    super(`transaction ${hash ?? "(unsent)"} ${reason ?? (receipt === null ? "was dropped or replaced" : "failed on-chain")}: check its state on a block explorer and send it again`, {
      docsPath: `${SDK_ERRORS_DOCS}-transactionfailederror`,
      ...base,
    });
    this.hash = hash;
    this.receipt = receipt;
  }
}

/** The node could not be reached, timed out, or answered with an error unrelated to the contracts. */
export class RpcError extends BaseError {
  override name = "RpcError";
  readonly timeout: boolean;
  readonly url: string | undefined;
  constructor(params: { timeout?: boolean; url?: string | undefined; reason?: string } & BaseErrorParameters) {
    const { timeout = false, url, reason, ...base } = params;
    super(`the RPC node${url === undefined ? "" : ` at ${url}`} ${timeout ? "timed out" : (reason ?? "failed")}: check the node URL and that it is up, then retry`, {
      docsPath: `${SDK_ERRORS_DOCS}-rpcerror`,
      ...base,
    });
    this.timeout = timeout;
    this.url = url;
  }
}

/** Throws an {@link InvalidInputError} unless `condition` holds. */
export function check(condition: unknown, field: string, reason: string): asserts condition {
  if (!condition) throw new InvalidInputError(field, reason);
}

function show(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  return String(v);
}

let errorsInterface: Interface | undefined;
/** One `Interface` over every custom error of the deployable contracts. */
function errors(): Interface {
  errorsInterface ??= new Interface(sdkErrorsAbi);
  return errorsInterface;
}

/**
 * Decodes revert data through the ABIs of every deployable contract (plus `Error(string)` and `Panic(uint256)`).
 * @returns the error's name and arguments, or null when no known error matches.
 */
export function decodeRevert(data: string): { errorName: string; args: readonly unknown[] } | null {
  if (typeof data !== "string" || !/^0x([0-9a-fA-F]{2}){4,}$/.test(data)) return null;
  let desc: ErrorDescription | null = null;
  try {
    desc = errors().parseError(data);
  } catch {
    desc = null;
  }
  return desc === null ? null : { errorName: desc.name, args: [...desc.args] };
}

type EthersLike = {
  code?: unknown;
  data?: unknown;
  shortMessage?: unknown;
  message?: unknown;
  info?: { error?: unknown; requestUrl?: unknown } | undefined;
  error?: unknown;
  receipt?: unknown;
  transaction?: { to?: unknown } | undefined;
  reason?: unknown;
  revert?: { name?: unknown; args?: unknown } | null;
};

function revertData(e: EthersLike, depth = 0): Hex | undefined {
  if (depth > 4 || e === null || typeof e !== "object") return undefined;
  if (typeof e.data === "string" && /^0x([0-9a-fA-F]{2})*$/.test(e.data)) return e.data as Hex;
  if (typeof e.data === "object" && e.data !== null) {
    const nested = revertData(e.data as EthersLike, depth + 1);
    if (nested !== undefined) return nested;
  }
  return revertData((e.error ?? e.info?.error) as EthersLike, depth + 1);
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

function networkCode(e: unknown, depth = 0): string | undefined {
  if (depth > 5 || e === null || typeof e !== "object") return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
  const errs = (e as { errors?: unknown }).errors;
  if (Array.isArray(errs)) for (const x of errs) if (networkCode(x, depth + 1) !== undefined) return networkCode(x, depth + 1);
  return networkCode((e as { cause?: unknown }).cause ?? (e as { error?: unknown }).error, depth + 1);
}

/**
 * Maps anything thrown below the SDK (ethers, the transport, a bug) to the SDK's hierarchy. SDK errors pass
 * through unchanged. Actions call it at their boundary, so callers only ever see {@link BaseError}s.
 * @param e what was thrown
 * @param context.contract the contract called, named in a revert's message
 */
export function wrapError(e: unknown, context: { contract?: string } = {}): BaseError {
  if (e instanceof BaseError) return e;
  const x = (typeof e === "object" && e !== null ? e : {}) as EthersLike;
  const code = typeof x.code === "string" ? x.code : undefined;
  const net = networkCode(e);
  const url = typeof x.info?.requestUrl === "string" ? x.info.requestUrl : undefined;
  const data = revertData(x);
  const rpcExecution = x.code === 3 || x.code === -32000 || x.code === -32003 || /revert/i.test(String(x.message ?? ""));
  if (code !== "CALL_EXCEPTION" && rpcExecution && data !== undefined && data.length >= 10) {
    const decoded = decodeRevert(data);
    return new ContractRevertedError({ errorName: decoded?.errorName, args: decoded?.args ?? [], data, contract: context.contract, cause: e });
  }
  if (code === "TIMEOUT" || net === "UND_ERR_CONNECT_TIMEOUT") return new RpcError({ timeout: true, url, cause: e });
  if (net !== undefined || code === "NETWORK_ERROR" || code === "SERVER_ERROR") {
    return new RpcError({ url, reason: net !== undefined ? `refused the connection (${net})` : "failed", cause: e });
  }
  if (code === "CALL_EXCEPTION") {
    const receipt = x.receipt as TransactionReceipt | undefined;
    const decoded = data === undefined ? null : decodeRevert(data);
    if (decoded !== null || data !== undefined) {
      return new ContractRevertedError({ errorName: decoded?.errorName, args: decoded?.args ?? [], data, contract: context.contract, cause: e });
    }
    if (receipt !== undefined && receipt !== null) return new TransactionFailedError({ hash: receipt.hash as Hex, receipt, cause: e });
    return new ContractRevertedError({ contract: context.contract, cause: e });
  }
  if (code === "BAD_DATA") {
    return new InvalidInputError("deployment", `${context.contract ?? "a contract"} returned data that does not decode: the deployment record names a wrong or stale address; connect() with verifyCode (the default) names it`, { cause: e });
  }
  if (code === "INVALID_ARGUMENT") {
    const arg = (x as { argument?: unknown }).argument;
    return new InvalidInputError(typeof arg === "string" && arg.length > 0 ? arg : "argument", `${String(x.shortMessage ?? x.message)}; pass a value of the right type`, { cause: e });
  }
  if (code === "TRANSACTION_REPLACED") return new TransactionFailedError({ reason: "was replaced", cause: e });
  if (code === "ACTION_REJECTED") return new InvalidInputError("signer", "the signer rejected the request; approve it in the wallet", { cause: e });
  if (code === "INSUFFICIENT_FUNDS") return new InvalidInputError("signer", "lacks the funds to pay for this transaction; fund the account", { cause: e });
  if (e instanceof TypeError || e instanceof RangeError) return new InvalidInputError("argument", `${e.message}; pass a value of the right type`, { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new RpcError({ reason: `failed: ${message}`, cause: e });
}

/**
 * Runs an action body, converting anything it throws with {@link wrapError}.
 * @param fn the action body
 * @param context names the contract in revert messages
 */
export async function guard<T>(fn: () => Promise<T>, context: { contract?: string } = {}): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw wrapError(e, context);
  }
}

/** The synchronous form of {@link guard}. */
export function guardSync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw wrapError(e);
  }
}
