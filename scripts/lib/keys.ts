/**
 * Where an official's key comes from. Never a file in the repository:
 * - a Hardhat configuration variable (an environment variable, or `npx hardhat keystore set NAME`), or
 * - an encrypted JSON keystore (password from KEYSTORE_PASSWORD or a password file).
 */
import { readFile } from "node:fs/promises";

import { Wallet, type HDNodeWallet } from "ethers";

import { CliError } from "./cli.ts";
import { hre } from "./network.ts";

export interface KeySource {
  readonly keyVar?: string;
  readonly keystore?: string;
  readonly passwordFile?: string;
}

/** Resolves a Hardhat configuration variable: environment first, then hardhat-keystore (which may prompt). */
export async function resolveConfigVariable(name: string): Promise<string> {
  const variable = { _type: "ConfigurationVariable" as const, name, format: "{variable}" };
  return hre.hooks.runHandlerChain("configurationVariables", "fetchValue", [variable], async (_ctx, v) => {
    const value = process.env[v.name];
    if (typeof value !== "string" || value.length === 0) {
      throw new CliError(`no key found in ${v.name}: export ${v.name}=0x… or store it with \`npx hardhat keystore set ${v.name}\``);
    }
    return value;
  });
}

/** Loads the signer's wallet (no provider: signing works off-line). */
export async function loadWallet(src: KeySource): Promise<Wallet | HDNodeWallet> {
  if (src.keystore !== undefined) {
    let json: string;
    try {
      json = await readFile(src.keystore, "utf8");
    } catch (e) {
      throw new CliError(`--keystore ${src.keystore}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let password = process.env.KEYSTORE_PASSWORD;
    if (src.passwordFile !== undefined) password = (await readFile(src.passwordFile, "utf8")).replace(/\r?\n$/, "");
    if (password === undefined) throw new CliError("--keystore needs its password: set KEYSTORE_PASSWORD or pass --password-file <file>");
    try {
      return await Wallet.fromEncryptedJson(json, password);
    } catch (e) {
      throw new CliError(`--keystore ${src.keystore}: cannot decrypt it (${(e as Error).message.split("\n")[0]}); check the password`);
    }
  }
  const name = src.keyVar ?? "COUNCIL_KEY";
  const raw = (await resolveConfigVariable(name)).trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(raw)) throw new CliError(`${name} is not a 32-byte hex private key`);
  return new Wallet(raw.startsWith("0x") ? raw : `0x${raw}`);
}
