/**
 * The L2 genesis file of the chain CLI: read with the node's own parser (`parseGenesisDocument`, the one place the
 * format is defined), its errors turned into the CLI's. The escape tools need it to open a node's data directory
 * (the directory refuses any other genesis).
 */
import { readFile } from "node:fs/promises";

import { GenesisFormatError, parseGenesisDocument, type GenesisConfig } from "@sovereign-stack/node";

import { CliError } from "../lib/cli.ts";

export { genesisToJson } from "@sovereign-stack/node";

/** Reads and checks a genesis file. */
export async function readGenesisFile(file: string): Promise<GenesisConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read the genesis file ${file}: ${(e as Error).message}`);
  }
  try {
    return parseGenesisDocument(text, file);
  } catch (e) {
    if (e instanceof GenesisFormatError) throw new CliError(e.message);
    throw e;
  }
}
