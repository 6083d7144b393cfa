import { defineRule, RuleContext } from '../../engine/rule';
import type { ComposeModel } from '../../model/compose';
import type { KubernetesModel } from '../../model/kubernetes';
import { DATASTORE_CLIENTS, identifyDatastore, RunFacts } from '../../knowledge/datastores';
import type { EnvEntry } from '../../model/common';
import { isSlowStopper } from '../../knowledge/lifecycle';
import { programOf } from '../../knowledge/shell';
import { appendToMap } from '../backing-services/yaml-edit';
import { composeOneShot, longRunningWorkload, serviceImage } from '../backing-services/service-facts';
import { serviceCommands } from '../../knowledge/container-commands';

function facts(env: EnvEntry[], words: string[]): RunFacts {
  return { env: new Map(env.map((e) => [e.name, e.dynamic || e.valueFrom ? undefined : e.value])), words };
}

function checkCompose(model: ComposeModel, ctx: RuleContext): void {
  if (model.templated) return;
  for (const s of model.services) {
    if (s.raw.has('stop_grace_period') || s.raw.has('extends') || composeOneShot(model, s, ctx)) continue;
    const image = serviceImage(s, ctx);
    const cmds = serviceCommands(model, s);
    const prog = cmds.map(programOf).find(Boolean);
    if (!image || (prog && DATASTORE_CLIENTS.has(prog.name))) continue;
    const match = identifyDatastore(image, facts(s.environment, cmds.flatMap((c) => c.words.map((w) => w.text))), ctx.settings.dataDirectories);
    if (!match || !(isSlowStopper(match.id) || match.id in ctx.settings.dataDirectories)) continue;
    ctx.report({
      range: s.keyRange,
      message: `Service "${s.name}" runs ${match.label} with Compose's default 10-second stop timeout: a shutdown that flushes buffers or checkpoints takes longer, is cut off by SIGKILL, and the next start has to recover (or repair) its data. Set \`stop_grace_period\` (e.g. 1m).`,
      fix: () => {
        const edit = appendToMap(model.source, s.raw, ['stop_grace_period: 1m']);
        return edit && { title: `Give "${s.name}" one minute to stop`, safety: 'safe', edits: [edit] };
      },
    });
  }
}

function checkKubernetes(model: KubernetesModel, ctx: RuleContext): void {
  for (const obj of model.objects) {
    if (!longRunningWorkload(obj, ctx)) continue;
    const pod = obj.workload!.podSpec;
    if (pod.raw.has('terminationGracePeriodSeconds')) continue;
    for (const c of pod.containers) {
      if (!c.image || c.raw.get('lifecycle')?.has('preStop')) continue;
      const words = [...c.command, ...c.args].map((l) => l.value);
      const prog = words[0]?.split('/').pop();
      if (prog && DATASTORE_CLIENTS.has(prog)) continue;
      const match = identifyDatastore(c.image, facts(c.env, words), ctx.settings.dataDirectories);
      if (!match || !(isSlowStopper(match.id) || match.id in ctx.settings.dataDirectories)) continue;
      ctx.report({
        range: c.nameRange,
        message: `Container "${c.name}" in ${obj.kind} "${obj.name ?? ''}" runs ${match.label} with the default 30-second termination grace period: Kubernetes always sends SIGTERM (the image's STOPSIGNAL is ignored), and a shutdown that waits for clients or flushes data is cut off by SIGKILL, leaving recovery for the next start. Set \`terminationGracePeriodSeconds\` (e.g. 120) or a preStop hook that stops it quickly.`,
        fix: () => {
          const edit = appendToMap(model.source, pod.raw, ['terminationGracePeriodSeconds: 120']);
          return edit && { title: 'Allow 120 seconds for shutdown', safety: 'safe', edits: [edit] };
        },
      });
      break;
    }
  }
}

export default defineRule({
  id: 'slow-shutdown-without-grace',
  title: 'Datastore stopped with the default grace period',
  category: 'observability',
  principle: 'disposability',
  severity: 'info',
  set: 'strict', setReason: 'Policy: the default 10 s grace period is enough for most datastores under light load; raising it is advice for busy ones.',
  fix: 'safe',
  peers: {},
  docs: {
    why: 'On stop, the platform sends a signal and, after a grace period, SIGKILL: 10 seconds in Compose, 30 in Kubernetes. Databases and brokers may need longer to finish transactions, flush buffers and write a checkpoint; PostgreSQL\'s reaction to SIGTERM ("smart" shutdown) even waits for every client to disconnect, which pooled connections never do. Killed mid-shutdown, the next start replays or repairs its data, slowly and sometimes not at all.',
    bad: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n    volumes:\n      - db-data:/var/lib/postgresql/data' },
    good: { lang: 'yaml', code: 'services:\n  db:\n    image: postgres:16.2\n    stop_grace_period: 1m\n    volumes:\n      - db-data:/var/lib/postgresql/data' },
    notes: 'Flags persistent datastores whose clean shutdown takes time (recognised as in database-without-volume: PostgreSQL, MySQL, MariaDB, MongoDB, Redis with AOF/RDB, Elasticsearch, OpenSearch, RabbitMQ, Cassandra, Kafka, Redpanda, SQL Server, ClickHouse, Neo4j, CockroachDB, CouchDB, InfluxDB, and in-house images from `dataDirectories`; caches, MinIO, Prometheus, etcd, NATS and RethinkDB are skipped) without Compose `stop_grace_period` or Kubernetes `terminationGracePeriodSeconds`; a container with a `preStop` hook is assumed to handle its own shutdown. Any value written counts as a decision. Clients run from datastore images, one-shot services, Jobs, CronJobs and Helm-templated objects are skipped. Fixes add `stop_grace_period: 1m` or `terminationGracePeriodSeconds: 120` (longer waits only delay a stop that would otherwise be cut short). Rule set: strict. Advice: the default grace period is enough for most small databases (docs/precision.md).',
  },
  check: { compose: checkCompose, kubernetes: checkKubernetes },
});
