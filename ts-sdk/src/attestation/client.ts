/**
 * A typed client over the deployed registry contracts: register, attest (single, batch, delegated), revoke,
 * epoch-revoke, cancel delegated signatures, validate, and read attestation content back from receipts.
 */
import { getAddress, isAddress, isHexString, type ContractRunner, type ContractTransactionReceipt, type ContractTransactionResponse, type Signer } from "ethers";

import { TransactionFailedError, check, guard } from "../errors.js";
import type { Address, Hex } from "../types.js";
import type { AttestationRegistry, AttestationSchemaRegistry } from "../typechain/index.js";
import { registryDomain, type Delegation, type Eip712Domain } from "./eip712.js";
import { normalizeSchema, type SchemaDefinition } from "./schema.js";
import { buildRequest, type AttestInput, type Attestation, type AttestationRequest } from "./types.js";

function isSigner(runner: ContractRunner | null): runner is Signer {
  return runner !== null && typeof (runner as Partial<Signer>).getAddress === "function";
}

/** Waits for a transaction, mapping any failure to the SDK's errors (reverts decoded). */
async function mined(tx: Promise<ContractTransactionResponse>, contract = "AttestationRegistry"): Promise<ContractTransactionReceipt> {
  return guard(async () => {
    const sent = await tx;
    const receipt = await sent.wait();
    if (receipt === null) throw new TransactionFailedError({ hash: sent.hash as Hex, reason: "was dropped" });
    return receipt;
  }, { contract });
}

/** Refuses anything but a 32-byte hex uid, before it reaches ethers. */
function checkUid(uid: unknown, field = "uid"): asserts uid is string {
  check(typeof uid === "string" && isHexString(uid, 32), field, "must be a 32-byte (0x + 64 hex digits) attestation uid");
}

/** The result of an attesting transaction. */
export interface AttestResult {
  readonly attestations: Attestation[];
  readonly receipt: ContractTransactionReceipt;
}

/** Typed access to AttestationRegistry and AttestationSchemaRegistry. */
export class AttestationClient {
  constructor(
    readonly registry: AttestationRegistry,
    readonly schemas: AttestationSchemaRegistry,
  ) {}

  /** Registers a schema; returns its id. */
  async registerSchema(def: SchemaDefinition, name = "", description = ""): Promise<{ uid: string; receipt: ContractTransactionReceipt }> {
    const s = normalizeSchema(def);
    const receipt = await mined(this.schemas.register(s, name, description), "AttestationSchemaRegistry");
    const log = receipt.logs.map((l) => this.schemas.interface.parseLog(l)).find((p) => p?.name === "SchemaRegistered");
    return { uid: log!.args[0] as string, receipt };
  }

  /** The attestations a receipt of this registry carries. */
  attestationsIn(receipt: ContractTransactionReceipt): Attestation[] {
    const me = getAddress(this.registry.target as string);
    const out: Attestation[] = [];
    for (const l of receipt.logs) {
      if (getAddress(l.address) !== me) continue;
      const p = this.registry.interface.parseLog(l);
      if (p?.name !== "Attested") continue;
      const [uid, schema, attester, subject, time, expirationTime, refUID, data] = p.args as unknown as [Hex, Hex, string, Hex, bigint, bigint, Hex, Hex];
      out.push({ uid, schema, attester: getAddress(attester) as Address, subject, time, expirationTime, refUID, data });
    }
    return out;
  }

  /** Attests as the connected signer. */
  async attest(input: AttestInput): Promise<AttestResult & { attestation: Attestation }> {
    const r = buildRequest(input);
    const receipt = await mined(this.registry.attest(r, { value: r.value }));
    const attestations = this.attestationsIn(receipt);
    return { attestations, attestation: attestations[0]!, receipt };
  }

  /** Attests several (across schemas) in one transaction. */
  async multiAttest(inputs: readonly AttestInput[]): Promise<AttestResult> {
    check(Array.isArray(inputs) && inputs.length > 0, "requests", "must be a non-empty array");
    const rs = inputs.map(buildRequest);
    const value = rs.reduce((s, r) => s + r.value, 0n);
    const receipt = await mined(this.registry.multiAttest(rs, { value }));
    return { attestations: this.attestationsIn(receipt), receipt };
  }

  /** Submits a delegated attestation (the caller relays; the signer is recorded as attester). */
  async attestBySig(request: AttestationRequest, delegation: Delegation): Promise<AttestResult & { attestation: Attestation }> {
    const receipt = await mined(this.registry.attestBySig(request, delegation, { value: request.value }));
    const attestations = this.attestationsIn(receipt);
    return { attestations, attestation: attestations[0]!, receipt };
  }

  /** Revokes one attestation of the connected signer. */
  async revoke(uid: string, options: { value?: bigint; hookData?: string } = {}): Promise<ContractTransactionReceipt> {
    checkUid(uid);
    return mined(this.registry.revoke(uid, options.hookData ?? "0x", { value: options.value ?? 0n }));
  }

  /** Revokes several attestations of the connected signer. */
  async multiRevoke(uids: readonly string[]): Promise<ContractTransactionReceipt> {
    check(Array.isArray(uids) && uids.length > 0, "uids", "must be a non-empty array");
    uids.forEach((u, i) => checkUid(u, `uids[${i}]`));
    return mined(this.registry.multiRevoke([...uids]));
  }

  /** Submits a delegated revocation. */
  async revokeBySig(uid: string, delegation: Delegation): Promise<ContractTransactionReceipt> {
    checkUid(uid);
    return mined(this.registry.revokeBySig(uid, delegation));
  }

  /** Revokes every attestation of the signer under `schema` issued before `before` (unix seconds). */
  async revokeIssuedBefore(schema: string, before: bigint): Promise<ContractTransactionReceipt> {
    return mined(this.registry.revokeIssuedBefore(schema, before));
  }

  /** exists ∧ not revoked ∧ not expired ∧ not epoch-revoked. */
  async isValid(uid: string): Promise<boolean> {
    checkUid(uid);
    return guard(() => this.registry.isValid(uid), { contract: "AttestationRegistry" });
  }

  /** The registry's EIP-712 domain. */
  domain(): Promise<Eip712Domain> {
    return guard(() => registryDomain(this.registry), { contract: "AttestationRegistry" });
  }

  /** The next delegation nonce of `signer`. */
  async nonce(signer: string): Promise<bigint> {
    check(typeof signer === "string" && isAddress(signer), "signer", "must be a 0x-prefixed 20-byte address");
    return guard(() => this.registry.nonces(signer), { contract: "AttestationRegistry" });
  }

  /**
   * Cancels every outstanding delegated signature of the connected signer with a nonce below `newNonce`, without
   * using them. Defaults to the current nonce + 1 (cancels the one signature that could be relayed next).
   */
  async increaseNonce(newNonce?: bigint): Promise<ContractTransactionReceipt> {
    let target = newNonce;
    if (target === undefined) {
      const runner = this.registry.runner;
      check(isSigner(runner), "registry", "must be connected to a signer to cancel its delegations");
      target = (await this.nonce(await runner.getAddress())) + 1n;
    }
    check(typeof target === "bigint" && target > 0n && target < 1n << 128n, "newNonce", "must be a bigint above the current nonce and below 2^128");
    return mined(this.registry.increaseNonce(target));
  }
}
