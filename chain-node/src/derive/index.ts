/** Derivation from L1 alone: the pure batch planner and the deriver that applies batches to an engine. */
export { MAX_L2_TIMESTAMP, messageData, planBatch, type BatchPlan, type DerivedBlock, type PayloadOf, type PlanContext } from "./plan.ts";
export { DerivationInputError, Deriver, storedHeader, type BatchDerivation, type DeriverOptions, type DeriverPosition } from "./deriver.ts";
