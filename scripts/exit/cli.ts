/**
 * Government exit tool. Officials run it in the middle of an outage.
 *
 *   npm run exit -- status        --network <name> [--payload p.json --sig dir/] [--json]
 *   npm run exit -- sign          --payload p.json | --network <name> --reason "…"   [--key-var NAME | --keystore f]
 *   npm run exit -- submit        --network <name> --payload p.json --sig dir/ [--dry-run]
 *   npm run exit -- trigger-auto  --network <name>
 *   npm run exit -- force-include --network <name>
 */
import path from "node:path";

import { Command } from "commander";
import { buildTriggerExit, connect, readDeployment, signTriggerExit, type Stack, type TriggerExitPayload } from "@sovereign-stack/sdk";

import { CliError, runMain, userPath } from "../lib/cli.ts";
import { loadWallet } from "../lib/keys.ts";
import { deploymentFile, openNetwork } from "../lib/network.ts";
import { checkSignatures, forceIncludeHead, formatStatus, loadPayload, loadSignatureFiles, statusReport, submitExit, triggerAuto, writeJson } from "./commands.ts";

interface NetOpts {
  network: string;
  deployment?: string;
  json: boolean;
}

async function openStack(o: NetOpts): Promise<Stack> {
  const net = await openNetwork(o.network);
  const [signer] = await net.signers();
  const file = (o.deployment === undefined ? deploymentFile(net.name) : userPath(o.deployment));
  const dep = await readDeployment(file);
  return connect(signer!, dep);
}

function emit(o: { json: boolean }, human: string, json: unknown): void {
  console.log(o.json ? JSON.stringify(json, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) : human);
}

const netOptions = (c: Command) =>
  c
    .requiredOption("--network <name>", "network from hardhat.config.ts (localhost, remote, ...)")
    .option("--deployment <file>", "deployment record (default: deployments/<network>.json)")
    .option("--json", "machine-readable output", false);

const program = new Command()
  .name("exit")
  .description("Sovereign Stack exit tool: liveness status, council exit signatures, automatic trigger, forced inclusion")
  .showHelpAfterError()
  .addHelpText(
    "after",
    "\nKeys: --key-var NAME reads a private key from the environment variable NAME or from hardhat-keystore\n(`npx hardhat keystore set NAME`); --keystore FILE reads an encrypted JSON keystore (password in\nKEYSTORE_PASSWORD or --password-file). Transactions are sent from the network's first account\n(DEPLOYER_KEY on remote networks). See README \"Outage runbook\".",
  );

netOptions(program.command("status").description("mode, sequencers and readiness, queue head vs inclusionWindow, finality, automatic trigger, council signatures"))
  .option("--payload <file>", "exit payload whose signatures to count")
  .option("--sig <paths...>", "signature files or directories of *.sig.json")
  .action(async (o: NetOpts & { payload?: string; sig?: string[] }) => {
    const stack = await openStack(o);
    const payload = o.payload === undefined ? null : await loadPayload(userPath(o.payload));
    const files = payload === null ? [] : await loadSignatureFiles((o.sig ?? []).map(userPath));
    const report = await statusReport(stack, payload, files);
    emit(o, formatStatus(report), report);
  });

program
  .command("sign")
  .description("build the TriggerExit payload (or take one from --payload) and sign it; works off-line from a payload file")
  .option("--payload <file>", "payload file to sign (off-line)")
  .option("--network <name>", "build a new payload for this network (reads chain id and ExitController from the deployment)")
  .option("--deployment <file>", "deployment record (default: deployments/<network>.json)")
  .option("--reason <text>", "why the exit is triggered (with --network)")
  .option("--deadline-hours <h>", "signatures expire after this many hours (with --network)", "24")
  .option("--payload-out <file>", "also write the payload, for the other officials")
  .option("--out <file>", "signature file to write (default: <signer>.sig.json)")
  .option("--key-var <NAME>", "configuration variable holding the key (env or hardhat-keystore)", "COUNCIL_KEY")
  .option("--keystore <file>", "encrypted JSON keystore instead of --key-var")
  .option("--password-file <file>", "keystore password file (default: KEYSTORE_PASSWORD)")
  .option("--json", "machine-readable output", false)
  .action(async (o: { payload?: string; network?: string; deployment?: string; reason?: string; deadlineHours: string; payloadOut?: string; out?: string; keyVar: string; keystore?: string; passwordFile?: string; json: boolean }) => {
    let payload: TriggerExitPayload;
    if (o.payload !== undefined) {
      if (o.network !== undefined || o.reason !== undefined) throw new CliError("give either --payload (sign an existing payload) or --network with --reason (build one), not both");
      payload = await loadPayload(userPath(o.payload));
    } else {
      if (o.network === undefined) throw new CliError("--payload <file> or --network <name> is required");
      if (o.reason === undefined || o.reason.trim() === "") throw new CliError("--reason is required when building a payload: say why the exit is triggered");
      const hours = Number(o.deadlineHours);
      if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 14) throw new CliError("--deadline-hours must be a number of hours between 0 and 336");
      const file = (o.deployment === undefined ? deploymentFile(o.network) : userPath(o.deployment));
      const dep = await readDeployment(file);
      const ec = dep.contracts.ExitController;
      if (ec === undefined) throw new CliError(`${file} has no ExitController; deploy the stack first`);
      payload = buildTriggerExit({ chainId: dep.chainId, verifyingContract: ec.address, reason: o.reason, deadline: Math.floor(Date.now() / 1000 + hours * 3600) });
    }
    if (payload.deadline < Date.now() / 1000) throw new CliError(`the payload expired at ${new Date(payload.deadline * 1000).toISOString()}; build a new one`);
    const wallet = await loadWallet({ keyVar: o.keyVar, keystore: o.keystore === undefined ? undefined : userPath(o.keystore), passwordFile: o.passwordFile === undefined ? undefined : userPath(o.passwordFile) });
    const sig = await signTriggerExit(wallet, payload);
    const out = userPath(o.out ?? `${sig.signer}.sig.json`);
    await writeJson(out, sig);
    if (o.payloadOut !== undefined) await writeJson(userPath(o.payloadOut), payload);
    emit(o, `signed "${payload.reason}" (nonce ${payload.nonce}, chain ${payload.chainId}, expires ${new Date(payload.deadline * 1000).toISOString()}) as ${sig.signer}\n→ ${path.resolve(out)}${o.payloadOut ? `\npayload → ${userPath(o.payloadOut)}` : ""}`, { signatureFile: path.resolve(out), signer: sig.signer, payload });
  });

netOptions(program.command("submit").description("check the signature files against the on-chain council, report who signed and who is missing, and submit"))
  .requiredOption("--payload <file>", "the payload the officials signed")
  .requiredOption("--sig <paths...>", "signature files or directories of *.sig.json")
  .option("--dry-run", "check and report only", false)
  .action(async (o: NetOpts & { payload: string; sig: string[]; dryRun: boolean }) => {
    const stack = await openStack(o);
    const payload = await loadPayload(userPath(o.payload));
    const files = await loadSignatureFiles(o.sig.map(userPath));
    const chk = await checkSignatures(stack, payload, files);
    const lines = [`valid signatures: ${chk.valid.length} of ${chk.threshold} needed`, ...chk.valid.map((v) => `  ✓ ${v.signer}`), ...chk.problems.map((p) => `  ✗ ${p.source} (${p.signer}): ${p.reason}`), `missing: ${chk.missing.join(", ") || "none"}`];
    if (o.dryRun || !chk.enough) {
      emit(o, lines.join("\n"), { ...chk, submitted: false });
      if (!chk.enough) throw new CliError(`not enough valid signatures: ${chk.valid.length} of ${chk.threshold}; collect signatures from: ${chk.missing.join(", ")}`);
      return;
    }
    const hash = await submitExit(stack, payload, chk);
    emit(o, [...lines, `EXIT TRIGGERED by the council: transaction ${hash}`].join("\n"), { ...chk, submitted: true, txHash: hash });
  });

netOptions(program.command("trigger-auto").description("fire the automatic exit when the liveness SLA is breached; otherwise explain why not and when")).action(async (o: NetOpts) => {
  const stack = await openStack(o);
  const hash = await triggerAuto(stack);
  emit(o, `EXIT TRIGGERED automatically (SLA breached): transaction ${hash}`, { txHash: hash });
});

netOptions(program.command("force-include").description("force the delayed-queue head into the chain once its inclusion window has passed")).action(async (o: NetOpts) => {
  const stack = await openStack(o);
  const r = await forceIncludeHead(stack);
  emit(o, `forced ${r.included} message(s) into the canonical sequence: transaction ${r.txHash}`, r);
});

await runMain("exit", async () => {
  await program.parseAsync();
});
