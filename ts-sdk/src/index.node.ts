/**
 * The root export as Node sees it (package.json `exports["."].node`): the browser-safe root plus the file helpers of
 * `@sovereign-stack/sdk/node`, whose `connect` also takes the path of a deployment file.
 */
export * from "./index.js";
export { connect, readDeployment } from "./node.js";
