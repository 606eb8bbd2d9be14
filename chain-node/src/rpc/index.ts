/** The L2 JSON-RPC: errors, parameter parsing, the method table and the HTTP server. */
export { RpcError, RpcErrorCode, invalidParam } from "./errors.ts";
export { DEFAULT_METHOD_OPTIONS, makeMethods, type Method, type MethodOptions } from "./methods.ts";
export { RpcServer, type RpcServerOptions } from "./server.ts";
export type { Json } from "./format.ts";
