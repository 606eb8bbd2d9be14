/**
 * A readable timeline for drills: each step prints wall time, L1 block and chain time, and a failed step
 * stops the drill with a non-zero exit.
 */
import type { Provider } from "ethers";
import { ContractRevertedError, wrapError } from "@sovereign-stack/sdk";

export class DrillFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DrillFailure";
  }
}

export class Timeline {
  private readonly started = Date.now();
  private steps = 0;
  private readonly provider: Provider;
  private readonly out: (l: string) => void;
  constructor(provider: Provider, out: (l: string) => void = console.log) {
    this.provider = provider;
    this.out = out;
  }

  /** A section heading. */
  section(title: string): void {
    this.out(`\n== ${title} ==`);
  }

  /** A note under the current step. */
  note(text: string): void {
    this.out(`             ${text}`);
  }

  private async stamp(): Promise<string> {
    const block = await this.provider.getBlock("latest");
    const wall = ((Date.now() - this.started) / 1000).toFixed(2).padStart(6);
    const chain = block === null ? "?" : new Date(block.timestamp * 1000).toISOString().replace(".000Z", "Z");
    return `[${wall}s | L1 #${String(block?.number ?? "?").padStart(4)} | ${chain}]`;
  }

  /** Runs one step; its result is returned, a throw fails the drill. */
  async step<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.steps++;
    try {
      const result = await fn();
      this.out(`${await this.stamp()} ✓ ${title}`);
      return result;
    } catch (e) {
      this.out(`${await this.stamp()} ✗ ${title}`);
      throw new DrillFailure(`step "${title}" failed: ${(e as Error).message}`);
    }
  }

  /** A check at the end of a drill. */
  async assert(title: string, condition: boolean, detail = ""): Promise<void> {
    await this.step(`assert: ${title}${detail ? ` (${detail})` : ""}`, async () => {
      if (!condition) throw new DrillFailure(`assertion failed: ${title}${detail ? ` (${detail})` : ""}`);
    });
  }

  get count(): number {
    return this.steps;
  }
}

/**
 * Awaits `p` and requires it to revert with the custom error `errorName`, decoded by the SDK (`wrapError` →
 * `ContractRevertedError.errorName`): drills assert on the error's name, never on message text.
 */
export async function expectRevert(p: Promise<unknown>, errorName: string): Promise<ContractRevertedError> {
  try {
    await p;
  } catch (e) {
    const err = wrapError(e);
    if (err instanceof ContractRevertedError && err.errorName === errorName) return err;
    const got = err instanceof ContractRevertedError ? `${err.errorName}(${err.args.map(String).join(", ")})` : err.shortMessage;
    throw new DrillFailure(`expected a revert with ${errorName}, got: ${got}`);
  }
  throw new DrillFailure(`expected the call to revert with ${errorName}`);
}
