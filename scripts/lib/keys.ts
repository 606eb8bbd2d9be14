/**
 * Where a key comes from. Never a file in the repository:
 * - `--private-key-env VAR`: an environment variable, nothing else;
 * - `--key-var NAME` (or the command's default, COUNCIL_KEY / RELAYER_KEY): the environment variable NAME, or the
 *   Hardhat keystore entry NAME (`npx hardhat keystore set NAME`) when a person is there to type its password;
 * - `--keystore FILE`: an encrypted JSON keystore (password from KEYSTORE_PASSWORD or --password-file).
 * A non-interactive run (no terminal on stdin, or CI=true) never prompts: it fails with what to export instead.
 */
import { readFile } from "node:fs/promises";

import { Wallet, type HDNodeWallet } from "ethers";

import { CliError, UsageError } from "./cli.ts";
import { isInteractive } from "./networks.ts";

export interface KeySource {
  readonly keyVar?: string;
  readonly privateKeyEnv?: string;
  readonly keystore?: string;
  readonly passwordFile?: string;
}

/** Whether the operator named a key source explicitly (rather than relying on the default variable). */
export function explicitKey(src: KeySource): boolean {
  return src.keyVar !== undefined || src.privateKeyEnv !== undefined || src.keystore !== undefined;
}

/** Looks NAME up in the Hardhat keystore (prompts for its password). Only call it in an interactive run. */
export async function resolveKeystoreVariable(name: string): Promise<string | undefined> {
  const { hre } = await import("./network.ts");
  const variable = { _type: "ConfigurationVariable" as const, name, format: "{variable}" };
  try {
    return await hre.hooks.runHandlerChain("configurationVariables", "fetchValue", [variable], async () => {
      throw new CliError(`__missing__`);
    });
  } catch (e) {
    if ((e as Error).message === "__missing__") return undefined;
    throw e;
  }
}

/** Resolves a configuration variable: the environment first; the Hardhat keystore only in an interactive run. */
export async function resolveConfigVariable(name: string): Promise<string> {
  const value = process.env[name];
  if (typeof value === "string" && value.length > 0) return value;
  if (!isInteractive()) {
    throw new CliError(
      `no key found in ${name}: it is not set in the environment, and a non-interactive run (no terminal, or CI) does not prompt for the Hardhat keystore password; export ${name}=0x… in the environment (or use --keystore FILE with KEYSTORE_PASSWORD)`,
    );
  }
  const stored = await resolveKeystoreVariable(name);
  if (stored === undefined) throw new CliError(`no key found in ${name}: export ${name}=0x… or store it with \`npx hardhat keystore set ${name}\``);
  return stored;
}

function walletFrom(name: string, raw: string): Wallet {
  const k = raw.trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(k)) throw new CliError(`${name} is not a 32-byte hex private key`);
  return new Wallet(k.startsWith("0x") ? k : `0x${k}`);
}

/** Loads the signer's wallet (no provider: signing works off-line). `defaultVar` applies when no source is named. */
export async function loadWallet(src: KeySource, defaultVar = "COUNCIL_KEY"): Promise<Wallet | HDNodeWallet> {
  const named = [src.keyVar, src.privateKeyEnv, src.keystore].filter((x) => x !== undefined).length;
  if (named > 1) throw new UsageError("give one key source: --private-key-env VAR, --key-var NAME or --keystore FILE");
  if (src.keystore !== undefined) {
    let json: string;
    try {
      json = await readFile(src.keystore, "utf8");
    } catch (e) {
      throw new CliError(`--keystore ${src.keystore}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let password = process.env.KEYSTORE_PASSWORD;
    if (src.passwordFile !== undefined) {
      try {
        password = (await readFile(src.passwordFile, "utf8")).replace(/\r?\n$/, "");
      } catch (e) {
        throw new CliError(`--password-file ${src.passwordFile}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    if (password === undefined) throw new CliError("--keystore needs its password: set KEYSTORE_PASSWORD or pass --password-file <file>");
    try {
      return await Wallet.fromEncryptedJson(json, password);
    } catch (e) {
      throw new CliError(`--keystore ${src.keystore}: cannot decrypt it (${(e as Error).message.split("\n")[0]}); check the password`);
    }
  }
  if (src.privateKeyEnv !== undefined) {
    const v = process.env[src.privateKeyEnv];
    if (v === undefined || v === "") throw new CliError(`no key found in ${src.privateKeyEnv}: export ${src.privateKeyEnv}=0x…`);
    return walletFrom(src.privateKeyEnv, v);
  }
  const name = src.keyVar ?? defaultVar;
  return walletFrom(name, await resolveConfigVariable(name));
}
