import * as assert from 'assert';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { analyzePath, diskHost } from '../../server/src/workspace/batch';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { fixturesDir, walk } from './helpers';

const PROJECT = path.join(fixturesDir, 'workspaces', 'kustomize-project');
const at = (...p: string[]) => path.join(PROJECT, ...p);

/** `file:line:rule` for every finding of a scan of the whole project, as `seaworthy check` runs it. */
async function check(): Promise<string[]> {
  const config = defaultConfig();
  const files = walk(PROJECT);
  const host = diskHost(config, undefined, files);
  const out: string[] = [];
  for (const f of files) for (const x of (await analyzePath(f, config, host)).findings) out.push(`${path.relative(PROJECT, f)}:${x.range.start.line + 1}:${x.ruleId}`);
  return out;
}

describe('Kubernetes folders and Kustomize as one project', () => {
  let found: string[];
  before(async () => { found = await check(); });
  const of = (rule: string) => found.filter((f) => f.endsWith(`:${rule}`));

  it('an autoscaler in a sibling file owns the replica count (minReplicas 3): no single-replica, no "1 of 1" rollout', () => {
    assert.deepStrictEqual(of('single-replica'), []);
    assert.deepStrictEqual(of('unsafe-rollout-strategy'), []);
  });

  it('a PodDisruptionBudget in a sibling file protects its workload; one without a budget is still reported', () => {
    assert.deepStrictEqual(of('missing-disruption-budget'), ['base/workers.yaml:22:missing-disruption-budget', 'overlays/prod/replicas.yaml:7:missing-disruption-budget']);
  });

  it('generated Secrets and ConfigMaps are defined, an init container\'s own Secret is not dangling, a typo still is', () => {
    assert.deepStrictEqual(of('dangling-config-reference'), ['base/deployment.yaml:41:dangling-config-reference']);
  });

  it('a kustomize patch is a partial object: what it leaves out is not judged, the replicas it sets are (with the base\'s budgets)', () => {
    // mailer: 4 replicas and no budget anywhere; worker: 5 replicas, protected by the base's budget.
    assert.deepStrictEqual(found.filter((f) => f.startsWith('overlays/')), ['overlays/prod/replicas.yaml:7:missing-disruption-budget']);
  });

  it('the workspace index sees the same project (editor and report)', async () => {
    const ix = new WorkspaceIndex({ roots: [PROJECT], config: defaultConfig() });
    await ix.scan();
    const rules = (f: string) => (ix.result(at(...f.split('/')))?.findings ?? []).map((x) => `${x.range.start.line + 1}:${x.ruleId}`);
    assert.ok(!rules('base/deployment.yaml').some((r) => /single-replica|unsafe-rollout|dangling/.test(r) && !r.startsWith('41:')));
    assert.deepStrictEqual(rules('base/workers.yaml').filter((r) => r.endsWith('missing-disruption-budget')), ['22:missing-disruption-budget']);
    assert.deepStrictEqual(rules('overlays/prod/replicas.yaml'), ['7:missing-disruption-budget']);
  });
});
