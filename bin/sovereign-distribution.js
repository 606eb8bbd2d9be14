#!/usr/bin/env node
// The distribution tool (tree build, proofs, proof service): see scripts/distribution.ts and README "Distribution".
import { launch } from "./launch.js";

await launch("scripts/distribution.ts");
