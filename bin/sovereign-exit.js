#!/usr/bin/env node
// The exit tool: see scripts/exit/cli.ts and README "Outage runbook".
import { launch } from "./launch.js";

await launch("scripts/exit/cli.ts");
