import { rmSync } from "node:fs";
import { buildDistribution } from "@sovereign-stack/sdk/node";
rmSync("/tmp/dt/q", { recursive: true, force: true });
const r = await buildDistribution({ csv: "/tmp/dt/q.csv", out: "/tmp/dt/q", onProgress: (p) => console.log(p.phase, p.elapsedMs.toFixed(0)) , progressEvery: 50000});
console.log(r.ms);
