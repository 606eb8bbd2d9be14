#!/usr/bin/env node
// The deploy tool: see scripts/deploy.ts and README "Deploying to a real network".
import { launch } from "./launch.js";

await launch("scripts/deploy.ts");
