/**
 * Node-only helpers (`@sovereign-stack/sdk/node`): reading deployment records from files, and the national-scale
 * distribution builder, proof store and proof service. Kept apart so that
 * nothing browser-facing reaches `node:fs`.
 */
import { readFile } from "node:fs/promises";

import type { ContractRunner } from "ethers";

import { connect as connectRecord, type ConnectOptions, type Stack } from "./clients.js";
import { parseDeployment, type Deployment } from "./deployment.js";
import { InvalidInputError, check } from "./errors.js";

/**
 * Reads and validates a deployment file.
 * @param path the path of `deployments/<network>.json`
 * @throws InvalidInputError (field `path`) when the file cannot be read, naming how to create it
 */
export async function readDeployment(path: string): Promise<Deployment> {
  check(typeof path === "string" && path.length > 0, "path", "must be the path of a deployments/<network>.json file");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new InvalidInputError("path", `cannot read ${path} (${(e as { code?: string }).code ?? (e as Error).message}); run \`npm run deploy -- --network <name>\` first`, { cause: e });
  }
  return parseDeployment(text);
}

/**
 * {@link connectRecord | connect}, also accepting the path of a deployment file.
 * @param runner a signer (to send transactions) or provider (read-only)
 * @param deployment a parsed deployment, its JSON text, or the path of `deployments/<network>.json`
 * @param options see {@link ConnectOptions}
 */
export async function connect(runner: ContractRunner, deployment: Deployment | string, options: ConnectOptions = {}): Promise<Stack> {
  const dep = typeof deployment === "string" && !deployment.trimStart().startsWith("{") ? await readDeployment(deployment) : deployment;
  return connectRecord(runner, dep, options);
}

export * from "./node/distribution/index.js";
