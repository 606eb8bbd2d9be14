/**
 * A hashing worker of {@link HashPool}: one instance of the kernel module the main thread compiled and checked;
 * posts one message when ready, then one per job done.
 */
import { parentPort, workerData } from "node:worker_threads";

import { runHashJob, type HashJob } from "./hash-job.js";
import type { HashWorkerData } from "./hash-pool.js";
import { KeccakKernel } from "./keccak-kernel.js";

const data = workerData as HashWorkerData;
const port = parentPort;
if (port === null) throw new Error("hash-worker.js runs as a worker thread of the tree builder");
const kernel = await KeccakKernel.instantiate(data.kernel, data.batch * (96 + 32));
const tree = new Uint8Array(data.tree);
const slots = data.slots.map((s) => new Uint8Array(s));

port.on("message", (job: HashJob) => {
  runHashJob(kernel, data.batch, tree, slots, job);
  port.postMessage(0);
});
port.postMessage(0);
