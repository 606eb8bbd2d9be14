/**
 * Shared plumbing for the command-line tools: one way to report errors, one JSON envelope, one set of exit
 * codes. Light on purpose (no Hardhat, no ethers, no SDK at import time) so that `--help` answers at once;
 * errors from the SDK and the deploy pipeline are recognised by `error.name`.
 *
 * Exit codes: 0 ok, 1 failure, 2 usage (bad or missing arguments, a confirmation refused), 3 not yet (the
 * action opens later: the automatic trigger, a forced inclusion inside its window).
 */
import path from "node:path";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_YET = 3;

/** Version of the `--json` envelope; bumped on any incompatible change of a command's JSON. */
export const JSON_SCHEMA_VERSION = 1;

/** An error in a command's input or state: `message` says what to fix. Exit code 1. `details` go into the JSON error. */
export class CliError extends Error {
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "CliError";
    this.details = details;
  }
}

/** Bad or missing arguments, or a confirmation the operator did not give. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}


/** Error names whose message is already an instruction for the operator (ours, the deploy pipeline's, the SDK's). */
const OPERATOR_ERRORS = new Set([
  "CliError",
  "UsageError",
  "NotYetError",
  "DeployError",
  "DrillFailure",
  "SdkInputError",
  "BaseError",
  "InvalidInputError",
  "ContractRevertedError",
  "TransactionFailedError",
  "RpcError",
]);

/** Errors whose message is already an instruction for the operator: print it without a stack. */
export function isOperatorError(e: unknown): e is Error {
  return e instanceof Error && OPERATOR_ERRORS.has(e.name);
}

/** When a not-yet action opens, as JSON numbers. */
function notYetFields(e: { opensAt?: bigint | number; opensAtBlock?: bigint | number }): { opensAt?: number; opensAtBlock?: number } {
  return {
    ...(e.opensAt === undefined ? {} : { opensAt: Number(e.opensAt) }),
    ...(e.opensAtBlock === undefined ? {} : { opensAtBlock: Number(e.opensAtBlock) }),
  };
}

/** The process exit code of an error. */
export function exitCodeOf(e: unknown): number {
  if (!(e instanceof Error)) return EXIT_FAILURE;
  if (e.name === "NotYetError") return EXIT_NOT_YET;
  if (e.name === "UsageError") return EXIT_USAGE;
  if (e.name === "CommanderError") return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** Where the current command talks to, so that a timeout or a refused connection names the URL. */
const rpcContext: { host: string | null; timeoutS: number } = { host: null, timeoutS: 30 };
export function setRpcContext(host: string, timeoutS: number): void {
  rpcContext.host = host;
  rpcContext.timeoutS = timeoutS;
}

/** An operator-readable message for any error (ethers' TIMEOUT and connection errors name the RPC). */
export function describeError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; shortMessage?: unknown; name?: unknown; timeout?: unknown };
  const where = rpcContext.host === null ? "the RPC endpoint" : rpcContext.host;
  // the SDK's RpcError (matched by name, like NotYetError) or a bare ethers timeout
  if (err?.code === "TIMEOUT" || (err?.name === "RpcError" && err.timeout === true)) return `no answer from ${where} within ${rpcContext.timeoutS} s; check the RPC URL or raise --timeout`;
  const msg = typeof err?.message === "string" ? err.message : String(e);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET/.test(msg)) return `cannot reach ${where} (${/E[A-Z]+/.exec(msg)![0]}); check the RPC URL`;
  if (err?.code === "BAD_DATA" || err?.code === "CALL_EXCEPTION") {
    return `unexpected answer from the contracts at ${where} (${typeof err.shortMessage === "string" ? err.shortMessage : msg.split("\n")[0]}); is the deployment record for this chain?`;
  }
  return msg;
}

/** Whether the command line asks for JSON output (checked before parsing, so usage errors are JSON too). */
export function jsonRequested(argv: readonly string[] = process.argv): boolean {
  return argv.includes("--json");
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** Prints a command's success: the human text, or the JSON envelope on stdout. */
export function emit(o: { json?: boolean }, human: string, json: Record<string, unknown>): void {
  if (o.json === true) console.log(toJson({ schemaVersion: JSON_SCHEMA_VERSION, ok: true, ...json }));
  else console.log(human);
}

/** A progress or header line: stdout for people, stderr in JSON mode (stdout holds only the JSON). */
export function info(o: { json?: boolean }, line: string): void {
  if (o.json === true) console.error(line);
  else console.log(line);
}

/**
 * Resolves a path the user typed against the directory they typed it in: npm runs scripts from the
 * package root, and keeps the caller's directory in INIT_CWD.
 */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/**
 * Runs a CLI main function: operator errors print plainly (as a JSON envelope on stdout with --json), anything
 * else with its stack; the exit code follows {@link exitCodeOf}.
 */
export async function runMain(tool: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
    process.exit(EXIT_OK);
  } catch (e) {
    const err = e as { name?: string; code?: string; exitCode?: number };
    // commander already printed its own message (and help is not an error)
    if (err?.name === "CommanderError") {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.code === "commander.version") process.exit(EXIT_OK);
      if (jsonRequested()) console.log(toJson({ schemaVersion: JSON_SCHEMA_VERSION, ok: false, error: { kind: "UsageError", message: (e as Error).message.replace(/^error: /, ""), exitCode: EXIT_USAGE } }));
      process.exit(EXIT_USAGE);
    }
    const code = exitCodeOf(e);
    const message = describeError(e);
    const operator = isOperatorError(e) || message !== (e as Error)?.message;
    if (jsonRequested()) {
      const extra = {
        // the SDK's NotYetError (matched by name: importing the SDK here would slow every --help)
        ...(e instanceof Error && e.name === "NotYetError" ? notYetFields(e as Error & { opensAt?: bigint | number; opensAtBlock?: bigint | number }) : {}),
        ...(e instanceof CliError && e.details !== undefined ? { details: e.details } : {}),
      };
      console.log(toJson({ schemaVersion: JSON_SCHEMA_VERSION, ok: false, error: { kind: e instanceof Error ? e.name : "Error", message, exitCode: code, ...extra } }));
      if (!operator) console.error(e);
    } else if (operator) {
      console.error(`${tool}: ${code === EXIT_NOT_YET ? "not yet" : "error"}: ${message}`);
    } else {
      console.error(`${tool}: unexpected failure: ${message}`);
      console.error(e);
    }
    process.exit(code);
  }
}
