/**
 * The SDK identity module bundles for a browser: no Node built-in (fs, path, ...) is reachable from it,
 * snarkjs resolves to its browser build, and nothing is read at import time.
 */
import path from "node:path";

import { expect } from "chai";
import { build } from "esbuild";

import { ROOT } from "./fixture.ts";

describe("identity SDK in a browser bundle", function () {
  this.timeout(60_000);
  it("bundles with platform=browser and no Node built-ins", async () => {
    const result = await build({
      stdin: {
        contents: `import * as identity from "./ts-sdk/dist/identity/index.js"; globalThis.sdk = identity;`,
        resolveDir: ROOT,
        sourcefile: "entry.js",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    });
    expect(result.errors).to.deep.equal([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes(path.join("snarkjs", "build", "browser")))).to.equal(true);
    expect(inputs.filter((i) => /^(node:)?(fs|path|os|child_process)$/.test(i))).to.deep.equal([]);
  });
});
