/**
 * Indexing without write gas: builds indexes by subject, issuer and schema from the registry's logs.
 * Only logs emitted by the registry's own address count, so a hook's look-alike events are ignored, and each
 * attestation's uid is recomputed from its content.
 */
import { Interface, getAddress, isAddress, type Log, type Provider } from "ethers";

import { attestationRegistryEventsAbi } from "../abi/events.js";
import { check, guard } from "../errors.js";
import { encodeSubject } from "./subject.js";
import { attestationUid, type Attestation } from "./types.js";
import type { Address, Hex } from "../types.js";

/** An indexed attestation with its revocation state and provenance. */
export interface IndexedAttestation extends Attestation {
  /** Chain time of the revocation, or null. */
  readonly revokedAt: bigint | null;
  readonly blockNumber: bigint;
  readonly txHash: Hex;
}

const iface = new Interface(attestationRegistryEventsAbi);

/** An in-memory index of one registry's attestations. */
export class AttestationIndex {
  private readonly byUid = new Map<string, IndexedAttestation>();
  private readonly epochs = new Map<string, bigint>();
  /** Logs ignored because they came from another address or failed the uid check. */
  rejected = 0;

  private constructor(readonly registry: string) {}

  /** Builds the index from logs (any order; sorted by block and index here). */
  static fromLogs(registryAddress: string, logs: readonly Log[]): AttestationIndex {
    check(typeof registryAddress === "string" && isAddress(registryAddress), "registryAddress", "must be the registry's 0x-prefixed 20-byte address");
    const idx = new AttestationIndex(getAddress(registryAddress));
    idx.add(logs);
    return idx;
  }

  /** Fetches the registry's logs in a block range and builds the index. */
  static async fromChain(provider: Provider, registryAddress: string, range: { fromBlock?: number; toBlock?: number | "latest" } = {}): Promise<AttestationIndex> {
    check(typeof registryAddress === "string" && isAddress(registryAddress), "registryAddress", "must be the registry's 0x-prefixed 20-byte address");
    const logs = await guard(() => provider.getLogs({ address: registryAddress, fromBlock: range.fromBlock ?? 0, toBlock: range.toBlock ?? "latest" }));
    return AttestationIndex.fromLogs(registryAddress, logs);
  }

  /** Adds more logs (e.g. from later blocks). */
  add(logs: readonly Log[]): void {
    const sorted = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    for (const log of sorted) {
      if (getAddress(log.address) !== this.registry) {
        this.rejected++;
        continue;
      }
      const parsed = iface.parseLog(log);
      if (parsed === null) continue;
      if (parsed.name === "Attested") {
        const [uid, schema, attester, subject, time, expirationTime, refUID, data] = parsed.args as unknown as [Hex, Hex, string, Hex, bigint, bigint, Hex, Hex];
        const content = { schema, attester: getAddress(attester) as Address, subject, time, expirationTime, refUID, data };
        if (attestationUid(content) !== uid) {
          this.rejected++;
          continue;
        }
        this.byUid.set(uid, { uid, ...content, revokedAt: null, blockNumber: BigInt(log.blockNumber), txHash: log.transactionHash as Hex });
      } else if (parsed.name === "Revoked") {
        const [uid, , time] = parsed.args as unknown as [string, string, bigint];
        const a = this.byUid.get(uid);
        if (a !== undefined) this.byUid.set(uid, { ...a, revokedAt: time });
      } else if (parsed.name === "EpochRevoked") {
        const [attester, schema, before] = parsed.args as unknown as [string, string, bigint];
        this.epochs.set(`${getAddress(attester)}:${schema}`, before);
      }
    }
  }

  /** Number of attestations indexed. */
  get size(): number {
    return this.byUid.size;
  }

  /** One attestation by uid. */
  get(uid: string): IndexedAttestation | undefined {
    return this.byUid.get(uid);
  }

  /** All attestations about a subject (address, DID or id). */
  bySubject(subject: string): IndexedAttestation[] {
    const enc = encodeSubject(subject);
    return [...this.byUid.values()].filter((a) => a.subject.toLowerCase() === enc);
  }

  /** All attestations by an issuer. */
  byIssuer(attester: string): IndexedAttestation[] {
    check(typeof attester === "string" && isAddress(attester), "attester", "must be a 0x-prefixed 20-byte address");
    const who = getAddress(attester);
    return [...this.byUid.values()].filter((a) => a.attester === who);
  }

  /** All attestations under a schema. */
  bySchema(schema: string): IndexedAttestation[] {
    check(typeof schema === "string", "schema", "must be a schema id");
    return [...this.byUid.values()].filter((a) => a.schema === schema.toLowerCase() || a.schema === schema);
  }

  /** The epoch revocation time of an issuer under a schema (0 = none). */
  revokedBefore(attester: string, schema: string): bigint {
    check(typeof attester === "string" && isAddress(attester), "attester", "must be a 0x-prefixed 20-byte address");
    return this.epochs.get(`${getAddress(attester)}:${schema}`) ?? 0n;
  }

  /** The registry's isValid, computed from logs at time `now` (unix seconds). */
  isValid(uid: string, now: bigint): boolean {
    const a = this.byUid.get(uid);
    if (a === undefined || a.revokedAt !== null) return false;
    if (a.expirationTime !== 0n && a.expirationTime <= now) return false;
    return a.time >= this.revokedBefore(a.attester, a.schema);
  }
}
