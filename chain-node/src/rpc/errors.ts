/**
 * JSON-RPC errors: one class carrying the code, message and optional data the server answers with.
 * Codes follow JSON-RPC 2.0 and EIP-1474; admission refusals use geth's code (-32000) and messages, which
 * ethers and viem recognise ("nonce too low", "insufficient funds for gas * price + value", ...).
 */

/** The JSON-RPC error codes this node answers with. */
export const RpcErrorCode = {
  /** The body is not JSON. */
  ParseError: -32700,
  /** Not a JSON-RPC 2.0 request object (or the body is too large, or the batch too long). */
  InvalidRequest: -32600,
  /** The method is not served by this node. */
  MethodNotFound: -32601,
  /** A parameter is malformed: the message names it. */
  InvalidParams: -32602,
  /** A bug or an unexpected failure on our side. */
  Internal: -32603,
  /** geth's generic server error: every admission refusal, missing state, failed estimate. */
  Server: -32000,
  /** EIP-1474 "resource unavailable": the sequencer cannot acknowledge right now (log append failed, deposed). */
  Unavailable: -32002,
  /** EIP-1474 "limit exceeded": a range or batch over its cap. */
  LimitExceeded: -32005,
  /** geth's code for `eth_call` / `eth_estimateGas` reverts; `data` holds the revert bytes. */
  ExecutionReverted: 3,
} as const;

/** One of {@link RpcErrorCode}'s values. */
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

/**
 * An error the JSON-RPC server answers verbatim (`{ code, message, data }`). It carries no stack trace: it is an
 * answer to a client, not a fault of ours, and a node refusing thousands of retries a second should not pay for one.
 */
export class RpcError extends Error {
  override readonly name = "RpcError";
  readonly code: RpcErrorCode;
  readonly data: unknown;
  constructor(code: RpcErrorCode, message: string, data?: unknown) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.code = code;
    this.data = data;
  }
}

/** A malformed parameter: `-32602 invalid params: <name>: <why>`. */
export function invalidParam(name: string, why: string): RpcError {
  return new RpcError(RpcErrorCode.InvalidParams, `invalid params: ${name}: ${why}`);
}
