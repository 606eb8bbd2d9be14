#!/usr/bin/env node
// The chain tool: see scripts/chain.ts and README "Escaping without the operator".
import { launch } from "./launch.js";

await launch("scripts/chain.ts");
