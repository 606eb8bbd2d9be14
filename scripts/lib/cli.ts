import path from "node:path";

/**
 * Shared plumbing for the command-line tools: one way to report errors and exit.
 */
import { DeployError } from "./deployer.ts";
import { SdkInputError } from "@sovereign-stack/sdk";

/** Errors whose message is already an instruction for the operator: print it without a stack. */
export function isOperatorError(e: unknown): e is Error {
  return e instanceof DeployError || e instanceof SdkInputError || (e instanceof Error && (e.name === "CliError" || e.name === "DrillFailure"));
}

/**
 * Resolves a path the user typed against the directory they typed it in: npm runs scripts from the
 * package root, and keeps the caller's directory in INIT_CWD.
 */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** An error in a command's input: `message` says what to fix. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** Runs a CLI main function, printing operator errors plainly and exiting non-zero on any failure. */
export async function runMain(tool: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
    process.exit(0);
  } catch (e) {
    if (isOperatorError(e)) {
      console.error(`${tool}: error: ${e.message}`);
    } else {
      console.error(`${tool}: unexpected failure:`, e);
    }
    process.exit(1);
  }
}
