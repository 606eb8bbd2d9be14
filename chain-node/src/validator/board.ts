/**
 * Signature boards: where validators exchange their commitment signatures, keyed by the EIP-712 digest.
 * Any validator that sees enough valid signatures for a digest submits the commitment. A board is only a
 * mailbox: every signature read from it is verified before use, so a board cannot forge a commitment.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** One validator's signature over a digest. */
export interface BoardSignature {
  readonly signer: string;
  readonly signature: string;
}

/** A pluggable exchange of signatures between validators. */
export interface SignatureBoard {
  /** Publishes `sig` for `digest` (idempotent per signer: a later put replaces the signer's earlier one). */
  put(digest: string, sig: BoardSignature): Promise<void>;
  /** Every signature published for `digest` (unverified). */
  list(digest: string): Promise<BoardSignature[]>;
}

/** A malformed digest or signature given to a board. */
export class BoardInputError extends Error {
  override readonly name = "BoardInputError";
  readonly field: string;
  constructor(field: string, why: string) {
    super(`signature board: ${field} ${why}`);
    this.field = field;
  }
}

const DIGEST = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;
const SIGNATURE = /^0x([0-9a-f]{2})+$/;

function checked(digest: string, sig?: BoardSignature): { digest: string; sig?: BoardSignature } {
  const d = digest.toLowerCase();
  if (!DIGEST.test(d)) throw new BoardInputError("digest", "must be a 32-byte 0x-hex hash");
  if (sig === undefined) return { digest: d };
  const signer = sig.signer.toLowerCase();
  const signature = sig.signature.toLowerCase();
  if (!ADDRESS.test(signer)) throw new BoardInputError("signer", "must be a 20-byte 0x-hex address");
  if (!SIGNATURE.test(signature)) throw new BoardInputError("signature", "must be non-empty 0x-hex bytes");
  return { digest: d, sig: { signer, signature } };
}

/** A board in memory (validators in one process, tests). */
export class MemorySignatureBoard implements SignatureBoard {
  readonly #sigs = new Map<string, Map<string, BoardSignature>>();

  async put(digest: string, sig: BoardSignature): Promise<void> {
    const c = checked(digest, sig);
    let m = this.#sigs.get(c.digest);
    if (m === undefined) this.#sigs.set(c.digest, (m = new Map()));
    m.set(c.sig!.signer, c.sig!);
  }

  async list(digest: string): Promise<BoardSignature[]> {
    return [...(this.#sigs.get(checked(digest).digest)?.values() ?? [])];
  }
}

/**
 * A board in a directory (validators on one host, or on a shared or synced directory): one file per
 * signature, `<dir>/<digest>/<signer>.json`, written to a temporary name and renamed so readers never see
 * half a file. Files that do not parse are ignored.
 */
export class DirectorySignatureBoard implements SignatureBoard {
  readonly #dir: string;

  constructor(dir: string) {
    if (dir.length === 0) throw new BoardInputError("dir", "must be a directory path");
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  async put(digest: string, sig: BoardSignature): Promise<void> {
    const c = checked(digest, sig);
    const d = path.join(this.#dir, c.digest);
    mkdirSync(d, { recursive: true });
    const file = path.join(d, `${c.sig!.signer}.json`);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, JSON.stringify(c.sig));
    renameSync(tmp, file);
  }

  async list(digest: string): Promise<BoardSignature[]> {
    const d = path.join(this.#dir, checked(digest).digest);
    let names: string[];
    try {
      names = readdirSync(d).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    const out: BoardSignature[] = [];
    for (const n of names) {
      try {
        const v = JSON.parse(readFileSync(path.join(d, n), "utf8")) as { signer?: unknown; signature?: unknown };
        if (typeof v.signer === "string" && typeof v.signature === "string") out.push(checked(digest, { signer: v.signer, signature: v.signature }).sig!);
      } catch {
        // an unreadable or foreign file is not a signature
      }
    }
    return out;
  }
}
