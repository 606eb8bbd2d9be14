export * from "./sla.js";
export * from "./exit.js";
export * from "./commitment.js";
export * from "./escape.js";
export * from "./inbox.js";
export * from "./governance.js";
export * from "./refund.js";
export * from "./council.js";
export { send, signerOf, type SendOptions } from "../send.js";
