/**
 * The SDK as a browser package: the public entry points bundle with platform=browser, reach no `node:` built-in and
 * no contract bytecode, and `rollup` + `attestation` stay within a size budget. Peer and runtime dependencies
 * (ethers, @openzeppelin/merkle-tree, ...) are external: an app bundles and dedupes them itself.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { build, type Metafile } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "ts-sdk", "package.json"), "utf8")) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
const EXTERNAL = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)].flatMap((d) => [d, `${d}/*`]);
/** Budget for `@sovereign-stack/sdk/rollup` + `@sovereign-stack/sdk/attestation`, minified. */
const BUDGET = 60 * 1024;

async function bundle(imports: string): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    stdin: { contents: `${imports}\nglobalThis.sdk = m;`, resolveDir: ROOT, sourcefile: "entry.js" },
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
    metafile: true,
    external: EXTERNAL,
  });
  expect(result.errors).to.deep.equal([]);
  return { code: result.outputFiles[0]!.text, metafile: result.metafile };
}

function nodeBuiltins(m: Metafile): string[] {
  const imported = Object.values(m.inputs).flatMap((i) => i.imports.map((x) => x.path));
  return [...Object.keys(m.inputs), ...imported].filter((p) => /^node:|^(fs|path|os|child_process|crypto|url)(\/|$)/.test(p));
}

describe("SDK browser bundle", function () {
  this.timeout(60_000);

  it(`rollup + attestation bundle minified within ${BUDGET / 1024} KB, with no node: built-in`, async () => {
    const { code, metafile } = await bundle(
      `import * as rollup from "@sovereign-stack/sdk/rollup"; import * as attestation from "@sovereign-stack/sdk/attestation"; const m = { rollup, attestation };`,
    );
    const size = Buffer.byteLength(code);
    console.log(`      rollup + attestation: ${(size / 1024).toFixed(1)} KB minified`);
    expect(nodeBuiltins(metafile)).to.deep.equal([]);
    expect(size).to.be.at.most(BUDGET);
  });

  it("the root export bundles for a browser: no node: built-in, no bytecode, no typechain factories", async () => {
    const { code, metafile } = await bundle(`import * as m from "@sovereign-stack/sdk";`);
    expect(nodeBuiltins(metafile)).to.deep.equal([]);
    expect(Object.keys(metafile.inputs).filter((i) => i.includes("typechain"))).to.deep.equal([]);
    // Creation bytecode starts with the free-memory-pointer preamble 0x6080604052 (or 0x60a0/0x60c0... with immutables).
    expect(code).to.not.match(/0x60[0-9a-f]{2}604052/);
    expect(code).to.not.match(/readFile\(/);
  });

  it("./abi exports only ABIs (no bytecode) and ./node is the only entry that reads files", async () => {
    const abi = await bundle(`import * as m from "@sovereign-stack/sdk/abi";`);
    expect(abi.code).to.not.match(/0x60[0-9a-f]{2}604052|"bytecode"/);
    expect(nodeBuiltins(abi.metafile)).to.deep.equal([]);
    const result = await build({
      stdin: { contents: `import * as m from "@sovereign-stack/sdk/node"; globalThis.m = m;`, resolveDir: ROOT, sourcefile: "entry.js" },
      bundle: true,
      platform: "node",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
      external: EXTERNAL,
    });
    expect(Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path))).to.include("node:fs/promises");
  });
});
