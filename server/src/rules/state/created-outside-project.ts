import { defineRule } from '../../engine/rule';
import { isNonProductionPath } from '../../knowledge/environments';

/** Top-level sections whose `external` entries hold something the project cannot recreate by itself. */
const SECTIONS: Record<string, { what: string; how: string }> = {
  volumes: { what: 'Volume', how: 'its data must be restored from a backup into a volume created by hand' },
  secrets: { what: 'Secret', how: 'its value must be created by hand (`docker secret create`) before the stack starts' },
  configs: { what: 'Config', how: 'it must be created by hand (`docker config create`) before the stack starts' },
};

export default defineRule({
  id: 'created-outside-project',
  title: 'Resource created outside the project',
  category: 'state',
  principle: 'disaster-recovery',
  severity: 'info',
  fix: 'none',
  // Advice for the recovery runbook: the project may create the resource with a script the rule cannot see.
  set: 'strict',
  setReason: 'Advice rather than a hazard: on the precision sample every external volume was created by the project\'s install script or README step, where the file cannot show it (docs/precision-operations.md).',
  peers: {},
  docs: {
    why: 'An `external: true` volume, secret or config is not created by `docker compose up` or `docker stack deploy`: someone made it by hand on the original host. Rebuilding the environment on a new host after a failure then depends on steps the repository does not record, and the stack refuses to start until they are redone.',
    bad: { lang: 'yaml', code: 'volumes:\n  pgdata:\n    external: true' },
    good: { lang: 'yaml', code: 'volumes:\n  pgdata:\n    name: myapp_pgdata   # created by Compose; restore it from the backup' },
    notes: 'Reported on `external: true` under the top-level `volumes`, `secrets` and `configs` (networks are left alone: an external network holds no data and is recreated with one command). Keep the resource external when it is shared between stacks, and write down how to recreate it (a script or the runbook): then suppress the finding with that reason. Files under test, CI, development and example paths are skipped.',
  },
  check: {
    compose(model, ctx) {
      if (isNonProductionPath(ctx.path, (p) => ctx.fileExists(p)) || !model.root) return;
      for (const [section, words] of Object.entries(SECTIONS)) {
        for (const entry of model.root.get(section)?.entries() ?? []) {
          const external = entry.value.get('external');
          const flag = external?.bool();
          // `external: {name: x}` is the pre-3.4 spelling of an external resource.
          if (!external || (flag ? !flag.value : !external.isMap) || flag?.dynamic) continue;
          ctx.report({
            range: entry.value.keyRange('external') ?? entry.keyRange,
            message: `${words.what} "${entry.key}" is external: it is created outside this project, so on a new host ${words.how}. Script or document its creation, or let Compose create it.`,
          });
        }
      }
    },
  },
});
