/**
 * A log writer in its own process, for the etcd chaos tests and the etcd bench (driven by scripts/lib/etcd-writer.ts): it campaigns for
 * the leader key of a log prefix, then runs several concurrent clients that each append one uniquely named tx
 * entry at a time. It prints one JSON line per event on stdout:
 *   {"ev":"campaigning"}                 started, campaigning
 *   {"ev":"leader"}                      elected
 *   {"ev":"ack","id":"A.2.17","seq":"41"} an append resolved (the entry is durable at seq)
 *   {"ev":"err","reason":"leader"}       an append was refused or failed (reason: leader | seq | not-written | unknown | other)
 *   {"ev":"lost","why":"..."}            the term ended
 * A refused payload is never retried under the same id, so an id in the log twice would be a log bug.
 *
 * node scripts/lib/etcd-writer-main.ts <hosts,comma,separated> <prefix> <name> [clients=4] [pauseMs=5]
 */
import { CommitError, EtcdLeadership, EtcdLog, FencingError, connectEtcd, etcdLogKeys } from "../../chain-node/src/log/index.ts";

const [hostsArg, prefix, name, clientsArg = "4", pauseArg = "5"] = process.argv.slice(2);
if (hostsArg === undefined || prefix === undefined || name === undefined) {
  process.stderr.write("usage: etcd-writer-main.ts <hosts> <prefix> <name> [clients] [pauseMs]\n");
  process.exit(2);
}
const emit = (o: Record<string, string>) => process.stdout.write(JSON.stringify(o) + "\n");

const client = connectEtcd({ hosts: hostsArg.split(","), callTimeoutMs: 1000 });
const leadership = new EtcdLeadership({ client, key: etcdLogKeys(prefix).leader, candidate: name, ttlSeconds: 2 });
leadership.onLost((why) => emit({ ev: "lost", why }));
emit({ ev: "campaigning" });
await leadership.campaign();
emit({ ev: "leader" });
const log = await EtcdLog.open({ client, prefix, leadership, commitTimeoutMs: 1000, resolveTimeoutMs: 2000 });

const pauseMs = Number(pauseArg);
async function run(c: number): Promise<never> {
  for (let n = 0; ; n++) {
    const id = `${name}.${c}.${n}`;
    try {
      const r = await log.append([{ kind: "tx", raw: new TextEncoder().encode(id) }]);
      emit({ ev: "ack", id, seq: r.firstSeq.toString() });
      await new Promise((res) => setTimeout(res, pauseMs));
    } catch (e) {
      const reason = e instanceof FencingError ? e.reason : e instanceof CommitError ? e.outcome : "other";
      emit({ ev: "err", reason, msg: (e as Error).message.slice(0, 200) });
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}
await Promise.all(Array.from({ length: Number(clientsArg) }, (_, c) => run(c)));
