/**
 * The exit tool's commands (loaded by scripts/exit/cli.ts only when a command runs). Chain logic lives in
 * commands.ts, shared with the demo drill and the tests.
 */
import { access } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline/promises";

import { Contract, getAddress, isAddress, isHexString, type Signer } from "ethers";
import {
  EXIT_SIGNATURE_KIND,
  buildTriggerExit,
  exitSignatureToJson,
  connect,
  parseExitSignature,
  prepareTriggerExitAuto,
  readDeployment,
  signTriggerExit,
  triggerExitDigest,
  triggerExitTypedData,
  triggerExitToJson,
  type Deployment,
  type ExitSignatureFile,
  type Stack,
  type TriggerExitPayload,
} from "@sovereign-stack/sdk";

import { CliError, UsageError, emit, info, toJson, userPath } from "../lib/cli.ts";
import { explicitKey, loadWallet, type KeySource } from "../lib/keys.ts";
import { isInteractive, RELAYER_KEY_VAR } from "../lib/networks.ts";
import { deploymentPath, openRpc, resolveEndpoint, type Rpc } from "../lib/rpc.ts";
import {
  checkSignatures,
  forceIncludeHead,
  formatStatus,
  loadPayload,
  readSignatureFiles,
  statusReport,
  submitExit,
  triggerAuto as fireAutoTrigger,
  statusJson,
  writeJson,
} from "./commands.ts";

interface NetOpts {
  network?: string;
  rpcUrl?: string;
  deployment?: string;
  timeout?: string;
  json: boolean;
}
type WalletOpts = KeySource;

/** Key options with paths resolved against the directory the operator typed them in. */
const keySource = (o: WalletOpts): KeySource => ({
  keyVar: o.keyVar,
  privateKeyEnv: o.privateKeyEnv,
  keystore: o.keystore === undefined ? undefined : userPath(o.keystore),
  passwordFile: o.passwordFile === undefined ? undefined : userPath(o.passwordFile),
});

const iso = (t: number | bigint) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");

async function loadRecord(file: string): Promise<Deployment> {
  try {
    await access(file);
  } catch {
    throw new CliError(`no deployment record at ${file}: deploy the stack first (sovereign-deploy) or pass --deployment <file>`);
  }
  return readDeployment(file);
}

interface Chain {
  readonly rpc: Rpc;
  readonly stack: Stack;
  /** How to name this chain in a hint: `--network <name>` or `--rpc-url <url>`. */
  readonly target: string;
}

/** Connects read-only (no key), prints the header line, and checks the record against the chain. */
async function openChain(o: NetOpts): Promise<Chain> {
  const ep = await resolveEndpoint(o);
  const rpc = await openRpc(ep, (l) => console.error(l));
  info(o, `network ${rpc.name} (chain ${rpc.chainId}) via ${rpc.host}`);
  const file = await deploymentPath(o, rpc, rpc.chainId);
  // connect() checks every recorded address holds its contract and names a stale one (a reset chain)
  const stack = await connect(rpc.provider, await loadRecord(file));
  const target = (o.network !== undefined ? `--network ${o.network}` : "--rpc-url <url>") + (o.deployment !== undefined ? ` --deployment ${o.deployment}` : "");
  return { rpc, stack, target };
}

/** The account that pays the gas: the named key, RELAYER_KEY, or on localhost the node's first unlocked account. */
async function sender(o: WalletOpts & NetOpts, chain: Chain): Promise<Signer> {
  const useNodeAccount = chain.rpc.name === "localhost" && !explicitKey(o) && (process.env[RELAYER_KEY_VAR] ?? "") === "";
  const signer: Signer = useNodeAccount ? await chain.rpc.provider.getSigner(0) : (await loadWallet(keySource(o), RELAYER_KEY_VAR)).connect(chain.rpc.provider);
  info(o, `paying gas from ${await signer.getAddress()}${useNodeAccount ? " (the local node's first account)" : ""}`);
  return signer;
}

/** Fails at once when an irreversible send cannot be confirmed (no --yes, nobody at a terminal). */
function confirmationPossible(o: { yes?: boolean }, what: string): void {
  if (o.yes !== true && !isInteractive()) {
    throw new UsageError(`${what} is irreversible: pass --yes to confirm it (this run has no terminal to ask on)`);
  }
}

async function confirm(o: { yes?: boolean }, question: string): Promise<void> {
  if (o.yes === true) return;
  confirmationPossible(o, question);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} This cannot be undone. Type "yes" to continue: `);
    if (answer.trim().toLowerCase() !== "yes") throw new UsageError("not confirmed: nothing was sent");
  } finally {
    rl.close();
  }
}

const progress = (o: { json: boolean }) => (hash: string) => info(o, `sent ${hash}, waiting for confirmation…`);

export async function status(o: NetOpts & { payload?: string; sig?: string[] }): Promise<void> {
  if (o.sig !== undefined && o.payload === undefined) throw new UsageError("--sig needs --payload <file>: the payload the signatures are for");
  const chain = await openChain(o);
  const payload = o.payload === undefined ? null : await loadPayload(userPath(o.payload));
  const { files, rejected } = payload === null ? { files: [], rejected: [] } : await readSignatureFiles((o.sig ?? []).map(userPath));
  const report = await statusReport(chain.stack, payload, files, rejected);
  emit(o, formatStatus(report, chain.target), { command: "status", network: { name: chain.rpc.name, chainId: chain.rpc.chainId, rpcHost: chain.rpc.host }, ...statusJson(report) });
}

async function refuseOverwrite(file: string, force: boolean, flag: string): Promise<void> {
  if (force) return;
  try {
    await access(file);
  } catch {
    return;
  }
  throw new CliError(`${file} already exists: refusing to overwrite it (pass --force, or choose another ${flag})`);
}

/** Council membership, when the chain can be reached. */
async function assertMember(chain: Chain | null, member: string): Promise<void> {
  if (chain === null) return;
  const [members] = await chain.stack.contracts.ExitController.council();
  const set = members.map((m) => getAddress(m));
  if (!set.includes(getAddress(member))) {
    throw new CliError(`${member} is not a member of the exit council on chain ${chain.rpc.chainId} (members: ${set.join(", ")}); check the key or --safe address`);
  }
}

export async function sign(
  o: NetOpts &
    WalletOpts & { payload?: string; reason?: string; deadlineHours: string; payloadOut?: string; out?: string; force: boolean; safe?: string; digestOnly: boolean; signature?: string },
): Promise<void> {
  if (o.signature !== undefined && o.safe === undefined) throw new UsageError("--signature needs --safe <address>: only a Safe (ERC-1271) member brings its own signature bytes");
  if (o.safe !== undefined && !isAddress(o.safe)) throw new UsageError(`--safe ${o.safe} is not an address`);
  if (o.signature !== undefined && (!isHexString(o.signature) || o.signature.length < 132)) throw new UsageError("--signature must be the Safe's signature bytes in hex (0x…, at least 65 bytes)");
  if (o.safe !== undefined && !o.digestOnly && o.signature === undefined) throw new UsageError("with --safe, pass --digest-only (print what the Safe's owners sign) or --signature <hex> (write the Safe's signature file)");
  if (o.payload !== undefined && o.reason !== undefined) throw new UsageError("give either --payload (sign an existing payload) or --reason (build a new one), not both");
  const online = o.network !== undefined || o.rpcUrl !== undefined;
  if (o.payload === undefined) {
    if (!online && o.deployment === undefined) throw new UsageError("--payload <file> (sign an existing payload) or --network <name> with --reason (build one) is required");
    if (o.reason === undefined || o.reason.trim() === "") throw new UsageError("--reason is required when building a payload: say why the exit is triggered");
  }
  const hours = Number(o.deadlineHours);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 14) throw new UsageError("--deadline-hours must be a number of hours between 0 and 336");

  // The chain, when it can be reached: membership is checked there. Signing itself stays off-line.
  let chain: Chain | null = null;
  if (online) {
    try {
      chain = await openChain(o);
    } catch (e) {
      if ((e as Error).name !== "CliError" || o.payload === undefined) throw e;
      console.error(`warning: ${(e as Error).message}; council membership is not checked (signing off-line)`);
    }
  }
  let payload: TriggerExitPayload;
  if (o.payload !== undefined) {
    payload = await loadPayload(userPath(o.payload));
    if (chain !== null && (payload.chainId !== BigInt(chain.rpc.chainId) || getAddress(payload.verifyingContract) !== chain.stack.address("ExitController"))) {
      throw new CliError(`the payload is for chain ${payload.chainId}, ExitController ${payload.verifyingContract}; this network is chain ${chain.rpc.chainId}, ExitController ${chain.stack.address("ExitController")}`);
    }
  } else {
    const dep = chain?.stack.deployment ?? (await loadRecord(o.deployment !== undefined ? userPath(o.deployment) : await deploymentPath(o, { name: o.network ?? "custom" }, null)));
    const ec = dep.contracts.ExitController;
    if (ec === undefined) throw new CliError(`the deployment record for ${dep.network} has no ExitController; deploy the stack first`);
    payload = buildTriggerExit({ chainId: dep.chainId, verifyingContract: ec.address, reason: o.reason!, deadline: Math.floor(Date.now() / 1000 + hours * 3600) });
  }
  if (Number(payload.deadline) < Date.now() / 1000) throw new CliError(`the payload expired at ${iso(payload.deadline)}; build a new one`);
  const digest = triggerExitDigest(payload);
  const payloadOut = o.payloadOut === undefined ? undefined : userPath(o.payloadOut);
  if (payloadOut !== undefined) await refuseOverwrite(payloadOut, o.force, "--payload-out");
  const about = `"${payload.reason}" (nonce ${payload.nonce}, chain ${payload.chainId}, ExitController ${payload.verifyingContract}, expires ${iso(payload.deadline)})`;

  if (o.digestOnly) {
    if (o.safe !== undefined) await assertMember(chain, o.safe);
    if (payloadOut !== undefined) await writeJson(payloadOut, triggerExitToJson(payload));
    const typed = triggerExitTypedData(payload);
    const typedData = { domain: typed.domain, types: { EIP712Domain: [{ name: "name", type: "string" }, { name: "version", type: "string" }, { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" }], ...typed.types }, primaryType: "TriggerExit", message: typed.message };
    emit(
      o,
      [
        `payload ${about}`,
        `EIP-712 digest: ${digest}`,
        ...(o.safe !== undefined
          ? [
              `Safe ${getAddress(o.safe)}: its owners sign this TriggerExit typed data as a Safe message (Safe app → WalletConnect eth_signTypedData_v4, or the Safe SDK);`,
              `once the threshold of owners signed, run: sovereign-exit sign --payload <payload.json> --safe ${getAddress(o.safe)} --signature <the Safe's signature bytes>`,
            ]
          : []),
        `typed data (eth_signTypedData_v4):`,
        toJson(typedData),
        ...(payloadOut !== undefined ? [`payload → ${payloadOut}`] : []),
      ].join("\n"),
      { command: "sign", digest, typedData, payload: triggerExitToJson(payload), payloadFile: payloadOut ?? null },
    );
    return;
  }

  let sig: ExitSignatureFile;
  if (o.safe !== undefined) {
    const safe = getAddress(o.safe);
    await assertMember(chain, safe);
    if (chain !== null) {
      const code = await chain.rpc.provider.getCode(safe);
      if (code === "0x") throw new CliError(`${safe} holds no code on chain ${chain.rpc.chainId}: it is not a Safe (sign with its key instead)`);
      const erc1271 = new Contract(safe, ["function isValidSignature(bytes32,bytes) view returns (bytes4)"], chain.rpc.provider);
      let magic = "0x";
      try {
        magic = (await erc1271.getFunction("isValidSignature")(digest, o.signature!)) as string;
      } catch {
        magic = "0x";
      }
      if (magic.toLowerCase() !== "0x1626ba7e") throw new CliError(`the Safe ${safe} rejects this signature for digest ${digest} (ERC-1271 isValidSignature); have its owners sign exactly this payload`);
    }
    sig = parseExitSignature({ kind: EXIT_SIGNATURE_KIND, payload, signer: safe, signature: o.signature });
  } else {
    const wallet = await loadWallet(keySource(o), "COUNCIL_KEY");
    await assertMember(chain, wallet.address);
    sig = await signTriggerExit(wallet, payload);
  }
  const out = userPath(o.out ?? `${sig.signer}.sig.json`);
  await refuseOverwrite(out, o.force, "--out");
  await writeJson(out, exitSignatureToJson(sig));
  if (payloadOut !== undefined) await writeJson(payloadOut, triggerExitToJson(payload));
  const checked = chain === null ? "not checked against the council (off-line)" : `a member of the council on chain ${chain.rpc.chainId}`;
  emit(
    o,
    [`signed ${about} as ${sig.signer} (${checked})`, `EIP-712 digest: ${digest}  (compare it out of band with the other officials)`, `→ ${path.resolve(out)}`, ...(payloadOut !== undefined ? [`payload → ${payloadOut}`] : [])].join("\n"),
    { command: "sign", signatureFile: path.resolve(out), signer: sig.signer, digest, memberChecked: chain !== null, payload: triggerExitToJson(payload), payloadFile: payloadOut ?? null },
  );
}

export async function submit(o: NetOpts & WalletOpts & { payload: string; sig: string[]; dryRun: boolean; yes: boolean }): Promise<void> {
  if (!o.dryRun) confirmationPossible(o, "submitting the council exit");
  const chain = await openChain(o);
  const payload = await loadPayload(userPath(o.payload));
  const { files, rejected } = await readSignatureFiles(o.sig.map(userPath));
  const chk = await checkSignatures(chain.stack, payload, files);
  const problems = [...rejected, ...chk.problems];
  const lines = [`valid signatures: ${chk.valid.length} of ${chk.threshold} needed`, ...chk.valid.map((v) => `  ✓ ${v.signer}`), ...problems.map((p) => `  ✗ ${p.source} (${p.signer}): ${p.reason}`), `missing: ${chk.missing.join(", ") || "none"}`];
  const report = { command: "submit", network: { name: chain.rpc.name, chainId: chain.rpc.chainId, rpcHost: chain.rpc.host }, valid: chk.valid, problems, missing: chk.missing, threshold: Number(chk.threshold), enough: chk.enough };
  if (!chk.enough) {
    if (!o.json) console.log(lines.join("\n"));
    throw new CliError(`not enough valid signatures: ${chk.valid.length} of ${chk.threshold}; collect signatures from: ${chk.missing.join(", ")}`, { ...report, submitted: false });
  }
  if (o.dryRun) {
    emit(o, [...lines, "dry run: nothing submitted"].join("\n"), { ...report, submitted: false });
    return;
  }
  if (!o.json) console.log(lines.join("\n"));
  await confirm(o, `Trigger the exit of the rollup on ${chain.rpc.name} (chain ${chain.rpc.chainId}) with ${chk.threshold} council signatures?`);
  const signer = await sender(o, chain);
  const hash = await submitExit(await connect(signer, chain.stack.deployment), payload, chk, progress(o));
  emit(o, `EXIT TRIGGERED by the council: transaction ${hash}`, { ...report, submitted: true, txHash: hash });
}

export async function triggerAuto(o: NetOpts & WalletOpts & { yes: boolean }): Promise<void> {
  confirmationPossible(o, "triggering the automatic exit");
  const chain = await openChain(o);
  await prepareTriggerExitAuto(chain.stack); // NotYetError (exit code 3) with when it opens, before any prompt
  await confirm(o, `Trigger the automatic exit of the rollup on ${chain.rpc.name} (chain ${chain.rpc.chainId})?`);
  const signer = await sender(o, chain);
  const hash = await fireAutoTrigger(await connect(signer, chain.stack.deployment), progress(o));
  emit(o, `EXIT TRIGGERED automatically (SLA breached): transaction ${hash}`, { command: "trigger-auto", network: { name: chain.rpc.name, chainId: chain.rpc.chainId, rpcHost: chain.rpc.host }, txHash: hash });
}

export async function forceInclude(o: NetOpts & WalletOpts): Promise<void> {
  const chain = await openChain(o);
  const signer = await sender(o, chain);
  const r = await forceIncludeHead(await connect(signer, chain.stack.deployment), progress(o));
  emit(o, `forced ${r.included} message(s) into the canonical sequence: transaction ${r.txHash}`, { command: "force-include", network: { name: chain.rpc.name, chainId: chain.rpc.chainId, rpcHost: chain.rpc.host }, included: Number(r.included), txHash: r.txHash });
}
