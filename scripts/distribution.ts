/**
 * npm run distribution -- <command> ...
 *
 * TokenTable distribution tooling: build a proof store from a recipients CSV, read a proof from it, serve proofs
 * over HTTP. Exit codes: 0 success, 2 usage (a bad flag or argument; the message names it), 1 any other failure.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { isAddress } from "ethers";
import { BaseError, InvalidInputError } from "@sovereign-stack/sdk";
import { CSV_HEADER, DistributionCsvError, ProofStore, buildDistribution, serveProofs, type BuildProgress } from "@sovereign-stack/sdk/node";

import { userPath } from "./lib/cli.ts";

const TOOL = "distribution";

/** SDK input fields that are this CLI's flags. */
const FLAG_FIELDS = new Set(["csv", "out", "store", "index", "account", "port", "host"]);

/** A usage error: exit code 2. */
class UsageError extends Error {
  override name = "UsageError";
}

const STORE_HELP = `
The store directory is also the public data dump of the distribution: publish it (for example as a release
archive or on IPFS) beside the campaign. If the proof service goes down, anyone holding the store can still
read every proof with \`npm run distribution -- proof --store <dir> --index N\` (or with any tool that follows
the layout in its manifest.json), and claim on-chain directly: the contract only needs (index, account, amount,
proof). manifest.json lists the sha256 of every file, so a copy can be checked against the published root.`;

function intArg(flag: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}`);
    return Number(v);
  };
}

function progressLine(p: BuildProgress): void {
  const s = (p.elapsedMs / 1000).toFixed(1);
  const pct = p.totalBytes > 0 ? ` (${((100 * p.bytesRead) / p.totalBytes).toFixed(1)}% of the CSV read)` : "";
  process.stderr.write(`${TOOL}: ${p.phase}: ${p.rows.toLocaleString("en-US")} rows${pct}, ${s} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
}

const program = new Command()
  .name(TOOL)
  .description("TokenTable distribution: build a Merkle proof store from a recipients CSV, read proofs from it, serve them over HTTP.")
  .addHelpText("after", STORE_HELP)
  .showHelpAfterError()
  .exitOverride();

program
  .command("build")
  .description(
    `Stream a CSV of recipients into a proof store: the root (OpenZeppelin StandardMerkleTree, leaves in index order: sortLeaves false), the tree array, per-row records and lookup files, OpenZeppelin's dump() JSON up to 1M leaves, and a manifest with sha256 sums. CSV: optional header "${CSV_HEADER}"; rows "index,account,amount" with indices 0..n-1 (any order), each index and account once, amounts decimal integers in base units. Every bad row is reported with its line number; nothing is written unless the whole build succeeds.`,
  )
  .requiredOption("--csv <file>", "the recipients CSV")
  .requiredOption("--out <dir>", "the store directory to create (must not exist)")
  .option("--overwrite", "replace an existing store once the new one is complete")
  .option("--progress-every <rows>", "rows between progress lines on stderr", intArg("--progress-every", 1, 1e12), 1_000_000)
  .option("--quiet", "no progress lines")
  .action(async (o: { csv: string; out: string; overwrite?: boolean; progressEvery: number; quiet?: boolean }) => {
    const r = await buildDistribution({ csv: userPath(o.csv), out: userPath(o.out), overwrite: o.overwrite === true, progressEvery: o.progressEvery, ...(o.quiet === true ? {} : { onProgress: progressLine }) });
    console.log(JSON.stringify({ root: r.root, count: r.count, total: r.total.toString(), depth: r.depth, dir: r.dir, ms: Math.round(r.ms) }));
  });

program
  .command("proof")
  .description("Print one recipient's proof from a store, as JSON: index, account, amount, proof, root.")
  .requiredOption("--store <dir>", "the proof store directory")
  .option("--index <n>", "the leaf index", intArg("--index", 0, 0xffff_fffe))
  .option("--account <0x…>", "the recipient's address")
  .action((o: { store: string; index?: number; account?: string }) => {
    if ((o.index === undefined) === (o.account === undefined)) throw new UsageError("give exactly one of --index or --account");
    if (o.account !== undefined && !isAddress(o.account)) throw new UsageError(`--account ${o.account} is not an address (0x + 40 hex digits)`);
    const store = ProofStore.open(userPath(o.store));
    try {
      const p = o.index !== undefined ? store.proof(o.index) : store.proofOf(o.account!);
      console.log(JSON.stringify({ index: p.index.toString(), account: p.account, amount: p.amount.toString(), proof: p.proof, root: p.root }, null, 2));
    } finally {
      store.close();
    }
  });

program
  .command("serve")
  .description("Serve proofs over HTTP (JSON): GET /proof/<index>, GET /proof?account=0x…, GET /root, GET /healthz. Bad input answers 400 naming the field. Binds 127.0.0.1 unless --host says otherwise.")
  .requiredOption("--store <dir>", "the proof store directory")
  .option("--port <port>", "the TCP port (0: any free port)", intArg("--port", 0, 65535), 8787)
  .option("--host <host>", "the interface to bind", "127.0.0.1")
  .action(async (o: { store: string; port: number; host: string }) => {
    const server = await serveProofs({ store: userPath(o.store), port: o.port, host: o.host });
    console.log(`${TOOL}: serving ${server.store.count.toLocaleString("en-US")} proofs of root ${server.store.root} on ${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        void server.close().then(resolve);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  });

try {
  await program.parseAsync();
  process.exit(0);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) process.exit(0);
    process.exit(2); // commander has printed the message naming the flag
  }
  if (e instanceof UsageError) {
    console.error(`${TOOL}: error: ${e.message}`);
    process.exit(2);
  }
  if (e instanceof DistributionCsvError) {
    console.error(`${TOOL}: error: ${e.shortMessage}`);
    process.exit(1);
  }
  if (e instanceof InvalidInputError) {
    // A flag's value the SDK refused (missing CSV, existing --out, missing store, index out of range): usage, 2,
    // named as the flag. A recipient that is not in the store is a failure, 1.
    const usage = FLAG_FIELDS.has(e.field) && !/is not a recipient/.test(e.shortMessage);
    console.error(`${TOOL}: error: ${usage ? `--${e.shortMessage}` : e.shortMessage}`);
    process.exit(usage ? 2 : 1);
  }
  if (e instanceof BaseError) {
    console.error(`${TOOL}: error: ${e.shortMessage}`);
    process.exit(1);
  }
  console.error(`${TOOL}: unexpected failure:`, e);
  process.exit(1);
}
