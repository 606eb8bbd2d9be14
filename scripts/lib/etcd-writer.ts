/**
 * Drives a log writer process (scripts/lib/etcd-writer-main.ts) for the etcd chaos tests and benches: spawns
 * it, records what it prints (stamped with this process's receive time), waits for events, signals and kills it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "etcd-writer-main.ts");

/** One line the writer printed. */
export interface WriterEvent {
  readonly ev: "campaigning" | "leader" | "ack" | "err" | "lost";
  /** When this process received it (ms since the epoch). */
  readonly t: number;
  readonly id?: string;
  readonly seq?: string;
  readonly reason?: string;
}

/** An acknowledgement: payload `id` is durable at `seq`. */
export interface WriterAck {
  readonly id: string;
  readonly seq: bigint;
}

/** A writer process campaigning for (then appending to) the log under `prefix`. */
export class LogWriterProcess {
  readonly name: string;
  readonly events: WriterEvent[] = [];
  readonly proc: ChildProcess;
  #stderr = "";

  constructor(name: string, hosts: readonly string[], prefix: string, clients = 4, pauseMs = 5) {
    this.name = name;
    this.proc = spawn(process.execPath, [MAIN, hosts.join(","), prefix, name, String(clients), String(pauseMs)], { stdio: ["ignore", "pipe", "pipe"] });
    createInterface({ input: this.proc.stdout! }).on("line", (l) => this.events.push({ ...(JSON.parse(l) as Omit<WriterEvent, "t">), t: Date.now() }));
    this.proc.stderr!.on("data", (d: Buffer) => (this.#stderr += d.toString()));
  }

  /** Acknowledgements received in `[from, to)`. */
  acks(from = 0, to = Infinity): WriterAck[] {
    return this.events.filter((e) => e.ev === "ack" && e.t >= from && e.t < to).map((e) => ({ id: e.id!, seq: BigInt(e.seq!) }));
  }

  /** The first event of a kind. */
  firstEvent(ev: WriterEvent["ev"]): WriterEvent | undefined {
    return this.events.find((e) => e.ev === ev);
  }

  /** Waits until `pred` holds; throws naming `what` after `timeoutMs` or if the process exits. */
  async waitFor(what: string, pred: () => boolean, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!pred()) {
      if (this.proc.exitCode !== null) throw new Error(`writer ${this.name} exited (${this.proc.exitCode}) waiting for ${what}: ${this.#stderr.slice(-500)}`);
      if (Date.now() > until) throw new Error(`writer ${this.name}: no ${what} within ${timeoutMs} ms; last events ${JSON.stringify(this.events.slice(-3))} ${this.#stderr.slice(-300)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a signal (SIGSTOP / SIGCONT for a zombie). */
  signal(s: NodeJS.Signals): void {
    this.proc.kill(s);
  }

  /** SIGKILLs the process and waits for it to exit. */
  async kill(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGCONT");
    this.proc.kill("SIGKILL");
    await exited;
  }
}
