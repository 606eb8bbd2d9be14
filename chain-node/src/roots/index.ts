/** The roots a commitment carries besides the L2 state root: the exit root and the identity root. */
import type { RootsProvider } from "../validator/validator.ts";
import { exitTree } from "./exit.ts";
import { identityRoot } from "./identity.ts";

export { escapeBalances, exitTree, type ExitTreeView } from "./exit.ts";
export { IDENTITY_LEAF_TYPES, identityRoot, identityTree, type IdentityTreeView } from "./identity.ts";
export { L2StateError, readHoldings, readIssuerRoots, readWithdrawals, type BridgedHolding, type L2Withdrawal } from "./l2state.ts";

/** The {@link RootsProvider} over the L2 bridge and identity registry predeploys. */
export const computeRoots: RootsProvider = async (engine) => ({ exitRoot: (await exitTree(engine)).root, identityRoot: await identityRoot(engine) });
