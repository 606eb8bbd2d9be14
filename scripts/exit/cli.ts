/**
 * Government exit tool (`sovereign-exit`, or `npm run --silent exit -- …`). Officials run it in the middle of an
 * outage, so it starts at once: this file loads only commander; ethers, the SDK and (for keystore lookups)
 * Hardhat are imported by the command that needs them.
 *
 *   sovereign-exit status        --network <name> | --rpc-url <url>  [--payload p.json --sig dir/] [--json]
 *   sovereign-exit sign          --payload p.json | --network <name> --reason "…"   [--key-var NAME | --private-key-env VAR | --keystore f]
 *   sovereign-exit sign          --safe <address> (--digest-only | --signature <hex>) …
 *   sovereign-exit submit        --network <name> --payload p.json --sig dir/ [--dry-run] [--yes]
 *   sovereign-exit trigger-auto  --network <name> [--yes]
 *   sovereign-exit force-include --network <name>
 *
 * Exit codes: 0 ok, 1 failure, 2 usage, 3 not yet (the action opens later).
 */
import { Command, Option } from "commander";

import { runMain } from "../lib/cli.ts";
import { EXIT_NETWORKS } from "../lib/networks.ts";

const netOptions = (c: Command) =>
  c
    .addOption(new Option("--network <name>", "network the rollup's L1 contracts live on").choices(EXIT_NETWORKS))
    .option("--rpc-url <url>", "RPC endpoint (instead of, or overriding the URL of, --network; env ETH_RPC_URL or RPC_URL)")
    .option("--deployment <file>", "deployment record (default: deployments/<network>.json)")
    .option("--timeout <seconds>", "give up on any RPC call after this many seconds", "30")
    .option("--json", "machine-readable output on stdout: {schemaVersion: 1, ok, …}", false);

const walletOptions = (c: Command, defaultVar: string) =>
  c
    .option("--key-var <NAME>", `key from the environment variable NAME, or the Hardhat keystore entry NAME (default ${defaultVar})`)
    .option("--private-key-env <VAR>", "key from the environment variable VAR only")
    .option("--keystore <file>", "encrypted JSON keystore (password in KEYSTORE_PASSWORD or --password-file)")
    .option("--password-file <file>", "password of --keystore");

const lazy =
  <K extends keyof typeof import("./run.ts")>(name: K) =>
  async (o: Record<string, unknown>) => {
    const run = await import("./run.ts");
    await (run[name] as (o: unknown) => Promise<void>)(o);
  };

const program = new Command()
  .name("sovereign-exit")
  .description("Sovereign Stack exit tool: liveness status, council exit signatures, automatic trigger, forced inclusion")
  .exitOverride()
  .showHelpAfterError()
  .addHelpText(
    "after",
    `
Networks: ${EXIT_NETWORKS.join(", ")}. mainnet, sepolia and holesky read MAINNET_RPC_URL, SEPOLIA_RPC_URL,
HOLESKY_RPC_URL; remote reads RPC_URL; localhost is \`npx hardhat node\`. --rpc-url <url> works without a name.

Keys (only commands that send or sign need one; status never does):
  sign                                     COUNCIL_KEY by default
  submit, trigger-auto, force-include      RELAYER_KEY by default (any account that pays the gas)
  --key-var NAME        the environment variable NAME, or \`npx hardhat keystore set NAME\` (interactive runs only)
  --private-key-env VAR the environment variable VAR
  --keystore FILE       an encrypted JSON keystore; password in KEYSTORE_PASSWORD or --password-file
A run without a terminal (or with CI=true) never prompts: set the variable in the environment.
submit and trigger-auto are irreversible: they ask for confirmation, or need --yes without a terminal.

Exit codes: 0 ok, 1 failure, 2 usage, 3 not yet (trigger-auto before it opens, force-include inside the window).
With npm, use \`npm run --silent exit -- …\` so that --json output is clean. See README "Outage runbook".`,
  );

netOptions(program.command("status").description("mode, sequencers and readiness, queue head vs inclusionWindow, finality, automatic trigger, council signatures; needs no key"))
  .option("--payload <file>", "exit payload whose signatures to count")
  .option("--sig <paths...>", "signature files or directories of *.sig.json")
  .action(lazy("status"));

walletOptions(
  netOptions(
    program
      .command("sign")
      .description("build the TriggerExit payload (or take one from --payload), print its EIP-712 digest and sign it; works off-line from a payload file")
      .option("--payload <file>", "payload file to sign (off-line unless --network/--rpc-url is given too)")
      .option("--reason <text>", "why the exit is triggered (builds a new payload; needs --network or --deployment)")
      .option("--deadline-hours <h>", "signatures expire after this many hours (new payload)", "24")
      .option("--payload-out <file>", "also write the payload, for the other officials")
      .option("--out <file>", "signature file to write (default: <signer>.sig.json)")
      .option("--force", "overwrite an existing --out or --payload-out file", false)
      .option("--safe <address>", "the council member is a Safe (ERC-1271): see --digest-only and --signature")
      .option("--digest-only", "print the payload's EIP-712 digest and typed data, sign nothing (for a Safe's owners)", false)
      .option("--signature <hex>", "with --safe: the Safe's signature bytes, written as <safe>.sig.json"),
  ),
  "COUNCIL_KEY",
).action(lazy("sign"));

walletOptions(
  netOptions(program.command("submit").description("check the signature files against the on-chain council, report who signed and who is missing, and submit"))
    .requiredOption("--payload <file>", "the payload the officials signed")
    .requiredOption("--sig <paths...>", "signature files or directories of *.sig.json")
    .option("--dry-run", "check and report only (needs no key)", false)
    .option("--yes", "do not ask for confirmation (required without a terminal)", false),
  "RELAYER_KEY",
).action(lazy("submit"));

walletOptions(
  netOptions(program.command("trigger-auto").description("fire the automatic exit when the liveness SLA is breached; otherwise say when it opens (exit code 3)")).option(
    "--yes",
    "do not ask for confirmation (required without a terminal)",
    false,
  ),
  "RELAYER_KEY",
).action(lazy("triggerAuto"));

walletOptions(
  netOptions(program.command("force-include").description("force the delayed-queue head into the chain once its inclusion window has passed; before that say when (exit code 3)")),
  "RELAYER_KEY",
).action(lazy("forceInclude"));

await runMain("sovereign-exit", async () => {
  await program.parseAsync();
});
