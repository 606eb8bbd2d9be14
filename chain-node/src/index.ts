/**
 * @sovereign-stack/node — the chain node: one program in three roles (sequencer, standby, validator).
 * The engine, the log and the roles are added module by module; see README "Running the chain".
 */
export const NODE_PACKAGE = "@sovereign-stack/node";
