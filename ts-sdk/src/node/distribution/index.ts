/** The national-scale distribution tools (Node only): streaming tree builder, proof store, proof HTTP service. */
export { DistributionCsvError, buildDistribution, sortRowsByKey, type BuildDistributionOptions, type BuildDistributionResult, type BuildProgress } from "./builder.js";
export { CSV_HEADER, DUMP_LIMIT, FILES as STORE_FILES, STORE_FORMAT, type StoreManifest } from "./format.js";
export { ProofStore, type StoredProof } from "./store.js";
export { serveProofs, type ProofServer, type ServeProofsOptions } from "./server.js";
